"""The worker's half of an upload: re-encode a ``processing`` item and make it ready, or mark it
failed with a reason its owner reads. Runs in a Celery task (catalog.tasks.process_media) in
the marketplace's schema, never in a request.

The decoding, re-encoding and file writes happen before any lock is taken; the item is then
locked (owner first, as every media write does) and moved only if it is still ``processing``:
an item deleted meanwhile leaves nothing behind, since the files just written are removed
again. The private original is removed after the commit in both outcomes.
"""

from __future__ import annotations

from contextlib import closing

from django.db import transaction

from catalog.media.images import inspect_image, process_image
from catalog.media.services import (
    delete_files,
    has_primary,
    lock_owner,
    refresh_completeness,
    store_processed,
)
from catalog.media.thumbnails import render_thumbnails
from catalog.models import Listing, MediaItem, ProviderProfile
from config.errors import InvalidInput
from tenants.db import connection

GENERIC_FAILURE = "This image could not be processed; please upload it again."
MAX_REASON = MediaItem._meta.get_field("failure_reason").max_length or 300


def media_process(*, media_id: int) -> str:
    """Process one ``processing`` item; returns what became of it ("ready", "failed" or
    "skipped" when it is gone or no longer processing). Safe to run twice."""
    item = MediaItem.objects.filter(pk=media_id, status=MediaItem.Status.PROCESSING).first()
    if item is None:
        return "skipped"
    schema = connection.schema_name
    written: list[str] = []
    try:
        with item.original.open("rb") as original:
            data = original.read()
        # The limits are judged again: they may have been lowered since the upload.
        with closing(process_image(data, inspect_image(data))) as checked:
            thumbnails = render_thumbnails(checked.image) if checked.image is not None else {}
            written = store_processed(item, checked, thumbnails)
    except InvalidInput as exc:
        return _media_fail(media_id=media_id, reason=exc.message)
    except Exception:
        delete_files(written, schema=schema)
        _media_fail(media_id=media_id, reason=GENERIC_FAILURE)
        raise
    try:
        return _media_ready(item, written=written)
    except BaseException:
        delete_files(written, schema=schema)
        raise


def _owner(item: MediaItem) -> ProviderProfile | Listing | None:
    if item.profile_id is not None:
        return ProviderProfile.objects.filter(pk=item.profile_id).first()
    return Listing.objects.filter(pk=item.listing_id or 0).first()


def _media_ready(item: MediaItem, *, written: list[str]) -> str:
    schema = connection.schema_name
    with transaction.atomic():
        owner = _owner(item)
        if owner is not None:
            lock_owner(owner)
        locked = MediaItem.objects.select_for_update().filter(pk=item.pk).first()
        if owner is None or locked is None or locked.status != MediaItem.Status.PROCESSING:
            transaction.on_commit(lambda: delete_files(written, schema=schema))
            return "skipped"
        original = locked.original.name or ""
        locked.file = item.file.name
        locked.thumbnails = item.thumbnails
        locked.content_type, locked.size_bytes = item.content_type, item.size_bytes
        locked.width, locked.height = item.width, item.height
        locked.status, locked.original = MediaItem.Status.READY, ""
        locked.is_primary = not has_primary(owner)
        locked.save()
        refresh_completeness(owner)
        storage = MediaItem.original.field.storage
        transaction.on_commit(lambda: delete_files([original], schema=schema, storage=storage))
    return "ready"


def _media_fail(*, media_id: int, reason: str) -> str:
    """Mark a still-processing item failed and remove its private original after commit."""
    schema = connection.schema_name
    with transaction.atomic():
        locked = (
            MediaItem.objects.select_for_update()
            .filter(pk=media_id, status=MediaItem.Status.PROCESSING)
            .first()
        )
        if locked is None:
            return "skipped"
        original = locked.original.name or ""
        locked.status, locked.original = MediaItem.Status.FAILED, ""
        locked.failure_reason = reason[:MAX_REASON]
        locked.save(update_fields=["status", "original", "failure_reason"])
        storage = MediaItem.original.field.storage
        transaction.on_commit(lambda: delete_files([original], schema=schema, storage=storage))
    return "failed"

"""The worker's half of an upload: re-encode a ``processing`` item and make it ready, or mark it
failed with a reason its owner reads. Runs in a Celery task (catalog.tasks.process_media) in
the marketplace's schema, never in a request.

The decoding, re-encoding and file writes happen before any lock is taken; the item is then
locked (owner first, as every media write does) and moved only if it is still ``processing``:
an item deleted meanwhile leaves nothing behind, since the files just written are removed
again. The private original is removed after the commit in both outcomes.

The task is sent after the upload commits; if the broker was down then, or the worker died
with the message, nothing sends it again but ``media_requeue_stuck``, which a beat task runs
in every marketplace: an item still ``processing`` SOUK_MEDIA_PROCESS_RETRY_SECONDS after its
last send is sent again, up to SOUK_MEDIA_PROCESS_MAX_ATTEMPTS sends, then marked failed.
"""

from __future__ import annotations

from contextlib import closing
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.media.images import inspect_image, process_image
from catalog.media.thumbnails import render_thumbnails
from catalog.models import Listing, MediaItem, ProviderProfile
from catalog.services.media import (
    delete_files,
    has_primary,
    lock_owner,
    media_processing_queue,
    refresh_completeness,
    store_processed,
)
from config.errors import InvalidInput
from tenants.db import connection

GENERIC_FAILURE = "This image could not be processed; please upload it again."
MAX_REASON = MediaItem._meta.get_field("failure_reason").max_length or 300
STUCK_FAILURE = "This image could not be processed in time; please upload it again."
# Items handled by one sweep; the next sweep takes the rest.
SWEEP_BATCH = 500


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


def media_requeue_stuck(*, now: datetime | None = None) -> dict[str, int]:
    """Send the processing task again for this marketplace's items still ``processing`` long
    after it was last sent; fail those sent SOUK_MEDIA_PROCESS_MAX_ATTEMPTS times already.
    Returns how many were "requeued", "failed" and "skipped" (finished meanwhile)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SOUK_MEDIA_PROCESS_RETRY_SECONDS)
    stuck = MediaItem.objects.filter(
        status=MediaItem.Status.PROCESSING, process_queued_at__lt=cutoff
    ).order_by("pk")
    outcomes = {"requeued": 0, "failed": 0, "skipped": 0}
    for media_id in list(stuck.values_list("pk", flat=True)[:SWEEP_BATCH]):
        outcomes[_media_requeue(media_id=media_id, cutoff=cutoff, now=now)] += 1
    return outcomes


def _media_requeue(*, media_id: int, cutoff: datetime, now: datetime) -> str:
    with transaction.atomic():
        # Skip a row a worker is finishing right now: it is not stuck.
        locked = (
            MediaItem.objects.select_for_update(skip_locked=True)
            .filter(pk=media_id, status=MediaItem.Status.PROCESSING, process_queued_at__lt=cutoff)
            .first()
        )
        if locked is None:
            return "skipped"
        if locked.process_attempts < settings.SOUK_MEDIA_PROCESS_MAX_ATTEMPTS:
            locked.process_attempts += 1
            locked.process_queued_at = now
            locked.save(update_fields=["process_attempts", "process_queued_at"])
            # A worker that still runs an earlier send is harmless: media_process is safe twice.
            media_processing_queue(locked.pk)
            return "requeued"
    return _media_fail(media_id=media_id, reason=STUCK_FAILURE)

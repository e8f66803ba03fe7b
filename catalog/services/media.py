"""Writes for media: add, reorder, choose the primary item, delete.

Every write locks the owner row (profile or listing) first, so position and primary choices of
one owner are made one at a time. Files are written before the row inside the transaction and
removed again if anything fails; deleted items lose their files only after the commit.
Animations and large images are finished by a worker (catalog.media.processing).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from contextlib import closing

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, tenant_context

from catalog.media.images import ImageInfo, inspect_image, needs_worker, process_image
from catalog.media.thumbnails import render_thumbnails, thumbnail_name
from catalog.media.validation import CheckedUpload, check_video, read_upload
from catalog.models import Listing, MediaItem, ProviderProfile
from catalog.selectors.media import MediaOwner, can_manage_media, media_list, owner_filter
from config.errors import (
    BusinessRuleViolation,
    InvalidInput,
    NotAllowed,
    NotFound,
    StateConflict,
)
from tenants.db import connection

MAX_CAPTION = 200


def _require_manager(owner: MediaOwner, actor) -> None:
    if not can_manage_media(owner=owner, actor=actor):
        raise NotAllowed(_("Only the provider who owns this, or staff, may change its media."))


def lock_owner(owner: MediaOwner) -> None:
    model = ProviderProfile if isinstance(owner, ProviderProfile) else Listing
    if not model.objects.select_for_update().filter(pk=owner.pk).exists():
        raise NotFound(_("The owner of this media no longer exists."))


def delete_files(names: Iterable[str], *, schema: str, storage: Storage | None = None) -> None:
    # The storage prefixes paths with the current schema, so delete inside the owner's one.
    storage = storage or default_storage
    with schema_context(schema):
        for name in names:
            if name:
                storage.delete(name)


def refresh_completeness(owner: MediaOwner) -> None:
    # Photos count towards a profile's completeness, which the profile services own.
    if isinstance(owner, ProviderProfile):
        from catalog.services.profiles import profile_completeness_refresh

        profile_completeness_refresh(profile=ProviderProfile.objects.get(pk=owner.pk))


def _delete_item_files(item: MediaItem, *, schema: str) -> None:
    delete_files([item.file.name or "", *item.thumbnails.values()], schema=schema)
    delete_files([item.original.name or ""], schema=schema, storage=item.original.storage)


def _check_caption(caption: str) -> str:
    caption = (caption or "").strip()
    if len(caption) > MAX_CAPTION:
        raise InvalidInput(
            _("A caption has at most %(limit)s characters.") % {"limit": MAX_CAPTION},
            details={"caption": [_("At most %(limit)s characters.") % {"limit": MAX_CAPTION}]},
        )
    return caption


def _new_item(owner: MediaOwner, **fields) -> MediaItem:
    """An unsaved item placed last; the caller holds the owner's lock. Failed items do not
    count towards the limit: their files are gone and the owner may only delete them."""
    existing = media_list(owner=owner)
    if (
        existing.exclude(status=MediaItem.Status.FAILED).count()
        >= settings.SOUK_MAX_MEDIA_PER_OWNER
    ):
        raise BusinessRuleViolation(
            _("At most %(limit)s photos and videos each.")
            % {"limit": settings.SOUK_MAX_MEDIA_PER_OWNER},
            code="too_many_media",
            details={"max_items": settings.SOUK_MAX_MEDIA_PER_OWNER},
        )
    last_position = existing.aggregate(last=Max("position"))["last"]
    return MediaItem(
        **owner_filter(owner),
        position=0 if last_position is None else last_position + 1,
        **fields,
    )


def has_primary(owner: MediaOwner) -> bool:
    return media_list(owner=owner).filter(is_primary=True).exists()


def store_processed(item: MediaItem, checked: CheckedUpload, thumbnails: dict[str, bytes]):
    """Write the processed file and its thumbnails into the public storage and fill the item's
    fields (not saved); returns the names written, for removal if anything fails later."""
    stored: list[str] = []
    try:
        item.file.save(f"{uuid.uuid4().hex}.{checked.extension}", File(checked.content), save=False)
        file_name = item.file.name
        assert file_name is not None  # set by save()
        stored.append(file_name)
        for size_name, data in thumbnails.items():
            saved = item.file.storage.save(thumbnail_name(file_name, size_name), ContentFile(data))
            stored.append(saved)
            item.thumbnails[size_name] = saved
    except BaseException:
        delete_files(stored, schema=connection.schema_name)
        raise
    item.content_type, item.size_bytes = checked.content_type, checked.size_bytes
    item.width, item.height = checked.width, checked.height
    return stored


def _render(checked: CheckedUpload) -> dict[str, bytes]:
    # Rendered before anything is written: a thumbnail failure leaves no trace.
    if checked.image is None:
        return {}
    try:
        return render_thumbnails(checked.image)
    except (OSError, ValueError) as exc:
        raise InvalidInput(
            _("This image could not be processed: %(reason)s") % {"reason": exc},
            code="corrupt_image",
        ) from None


def media_add(*, owner: MediaOwner, upload, actor, caption: str = "") -> MediaItem:
    """Validate ``upload`` by its content and add it last.

    Videos and small still images are stored ready, with thumbnails. Animations and larger
    images pass every limit from their headers here, and are stored privately as
    ``processing`` for a worker to re-encode (``media_process``): the request never decodes
    them. The first ready item of an owner becomes its primary one. A refused upload stores
    nothing.
    """
    _require_manager(owner, actor)
    caption = _check_caption(caption)
    kind, content, size = read_upload(upload)
    with closing(content):
        if kind == MediaItem.Kind.VIDEO:
            return _add_ready(owner, check_video(content, size), caption=caption)
        data = content.read()
    info = inspect_image(data)
    if needs_worker(info):
        return _add_processing(owner, data, info, caption=caption)
    checked = process_image(data, info)
    with closing(checked):
        return _add_ready(owner, checked, caption=caption)


def _add_ready(owner: MediaOwner, checked: CheckedUpload, *, caption: str) -> MediaItem:
    thumbnails = _render(checked)
    stored: list[str] = []
    schema = connection.schema_name
    try:
        with transaction.atomic():
            lock_owner(owner)
            item = _new_item(owner, kind=checked.kind, caption=caption)
            stored = store_processed(item, checked, thumbnails)
            item.is_primary = not has_primary(owner)
            item.save()
            refresh_completeness(owner)
    except BaseException:
        delete_files(stored, schema=schema)
        raise
    return item


def _add_processing(owner: MediaOwner, data: bytes, info: ImageInfo, *, caption: str) -> MediaItem:
    stored = ""
    schema = connection.schema_name
    try:
        with transaction.atomic():
            lock_owner(owner)
            item = _new_item(
                owner,
                kind=MediaItem.Kind.IMAGE,
                status=MediaItem.Status.PROCESSING,
                content_type=info.content_type,
                size_bytes=len(data),
                width=info.width,
                height=info.height,
                caption=caption,
            )
            item.original.save(
                f"{uuid.uuid4().hex}.{info.extension}", ContentFile(data), save=False
            )
            stored = item.original.name or ""
            item.save()
            refresh_completeness(owner)
            media_processing_queue(item.pk)
    except BaseException:
        delete_files([stored], schema=schema, storage=MediaItem.original.field.storage)
        raise
    return item


def media_processing_queue(item_id: int) -> None:
    # Sent after the commit, from the marketplace active now: the message carries its schema
    # even if the caller (a command provisioning several marketplaces) has switched since.
    # Robust: the upload is committed; a broker that is down is logged, not a 500 for it.
    tenant = connection.tenant

    def send() -> None:
        from catalog.tasks import process_media

        with tenant_context(tenant):
            process_media.delay(item_id)

    transaction.on_commit(send, robust=True)


def media_reorder(*, owner: MediaOwner, ordered_ids: list[int], actor) -> list[MediaItem]:
    """Put the owner's items in this order; the list must name each of them exactly once."""
    _require_manager(owner, actor)
    with transaction.atomic():
        lock_owner(owner)
        items = {item.pk: item for item in media_list(owner=owner).select_for_update()}
        wanted = list(ordered_ids)
        if len(set(wanted)) != len(wanted) or set(wanted) != set(items):
            raise InvalidInput(
                _("List every media item of this owner exactly once."),
                code="invalid_order",
                details={
                    "missing": sorted(set(items) - set(wanted)),
                    "unknown": sorted(set(wanted) - set(items)),
                    "duplicates": sorted({i for i in wanted if wanted.count(i) > 1}),
                },
            )
        for position, pk in enumerate(wanted):
            items[pk].position = position
        MediaItem.objects.bulk_update(items.values(), ["position"])
    return [items[pk] for pk in wanted]


def _locked_item(owner: MediaOwner, item: MediaItem) -> MediaItem:
    locked = media_list(owner=owner).select_for_update().filter(pk=item.pk).first()
    if locked is None:
        raise NotFound(_("No such media item."))
    return locked


def _owner_of(item: MediaItem) -> MediaOwner:
    owner = item.profile if item.profile_id else item.listing
    assert owner is not None  # a check constraint gives each item exactly one owner
    return owner


def media_set_primary(*, item: MediaItem, actor) -> MediaItem:
    owner = _owner_of(item)
    _require_manager(owner, actor)
    with transaction.atomic():
        lock_owner(owner)
        item = _locked_item(owner, item)
        if item.status != MediaItem.Status.READY:
            raise StateConflict(
                _("Only a processed photo or video can be the primary one."),
                code="media_not_ready",
                details={"status": item.status},
            )
        if not item.is_primary:
            # Clear the old primary first: one primary per owner is a unique constraint.
            media_list(owner=owner).filter(is_primary=True).update(is_primary=False)
            item.is_primary = True
            item.save(update_fields=["is_primary"])
    return item


def media_delete(*, item: MediaItem, actor) -> None:
    """Delete the item; its files go after the commit. The next item becomes primary."""
    owner = _owner_of(item)
    _require_manager(owner, actor)
    schema = connection.schema_name
    with transaction.atomic():
        lock_owner(owner)
        item = _locked_item(owner, item)
        was_primary = item.is_primary
        doomed = MediaItem(
            file=item.file.name, original=item.original.name, thumbnails=item.thumbnails
        )
        item.delete()
        if was_primary:
            successor = media_list(owner=owner).filter(status=MediaItem.Status.READY).first()
            if successor is not None:
                successor.is_primary = True
                successor.save(update_fields=["is_primary"])
        refresh_completeness(owner)
        transaction.on_commit(lambda: _delete_item_files(doomed, schema=schema))

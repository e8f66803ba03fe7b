"""Writes for media: add, reorder, choose the primary item, delete.

Every write locks the owner row (profile or listing) first, so position and primary choices of
one owner are made one at a time. Files are written before the row inside the transaction and
removed again if anything fails; deleted items lose their files only after the commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django_tenants.utils import schema_context

from catalog.media.selectors import MediaOwner, can_manage_media, media_list, owner_filter
from catalog.media.thumbnails import render_thumbnails, thumbnail_name
from catalog.media.validation import check_upload
from catalog.models import Listing, MediaItem, ProviderProfile
from config.errors import BusinessRuleViolation, InvalidInput, NotAllowed, NotFound
from tenants.db import connection

MAX_CAPTION = 200


def _require_manager(owner: MediaOwner, actor) -> None:
    if not can_manage_media(owner=owner, actor=actor):
        raise NotAllowed("Only the provider who owns this, or staff, may change its media.")


def _lock_owner(owner: MediaOwner) -> None:
    model = ProviderProfile if isinstance(owner, ProviderProfile) else Listing
    if not model.objects.select_for_update().filter(pk=owner.pk).exists():
        raise NotFound("The owner of this media no longer exists.")


def _delete_files(names: Iterable[str], *, schema: str) -> None:
    # The storage prefixes paths with the current schema, so delete inside the owner's one.
    with schema_context(schema):
        for name in names:
            if name:
                default_storage.delete(name)


def _refresh_completeness(owner: MediaOwner) -> None:
    # Photos count towards a profile's completeness, which the profile services own.
    if isinstance(owner, ProviderProfile):
        from catalog.services.profiles import profile_completeness_refresh

        profile_completeness_refresh(profile=ProviderProfile.objects.get(pk=owner.pk))


def _file_names(item: MediaItem) -> list[str]:
    return [item.file.name, *item.thumbnails.values()]


def media_add(*, owner: MediaOwner, upload, actor, caption: str = "") -> MediaItem:
    """Validate ``upload`` by its content, store it with thumbnails, and add it last.

    The first item of an owner becomes its primary one. A refused upload stores nothing.
    """
    _require_manager(owner, actor)
    caption = (caption or "").strip()
    if len(caption) > MAX_CAPTION:
        raise InvalidInput(
            f"A caption has at most {MAX_CAPTION} characters.",
            details={"caption": [f"At most {MAX_CAPTION} characters."]},
        )
    checked = check_upload(upload)
    stored: list[str] = []
    schema = connection.schema_name
    try:
        # Rendered before anything is written: a thumbnail failure leaves no trace.
        try:
            thumbnails = render_thumbnails(checked.image) if checked.image is not None else {}
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                f"This image could not be processed: {exc}", code="corrupt_image"
            ) from None
        with transaction.atomic():
            _lock_owner(owner)
            existing = media_list(owner=owner)
            count = existing.count()
            if count >= settings.SOUK_MAX_MEDIA_PER_OWNER:
                raise BusinessRuleViolation(
                    f"At most {settings.SOUK_MAX_MEDIA_PER_OWNER} photos and videos each.",
                    code="too_many_media",
                    details={"max_items": settings.SOUK_MAX_MEDIA_PER_OWNER},
                )
            last_position = existing.aggregate(last=Max("position"))["last"]
            item = MediaItem(
                **owner_filter(owner),
                kind=checked.kind,
                content_type=checked.content_type,
                size_bytes=checked.size_bytes,
                width=checked.width,
                height=checked.height,
                caption=caption,
                position=0 if last_position is None else last_position + 1,
                is_primary=count == 0,
            )
            item.file.save(
                f"{uuid.uuid4().hex}.{checked.extension}", File(checked.content), save=False
            )
            file_name = item.file.name
            assert file_name is not None  # set by save()
            stored.append(file_name)
            storage = item.file.storage
            for size_name, data in thumbnails.items():
                saved = storage.save(thumbnail_name(file_name, size_name), ContentFile(data))
                stored.append(saved)
                item.thumbnails[size_name] = saved
            item.save()
            _refresh_completeness(owner)
    except BaseException:
        _delete_files(stored, schema=schema)
        raise
    finally:
        checked.close()
    return item


def media_reorder(*, owner: MediaOwner, ordered_ids: list[int], actor) -> list[MediaItem]:
    """Put the owner's items in this order; the list must name each of them exactly once."""
    _require_manager(owner, actor)
    with transaction.atomic():
        _lock_owner(owner)
        items = {item.pk: item for item in media_list(owner=owner).select_for_update()}
        wanted = list(ordered_ids)
        if len(set(wanted)) != len(wanted) or set(wanted) != set(items):
            raise InvalidInput(
                "List every media item of this owner exactly once.",
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
        raise NotFound("No such media item.")
    return locked


def _owner_of(item: MediaItem) -> MediaOwner:
    owner = item.profile if item.profile_id else item.listing
    assert owner is not None  # a check constraint gives each item exactly one owner
    return owner


def media_set_primary(*, item: MediaItem, actor) -> MediaItem:
    owner = _owner_of(item)
    _require_manager(owner, actor)
    with transaction.atomic():
        _lock_owner(owner)
        item = _locked_item(owner, item)
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
        _lock_owner(owner)
        item = _locked_item(owner, item)
        names = _file_names(item)
        was_primary = item.is_primary
        item.delete()
        if was_primary:
            successor = media_list(owner=owner).first()
            if successor is not None:
                successor.is_primary = True
                successor.save(update_fields=["is_primary"])
        _refresh_completeness(owner)
        transaction.on_commit(lambda: _delete_files(names, schema=schema))

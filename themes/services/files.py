"""The theme's files: logo, favicon and hero image, in the marketplace's own storage prefix
(the default storage puts every name under the schema). Uploads are judged by their bytes and
re-encoded without metadata by catalog's media checks; the hero image gets the thumbnails the
home page's ``srcset`` lists. Replaced files are deleted after the commit."""

from __future__ import annotations

import uuid
from functools import partial

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.media.thumbnails import render_thumbnails, thumbnail_name
from catalog.media.validation import check_upload, unsupported
from catalog.services.media import delete_files
from config.errors import NotFound
from tenants.db import connection
from themes.models import Theme

FILE_KINDS = ("logo", "favicon", "hero_image")


def _kind(kind: str) -> str:
    if kind not in FILE_KINDS:
        raise NotFound(
            _("Unknown theme file “%(kind)s”; one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(FILE_KINDS)}
        )
    return kind


def _old_names(theme: Theme, kind: str) -> list[str]:
    names = [getattr(theme, kind).name or ""]
    if kind == "hero_image":
        names += list(theme.hero_thumbnails.values())
    return names


def theme_file_set(*, actor, kind: str, upload) -> Theme:
    """Store an image as the theme's ``kind``; refuse anything that is not an image."""
    _kind(kind)
    checked = check_upload(upload)
    if checked.kind != "image":
        checked.close()
        raise unsupported(_("The theme's files must be images (JPEG, PNG, WebP or GIF)."))
    try:
        name = default_storage.save(
            f"theme/{kind}-{uuid.uuid4().hex}.{checked.extension}", File(checked.content)
        )
    finally:
        checked.close()
    thumbnails = {}
    if kind == "hero_image" and checked.image is not None:
        for size_name, data in render_thumbnails(checked.image).items():
            thumbnails[size_name] = default_storage.save(
                thumbnail_name(name, size_name), ContentFile(data)
            )
    schema = connection.schema_name
    with transaction.atomic():
        theme = Theme.objects.select_for_update().get()
        old = _old_names(theme, kind)
        getattr(theme, kind).name = name
        fields = [kind, "updated_at"]
        if kind == "hero_image":
            theme.hero_thumbnails = thumbnails
            fields.append("hero_thumbnails")
        theme.save(update_fields=fields)
        transaction.on_commit(partial(delete_files, old, schema=schema))
    return theme


def theme_file_clear(*, actor, kind: str) -> Theme:
    _kind(kind)
    schema = connection.schema_name
    with transaction.atomic():
        theme = Theme.objects.select_for_update().get()
        old = _old_names(theme, kind)
        getattr(theme, kind).name = ""
        fields = [kind, "updated_at"]
        if kind == "hero_image":
            theme.hero_thumbnails = {}
            fields.append("hero_thumbnails")
        theme.save(update_fields=fields)
        transaction.on_commit(partial(delete_files, old, schema=schema))
    return theme

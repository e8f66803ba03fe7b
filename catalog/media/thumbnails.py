"""Thumbnails: the longest side scaled down to each configured size, never up."""

from __future__ import annotations

import io

from django.conf import settings
from PIL import Image

FORMAT_EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg"}


def thumbnail_sizes() -> dict[str, int]:
    return dict(settings.SOUK_THUMBNAIL_SIZES)


def thumbnail_format() -> tuple[str, str]:
    name = settings.SOUK_THUMBNAIL_FORMAT
    if name not in FORMAT_EXTENSIONS:
        raise ValueError(f"SOUK_THUMBNAIL_FORMAT must be one of {sorted(FORMAT_EXTENSIONS)}")
    return name, FORMAT_EXTENSIONS[name]


def _flatten(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha and keep_alpha:
        return image.convert("RGBA")
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def render_thumbnails(image: Image.Image) -> dict[str, bytes]:
    """Encoded thumbnails by size name, all made in memory before anything is stored."""
    image_format, _ = thumbnail_format()
    base = _flatten(image, keep_alpha=image_format == "WEBP")
    rendered = {}
    for name, side in sorted(thumbnail_sizes().items(), key=lambda item: item[1]):
        thumb = base.copy()
        thumb.thumbnail((side, side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        thumb.save(out, format=image_format, quality=82)
        rendered[name] = out.getvalue()
    return rendered


def thumbnail_name(original_name: str, size_name: str) -> str:
    """``media/listings/7/ab12.jpg`` → ``media/listings/7/thumbs/ab12-small.webp``."""
    _, extension = thumbnail_format()
    folder, _, filename = original_name.rpartition("/")
    stem = filename.rsplit(".", 1)[0]
    return f"{folder}/thumbs/{stem}-{size_name}.{extension}"

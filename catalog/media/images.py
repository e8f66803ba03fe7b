"""Images in two steps: ``inspect_image`` judges every limit from the headers (nothing is
decoded, the walk is bounded: catalog.media.probe), ``process_image`` decodes and re-encodes.

The limits: a side (SOUK_MAX_IMAGE_SIDE), the pixels of one frame (SOUK_MAX_IMAGE_PIXELS), the
frames (SOUK_MAX_IMAGE_FRAMES) and the pixels of all frames together
(SOUK_MAX_IMAGE_TOTAL_PIXELS): re-encoding an animation costs its canvas times its frames, so
200 frames of 40 MP each pass the first three and still take minutes. ``process_image`` is the
expensive step; the media services run it in the request only for small still images and in a
worker otherwise (``needs_worker``).
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from catalog.media.probe import MalformedImage, probe_header
from catalog.media.validation import IMAGE_FORMATS, CheckedUpload, corrupt, unsupported
from config.errors import InvalidInput

PILLOW_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


@dataclass(frozen=True)
class ImageInfo:
    """What the headers say; every limit already checked against it."""

    image_format: str
    width: int
    height: int
    frames: int

    @property
    def total_pixels(self) -> int:
        return self.width * self.height * self.frames

    @property
    def content_type(self) -> str:
        return IMAGE_FORMATS[self.image_format][0]

    @property
    def extension(self) -> str:
        return IMAGE_FORMATS[self.image_format][1]


def needs_worker(info: ImageInfo) -> bool:
    """Animations and stills over SOUK_MEDIA_SYNC_MAX_PIXELS are processed by a worker."""
    return info.frames > 1 or info.total_pixels > settings.SOUK_MEDIA_SYNC_MAX_PIXELS


def check_limits(width: int, height: int, frames: int) -> None:
    max_side = settings.SOUK_MAX_IMAGE_SIDE
    max_pixels = settings.SOUK_MAX_IMAGE_PIXELS
    if width > max_side or height > max_side or width * height > max_pixels:
        raise InvalidInput(
            _(
                "This image is %(width)s×%(height)s pixels; the limit is %(max_side)s pixels a "
                "side and %(max_pixels)s pixels in all."
            )
            % {
                "width": width,
                "height": height,
                "max_side": max_side,
                "max_pixels": f"{max_pixels:,}",
            },
            code="image_too_large_dimensions",
            details={"width": width, "height": height, "max_side": max_side},
        )
    if frames > settings.SOUK_MAX_IMAGE_FRAMES:
        raise InvalidInput(
            _("This animation has more than %(max_frames)s frames.")
            % {"max_frames": settings.SOUK_MAX_IMAGE_FRAMES},
            code="image_too_large_dimensions",
            details={"frames": frames, "max_frames": settings.SOUK_MAX_IMAGE_FRAMES},
        )
    total, max_total = width * height * frames, settings.SOUK_MAX_IMAGE_TOTAL_PIXELS
    if total > max_total:
        raise InvalidInput(
            _(
                "This animation has %(frames)s frames of %(width)s×%(height)s, %(total)s pixels "
                "in all; the limit is %(max_total)s."
            )
            % {
                "frames": frames,
                "width": width,
                "height": height,
                "total": f"{total:,}",
                "max_total": f"{max_total:,}",
            },
            code="image_too_large_dimensions",
            details={
                "width": width,
                "height": height,
                "frames": frames,
                "total_pixels": total,
                "max_total_pixels": max_total,
            },
        )


def _open(data: bytes) -> Image.Image:
    # Pillow's own bomb check is per process; ours runs first with the settings' limits, and
    # Pillow's warning is promoted to an error as a second net.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))


def _too_many_pixels() -> InvalidInput:
    return InvalidInput(
        _("This image decodes to too many pixels."),
        code="image_too_large_dimensions",
        details={"max_pixels": settings.SOUK_MAX_IMAGE_PIXELS},
    )


def inspect_image(data: bytes) -> ImageInfo:
    """Every limit, judged from the headers: raises ``InvalidInput`` before any pixel is
    decoded. Pillow reads the file only after our bounded walk has passed."""
    try:
        header = probe_header(data, max_frames=settings.SOUK_MAX_IMAGE_FRAMES)
    except MalformedImage as exc:
        raise corrupt(
            _("This image is damaged or malformed: %(reason)s.") % {"reason": exc}
        ) from None
    check_limits(header.width, header.height, header.frames)
    try:
        probe = _open(data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except PILLOW_ERRORS:
        raise corrupt() from None
    with probe:
        if probe.format not in IMAGE_FORMATS:
            raise unsupported()
        if probe.format != header.image_format:
            raise corrupt()
        width, height = max(header.width, probe.width), max(header.height, probe.height)
    check_limits(width, height, header.frames)
    return ImageInfo(header.image_format, width, height, header.frames)


def process_image(data: bytes, info: ImageInfo) -> CheckedUpload:
    """Decode, verify and re-encode an image ``inspect_image`` passed (the expensive part)."""
    try:
        probe = _open(data)
        probe.verify()
        # verify() leaves the image unusable: decode a fresh one, every pixel of it.
        image = _open(data)
        # A second net: Pillow's own frame count, before any frame past the first is decoded.
        check_limits(image.width, image.height, getattr(image, "n_frames", 1))
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except PILLOW_ERRORS:
        # Includes UnidentifiedImageError: the signature said image, the rest did not follow.
        raise corrupt() from None
    animated = getattr(image, "n_frames", 1) > 1
    try:
        clean, upright = _reencode(image, info.image_format, animated=animated)
    except (OSError, ValueError, EOFError) as exc:
        raise corrupt(
            _("This image could not be processed: %(reason)s") % {"reason": exc}
        ) from None
    return CheckedUpload(
        kind="image",
        content_type=info.content_type,
        extension=info.extension,
        size_bytes=len(clean),
        content=io.BytesIO(clean),
        width=upright.width,
        height=upright.height,
        image=upright,
    )


def _reencode(image: Image.Image, image_format: str, *, animated: bool):
    """Re-encode without metadata (EXIF, GPS, comments); turn upright first."""
    out = io.BytesIO()
    if animated:
        # Animations keep their frames; orientation tags are rare on them.
        image.save(out, format=image_format, save_all=True, exif=b"", comment=b"")
        image.seek(0)
        upright = image.convert("RGBA")
        return out.getvalue(), upright
    upright = ImageOps.exif_transpose(image)
    if upright is None:  # pragma: no cover - only when in_place=True
        upright = image
    to_save = upright
    options: dict = {}
    if image_format == "JPEG":
        if to_save.mode not in ("RGB", "L", "CMYK"):
            to_save = to_save.convert("RGB")
        options = {"quality": 90, "optimize": True}
    elif image_format == "WEBP":
        options = {"quality": 90}
    elif image_format == "PNG":
        options = {"optimize": True}
    # A new image object carries no .info, so no EXIF, ICC-free metadata or text chunks survive;
    # the ICC profile is kept because it changes how colours look.
    icc = image.info.get("icc_profile")
    if icc and image_format in ("JPEG", "PNG", "WEBP"):
        options["icc_profile"] = icc
    bare = to_save.copy()
    bare.info = {}
    bare.save(out, format=image_format, **options)
    return out.getvalue(), upright

"""What an upload really is, judged by its bytes: never by its name or the client's content type.

Images are judged by catalog.media.images: every limit from their headers first, then decoded
with Pillow (EXIF orientation applied, metadata dropped by re-encoding). Videos are recognised
by their container signature (ISO base media ``ftyp`` box with a known brand, or a WebM EBML
header) and kept byte for byte. Sizes are counted while the upload's chunks are read, so an
oversized upload is refused after at most one chunk past the limit.
"""

from __future__ import annotations

import itertools
import struct
import tempfile
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from config.errors import InvalidInput

SNIFF_BYTES = 64

IMAGE_FORMATS = {
    # Pillow format: (content type, extension)
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}

# ISO base media major brands we accept as video; HEIC (heic, mif1), audio (M4A) and the rest
# share the container but are not videos we can show.
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"M4VP",
    b"mmp4",
    b"f4v ",
}
QUICKTIME_BRANDS = {b"qt  "}
# Boxes that may follow ``ftyp`` at the top level of a real file.
TOP_LEVEL_BOXES = {
    b"moov",
    b"mdat",
    b"free",
    b"skip",
    b"wide",
    b"uuid",
    b"pdin",
    b"meta",
    b"moof",
    b"sidx",
    b"styp",
    b"prft",
}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE_ID = b"\x42\x82"


@dataclass
class CheckedUpload:
    """An upload that passed validation, ready to be stored under ``extension``."""

    kind: str  # "image" or "video"
    content_type: str
    extension: str
    size_bytes: int
    content: IO[bytes]
    width: int | None = None
    height: int | None = None
    # The decoded, upright image (images only), for thumbnails.
    image: Image.Image | None = field(default=None, repr=False)

    def close(self) -> None:
        self.content.close()


def unsupported(message: str | None = None) -> InvalidInput:
    return InvalidInput(
        message or _("This file is not a supported image or video."),
        code="unsupported_media",
        details={
            "images": sorted(ct for ct, _ in IMAGE_FORMATS.values()),
            "videos": ["video/mp4", "video/quicktime", "video/webm"],
        },
    )


def _too_large(kind: str, limit: int) -> InvalidInput:
    return InvalidInput(
        (
            _("This %(kind)s is larger than the limit of %(limit)s MB.")
            if limit >= 1024 * 1024
            else _("This %(kind)s is larger than the limit of %(limit)s bytes.")
        )
        % {"kind": kind, "limit": limit // (1024 * 1024) or limit},
        code="file_too_large",
        details={"kind": kind, "max_bytes": limit},
    )


def sniff_kind(head: bytes) -> str | None:
    """ "image", "video" or None from the first bytes; a cheap pre-check, not the verdict."""
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[4:8] == b"ftyp" or head.startswith(EBML_MAGIC):
        return "video"
    return None


def max_bytes(kind: str) -> int:
    return settings.SOUK_MAX_IMAGE_BYTES if kind == "image" else settings.SOUK_MAX_VIDEO_BYTES


def read_upload(upload) -> tuple[str, IO[bytes], int]:
    """The kind ("image" or "video"), content and size of ``upload``: the kind sniffed from the
    first bytes, then the upload copied into a spooled temporary file (the caller closes it),
    refused as soon as it passes that kind's limit."""
    chunks = iter(upload.chunks())
    pending: list[bytes] = []
    head = b""
    for chunk in chunks:
        pending.append(chunk)
        head += chunk[: SNIFF_BYTES - len(head)]
        if len(head) >= SNIFF_BYTES:
            break
    kind = sniff_kind(head)
    if kind is None:
        raise unsupported()
    limit = max_bytes(kind)
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(kind, limit)
    # Images are decoded in memory anyway; videos spill to disk past 1 MB.
    # Closed by the caller (CheckedUpload.close) or below on refusal.
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=limit if kind == "image" else 1024 * 1024
    )
    size = 0
    try:
        for chunk in itertools.chain(pending, chunks):
            size += len(chunk)
            if size > limit:
                raise _too_large(kind, limit)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return kind, spool, size


def check_upload(upload) -> CheckedUpload:
    """Validate ``upload`` (a Django ``File``) and return what it is; raise ``InvalidInput``.

    Images are decoded and re-encoded here, in the caller's process, once their headers passed
    every limit (catalog.media.images). Codes: ``unsupported_media``, ``file_too_large``,
    ``corrupt_image``, ``image_too_large_dimensions``.
    """
    from catalog.media.images import inspect_image, process_image

    kind, content, size = read_upload(upload)
    try:
        if kind == "image":
            data = content.read()
            content.close()
            return process_image(data, inspect_image(data))
        return check_video(content, size)
    except BaseException:
        content.close()
        raise


def corrupt(message: str | None = None) -> InvalidInput:
    return InvalidInput(message or _("This image is damaged or incomplete."), code="corrupt_image")


# --- Videos ---------------------------------------------------------------------------------


def check_video(content: IO[bytes], size: int) -> CheckedUpload:
    head = content.read(4096)
    content.seek(0)
    if head[4:8] == b"ftyp":
        content_type, extension = _iso_media_type(head, size)
    elif head.startswith(EBML_MAGIC):
        content_type, extension = _webm_type(head)
    else:  # pragma: no cover - sniff_kind only lets these two through
        raise unsupported()
    return CheckedUpload(
        kind="video",
        content_type=content_type,
        extension=extension,
        size_bytes=size,
        content=content,
    )


def _iso_media_type(head: bytes, size: int) -> tuple[str, str]:
    box_size = struct.unpack(">I", head[:4])[0]
    if box_size < 16 or box_size > 1024 or box_size % 4 or box_size > len(head):
        raise unsupported(_("This file is not a valid MP4 or QuickTime video."))
    major = head[8:12]
    if major in MP4_BRANDS:
        found = ("video/mp4", "mp4")
    elif major in QUICKTIME_BRANDS:
        found = ("video/quicktime", "mov")
    else:
        raise unsupported(
            _("Video brand %(brand)s is not supported.") % {"brand": repr(major.decode("latin-1"))}
        )
    # A real file continues with another top-level box (moov, mdat, free, ...).
    following = head[box_size : box_size + 8]
    if len(following) < 8 or following[4:8] not in TOP_LEVEL_BOXES:
        raise unsupported(_("This file is not a valid MP4 or QuickTime video."))
    next_size = struct.unpack(">I", following[:4])[0]
    if next_size not in (0, 1) and (next_size < 8 or box_size + next_size > size):
        raise unsupported(_("This file is not a valid MP4 or QuickTime video."))
    return found


def _read_vint(data: bytes, at: int) -> tuple[int, int]:
    """An EBML variable-length integer at ``at``: (value, length in bytes)."""
    if at >= len(data) or data[at] == 0:
        raise unsupported(_("This file is not a valid WebM video."))
    first = data[at]
    length = 8 - first.bit_length() + 1
    value = first & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, length


def _webm_type(head: bytes) -> tuple[str, str]:
    header_size, length = _read_vint(head, 4)
    body = head[4 + length : 4 + length + header_size]
    if len(body) < header_size:
        raise unsupported(_("This file is not a valid WebM video."))
    at = body.find(EBML_DOCTYPE_ID)
    if at < 0:
        raise unsupported(_("This file is not a valid WebM video."))
    doc_size, length = _read_vint(body, at + 2)
    doctype = body[at + 2 + length : at + 2 + length + doc_size]
    if doctype != b"webm":
        raise unsupported(_("Only WebM videos are accepted among Matroska files."))
    return "video/webm", "webm"

"""Private files of bookings (delivery files, dispute evidence, message attachments): judged by
their bytes, stored under random names, removed again when their transaction fails, and
handed to the parties as downloads.

What a feature accepts (the kinds, the size limit, whether images lose their metadata) and how it
words a refusal stay with the feature: it passes its kinds and limit to ``file_check`` and
its wording as a ``Refusals``. A file is never judged by its name or the client's content
type. Every kind is recognised by its own signature and checked beyond it:

- image: judged from its headers alone, never decoded in the request: the catalog's bounded
  header walk (catalog.media.probe) refuses a file of more blocks than its size allows before
  Pillow reads its headers. Kept byte for byte, or (``strip_image_metadata``) held to the
  catalog's pixel limits and rewritten without its metadata, pixel data copied as it is
  (bookings.files.image_metadata). Nothing re-encodes these images: we never show them, they are
  only downloaded by the booking's parties, as attachments that the browser may not sniff
  (``file_download``), so their pixels are the recipient's viewer's business;
- video: the catalog's MP4/QuickTime/WebM container checks, kept byte for byte;
- pdf: ``%PDF-`` and an end-of-file marker in the last kilobyte;
- zip: a readable central directory (nothing is inflated);
- text: non-empty UTF-8 without NUL bytes, the fallback when nothing else matched.
"""

from __future__ import annotations

import codecs
import io
import tempfile
import uuid
import zipfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Protocol, cast

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from PIL import Image

from bookings.files.image_metadata import metadata_stripped
from catalog.media.images import PILLOW_ERRORS, inspect_image
from catalog.media.probe import MalformedImage, probe_header
from catalog.media.validation import IMAGE_FORMATS, SNIFF_BYTES, check_video, corrupt, sniff_kind
from config.errors import InvalidInput
from tenants.db import connection

IMAGE, VIDEO, PDF, ZIP, TEXT = "image", "video", "pdf", "zip", "text"
KINDS = frozenset({IMAGE, VIDEO, PDF, ZIP, TEXT})
PDF_MAGIC = b"%PDF-"
PDF_TAIL_BYTES = 1024
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MAX_NAME = 200
# Small files stay in memory; larger ones spill to a temporary file.
SPOOL_MEMORY_BYTES = 1024 * 1024


@dataclass
class CheckedFile:
    """An upload that passed its feature's checks, ready to be stored under ``extension``."""

    name: str  # the client's file name, cleaned; may be empty
    content_type: str
    extension: str
    size: int
    content: IO[bytes]
    # Set by ``file_store``, so a failed transaction can remove the file again.
    stored_name: str = ""
    storage: Storage | None = None

    def close(self) -> None:
        self.content.close()


class Refusals(Protocol):
    """A feature's wording of the errors (``InvalidInput``, 400) that ``file_check`` raises."""

    def unsupported(self) -> InvalidInput:
        """Not one of the accepted kinds (or empty)."""

    def too_large(self, limit: int) -> InvalidInput:
        """More than ``limit`` bytes."""

    def damaged(self, kind: str, reason: str) -> InvalidInput:
        """Signed as ``kind`` but failing its checks; ``reason`` is what the check said, if
        anything (the catalog's video checks say which container problem they found)."""


def clean_name(name: str | None) -> str:
    """The last part of a client's file name without control characters, at most MAX_NAME
    characters (the extension kept); "" if nothing is left."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) <= MAX_NAME:
        return base
    stem, dot, extension = base.rpartition(".")
    if not stem or len(extension) >= MAX_NAME // 2:
        return base[:MAX_NAME]
    return f"{stem[: MAX_NAME - len(extension) - 1]}{dot}{extension}"


# --- Checking -------------------------------------------------------------------------------


def _spool(upload, limit: int, refusals: Refusals) -> tuple[IO[bytes], int]:
    """Copy the upload into a temporary file, refusing it once it passes the limit: chunks are
    counted as they come, so a lying declared size stops one chunk past the limit."""
    if (getattr(upload, "size", None) or 0) > limit:
        raise refusals.too_large(limit)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115 - returned
    size = 0
    try:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limit:
                raise refusals.too_large(limit)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size


def _pillow_format(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as probe:
            return probe.format
    except (Image.DecompressionBombError, *PILLOW_ERRORS):
        return None


def _image(
    content: IO[bytes], size: int, *, name: str, refusals: Refusals, strip_metadata: bool
) -> CheckedFile:
    data = content.read()
    content.seek(0)
    max_frames = settings.SOUK_MAX_IMAGE_FRAMES
    try:
        # Our bounded walks first: the headers, then every block before the pixel data.
        image_format = probe_header(data, max_frames=max_frames).image_format
        bare = metadata_stripped(data, image_format, max_frames=max_frames)
    except MalformedImage as exc:
        if not strip_metadata:
            raise refusals.damaged(IMAGE, "") from None
        raise corrupt(
            _("This image is damaged or malformed: %(reason)s.") % {"reason": exc}
        ) from None
    if not strip_metadata:
        # Kept as sent; Pillow reads the headers of the walked copy.
        if _pillow_format(bare) != image_format:
            raise refusals.damaged(IMAGE, "")
        return CheckedFile(name, *IMAGE_FORMATS[image_format], size, content)
    # The catalog's own errors (corrupt_image, image_too_large_dimensions, ...) stand.
    info = inspect_image(bare)
    content.close()
    return CheckedFile(name, info.content_type, info.extension, len(bare), io.BytesIO(bare))


def _is_complete_pdf(content: IO[bytes], size: int) -> bool:
    content.seek(max(size - PDF_TAIL_BYTES, 0))
    tail = content.read()
    content.seek(0)
    return b"%%EOF" in tail


def _is_zip(content: IO[bytes]) -> bool:
    try:
        # Reads the central directory only: nothing is inflated.
        with zipfile.ZipFile(content) as archive:
            archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        content.seek(0)
    return True


def _is_text(content: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: content.read(64 * 1024), b""):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        content.seek(0)
    return True


def _checked_file(
    content: IO[bytes],
    size: int,
    *,
    name: str,
    kinds: Collection[str],
    refusals: Refusals,
    strip_image_metadata: bool,
) -> CheckedFile:
    head = content.read(SNIFF_BYTES)
    content.seek(0)
    sniffed = sniff_kind(head)

    def kept(content_type: str, extension: str) -> CheckedFile:
        return CheckedFile(name, content_type, extension, size, content)

    if sniffed == IMAGE and IMAGE in kinds:
        return _image(
            content, size, name=name, refusals=refusals, strip_metadata=strip_image_metadata
        )
    if sniffed == VIDEO and VIDEO in kinds:
        try:
            video = check_video(content, size)
        except InvalidInput as exc:
            raise refusals.damaged(VIDEO, exc.message) from None
        content.seek(0)
        return kept(video.content_type, video.extension)
    if head.startswith(PDF_MAGIC) and PDF in kinds:
        if not _is_complete_pdf(content, size):
            raise refusals.damaged(PDF, "")
        return kept("application/pdf", "pdf")
    if head.startswith(ZIP_MAGICS) and ZIP in kinds:
        if not _is_zip(content):
            raise refusals.damaged(ZIP, "")
        return kept("application/zip", "zip")
    if TEXT in kinds and size and _is_text(content):
        return kept("text/plain", "txt")
    raise refusals.unsupported()


def file_check(
    upload,
    *,
    kinds: Collection[str],
    max_bytes: int,
    refusals: Refusals,
    strip_image_metadata: bool = False,
) -> CheckedFile:
    """Judge one upload (a Django ``UploadedFile``) by its bytes as one of ``kinds``; raise
    the feature's ``InvalidInput`` otherwise. The caller closes the result (``close()`` or
    ``removed_on_failure``)."""
    unknown = set(kinds) - KINDS
    if unknown:
        raise ValueError(f"Unknown file kinds: {sorted(unknown)}")
    content, size = _spool(upload, max_bytes, refusals)
    try:
        return _checked_file(
            content,
            size,
            name=clean_name(getattr(upload, "name", "")),
            kinds=kinds,
            refusals=refusals,
            strip_image_metadata=strip_image_metadata,
        )
    except BaseException:
        content.close()
        raise


# --- Storing --------------------------------------------------------------------------------


def file_store(field: FieldFile, checked: CheckedFile) -> None:
    """Save ``checked`` into a model's file field under a random name (the field's folder,
    below the marketplace's prefix that the storage adds); the row is saved by the caller."""
    field.save(f"{uuid.uuid4().hex}.{checked.extension}", File(checked.content), save=False)
    assert field.name is not None  # save() names the field after the file it stored
    checked.stored_name, checked.storage = field.name, field.storage


@contextmanager
def removed_on_failure(files: Iterable[CheckedFile | None]) -> Iterator[None]:
    """Close the checked files when the block ends; if it raises, delete those it stored.

    Wrap the whole ``transaction.atomic()`` block (not a block inside it), so that a rollback
    at any point, the commit included, removes the files. ``files`` may be a list that the
    block still adds to: it is read when the block ends."""
    schema = connection.schema_name
    try:
        yield
    except BaseException:
        with schema_context(schema):
            for checked in files:
                if checked is not None and checked.stored_name and checked.storage:
                    checked.storage.delete(checked.stored_name)
        raise
    finally:
        for checked in files:
            if checked is not None:
                checked.close()


# --- Serving --------------------------------------------------------------------------------


def file_download(stored: FieldFile, *, name: str, content_type: str) -> FileResponse:
    """The stored file as a download: an attachment under a cleaned version of ``name`` (the
    stored name's last part without one), with the content type its bytes were judged to
    have, which the browser must not second-guess."""
    response = FileResponse(
        stored.open("rb"),
        as_attachment=True,
        # open() above has already refused a field without a file, so the name is set.
        filename=clean_name(name) or PurePosixPath(cast(str, stored.name)).name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

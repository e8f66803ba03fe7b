"""Deliveries of orders (gig packages, quotes): the provider's message and files, made with
the ``deliver`` step of the booking's process in one transaction.

A file is judged by its bytes, never by its name or the client's content type: images (the
catalog's signatures and Pillow), videos (the catalog's MP4/QuickTime/WebM checks), PDF, ZIP
and UTF-8 plain text. A deliverable is kept byte for byte (unlike catalog photos, it is not
re-encoded). Every file is checked before anything is stored; stored files are removed again
if the transaction fails. They are stored under random names below the marketplace's prefix
and handed out only to the booking's parties through the API, never by a media URL.
"""

from __future__ import annotations

import codecs
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django_tenants.utils import schema_context
from PIL import Image

from bookings.models import Booking, Delivery, DeliveryFile
from bookings.processes import get_process
from bookings.services.transitions import apply_transition, booking_for

# The catalog's checks of video containers fit deliverables as they are.
from catalog.media.validation import IMAGE_FORMATS, SNIFF_BYTES, _check_video, sniff_kind
from config.errors import InvalidInput, NotAllowed, NotFound, StateConflict

MAX_MESSAGE = 4000
MAX_NAME = 200
DEFAULT_MAX_FILES = 10
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# Names a downloaded file may keep, by what its bytes are; anything else gets the kind's own.
KEPT_EXTENSIONS = {
    "application/pdf": {"pdf"},
    "application/zip": {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"},
    "text/plain": {"txt", "csv", "tsv", "md", "json", "srt", "vtt", "log"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/webp": {"webp"},
    "image/gif": {"gif"},
    "video/mp4": {"mp4", "m4v"},
    "video/quicktime": {"mov"},
    "video/webm": {"webm"},
}
ACCEPTED = "images (JPEG, PNG, WebP, GIF), PDF, ZIP, plain text, videos (MP4, MOV, WebM)"


def max_files() -> int:
    return getattr(settings, "SOUK_DELIVERY_MAX_FILES", DEFAULT_MAX_FILES)


def max_bytes() -> int:
    return getattr(settings, "SOUK_DELIVERY_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass
class CheckedFile:
    name: str
    content_type: str
    extension: str
    size: int
    content: IO[bytes]

    def close(self) -> None:
        self.content.close()


def _refused(name: str, message: str, code: str = "unsupported_file", **details) -> InvalidInput:
    return InvalidInput(
        f"{name}: {message}", code=code, details={"files": [f"{name}: {message}"], **details}
    )


def _spool(upload, name: str) -> tuple[IO[bytes], int, bytes]:
    """Copy the upload into a temporary file, refusing it once it passes the size limit."""
    limit = max_bytes()
    if (getattr(upload, "size", None) or 0) > limit:
        raise _refused(name, "too large.", "file_too_large", max_bytes=limit)
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - closed by caller
    size = 0
    try:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limit:
                raise _refused(name, "too large.", "file_too_large", max_bytes=limit)
            spool.write(chunk)
        spool.seek(0)
        head = spool.read(SNIFF_BYTES)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size, head


def _image_type(content: IO[bytes], name: str) -> tuple[str, str]:
    try:
        with Image.open(content, formats=list(IMAGE_FORMATS)) as probe:
            image_format = probe.format
            probe.verify()
    except Exception:  # noqa: BLE001 - any decoder complaint means a damaged image
        raise _refused(name, "this image is damaged.", "corrupt_file") from None
    finally:
        content.seek(0)
    return IMAGE_FORMATS[image_format]


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


def _is_pdf(content: IO[bytes], size: int) -> bool:
    content.seek(max(size - 1024, 0))
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


def _kind(content: IO[bytes], size: int, head: bytes, name: str) -> tuple[str, str]:
    """(content type, extension) of the bytes, or a refusal."""
    sniffed = sniff_kind(head)
    if sniffed == "image":
        return _image_type(content, name)
    if sniffed == "video":
        try:
            video = _check_video(content, size)
        except InvalidInput as exc:
            raise _refused(name, exc.message) from None
        content.seek(0)
        return video.content_type, video.extension
    if head.startswith(b"%PDF-"):
        if not _is_pdf(content, size):
            raise _refused(name, "this PDF is incomplete.", "corrupt_file")
        return "application/pdf", "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if not _is_zip(content):
            raise _refused(name, "this ZIP archive is damaged.", "corrupt_file")
        return "application/zip", "zip"
    if size and _is_text(content):
        return "text/plain", "txt"
    raise _refused(name, f"not a file we accept ({ACCEPTED}).", accepted=ACCEPTED)


def _display_name(original: str, content_type: str, extension: str) -> str:
    name = get_valid_filename(PurePosixPath(original or "file").name) or "file"
    stem, _, given = name.rpartition(".")
    if not stem or given.lower() not in KEPT_EXTENSIONS.get(content_type, {extension}):
        name = f"{name}.{extension}"
    if len(name) > MAX_NAME:
        name = f"{name[: MAX_NAME - len(extension) - 1]}.{extension}"
    return name


def delivery_file_check(upload) -> CheckedFile:
    """Judge one upload (a Django ``UploadedFile``); raise ``InvalidInput`` (400).

    Codes: ``unsupported_file``, ``corrupt_file``, ``file_too_large``."""
    original = getattr(upload, "name", "") or "file"
    content, size, head = _spool(upload, original)
    try:
        content_type, extension = _kind(content, size, head, original)
    except BaseException:
        content.close()
        raise
    return CheckedFile(
        name=_display_name(original, content_type, extension),
        content_type=content_type,
        extension=extension,
        size=size,
        content=content,
    )


def _check_may_deliver(booking: Booking, role: str) -> None:
    """Refuse early, before any file is read; ``apply_transition`` decides under the lock."""
    process = get_process(booking.process)
    move = process.transitions.get("deliver")
    if move is None:
        raise StateConflict("This kind of booking has no deliveries.", code="unknown_transition")
    if role not in move.actors:
        raise NotAllowed("Only the provider delivers.", code="wrong_actor")
    if booking.state not in move.sources:
        raise StateConflict(
            f"A booking that is {booking.state.replace('_', ' ')} cannot be delivered.",
            code="wrong_state",
            details={
                "state": booking.state,
                "available": process.available(state=booking.state, actor=role),
            },
        )


def _delete_files(names: Iterable[str], *, schema: str) -> None:
    with schema_context(schema):
        for name in names:
            default_storage.delete(name)


def delivery_create(
    *,
    actor,
    booking_id: int,
    message: str = "",
    uploads: Sequence = (),
    now: datetime | None = None,
) -> Delivery:
    """Deliver the order as its provider: a message and/or files, numbered 1, 2, … and
    marked late when past the booking's due time; the booking moves to ``delivered``."""
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise InvalidInput(
            f"A message has at most {MAX_MESSAGE} characters.",
            details={"message": [f"At most {MAX_MESSAGE} characters."]},
        )
    if not message and not uploads:
        raise InvalidInput(
            "A delivery needs a message or files.",
            code="empty_delivery",
            details={"message": ["A message or at least one file."]},
        )
    if len(uploads) > max_files():
        raise InvalidInput(
            f"At most {max_files()} files per delivery.",
            code="too_many_files",
            details={"files": [f"At most {max_files()} files."], "max_files": max_files()},
        )
    booking, role = booking_for(actor, booking_id)  # strangers: 404 before reading anything
    _check_may_deliver(booking, role)
    checked: list[CheckedFile] = []
    stored: list[str] = []
    schema = connection.schema_name
    try:
        for upload in uploads:
            checked.append(delivery_file_check(upload))
        with transaction.atomic():
            booking, role = booking_for(actor, booking_id, lock=True)
            now = now or timezone.now()
            late = bool(booking.due_at and now > booking.due_at)
            number = (booking.deliveries.aggregate(last=Max("number"))["last"] or 0) + 1
            also_save: tuple[str, ...] = ()
            if late and booking.late_at is None:
                booking.late_at = now
                also_save = ("late_at",)
            apply_transition(
                booking,
                name="deliver",
                role=role,
                actor=actor,
                now=now,
                record={"delivery": number, "files": len(checked), "late": late},
                also_save=also_save,
            )
            delivery = Delivery.objects.create(
                booking=booking, number=number, message=message, late=late
            )
            for item in checked:
                row = DeliveryFile(
                    delivery=delivery,
                    name=item.name,
                    size=item.size,
                    content_type=item.content_type,
                )
                row.file.save(f"{uuid.uuid4().hex}.{item.extension}", File(item.content), False)
                stored.append(row.file.name)
                row.save()
    except BaseException:
        _delete_files(stored, schema=schema)
        raise
    finally:
        for item in checked:
            item.close()
    return delivery


def delivery_list(*, actor, booking_id: int) -> tuple[Booking, QuerySet]:
    """The booking's deliveries with their files (parties and staff; 404 for others)."""
    booking, _ = booking_for(actor, booking_id)
    return booking, Delivery.objects.filter(booking=booking).prefetch_related("files")


def delivery_file_for(*, actor, booking_id: int, file_id: int) -> DeliveryFile:
    booking, _ = booking_for(actor, booking_id)
    found = DeliveryFile.objects.filter(pk=file_id, delivery__booking=booking).first()
    if found is None:
        raise NotFound("No such file.", code="file_not_found")
    return found

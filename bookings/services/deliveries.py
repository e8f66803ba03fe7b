"""Deliveries of orders (gig packages, quotes): the provider's message and files, made with
the ``deliver`` step of the booking's process in one transaction.

A file is judged by its bytes (``bookings.files``), never by its name or the client's content
type: images, videos (MP4, QuickTime, WebM), PDF, ZIP and UTF-8 plain text. A deliverable is
kept byte for byte (unlike catalog photos, it is not re-encoded). Every file is checked before
anything is stored; stored files are removed again if the transaction fails. They are stored
under random names below the marketplace's prefix and handed out only to the booking's
parties through the API, never by a media URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from bookings import files
from bookings.files import CheckedFile
from bookings.models import Booking, Delivery, DeliveryFile
from bookings.processes import get_process
from bookings.selectors.bookings import booking_get
from bookings.services.transitions import apply_transition
from config.errors import InvalidInput, NotAllowed, StateConflict

MAX_MESSAGE = 4000
DELIVERABLE_KINDS = (files.IMAGE, files.VIDEO, files.PDF, files.ZIP, files.TEXT)
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
# Marked only: English in the schema (bookings/api/deliveries.py), translated where refused.
ACCEPTED = gettext_noop(
    "images (JPEG, PNG, WebP, GIF), PDF, ZIP, plain text, videos (MP4, MOV, WebM)"
)
DAMAGED = {
    files.IMAGE: gettext_lazy("this image is damaged."),
    files.PDF: gettext_lazy("this PDF is incomplete."),
    files.ZIP: gettext_lazy("this ZIP archive is damaged."),
}


def max_files() -> int:
    return settings.SOUK_DELIVERY_MAX_FILES


def max_bytes() -> int:
    return settings.SOUK_DELIVERY_MAX_BYTES


def _refused(name: str, message: str, code: str = "unsupported_file", **details) -> InvalidInput:
    return InvalidInput(
        f"{name}: {message}", code=code, details={"files": [f"{name}: {message}"], **details}
    )


@dataclass(frozen=True)
class _Refusals:
    """Each refusal names the file, as a delivery carries several."""

    name: str

    def unsupported(self) -> InvalidInput:
        return _refused(
            self.name,
            _("not a file we accept (%(accepted)s).") % {"accepted": _(ACCEPTED)},
            accepted=_(ACCEPTED),
        )

    def too_large(self, limit: int) -> InvalidInput:
        return _refused(self.name, _("too large."), "file_too_large", max_bytes=limit)

    def damaged(self, kind: str, reason: str) -> InvalidInput:
        if kind in DAMAGED:
            return _refused(self.name, str(DAMAGED[kind]), "corrupt_file")
        # A video whose container the catalog's checks do not accept.
        return _refused(self.name, reason)


def _display_name(original: str, content_type: str, extension: str) -> str:
    name = get_valid_filename(original or "file") or "file"
    stem, _, given = name.rpartition(".")
    if not stem or given.lower() not in KEPT_EXTENSIONS.get(content_type, {extension}):
        name = f"{name}.{extension}"
    if len(name) > files.MAX_NAME:
        name = f"{name[: files.MAX_NAME - len(extension) - 1]}.{extension}"
    return name


def delivery_file_check(upload) -> CheckedFile:
    """Judge one upload (a Django ``UploadedFile``); raise ``InvalidInput`` (400).

    Codes: ``unsupported_file``, ``corrupt_file``, ``file_too_large``."""
    original = getattr(upload, "name", "") or "file"
    checked = files.file_check(
        upload, kinds=DELIVERABLE_KINDS, max_bytes=max_bytes(), refusals=_Refusals(original)
    )
    checked.name = _display_name(checked.name, checked.content_type, checked.extension)
    return checked


def _check_may_deliver(booking: Booking, role: str) -> None:
    """Refuse early, before any file is read; ``apply_transition`` decides under the lock."""
    process = get_process(booking.process)
    move = process.transitions.get("deliver")
    if move is None:
        raise StateConflict(_("This kind of booking has no deliveries."), code="unknown_transition")
    if role not in move.actors:
        raise NotAllowed(_("Only the provider delivers."), code="wrong_actor")
    if booking.state not in move.sources:
        raise StateConflict(
            _("A booking that is %(state)s cannot be delivered.")
            % {"state": booking.state.replace("_", " ")},
            code="wrong_state",
            details={
                "state": booking.state,
                "available": process.available(state=booking.state, actor=role),
            },
        )


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
            _("A message has at most %(limit)s characters.") % {"limit": MAX_MESSAGE},
            details={"message": [_("At most %(limit)s characters.") % {"limit": MAX_MESSAGE}]},
        )
    if not message and not uploads:
        raise InvalidInput(
            _("A delivery needs a message or files."),
            code="empty_delivery",
            details={"message": [_("A message or at least one file.")]},
        )
    if len(uploads) > max_files():
        raise InvalidInput(
            _("At most %(max_files)s files per delivery.") % {"max_files": max_files()},
            code="too_many_files",
            details={
                "files": [_("At most %(max_files)s files.") % {"max_files": max_files()}],
                "max_files": max_files(),
            },
        )
    # Strangers: 404 before reading anything.
    booking, role = booking_get(viewer=actor, booking_id=booking_id)
    _check_may_deliver(booking, role)
    checked: list[CheckedFile] = []
    with files.removed_on_failure(checked):
        for upload in uploads:
            checked.append(delivery_file_check(upload))
        with transaction.atomic():
            booking, role = booking_get(viewer=actor, booking_id=booking_id, lock=True)
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
                files.file_store(row.file, item)
                row.save()
    return delivery

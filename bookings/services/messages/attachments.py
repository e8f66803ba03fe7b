"""What a message attachment really is, judged by its bytes: an image or a PDF.

Images go through the catalog's image checks (decoded, dimension and bomb limits, re-encoded
without EXIF, so a phone photo does not carry its GPS position to the other side). PDFs are
recognised by their header and end-of-file marker and kept byte for byte. The size limit is
SOUK_MESSAGE_ATTACHMENT_MAX_BYTES (10 MB by default), enforced while the upload is read.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files import File

from catalog.media.validation import IMAGE_FORMATS, check_upload, sniff_kind
from config.errors import InvalidInput

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
MAX_NAME = 200


@dataclass
class CheckedAttachment:
    content: IO[bytes]
    content_type: str
    extension: str
    size_bytes: int
    original_name: str
    # Set once the file is in storage, so a failed transaction can remove it.
    stored_name: str = ""

    def close(self) -> None:
        self.content.close()


def attachment_max_bytes() -> int:
    return int(getattr(settings, "SOUK_MESSAGE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _unsupported() -> InvalidInput:
    return InvalidInput(
        "Attach an image or a PDF.",
        code="unsupported_attachment",
        details={
            "attachment": ["Not a supported image or PDF."],
            "accepted": [*sorted(ct for ct, _ in IMAGE_FORMATS.values()), "application/pdf"],
        },
    )


def _too_large(limit: int) -> InvalidInput:
    return InvalidInput(
        f"Attachments are limited to {limit} bytes.",
        code="file_too_large",
        details={"attachment": ["Too large."], "max_bytes": limit},
    )


def _clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    return "".join(ch for ch in base if ch.isprintable())[:MAX_NAME] or "attachment"


def _read_limited(upload, limit: int) -> tuple[IO[bytes], int]:
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - returned
    size = 0
    try:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size


def _is_pdf(content: IO[bytes], size: int) -> bool:
    content.seek(0)
    magic = content.read(len(PDF_MAGIC))
    # The end-of-file marker sits in the last kilobyte of a complete PDF.
    content.seek(max(0, size - 1024))
    complete = magic == PDF_MAGIC and b"%%EOF" in content.read()
    content.seek(0)
    return complete


def check_attachment(upload) -> CheckedAttachment:
    """Validate ``upload`` (a Django uploaded file); raise InvalidInput (400) if refused."""
    limit = attachment_max_bytes()
    content, size = _read_limited(upload, limit)
    name = _clean_name(getattr(upload, "name", ""))
    try:
        if size == 0:
            raise _unsupported()
        if _is_pdf(content, size):
            return CheckedAttachment(content, "application/pdf", "pdf", size, name)
        head = content.read(64)
        content.seek(0)
        if sniff_kind(head) != "image":
            raise _unsupported()
        checked = check_upload(File(content, name=name))
    except BaseException:
        content.close()
        raise
    content.close()
    data = checked.content.read()
    checked.close()
    if len(data) > limit:
        raise _too_large(limit)
    return CheckedAttachment(
        io.BytesIO(data), checked.content_type, checked.extension, len(data), name
    )

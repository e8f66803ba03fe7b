"""What a message attachment really is, judged by its bytes (``bookings.files``): an image or
a PDF.

Images are judged from their headers by the catalog's checks (bounded walk, pixel limits;
nothing decoded in the request) and rewritten without their metadata (EXIF but its
orientation, XMP, comments: a phone photo does not carry its GPS position to the other side),
their pixel data untouched. PDFs are recognised by their header and end-of-file marker and
kept byte for byte. The size limit is SOUK_MESSAGE_ATTACHMENT_MAX_BYTES (10 MB by default),
enforced while the upload is read.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from bookings import files
from bookings.files import CheckedFile
from catalog.media.validation import IMAGE_FORMATS
from config.errors import InvalidInput

ATTACHMENT_KINDS = (files.IMAGE, files.PDF)


def attachment_max_bytes() -> int:
    return settings.SOUK_MESSAGE_ATTACHMENT_MAX_BYTES


class _AttachmentRefusals:
    def unsupported(self) -> InvalidInput:
        return InvalidInput(
            _("Attach an image or a PDF."),
            code="unsupported_attachment",
            details={
                "attachment": [_("Not a supported image or PDF.")],
                "accepted": [*sorted(ct for ct, _ in IMAGE_FORMATS.values()), "application/pdf"],
            },
        )

    def too_large(self, limit: int) -> InvalidInput:
        return InvalidInput(
            _("Attachments are limited to %(limit)s bytes.") % {"limit": limit},
            code="file_too_large",
            details={"attachment": [_("Too large.")], "max_bytes": limit},
        )

    def damaged(self, kind: str, reason: str) -> InvalidInput:
        # An incomplete PDF is simply not a PDF we take.
        return self.unsupported()


def attachment_check(upload) -> CheckedFile:
    """Validate ``upload`` (a Django uploaded file); raise InvalidInput (400) if refused."""
    limit = attachment_max_bytes()
    refusals = _AttachmentRefusals()
    checked = files.file_check(
        upload,
        kinds=ATTACHMENT_KINDS,
        max_bytes=limit,
        refusals=refusals,
        strip_image_metadata=True,
    )
    checked.name = checked.name or "attachment"
    return checked

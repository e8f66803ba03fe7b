"""Contact details in message bodies, hidden when read until the booking is paid.

Bodies are stored as written and masked at read time, so the details appear once the booking
is paid. Both sides see the masked text (the sender too): one rule for everyone, and a sender
never gets the impression their number went through.

Recognised: e-mail addresses, "name at domain dot com" spellings, and phone numbers of 7 to 15
digits in international (+964…, 00964…) or local (0770…, (020) 7946…) formats with spaces,
dashes, dots or slashes between groups, in Western or Arabic-Indic digits. Dates (2027-06-12,
12.06.2027) and amounts grouped in thousands (1 500 000) are left alone.
"""

from __future__ import annotations

import re

from tenants.db import connection

MASK_TEXT = {
    "en": "[contact hidden until booking is paid]",
    "ar": "[بيانات الاتصال مخفية حتى دفع الحجز]",
}

# Each pattern starts only where its first run of characters starts (the lookbehinds): else
# every position inside a long word would start a fresh scan to its end, quadratic (and
# cubic with the backtracking of the spelled form) in a body of one long word.
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# "name at domain dot com", "name (at) domain (dot) com", "name [at] domain [dot] co [dot] uk".
SPELLED_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*[(\[{]?\s*\bat\b\s*[)\]}]?\s*[\w-]+"
    r"(?:\s*[(\[{]?\s*\bdot\b\s*[)\]}]?\s*[^\W\d_]{2,})+",
    re.IGNORECASE,
)
# A run of digits with at most three separators between neighbours; judged by `_is_phone`.
PHONE_CANDIDATE = re.compile(r"(?<!\w)(?:\+|00)?[\s(]*\d(?:[\s\-./()]{0,3}\d){6,}(?!\w)")
DATE_LIKE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")
THOUSANDS = re.compile(r"^\d{1,3}(?:[ .,]\d{3})+$")


def _is_phone(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if not 7 <= digits <= 15:
        return False
    compact = candidate.strip(" ()")
    return not (DATE_LIKE.match(compact) or THOUSANDS.match(compact))


def mask_text_for(language: str) -> str:
    return MASK_TEXT.get(language, MASK_TEXT["en"])


def mask_contact_details(text: str, *, replacement: str = MASK_TEXT["en"]) -> tuple[str, bool]:
    """``text`` with e-mail addresses and phone numbers replaced; and whether any were."""
    found = False

    def hide(match: re.Match) -> str:
        nonlocal found
        found = True
        return replacement

    def hide_phone(match: re.Match) -> str:
        nonlocal found
        if not _is_phone(match.group(0)):
            return match.group(0)
        found = True
        # Keep the whitespace the match swallowed at its start, so words stay apart.
        lead = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip())]
        return lead + replacement

    text = EMAIL.sub(hide, text)
    text = SPELLED_EMAIL.sub(hide, text)
    text = PHONE_CANDIDATE.sub(hide_phone, text)
    return text, found


def thread_masks_contacts(thread) -> bool:
    """Whether contact details in this thread are hidden now: the marketplace masks them and
    the thread has no booking, or its booking has not been paid anything yet."""
    if not getattr(connection.tenant, "mask_contact_details", False):
        return False
    booking = thread.booking if thread.booking_id else None
    return booking is None or booking.paid_minor <= 0

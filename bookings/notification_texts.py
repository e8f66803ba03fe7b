"""Texts of booking notifications, per kind and language (the in-app feed and the e-mails).

Each text is a (title, body) pair formatted with ``number`` (the booking's number),
``listing`` (its listing's title) and, for messages, ``sender`` and ``count``. A language
without a text falls back to English. The e-mail subject is the title, prefixed with the
marketplace's name.
"""

from __future__ import annotations

from typing import Any

FALLBACK_LANGUAGE = "en"

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "new_inquiry": {
        "en": ("New inquiry {number}", "A customer asked about “{listing}”."),
        "ar": ("استفسار جديد {number}", "استفسر أحد العملاء عن «{listing}»."),
    },
    "new_request": {
        "en": ("New request {number}", "A customer requested “{listing}”. Please reply soon."),
        "ar": ("طلب جديد {number}", "طلب أحد العملاء «{listing}». يرجى الرد قريبًا."),
    },
    "quote_received": {
        "en": ("Quote received for {number}", "The provider sent a quote for “{listing}”."),
        "ar": ("وصلك عرض سعر للطلب {number}", "أرسل مقدم الخدمة عرض سعر لـ«{listing}»."),
    },
    "request_accepted": {
        "en": ("Request {number} accepted", "Your request for “{listing}” was accepted."),
        "ar": ("تم قبول الطلب {number}", "تم قبول طلبك لـ«{listing}»."),
    },
    "quote_accepted": {
        "en": ("Quote {number} accepted", "The customer accepted your quote for “{listing}”."),
        "ar": ("تم قبول عرض السعر {number}", "قبل العميل عرض السعر الذي قدمته لـ«{listing}»."),
    },
    "request_declined": {
        "en": ("Request {number} declined", "Your request for “{listing}” was declined."),
        "ar": ("تم رفض الطلب {number}", "تم رفض طلبك لـ«{listing}»."),
    },
    "quote_declined": {
        "en": ("Quote {number} declined", "The customer declined your quote for “{listing}”."),
        "ar": ("تم رفض عرض السعر {number}", "رفض العميل عرض السعر الذي قدمته لـ«{listing}»."),
    },
    "deposit_paid": {
        "en": ("Booking {number} confirmed", "The deposit for “{listing}” has been paid."),
        "ar": ("تم تأكيد الحجز {number}", "تم دفع العربون لـ«{listing}»."),
    },
    "booking_paid": {
        "en": ("Booking {number} paid", "“{listing}” has been paid in full."),
        "ar": ("تم دفع الحجز {number}", "تم دفع المبلغ الكامل لـ«{listing}»."),
    },
    "tickets_issued": {
        "en": ("Your tickets for {listing}", "Your tickets ({number}) are issued. Enjoy!"),
        "ar": ("تذاكرك لـ{listing}", "تم إصدار تذاكرك ({number}). استمتع!"),
    },
    "delivered": {
        "en": ("Delivery for {number}", "The provider delivered “{listing}”. Please review it."),
        "ar": ("تم التسليم للطلب {number}", "سلّم مقدم الخدمة «{listing}». يرجى مراجعته."),
    },
    "revision_requested": {
        "en": ("Revision requested on {number}", "The customer asked for a revision."),
        "ar": ("طلب تعديل على {number}", "طلب العميل تعديلًا على «{listing}»."),
    },
    "balance_due": {
        "en": (
            "Balance due for {number}",
            "The balance for “{listing}” is due now: {amount}. Pay it here: {link}",
        ),
        "ar": (
            "حان موعد دفع المبلغ المتبقي للحجز {number}",
            "حان موعد دفع المبلغ المتبقي لـ«{listing}»: {amount}. ادفعه من هنا: {link}",
        ),
    },
    "balance_reminder": {
        "en": (
            "Reminder: balance unpaid for {number}",
            "The balance for “{listing}” ({amount}) is still unpaid; the booking will be "
            "cancelled if it stays unpaid. Pay it here: {link}",
        ),
        "ar": (
            "تذكير: المبلغ المتبقي للحجز {number} غير مدفوع",
            "المبلغ المتبقي لـ«{listing}» ({amount}) ما زال غير مدفوع، وسيُلغى الحجز إن بقي "
            "غير مدفوع. ادفعه من هنا: {link}",
        ),
    },
    "completed": {
        "en": (
            "Booking {number} completed",
            "“{listing}” is complete. Please leave a review: it helps everyone.",
        ),
        "ar": (
            "اكتمل الحجز {number}",
            "اكتمل «{listing}». يرجى ترك تقييم، فهو يفيد الجميع.",
        ),
    },
    "dispute_opened": {
        "en": ("Dispute opened on {number}", "A dispute was opened about “{listing}”."),
        "ar": ("فُتح نزاع على {number}", "تم فتح نزاع بشأن «{listing}»."),
    },
    "dispute_resolved": {
        "en": ("Dispute on {number} resolved", "The dispute about “{listing}” was resolved."),
        "ar": ("تم حل النزاع على {number}", "تم حل النزاع بشأن «{listing}»."),
    },
    "booking_cancelled": {
        "en": ("Booking {number} cancelled", "The booking of “{listing}” was cancelled."),
        "ar": ("تم إلغاء الحجز {number}", "تم إلغاء حجز «{listing}»."),
    },
    "booking_expired": {
        "en": ("Booking {number} expired", "The booking of “{listing}” expired unanswered."),
        "ar": ("انتهت صلاحية الحجز {number}", "انتهت صلاحية حجز «{listing}» دون رد."),
    },
    "refunded": {
        "en": ("Booking {number} refunded", "Your payment for “{listing}” was refunded."),
        "ar": ("تم استرداد مبلغ الحجز {number}", "تم استرداد المبلغ الذي دفعته لـ«{listing}»."),
    },
    "new_message": {
        "en": ("New message from {sender}", "{count} unread message(s) about “{listing}”."),
        "ar": ("رسالة جديدة من {sender}", "لديك {count} رسائل غير مقروءة بشأن «{listing}»."),
    },
}

EMAIL_FOOTER = {
    "en": "Open {marketplace}: {url}",
    "ar": "افتح {marketplace}: {url}",
}
DIRECTION = {"ar": "rtl"}

# The ticket e-mail's sentences (bookings/templates/bookings/tickets/email.*).
TICKET_EMAIL = {
    "en": {
        "intro": "Your tickets for {listing} (order {number}).",
        "code": "Code",
        "ticket": "Ticket",
        "open": "Open or print this ticket",
        "advice": "Show the QR code at the door, on screen or printed. Anyone with a ticket's "
        "code or link can use it: keep them to yourself.",
    },
    "ar": {
        "intro": "تذاكرك لـ«{listing}» (الطلب {number}).",
        "code": "الرمز",
        "ticket": "التذكرة",
        "open": "افتح هذه التذكرة أو اطبعها",
        "advice": "اعرض رمز QR عند الباب، على الشاشة أو مطبوعًا. يستطيع أي شخص لديه رمز "
        "التذكرة أو رابطها استخدامها، فاحتفظ بها لنفسك.",
    },
}


def ticket_email_texts(language: str, **values: Any) -> dict[str, str]:
    texts = TICKET_EMAIL.get(language) or TICKET_EMAIL[FALLBACK_LANGUAGE]
    return {key: text.format(**values) for key, text in texts.items()}


def language_for(user, marketplace) -> str:
    """The user's language if set, else the marketplace's; English if we have no texts."""
    language = (getattr(user, "language", "") or "").split("-")[0].lower()
    if language not in {code for texts in TEXTS.values() for code in texts}:
        language = (getattr(marketplace, "default_language", "") or "").split("-")[0].lower()
    return language if language in TEXTS["new_request"] else FALLBACK_LANGUAGE


def render_text(kind: str, language: str, **values: Any) -> tuple[str, str]:
    """(title, body) of ``kind`` in ``language``."""
    texts = TEXTS[kind]
    title, body = texts.get(language) or texts[FALLBACK_LANGUAGE]
    return title.format(**values), body.format(**values)


def email_footer(language: str, **values: Any) -> str:
    return EMAIL_FOOTER.get(language, EMAIL_FOOTER[FALLBACK_LANGUAGE]).format(**values)


def direction(language: str) -> str:
    return DIRECTION.get(language, "ltr")

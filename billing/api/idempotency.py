"""The Idempotency-Key header of API writes that move money."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter

from config.errors import InvalidInput

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Your key for this write (8 to 64 characters): the same key answers the "
    "first result again, so a retried request never moves money twice.",
)


def idempotency_key(request) -> str:
    """The request's key, scoped to its user (two users' keys never meet); 400
    ``idempotency_key_required`` without a usable one."""
    key = request.headers.get("Idempotency-Key", "")
    if not 8 <= len(key) <= 64 or not key.isprintable():
        raise InvalidInput(
            _("Send an Idempotency-Key header of 8 to 64 characters."),
            code="idempotency_key_required",
        )
    return f"{request.user.pk}-{key}"

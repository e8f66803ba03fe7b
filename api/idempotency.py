"""The Idempotency-Key header of API writes that move money or open something at a provider:
one shape, stated in the schema and checked here, for every such write."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter

from config.errors import InvalidInput

KEY = re.compile(r"[!-~]{8,64}")  # 8 to 64 visible ASCII characters

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 8, "maxLength": 64, "pattern": f"^{KEY.pattern}$"},
    OpenApiParameter.HEADER,
    required=True,
    description="Your key for this write (8 to 64 visible ASCII characters): the same key "
    "answers the first result again, so a retried request never acts twice.",
)


def idempotency_key(request, *, per_user: bool = False) -> str:
    """The request's key (scoped to its user with ``per_user``: two users' keys never meet);
    400 ``idempotency_key_required`` without a usable one."""
    key = request.headers.get("Idempotency-Key", "")
    if not KEY.fullmatch(key):
        raise InvalidInput(
            _("Send an Idempotency-Key header of 8 to 64 characters."),
            code="idempotency_key_required",
        )
    return f"{request.user.pk}-{key}" if per_user else key

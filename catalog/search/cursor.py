"""Opaque keyset cursors: the last row's sort key and id, signed so clients cannot forge them.

A cursor is bound to its sort and query text, so reusing it with another sort is a 400, not a
silently wrong page. It is also signed for the marketplace (schema) that issued it: every
marketplace shares the secret key, so without that a cursor replayed on another marketplace
with the same parameters would be accepted there. Keysets (not offsets) keep pages stable
while listings are added.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from config.errors import InvalidInput
from tenants.db import connection

_SALT = "catalog.search.cursor.v1"


def _salt() -> str:
    return f"{_SALT}:{connection.schema_name}"


def _fingerprint(sort: str, q: str) -> str:
    return hashlib.blake2s(f"{sort}\x00{q}".encode(), digest_size=6).hexdigest()


def cursor_encode(*, sort: str, q: str, key: list[Any]) -> str:
    return signing.dumps({"f": _fingerprint(sort, q), "k": key}, salt=_salt(), compress=True)


def cursor_decode(token: str, *, sort: str, q: str) -> list[Any]:
    try:
        payload = signing.loads(token, salt=_salt())
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidInput(
            _("The cursor is not valid; start again from the first page."), code="invalid_cursor"
        ) from exc
    if (
        not isinstance(payload, dict)
        or payload.get("f") != _fingerprint(sort, q)
        or not isinstance(payload.get("k"), list)
    ):
        raise InvalidInput(
            _("The cursor belongs to another search; start again from the first page."),
            code="invalid_cursor",
        )
    return payload["k"]

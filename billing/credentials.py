"""Provider credentials, encrypted at rest with Fernet.

The key is ``SOUK_CREDENTIALS_KEY`` (a Fernet key: 32 url-safe base64-encoded bytes). Without
it a key is derived from ``SECRET_KEY`` (so rotating SECRET_KEY then needs the credentials
entered again).
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@cache
def _fernet(key: str, secret_key: str) -> Fernet:
    if key:
        return Fernet(key.encode())
    derived = hashlib.sha256(b"souk-credentials:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _cipher() -> Fernet:
    return _fernet(settings.SOUK_CREDENTIALS_KEY, settings.SECRET_KEY)


def credentials_seal(values: dict[str, Any]) -> str:
    return _cipher().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def credentials_open(token: str) -> dict[str, Any]:
    try:
        return json.loads(_cipher().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ValueError("These credentials were sealed with another key.") from exc

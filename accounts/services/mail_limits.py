"""Caps on the account mails a stranger can make us send to an address.

Anyone may ask for a password reset, a magic link or a log-in code for any address, or sign
up with one; each sends a mail. Past ``SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR`` mails of one kind
to one address in an hour, further ones are dropped. The request is answered exactly as
before (the API's 202), so the cap reveals nothing about the address. Requests per client
are limited where they arrive (``api.throttles.AuthMailThrottle``, allauth's rate limits).

Every such mail leaves through ``AccountAdapter.send_mail`` (the API's tasks and allauth's
pages alike), which asks ``auth_mail_allowed`` first. Counts are per marketplace (the
cache's key function adds the schema).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from accounts.services._common import normalize_email

WINDOW_SECONDS = 3600

# Mail templates a stranger can trigger, by kind. Other mails (notices to a logged-in user,
# the owner's welcome) are never capped.
CAPPED_TEMPLATES = {
    "account/email/password_reset_key": "password_reset",
    "accounts/email/magic_link": "magic_link",
    "account/email/unknown_account": "unknown_account",
    "account/email/account_already_exists": "already_registered",
    "account/email/email_confirmation_signup": "verification",
    "account/email/email_confirmation": "verification",
    "account/email/login_code": "login_code",
}


def auth_mail_allowed(*, template_prefix: str, email: str) -> bool:
    """Count one mail of this template to ``email``; False once its kind is over the cap."""
    kind = CAPPED_TEMPLATES.get(template_prefix)
    if kind is None:
        return True
    digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]
    key = f"accounts:mails:{kind}:{digest}"
    # The hour starts at the first mail: a fixed window, never extended by refused ones.
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        sent = cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        sent = 1
    return sent <= settings.SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR

"""The language a mail is written in: its recipient's (``User.language``), else the
marketplace's default, else the site's (settings.LANGUAGE_CODE); only languages the site has.
A mail is often rendered by a Celery task, where no request chose a language."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User


def recipient_language(*, user: User | None = None, email: str = "", marketplace=None) -> str:
    if user is None and email:
        user = User.objects.filter(email__iexact=email).first()
    supported = {code for code, _name in settings.LANGUAGES}
    for language in (getattr(user, "language", ""), getattr(marketplace, "default_language", "")):
        base = (language or "").split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE

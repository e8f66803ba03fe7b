"""The password back-end: Django's ModelBackend behind the log-in limiter.

The API (``token_login``) and allauth's pages (``AccountAdapter.authenticate``) guard their
attempts themselves, to answer 429 with Retry-After or show the form's error; inside their
guard this back-end does not count again. Every other password check through
``authenticate()`` (the admin's log-in page, anything added later) is guarded here: a locked
account or client is refused like a wrong password (PermissionDenied stops Django from trying
the next back-end).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.services.login_limits import login_guard_active, login_guarded
from api.throttles import client_address
from config.errors import RateLimited


class LimitedModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        def check():
            return super(LimitedModelBackend, self).authenticate(
                request, username, password, **kwargs
            )

        if request is None or password is None or login_guard_active():
            return check()
        email = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        try:
            return login_guarded(email=email or "", client=client_address(request), check=check)
        except RateLimited as exc:
            raise PermissionDenied(exc.message) from exc

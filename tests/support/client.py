"""The one HTTP client of the tests: ``api(where, user, ...)``.

A client is bound to one host: a marketplace's primary host name, a host name given as text, or
the operator host (``localhost``) when ``where`` is None. It sends what an API client sends:
``post``, ``put`` and ``patch`` encode ``data`` as JSON unless a ``content_type`` is given;
``post_form`` sends a form (multipart, files included) as a browser does.

Throttle and log-in counters live in Redis, which outlives each test's rollback:
``own_address=True`` gives the client an address no other client of any run uses, a /64 of its
own (log-in limits group IPv6 clients by their /64).
"""

from __future__ import annotations

import itertools
import secrets
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django_tenants.utils import schema_context, tenant_context

from tests.support.factories.accounts import api_token_for

JSON = "application/json"

_RUN_PREFIX = ":".join(f"{secrets.randbits(16):x}" for _ in range(2))
_addresses = itertools.count(1)


def fresh_address() -> str:
    """A client address (an IPv6 /64) no other client of any test run has used."""
    return f"fd00:{_RUN_PREFIX}:{next(_addresses):x}::1"


class ApiClient(Client):
    """A Django test client on one host whose writes are JSON unless told otherwise."""

    def __init__(self, host: str, *, marketplace=None, user=None, **defaults: Any) -> None:
        super().__init__(HTTP_HOST=host, **defaults)
        self.host, self.marketplace, self.user = host, marketplace, user

    def post(self, path, data=None, content_type=JSON, **extra):  # type: ignore[override]
        return super().post(path, {} if data is None else data, content_type, **extra)

    def put(self, path, data=None, content_type=JSON, **extra):  # type: ignore[override]
        return super().put(path, {} if data is None else data, content_type, **extra)

    def patch(self, path, data=None, content_type=JSON, **extra):  # type: ignore[override]
        return super().patch(path, {} if data is None else data, content_type, **extra)

    def post_form(self, path, data=None, **extra):
        """POST ``data`` as a form (multipart: what a browser and an upload send)."""
        return super().post(path, {} if data is None else data, MULTIPART_CONTENT, **extra)


def api(
    where=None,
    user=None,
    *,
    token: str | None = None,
    session: bool = False,
    own_address: bool = False,
    **defaults: Any,
) -> ApiClient:
    """A client on ``where``: a marketplace, a host name, or None for the operator host.

    ``user``: the client sends a new API token of theirs, made in the marketplace's schema (the
    public one on the operator host, the caller's on a host given by name); ``session=True``:
    it holds their web session too. ``token``: the client sends this token. ``own_address``: see
    the module. ``defaults``: Django client defaults (``HTTP_*`` headers, ``REMOTE_ADDR``,
    ``raise_request_exception``...).
    """
    if where is None or isinstance(where, str):
        marketplace, host = None, where or "localhost"
    else:
        marketplace, host = where, where.get_primary_domain().domain
    if own_address:
        defaults.setdefault("REMOTE_ADDR", fresh_address())
    # The connection's schema is left alone unless a token or a session is made: some tests
    # count the schemas a connection served.
    schema: AbstractContextManager = nullcontext()
    if (user is not None and token is None) or session:
        if marketplace is not None:
            schema = tenant_context(marketplace)
        elif where is None:
            schema = schema_context("public")
    with schema:
        if user is not None and token is None:
            token = api_token_for(user)
        if token:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        client = ApiClient(host, marketplace=marketplace, user=user, **defaults)
        if session:
            client.force_login(user)
    return client


def assert_error(response, status, code=None):
    """``response`` is an error of the API's one shape, with ``status`` (and ``code``)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "details"}, body
    if code:
        assert body["error"] == code, body
    return body

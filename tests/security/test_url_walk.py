"""Issue 11's acceptance: every URL of a marketplace host, the admin's included, requested on
fire's host with the ids, tokens and sessions of another marketplace, carries nothing of it.

The victim marketplace (tests/security/victim.py) holds one of everything, marked; the walk
(tests/security/walker.py) fills every pattern with its values and searches each response.
"""

from __future__ import annotations

import pytest
from django.core import mail

from tests.security.snapshot import changed_tables, marketplace_rows
from tests.security.walker import Finding, leaks_in, report, routes, walk
from tests.support.client import ApiClient, api

# Heavy (a real process, a server, threads or every URL): left out of `make test-fast`.
pytestmark = pytest.mark.slow

# The site's pages (issue 15) roughly doubled the patterns a session can reach.
MAX_REQUESTS = 8000
# Patterns whose filled paths show the victim's data to the victim's own people: proof that
# the walk's ids, pairs, slugs and codes reach real rows (files and QR codes included).
REACHES_VICTIM_DATA = {
    "admin/accounts/user/<path:object_id>/change/",
    "admin/catalog/listing/<path:object_id>/change/",
    "admin/catalog/providerprofile/<path:object_id>/change/",
    "api/v1/^tickets/(?P<code>[-\\w]+)/qr\\.(?P<kind>(?:png|svg))$",
    "api/v1/bookings/<int:booking_id>/",
    "api/v1/bookings/<int:booking_id>/deliveries/",
    "api/v1/bookings/<int:booking_id>/deliveries/files/<int:file_id>/",
    "api/v1/bookings/<int:booking_id>/dispute/",
    "api/v1/bookings/<int:booking_id>/dispute/evidence/<int:evidence_id>/file/",
    "api/v1/bookings/<int:booking_id>/events/",
    "api/v1/bookings/<int:booking_id>/reviews/",
    "api/v1/bookings/<int:booking_id>/thread/",
    "api/v1/bookings/<int:booking_id>/tickets/",
    "api/v1/listings/<int:listing_id>/",
    "api/v1/listings/<int:listing_id>/media/",
    "api/v1/listings/<int:listing_id>/ticket-metrics/",
    "api/v1/listings/by-slug/<str:slug>/",
    "api/v1/providers/<int:provider_id>/",
    "api/v1/providers/<int:provider_id>/listings/",
    "api/v1/providers/<int:provider_id>/reviews/",
    "api/v1/providers/<int:provider_id>/vouches/",
    "api/v1/threads/<int:thread_id>/",
    "api/v1/threads/<int:thread_id>/messages/",
    "api/v1/threads/<int:thread_id>/messages/<int:message_id>/attachment/",
    "api/v1/tickets/<slug:code>/page/",
}


def _me(client: ApiClient):
    return client.get("/api/v1/me/")


def _replayed(client: ApiClient, host: str, *, token: bool = True) -> ApiClient:
    """The same cookies (and the same token, unless ``token`` is false), sent to ``host``."""
    other = api(host, raise_request_exception=False)
    if token and "HTTP_AUTHORIZATION" in client.defaults:
        other.defaults["HTTP_AUTHORIZATION"] = client.defaults["HTTP_AUTHORIZATION"]
    other.cookies = client.cookies
    return other


def _mails_carrying(secrets: set[str]) -> list[str]:
    found = []
    for message in mail.outbox:
        text = " ".join([str(message.subject), str(message.body), *message.to])
        leaked = leaks_in(text, secrets, ())
        if leaked:
            found.append(f"mail to {message.to} {message.subject!r} carries {', '.join(leaked)}")
    return found


def _judged(findings, count, before, victim) -> None:
    after = marketplace_rows(schema=victim.schema, marketplace_id=victim.marketplace.pk)
    assert not findings, report(findings)
    assert count < MAX_REQUESTS, f"{count} requests: fewer values per parameter, please"
    changed = changed_tables(before, after)
    assert not changed, f"the walk changed the victim's rows in {changed}"


def test_the_walk_reaches_the_victims_data_where_it_belongs(victim):
    """On the victim's own host, for its own people, the walk's paths show the victim's data
    and its credentials work: the walk elsewhere could find something, so finding nothing
    there means something."""
    assert _me(victim.owner_token_client(victim.host)).json()["email"] == victim.owner.email
    assert _me(victim.owner_session_client(victim.host)).json()["email"] == victim.owner.email
    people = {
        "victim owner": victim.owner,
        "victim customer": victim.customer.user,
        "victim provider": victim.provider.user,
    }
    home = {
        name: api(
            victim.marketplace,
            user,
            session=True,
            own_address=True,
            raise_request_exception=False,
        )
        for name, user in people.items()
    }
    findings, _ = walk(
        "config.urls",
        home,
        victim,
        only=("get",),
        routes_wanted=lambda route: route.route in REACHES_VICTIM_DATA,
    )
    assert not [f for f in findings if f.status >= 500], report(findings)
    shown = {finding.route for finding in findings if finding.status < 300}
    missing = REACHES_VICTIM_DATA - shown
    assert not missing, f"the walk's values reach no data behind: {sorted(missing)}"


def test_walking_every_marketplace_url_with_another_marketplaces_ids_finds_nothing_of_it(
    victim, attackers, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    before = marketplace_rows(schema=victim.schema, marketplace_id=victim.marketplace.pk)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        findings, count = walk("config.urls", attackers, victim)
    assert not [f for f in findings if f.status == 0], report(findings)
    # What the requests queued for after commit (mail, notifications) may not reach the victim.
    for callback in queued:
        try:
            callback()
        except Exception as error:  # noqa: BLE001 - reported with the rest
            findings.append(Finding("-", "commit", "on_commit", str(callback), 500, repr(error)))
    assert not _mails_carrying(victim.secrets), _mails_carrying(victim.secrets)
    _judged(findings, count, before, victim)


def test_walking_the_operator_host_with_a_marketplace_owners_credentials_finds_nothing(victim):
    identities = {
        "anonymous": api("localhost", own_address=True, raise_request_exception=False),
        "victim owner's token": _replayed(victim.owner_token_client(victim.host), "localhost"),
        "victim owner's session": _replayed(victim.owner_session_client(victim.host), "localhost"),
    }
    before = marketplace_rows(schema=victim.schema, marketplace_id=victim.marketplace.pk)
    findings, count = walk("config.urls_public", identities, victim)
    assert not [f for f in findings if f.status == 0], report(findings)
    _judged(findings, count, before, victim)


def test_tokens_sessions_links_and_files_of_one_marketplace_open_nothing_on_another(
    victim, attackers
):
    # Fire's people are known at home, and nobody on the victim's host.
    for name in ("fire customer", "fire provider", "fire owner"):
        client = attackers[name]
        assert _me(client).status_code == 200, name
        assert _me(_replayed(client, victim.host)).status_code in (401, 403), name
        session_only = _replayed(client, victim.host, token=False)
        assert "sessionid" in session_only.cookies, name
        assert _me(session_only).status_code in (401, 403), name
        page = session_only.get("/accounts/email/")
        assert page.status_code == 302 and "/accounts/login/" in page["Location"], name
    # The victim owner's token and session are nobody on fire's host.
    for name in ("victim owner's token", "victim owner's session"):
        assert _me(attackers[name]).status_code in (401, 403), name

    # The victim's one-time links and keys open nothing on fire's host.
    anonymous = attackers["anonymous"]
    uid, key = victim.reset_uid_key.split("-", 1)
    attempts = {
        "/api/v1/auth/magic-link/confirm/": {"token": victim.magic_token},
        "/api/v1/auth/email/verify/": {"key": victim.confirmation_key},
        "/api/v1/auth/password/reset/confirm/": {
            "uid": uid,
            "token": key,
            "new_password": "a-new-Passw0rd-for-me",
        },
    }
    for path, body in attempts.items():
        response = anonymous.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.content)
        assert not leaks_in(response.content.decode(), victim.secrets, tuple(body.values()))
    assert anonymous.get(f"/accounts/magic/{victim.magic_token}/").status_code < 500
    assert _me(anonymous).status_code in (401, 403)

    # The victim's public media are not served under fire's host, whatever the prefix.
    assert victim.media_paths
    media_served = any(route.route.startswith("^media/") for route in routes("config.urls"))
    for path in victim.media_paths:
        at_home = api(victim.host, own_address=True, raise_request_exception=False).get(
            f"/media/{victim.schema}/{path}"
        )
        assert at_home.status_code == (200 if media_served else 404), (path, at_home)
        for name, client in attackers.items():
            response = client.get(f"/media/{victim.schema}/{path}")
            assert response.status_code == 404, (name, path, response.status_code)


def test_no_websocket_route_escapes_the_walk():
    """The walk covers HTTP only: a websocket route needs a replay test of its own first.
    ``ws/live/`` has tests/security/test_realtime_sockets.py (another marketplace's tickets
    and sessions, other origins, strangers to a thread); ``ws/streams/<id>/`` has
    tests/security/test_stream_sockets.py (another marketplace's stream ids and tickets, other
    origins, anonymous sockets that may watch but neither chat nor send gifts);
    ``ws/sessions/<id>/`` has tests/security/test_session_room_sockets.py (another
    marketplace's tickets and cookies, strangers, other readers and staff; signals and meters
    stay in their own room)."""
    from config.asgi import application
    from realtime.routing import websocket_urlpatterns

    assert set(application.application_mapping) == {"http", "websocket"}
    routes = [str(route.pattern) for route in websocket_urlpatterns]
    assert routes == [
        "ws/live/",
        "ws/sessions/<int:booking_id>/",
        "ws/streams/<int:stream_id>/",
    ], (
        "config/asgi.py routes more websockets now: add their consumers to tests/security/ "
        "(another marketplace's ids, tokens and sessions must find nothing)"
    )

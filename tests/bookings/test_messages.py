"""Messages: inquiry and booking threads, read receipts and unread counts, who may write and
read, paging, and the per-sender rate limit.
"""

import io
from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from bookings.models import Message, Notification, Thread
from tests.bookings.messaging import ask, post_with_files, provider_listing, rate_counters_forget
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party


def test_inquiry_thread_read_receipts_and_unread_counts(fire, clear_rates):
    provider, _, listing = provider_listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user, provider.user)

    first = ask(customer, listing)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] is True
    thread_id = body["thread"]["id"]
    assert body["thread"]["listing"] == {"id": listing.pk, "title": listing.title}
    assert body["thread"]["booking"] is None
    assert body["message"]["from_you"] is True
    # Asking again reuses the same inquiry thread.
    again = ask(customer, listing, "And on the 13th?")
    assert again.status_code == 200, again.content
    assert again.json()["created"] is False and again.json()["thread"]["id"] == thread_id

    threads = provider.api.get("/api/v1/threads/").json()["results"]
    assert [t["id"] for t in threads] == [thread_id]
    assert threads[0]["unread_count"] == 2
    assert threads[0]["your_role"] == "provider"
    assert threads[0]["last_message"]["body"] == "And on the 13th?"
    assert provider.api.get("/api/v1/threads/unread/").json() == {"unread": 2}
    assert customer.api.get("/api/v1/threads/unread/").json() == {"unread": 0}
    # One feed entry for the provider, counting the unread messages.
    with tenant_context(fire):
        entry = Notification.objects.get(user=provider.user, kind="new_message")
        assert entry.data == {"thread_id": thread_id, "count": 2}
        assert entry.emailed_at is None

    page = provider.api.get(f"/api/v1/threads/{thread_id}/messages/").json()
    assert [m["body"] for m in page["results"]] == ["Are you free on 12 June?", "And on the 13th?"]
    assert [m["read"] for m in page["results"]] == [False, False]
    newest = page["results"][-1]["id"]
    # The customer sees that nothing was read yet.
    mine = customer.api.get(f"/api/v1/threads/{thread_id}/messages/").json()
    assert mine["read_by_other_up_to"] == 0 and not any(m["read"] for m in mine["results"])

    read = provider.api.post(f"/api/v1/threads/{thread_id}/read/")
    assert read.status_code == 200, read.content
    assert read.json() == {"last_read_message_id": newest, "unread_total": 0}
    mine = customer.api.get(f"/api/v1/threads/{thread_id}/messages/").json()
    assert mine["read_by_other_up_to"] == newest
    assert all(m["read"] for m in mine["results"])
    with tenant_context(fire):
        assert Notification.objects.get(user=provider.user, kind="new_message").read_at
    # Marks never move back.
    provider.api.post(f"/api/v1/threads/{thread_id}/read/", {"up_to": 1})
    assert customer.api.get(f"/api/v1/threads/{thread_id}/").json()["read_by_other_up_to"] == (
        newest
    )

    reply = provider.api.post(f"/api/v1/threads/{thread_id}/messages/", {"body": "Yes, I am."})
    assert reply.status_code == 201, reply.content
    assert customer.api.get("/api/v1/threads/unread/").json() == {"unread": 1}
    listed = customer.api.get("/api/v1/threads/").json()["results"][0]
    assert listed["unread_count"] == 1 and listed["last_message"]["body"] == "Yes, I am."


def test_only_the_parties_write_staff_read_and_strangers_get_404(fire, talent, clear_rates):
    provider, _, listing = provider_listing(fire, "performance")
    customer, stranger, staff = party(fire), party(fire), staff_party(fire)
    clear_rates(fire, customer.user, staff.user, stranger.user)
    thread_id = ask(customer, listing).json()["thread"]["id"]
    base = f"/api/v1/threads/{thread_id}"

    for who in (stranger, party(talent)):
        assert_error(who.api.get(f"{base}/"), 404, "thread_not_found")
        assert_error(who.api.get(f"{base}/messages/"), 404, "thread_not_found")
        assert_error(who.api.post(f"{base}/messages/", {"body": "hi"}), 404, "thread_not_found")
        assert_error(who.api.post(f"{base}/read/"), 404, "thread_not_found")
        assert who.api.get("/api/v1/threads/").json()["results"] == []
    # Another marketplace's listing id means nothing here.
    assert_error(ask(party(talent), listing), 404, "listing_not_found")

    assert staff.api.get(f"{base}/messages/").status_code == 200
    assert_error(staff.api.post(f"{base}/messages/", {"body": "hi"}), 403, "staff_read_only")
    assert_error(staff.api.post(f"{base}/read/"), 403, "staff_read_only")
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id).count() == 1


def test_bad_input_writes_nothing(fire, clear_rates):
    provider, profile, listing = provider_listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user, provider.user)

    assert_error(customer.api.post("/api/v1/threads/", {"listing_id": listing.pk}), 400)
    assert_error(
        customer.api.post(
            "/api/v1/threads/", {"listing_id": listing.pk, "provider_id": profile.pk, "body": "x"}
        ),
        400,
        "invalid_subject",
    )
    assert_error(
        customer.api.post("/api/v1/threads/", {"provider_id": 999999, "body": "x"}),
        404,
        "provider_not_found",
    )
    assert_error(ask(provider, listing), 422, "own_listing")
    with tenant_context(fire):
        assert not Thread.objects.filter(listing=listing).exists()

    thread_id = customer.api.post(
        "/api/v1/threads/", {"provider_id": profile.pk, "body": "Hello"}
    ).json()["thread"]["id"]
    url = f"/api/v1/threads/{thread_id}/messages/"
    assert_error(customer.api.post(url, {"body": "   "}), 400, "empty_message")
    assert_error(customer.api.post(url, {"body": "x" * 5001}), 400)
    assert_error(customer.api.get(url, {"before": "abc"}), 400, "invalid_cursor")
    assert_error(customer.api.get(url, {"before": 5, "after": 1}), 400, "invalid_cursor")
    assert_error(customer.api.post(f"/api/v1/threads/{thread_id}/read/", {"up_to": -1}), 400)
    text = io.BytesIO(b"just some text, not an image")
    text.name = "notes.png"
    assert_error(
        post_with_files(customer, thread_id, attachment=text), 400, "unsupported_attachment"
    )
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id).count() == 1


def test_senders_are_rate_limited_per_minute_and_per_day(fire, settings, clear_rates):
    settings.SOUK_MESSAGE_RATE_PER_MINUTE = 3
    settings.SOUK_MESSAGE_RATE_PER_DAY = 5
    provider, _, listing = provider_listing(fire, "performance")
    customer = party(fire)
    # Early in a minute at noon UTC: the test's minutes and day are the windows it means.
    start = timezone.now().replace(hour=12, minute=0, second=1, microsecond=0).timestamp()
    with time_machine.travel(start, tick=False):
        clear_rates(fire, customer.user, provider.user)
        thread_id = ask(customer, listing).json()["thread"]["id"]
        url = f"/api/v1/threads/{thread_id}/messages/"
        assert customer.api.post(url, {"body": "two"}).status_code == 201
        assert customer.api.post(url, {"body": "three"}).status_code == 201
        refused = assert_error(
            customer.api.post(url, {"body": "four"}), 429, "message_rate_limited"
        )
        assert refused["details"]["window"] == "minute"
        assert 0 < refused["details"]["retry_after"] <= 60
        # Another sender has their own count.
        assert provider.api.post(url, {"body": "reply"}).status_code == 201
    with time_machine.travel(start + 61, tick=False):
        assert customer.api.post(url, {"body": "five"}).status_code == 201
        # The refused message counted too: 3 + 1 refused + 1 = 5 today.
        refused = assert_error(customer.api.post(url, {"body": "six"}), 429)
        assert refused["details"]["window"] == "day"
        rate_counters_forget(fire, [customer.user, provider.user])
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id, sender=customer.user).count() == 4


def _threads_for(provider_profile, count):
    from tests.support.factories.accounts import VerifiedUserFactory

    for _ in range(count):
        customer = VerifiedUserFactory()
        thread = Thread.objects.create(provider=provider_profile, customer=customer)
        Message.objects.create(thread=thread, sender=customer, body="Hello")
        Message.objects.create(thread=thread, sender=provider_profile.user, body="Hi")


def test_thread_list_runs_a_constant_number_of_queries(fire):
    provider, profile = provider_party(fire)
    with tenant_context(fire):
        _threads_for(profile, 1)
    provider.api.get("/api/v1/threads/")  # warm the per-process caches (routing, token)
    with CaptureQueriesContext(connection) as one:
        response = provider.api.get("/api/v1/threads/")
    assert len(response.json()["results"]) == 1
    with tenant_context(fire):
        _threads_for(profile, 9)
    with CaptureQueriesContext(connection) as ten:
        response = provider.api.get("/api/v1/threads/")
    results = response.json()["results"]
    assert len(results) == 10
    assert {t["unread_count"] for t in results} == {1}
    assert len(ten.captured_queries) == len(one.captured_queries)


def test_older_messages_page_by_cursor(fire):
    provider, profile = provider_party(fire)
    customer = party(fire)
    with tenant_context(fire):
        thread = Thread.objects.create(provider=profile, customer=customer.user)
        ids = [
            Message.objects.create(thread=thread, sender=customer.user, body=str(n)).pk
            for n in range(5)
        ]
    url = f"/api/v1/threads/{thread.pk}/messages/"
    newest = customer.api.get(url, {"limit": 2}).json()
    assert [m["id"] for m in newest["results"]] == ids[3:]
    assert (newest["has_older"], newest["has_newer"]) == (True, False)
    older = customer.api.get(url, {"limit": 2, "before": ids[3]}).json()
    assert [m["id"] for m in older["results"]] == ids[1:3]
    assert (older["has_older"], older["has_newer"]) == (True, True)
    newer = customer.api.get(url, {"limit": 10, "after": ids[1]}).json()
    assert [m["id"] for m in newer["results"]] == ids[2:]
    assert (newer["has_older"], newer["has_newer"]) == (True, False)


def test_a_new_inquiry_thread_after_a_day(fire, clear_rates):
    """The inquiry is one thread per customer, provider and listing, however long apart."""
    _, _, listing = provider_listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    first = ask(customer, listing).json()["thread"]["id"]
    with time_machine.travel(timedelta(days=2)):
        clear_rates(fire, customer.user)
        assert ask(customer, listing).json()["thread"]["id"] == first


# --- Images: never decoded in the request, metadata removed (bookings.files) ---------------

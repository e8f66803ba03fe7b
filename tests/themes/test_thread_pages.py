"""The thread page of each party (/dashboard/messages/<id>/ for the customer,
/provider/messages/<id>/ for the provider) with Django's test client: the same messages,
masked as the API masks them, a form that works without the script, and what site/thread.js
needs to go live (the socket's path and the user's newest event id, the message template).
The reading room shows the booking's thread the same way."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance_credit
from billing.money import Money
from bookings.models import Message
from bookings.selectors.messages import thread_id_of_booking
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.messages import message_rate_keys, message_send
from realtime.selectors.events import live_stream_head
from tests.support.client import api
from tests.support.factories.bookings import evening, party, provider_party, staff_party
from tests.support.factories.catalog import listing_of


def _pages(marketplace, user):
    with tenant_context(marketplace):
        cache.delete_many(message_rate_keys(user_id=user.pk))
    return api(marketplace, user, session=True, own_address=True)


def _thread(marketplace):
    """A customer's booking of a provider's performance, its thread and one message in it."""
    customer = party(marketplace, display_name="Rowan Client")
    provider, profile = provider_party(marketplace, display_name="Ember Juggler")
    start, end = evening()
    with tenant_context(marketplace):
        listing = listing_of("performance", provider=profile)
        booking = booking_create(
            actor=customer.user,
            request=BookingRequest(listing_id=listing.pk, starts_at=start, ends_at=end),
        )
        thread_id = thread_id_of_booking(booking_id=booking.pk)
        message_send(actor=customer.user, thread_id=thread_id, body="Ring 07700 900123 please")
    return customer, provider, booking, thread_id


def _head(marketplace, user) -> str:
    with tenant_context(marketplace):
        return live_stream_head(schema=connection.schema_name, user_id=user.pk)


def test_both_parties_see_the_thread_ready_to_go_live(fire):
    customer, provider, booking, thread_id = _thread(fire)
    for user, path, other in (
        (customer.user, f"/dashboard/messages/{thread_id}/", "Ember Juggler"),
        (provider.user, f"/provider/messages/{thread_id}/", "Rowan Client"),
    ):
        response = _pages(fire, user).get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert 'data-live-path="/ws/live/"' in html
        assert f'data-last-event-id="{_head(fire, user)}"' in html
        assert f'data-thread-id="{thread_id}"' in html and f'data-other="{other}"' in html
        assert '<template data-thread="message">' in html and "/static/site/thread" in html
        # Masked for both sides, as the API masks it; the form posts back to the same page.
        assert "07700 900123" not in html and "[contact hidden until booking is paid]" in html
        assert f'action="{path}"' in html
        assert "https://" not in html.split("<main", 1)[1]
    provider_page = _pages(fire, provider.user).get(f"/provider/bookings/{booking.pk}/")
    assert f'href="/provider/messages/{thread_id}/"' in provider_page.content.decode()


def test_the_provider_writes_with_the_form_and_older_messages_are_not_live(fire):
    customer, provider, _booking, thread_id = _thread(fire)
    pages = _pages(fire, provider.user)
    sent = pages.post_form(f"/provider/messages/{thread_id}/", {"body": "Happy to, see you"})
    assert sent.status_code == 302
    assert sent["Location"] == f"/provider/messages/{thread_id}/#latest"
    with tenant_context(fire):
        newest = Message.objects.filter(thread_id=thread_id).order_by("-pk").first()
    assert newest.sender_id == provider.user.pk and newest.body == "Happy to, see you"
    html = pages.get(f"/provider/messages/{thread_id}/").content.decode()
    assert "Message sent." in html and "Happy to, see you" in html

    empty = pages.post_form(f"/provider/messages/{thread_id}/", {"body": "  "})
    assert empty.status_code == 400 and "Required without an attachment." in empty.content.decode()
    older = pages.get(f"/provider/messages/{thread_id}/?before={newest.pk}").content.decode()
    assert "data-live-path" not in older and "Ring" in older and "Happy to" not in older


def test_only_the_threads_own_provider_finds_the_providers_page(fire):
    customer, _provider, _booking, thread_id = _thread(fire)
    path = f"/provider/messages/{thread_id}/"
    another, _profile = provider_party(fire)
    assert _pages(fire, another.user).get(path).status_code == 404
    refused = _pages(fire, another.user).post_form(path, {"body": "Hi"})
    assert refused.status_code == 404
    assert _pages(fire, customer.user).get(path).status_code == 403
    assert _pages(fire, staff_party(fire).user).get(path).status_code == 403
    assert _pages(fire, another.user).get(f"/provider/messages/{2**63}/").status_code == 404
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id).count() == 1


@pytest.fixture
def psychic(make_marketplace):
    return make_marketplace("psychic-readers")


def test_the_reading_room_shows_the_readings_thread(psychic):
    provider, profile = provider_party(psychic, per_minute_rates={"chat": 250}, is_online=True)
    customer = party(psychic)
    with tenant_context(psychic):
        listing = listing_of("live-reading", provider=profile, price_minor=250)
        prepaid_balance_credit(customer=customer.user, amount=Money(2500, "USD"))
    created = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "channel": "chat"})
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    accepted = provider.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert accepted.status_code == 200, accepted.content
    with tenant_context(psychic):
        thread_id = thread_id_of_booking(booking_id=booking_id)
        message_send(actor=customer.user, thread_id=thread_id, body="Is the reader in?")
    for user, thread_page in (
        (customer.user, f"/dashboard/messages/{thread_id}/"),
        (provider.user, f"/provider/messages/{thread_id}/"),
    ):
        html = _pages(psychic, user).get(f"/readings/{booking_id}/").content.decode()
        assert "Is the reader in?" in html and 'data-live-path="/ws/live/"' in html
        assert re.search(rf'<form class="message-form" method="post" action="{thread_page}"', html)

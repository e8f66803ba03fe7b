"""The reading room page (/readings/<id>/): for a metered session's two parties only, with the
meter as each sees it and the room's script, served by the marketplace itself."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance_credit
from billing.money import Money
from tests.support.client import api
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.factories.catalog import listing_of

RATE = 250


@pytest.fixture
def psychic(make_marketplace):
    return make_marketplace("psychic-readers")


def _live_reading(marketplace, *, channel="video"):
    provider, profile = provider_party(
        marketplace, per_minute_rates={channel: RATE}, is_online=True
    )
    customer = party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of("live-reading", provider=profile, price_minor=RATE)
        prepaid_balance_credit(customer=customer.user, amount=Money(10 * RATE, "USD"))
    created = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "channel": channel})
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    for who, move in ((provider, "accept"), (customer, "start")):
        moved = who.api.post(f"/api/v1/bookings/{booking_id}/transitions/{move}/")
        assert moved.status_code == 200, moved.content
    return customer, provider, booking_id


def _page(marketplace, user, booking_id):
    return api(marketplace, user, session=True, own_address=True).get(f"/readings/{booking_id}/")


def test_each_party_sees_the_room_with_its_own_meter_and_the_script(psychic):
    customer, provider, booking_id = _live_reading(psychic)

    mine = _page(psychic, customer.user, booking_id)
    assert mine.status_code == 200
    html = mine.content.decode()
    assert f'data-socket-path="/ws/sessions/{booking_id}/"' in html
    assert 'data-role="customer"' in html and 'data-channel="video"' in html
    assert 'data-meter="balance_minor"' in html and "$22.50" in html  # 10 minutes less one
    assert "/static/site/reading-room" in html and "<video" in html
    assert "https://" not in html.split("<main", 1)[1]  # nothing from another host

    theirs = _page(psychic, provider.user, booking_id).content.decode()
    assert 'data-role="provider"' in theirs
    assert 'data-meter="balance_minor"' not in theirs and "$22.50" not in theirs
    assert f"/provider/bookings/{booking_id}/" in theirs


def test_the_parties_booking_pages_link_to_the_room_while_it_is_open(psychic):
    customer, provider, booking_id = _live_reading(psychic)
    room = f'href="/readings/{booking_id}/"'
    for user, page in (
        (customer.user, f"/dashboard/bookings/{booking_id}/"),
        (provider.user, f"/provider/bookings/{booking_id}/"),
    ):
        seen = api(psychic, user, session=True, own_address=True).get(page)
        assert seen.status_code == 200
        assert room in seen.content.decode()
    ended = customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/end/")
    assert ended.status_code == 200, ended.content
    page = api(psychic, customer.user, session=True, own_address=True).get(
        f"/dashboard/bookings/{booking_id}/"
    )
    assert room not in page.content.decode()


def test_a_chat_reading_has_no_call(psychic):
    customer, _provider, booking_id = _live_reading(psychic, channel="chat")
    html = _page(psychic, customer.user, booking_id).content.decode()
    assert "<video" not in html


def test_anyone_else_gets_a_404_and_visitors_log_in_first(psychic, fire):
    _customer, _provider, booking_id = _live_reading(psychic)
    strangers = (party(psychic), provider_party(psychic)[0], staff_party(psychic))
    for outsider in (someone.user for someone in strangers):
        assert _page(psychic, outsider, booking_id).status_code == 404
    assert _page(fire, party(fire).user, booking_id).status_code == 404
    visitor = api(psychic, own_address=True).get(f"/readings/{booking_id}/")
    assert visitor["Location"].startswith(f"/accounts/login/?next=/readings/{booking_id}/")

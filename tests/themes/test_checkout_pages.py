"""The checkout pages (themes/pages/checkout) with Django's test client: booking from a listing
for each pricing (errors beside the field, what was typed kept), paying through FIB's sandbox
(the QR code shown as a data: image with its readable code), the return page and its poll,
and the wallet's top-up and auto-reload. Real database, real FIB sandbox over HTTP."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import Payment
from bookings.models import Booking
from bookings.services.transitions import booking_transition
from catalog.models import ListingPackage, TicketTier
from tests.support import sandboxes
from tests.support.client import api
from tests.support.factories.bookings import party, provider_party
from tests.support.factories.catalog import event, gig, listing_of
from tests.support.wallet import sandbox_pays

# The FIB sandbox's fixtures (tests/billing and tests/security import them in their conftest).
fib_sandbox = sandboxes.fib_sandbox
fib_books = sandboxes.fib_books

QUOTE = 50_000_000  # 50,000 IQD in fils


def _customer(marketplace):
    someone = party(marketplace)
    return someone, api(marketplace, someone.user, session=True)


def _booking(marketplace, **filters) -> Booking:
    with tenant_context(marketplace):
        return Booking.objects.select_related("listing").get(**filters)


def _html(response) -> str:
    return response.content.decode()


# --- booking from the listing page ---------------------------------------------------------


def test_a_visitor_is_asked_to_log_in_and_a_customer_sees_the_calendar(fire):
    _provider, profile = provider_party(fire)
    with tenant_context(fire):
        listing = listing_of("performance", provider=profile, slug="fire-eater-night")
    visitor = _html(api(fire).get(f"/listings/{listing.slug}/"))
    assert "Log in to book" in visitor and 'name="day"' not in visitor

    _someone, client = _customer(fire)
    page = _html(client.get(f"/listings/{listing.slug}/"))
    assert f'action="/book/{listing.slug}/"' in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    # The provider works every day (listing_of opens the calendar): tomorrow is a free day.
    assert re.search(rf'<input type="radio" name="day" id="day-{tomorrow}"', page) or (
        tomorrow[:7] != timezone.localdate().isoformat()[:7]
    )
    assert 'name="starts_at"' in page and 'name="ends_at"' in page
    next_month = _html(client.get(f"/listings/{listing.slug}/?month=2099-01"))
    assert 'id="day-2099-01-15"' in next_month


def test_a_date_request_with_errors_keeps_what_was_typed_then_books(fire):
    _provider, profile = provider_party(fire)
    with tenant_context(fire):
        listing = listing_of("performance", provider=profile, slug="fire-garden-party")
    customer, client = _customer(fire)
    day = (timezone.localdate() + timedelta(days=40)).isoformat()

    missing = client.post_form(f"/book/{listing.slug}/", {"starts_at": "19:00", "note": "Garden"})
    assert missing.status_code == 400
    page = _html(missing)
    assert 'id="id_day-error"' in page and "Garden</textarea>" in page
    assert 'value="19:00"' in page

    backwards = client.post_form(
        f"/book/{listing.slug}/",
        {"day": day, "starts_at": "21:00", "ends_at": "19:00", "note": "Garden"},
    )
    assert backwards.status_code == 400
    assert 'id="id_ends_at-error"' in _html(backwards)  # the service's refusal, beside the field
    assert 'aria-invalid="true"' in _html(backwards)

    made = client.post_form(
        f"/book/{listing.slug}/",
        {"day": day, "starts_at": "19:00", "ends_at": "21:00", "note": "Garden party"},
    )
    assert made.status_code == 302, _html(made)[:2000]
    booking = _booking(fire, customer=customer.user)
    assert made["Location"] == f"/checkout/booking/{booking.pk}/"
    assert booking.state == "requested" and booking.note == "Garden party"
    checkout = _html(client.get(made["Location"]))
    assert booking.number in checkout and "you pay once they accept" in checkout
    assert 'name="provider"' not in checkout  # nothing to pay before the provider accepts


def test_a_gig_package_is_ordered_with_its_requirements(make_marketplace):
    freelancers = make_marketplace("freelancers")
    _provider, profile = provider_party(freelancers)
    with tenant_context(freelancers):
        listing = gig(provider=profile, slug="logo-design")
        standard = ListingPackage.objects.get(listing=listing, tier="standard")
    customer, client = _customer(freelancers)
    page = _html(client.get(f"/listings/{listing.slug}/"))
    assert f'value="{standard.pk}"' in page and "Your requirements" in page
    refused = client.post_form(f"/book/{listing.slug}/", {"note": "Blue"})
    assert refused.status_code == 400 and 'id="id_package_id-error"' in _html(refused)
    made = client.post_form(
        f"/book/{listing.slug}/", {"package_id": standard.pk, "note": "A blue fox"}
    )
    assert made.status_code == 302
    booking = _booking(freelancers, customer=customer.user)
    assert booking.package_id == standard.pk and booking.state == "ordered"
    assert "Pay " in _html(client.get(made["Location"]))


def test_tickets_of_two_tiers_in_one_order_with_errors_beside_the_tier(make_marketplace):
    events = make_marketplace("events")
    _organiser, profile = provider_party(events)
    with tenant_context(events):
        listing = event(provider=profile, slug="jazz-night", capacity=40, price_minor=2500)
        general = listing.ticket_tiers.get()
        vip = TicketTier.objects.create(
            listing=listing, name="VIP", price_minor=9000, capacity=2, position=1
        )
        gone = TicketTier.objects.create(
            listing=listing, name="Backstage", price_minor=20000, capacity=1, sold=1, position=2
        )
    customer, client = _customer(events)
    page = _html(client.get(f"/listings/{listing.slug}/"))
    assert f'name="tier_{general.pk}"' in page and f'name="tier_{vip.pk}"' in page
    assert "40 tickets left" in page and "2 tickets left" in page
    assert re.search(rf'name="tier_{gone.pk}"[^>]*disabled', page)  # sold out

    none = client.post_form(f"/book/{listing.slug}/", {f"tier_{general.pk}": "0"})
    assert none.status_code == 400
    assert "Choose how many tickets of at least one tier." in _html(none)

    # More than remain: refused beside the tier by the form's own bound.
    too_many = client.post_form(
        f"/book/{listing.slug}/", {f"tier_{general.pk}": "2", f"tier_{vip.pk}": "3"}
    )
    assert too_many.status_code == 400 and f'id="id_tier_{vip.pk}-error"' in _html(too_many)
    assert 'value="2"' in _html(too_many)  # what was typed is kept
    # A refusal of the service naming a tier (its sales have ended) lands beside that tier.
    with tenant_context(events):
        TicketTier.objects.filter(pk=vip.pk).update(sales_end=timezone.now() - timedelta(hours=1))
    closed = client.post_form(
        f"/book/{listing.slug}/", {f"tier_{general.pk}": "2", f"tier_{vip.pk}": "1"}
    )
    assert closed.status_code == 409
    assert re.search(
        rf'id="id_tier_{vip.pk}-error">[^<]*Sales for this tier are closed', _html(closed)
    )
    with tenant_context(events):
        TicketTier.objects.filter(pk=vip.pk).update(sales_end=None)
        assert [t.sold for t in TicketTier.objects.filter(listing=listing)] == [0, 0, 1]

    made = client.post_form(
        f"/book/{listing.slug}/", {f"tier_{general.pk}": "2", f"tier_{vip.pk}": "1"}
    )
    assert made.status_code == 302, _html(made)[:2000]
    booking = _booking(events, customer=customer.user)
    assert booking.quantity == 3 and booking.price_minor == 2 * 2500 + 9000
    lines = {line.tier_id: line.quantity for line in _lines(events, booking)}
    assert lines == {general.pk: 2, vip.pk: 1}
    checkout = _html(client.get(made["Location"]))
    assert booking.number in checkout


def _lines(marketplace, booking):
    with tenant_context(marketplace):
        return list(booking.ticket_lines.all())


def test_a_reading_needs_an_online_reader_and_a_provider_cannot_book(make_marketplace):
    psychic = make_marketplace("psychic-readers")
    reader, profile = provider_party(psychic, per_minute_rates={"chat": 199})
    with tenant_context(psychic):
        listing = listing_of("live-reading", provider=profile, slug="tarot-live", price_minor=150)
    _customer_party, client = _customer(psychic)
    page = _html(client.get(f"/listings/{listing.slug}/"))
    assert "$1.99 a minute" in page
    offline = client.post_form(f"/book/{listing.slug}/", {"channel": "chat"})
    assert offline.status_code == 409 and "offline" in _html(offline)

    provider_client = api(psychic, reader.user, session=True)
    assert 'name="channel"' not in _html(provider_client.get(f"/listings/{listing.slug}/"))
    assert (
        provider_client.post_form(f"/book/{listing.slug}/", {"channel": "chat"}).status_code == 403
    )


# --- checkout, the return page and the poll ------------------------------------------------


def _accepted_quote(talent):
    provider, profile = provider_party(talent)
    with tenant_context(talent):
        listing = listing_of("quoted-service", provider=profile, price_minor=0, slug="oud-night")
    customer, client = _customer(talent)
    asked = client.post_form(f"/book/{listing.slug}/", {"note": "An oud evening for 40"})
    assert asked.status_code == 302, _html(asked)[:2000]
    booking = _booking(talent, customer=customer.user)
    with tenant_context(talent):
        booking_transition(
            booking_id=booking.pk, transition="quote", actor=provider.user,
            data={"price_minor": QUOTE},
        )  # fmt: skip
    return customer, client, booking


def test_the_balance_page_is_offered_only_where_minutes_are_sold(fire, make_marketplace):
    psychic = make_marketplace("psychic-readers")
    for marketplace, offered in ((psychic, True), (fire, False)):
        _someone, client = _customer(marketplace)
        for path in ("/", "/dashboard/"):
            page = _html(client.get(path))
            assert ('href="/wallet/"' in page) is offered, (marketplace.preset, path)


def test_a_quote_is_accepted_paid_through_fib_and_confirmed(fib_books, fib_sandbox):
    talent = fib_books
    customer, client, booking = _accepted_quote(talent)
    page = client.get(f"/checkout/booking/{booking.pk}/")
    assert 'dir="rtl"' in _html(page) and 'action="/checkout/booking/' in _html(page)
    assert client.post_form(f"/checkout/booking/{booking.pk}/accept/").status_code == 302
    assert _booking(talent, pk=booking.pk).state == "accepted"

    unknown = client.post_form(f"/checkout/booking/{booking.pk}/", {"provider": "paypal"})
    assert unknown.status_code == 400 and 'id="id_provider-error"' in _html(unknown)
    started = client.post_form(f"/checkout/booking/{booking.pk}/", {"provider": "fib"})
    assert started.status_code == 302
    reference = started["Location"].strip("/").split("/")[-1]
    with tenant_context(talent):
        payment = Payment.objects.get(reference=reference)
    assert payment.amount_minor == _booking(talent, pk=booking.pk).buyer_total_minor

    action = _html(client.get(started["Location"]))
    assert 'src="data:image/png;base64,' in action
    assert payment.next_action["readable_code"] in action
    hosts = {urlsplit(url).netloc for url in re.findall(r'src="([^"]+)"', action)}
    assert hosts <= {""}, hosts  # the QR code is in the page: no other host
    status = client.get(f"/checkout/{reference}/status/").json()
    assert status == {"state": "pending", "done": False, "booking_state": "accepted"}

    # The customer comes back before FIB's word: the page waits (and polls).
    key = payment.idempotency_key.split(":", 1)[1]
    back = client.get(f"/checkout/return/{key}/")
    assert back.status_code == 302 and back["Location"] == f"/checkout/{reference}/return/"
    waiting = _html(client.get(back["Location"]))
    assert 'data-status-url="/checkout/' in waiting and "/static/site/checkout" in waiting

    sandbox_pays(talent, fib_sandbox, reference)
    assert client.get(f"/checkout/{reference}/status/").json() == {
        "state": "paid", "done": True, "booking_state": "paid",
    }  # fmt: skip
    confirmed = _html(client.get(f"/checkout/{reference}/return/"))
    assert "data-status-url" not in confirmed and 'data-state="paid"' in confirmed


def test_return_keys_and_payments_are_the_payers_own(fib_books, fib_sandbox):
    talent = fib_books
    _customer_party, client, booking = _accepted_quote(talent)
    client.post_form(f"/checkout/booking/{booking.pk}/accept/")
    started = client.post_form(f"/checkout/booking/{booking.pk}/", {"provider": "fib"})
    reference = started["Location"].strip("/").split("/")[-1]
    with tenant_context(talent):
        key = Payment.objects.get(reference=reference).idempotency_key.split(":", 1)[1]
    _other, other_client = _customer(talent)
    assert other_client.get(f"/checkout/return/{key}/").status_code == 404
    assert other_client.get(f"/checkout/{reference}/").status_code == 404
    assert other_client.get(f"/checkout/{reference}/status/").status_code == 404
    assert other_client.get(f"/checkout/booking/{booking.pk}/").status_code == 404
    assert client.get("/checkout/return/not-a-key-of-yours/").status_code == 404


# --- the wallet ----------------------------------------------------------------------------


def test_wallet_top_up_through_fib_and_auto_reload_errors(fib_books, fib_sandbox):
    talent = fib_books
    customer, client = _customer(talent)
    page = _html(client.get("/wallet/"))
    assert "Top up" in page or "شحن" in page
    assert 'name="amount"' in page and 'value="fib"' in page

    with tenant_context(talent):
        talent.refresh_from_db()
    low = talent.top_up_minimum_minor // 1000 - 1
    refused = client.post_form("/wallet/", {"amount": str(max(low, 0)), "provider": "fib"})
    assert refused.status_code == 422 and 'id="id_amount-error"' in _html(refused)
    fractions = client.post_form("/wallet/", {"amount": "10.0001", "provider": "fib"})
    assert fractions.status_code == 400 and 'value="10.0001"' in _html(fractions)

    dinars = max(talent.top_up_minimum_minor // 1000, 5000)
    started = client.post_form("/wallet/", {"amount": str(dinars), "provider": "fib"})
    assert started.status_code == 302, _html(started)[:2000]
    reference = started["Location"].strip("/").split("/")[-1]
    assert 'src="data:image/png;base64,' in _html(client.get(started["Location"]))
    sandbox_pays(talent, fib_sandbox, reference)
    wallet = _html(client.get("/wallet/"))
    assert f'data-balance="{dinars * 1000}"' in wallet

    no_method = client.post_form(
        "/wallet/auto-reload/", {"enabled": "on", "threshold": "1000", "amount": str(dinars)}
    )
    assert no_method.status_code == 400 and 'id="id_method_id-error"' in _html(no_method)
    assert 'value="1000"' in _html(no_method)
    saved = client.post_form("/wallet/auto-reload/", {"threshold": "1000", "amount": str(dinars)})
    assert saved.status_code == 302
    with tenant_context(talent):
        assert customer.user.auto_reloads.get().threshold_minor == 1_000_000


@pytest.mark.parametrize("path", ["/wallet/", "/checkout/booking/1/", "/book/anything/"])
def test_visitors_are_sent_to_log_in(fire, path):
    response = api(fire).get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

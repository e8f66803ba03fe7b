"""Messages: contact details masked until payment, where the marketplace masks them."""

import pytest
from django_tenants.utils import tenant_context

from bookings.models import Booking, Message
from bookings.services.payments import booking_mark_paid
from tests.bookings.messaging import ask, provider_listing
from tests.support.client import assert_error
from tests.support.factories.bookings import party

PHONE_AND_MAIL = "Call me on 0770 123 4567 or write to ali.k@example.iq, thanks"


def test_contact_details_are_masked_until_the_booking_is_paid(talent, clear_rates):
    provider, _, listing = provider_listing(talent, "quoted-service")
    customer = party(talent)
    clear_rates(talent, customer.user, provider.user)
    created = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "note": "Wedding"})
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]

    thread = customer.api.get(f"/api/v1/bookings/{booking_id}/thread/")
    assert thread.status_code == 200, thread.content
    thread = thread.json()
    assert thread["booking"]["id"] == booking_id and thread["contact_details_hidden"] is True
    assert provider.api.get(f"/api/v1/bookings/{booking_id}/thread/").json()["id"] == thread["id"]
    assert_error(party(talent).api.get(f"/api/v1/bookings/{booking_id}/thread/"), 404)

    url = f"/api/v1/threads/{thread['id']}/messages/"
    sent = customer.api.post(url, {"body": PHONE_AND_MAIL})
    assert sent.status_code == 201, sent.content
    hidden = "[بيانات الاتصال مخفية حتى دفع الحجز]"  # the marketplace's language: Arabic
    masked = f"Call me on {hidden} or write to {hidden}, thanks"
    # Hidden for both sides, the sender included; stored as written.
    assert sent.json()["body"] == masked and sent.json()["masked"] is True
    assert provider.api.get(url).json()["results"][0]["body"] == masked
    assert customer.api.get("/api/v1/threads/").json()["results"][0]["last_message"]["body"] == (
        masked
    )
    with tenant_context(talent):
        assert Message.objects.get(pk=sent.json()["id"]).body == PHONE_AND_MAIL

    provider.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/quote/", {"price_minor": 50_000_000}
    )
    customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert provider.api.get(url).json()["results"][0]["body"] == masked
    with tenant_context(talent):
        booking = Booking.objects.get(pk=booking_id)
        booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor,
            currency=booking.currency,
            reference="pay-1",
        )
    for who in (provider, customer):
        page = who.api.get(url).json()
        assert page["contact_details_hidden"] is False
        assert page["results"][0]["body"] == PHONE_AND_MAIL
        assert page["results"][0]["masked"] is False


def test_contact_details_are_never_masked_where_the_marketplace_does_not_mask(events, clear_rates):
    _, _, listing = provider_listing(events, "ticketed-event")
    customer = party(events)
    clear_rates(events, customer.user)
    sent = ask(customer, listing, PHONE_AND_MAIL)
    assert sent.status_code == 201, sent.content
    assert sent.json()["message"]["body"] == PHONE_AND_MAIL
    assert sent.json()["thread"]["contact_details_hidden"] is False


@pytest.mark.parametrize(
    "text",
    [
        "+964 770 123 4567",
        "0770-123-4567",
        "077.012.34567",
        "(020) 7946 0958",
        "٠٧٧٠ ١٢٣ ٤٥٦٧",
        "me@example.com",
        "me at example dot com",
        "me (at) example (dot) co (dot) uk",
    ],
)
def test_masking_recognises_common_contact_formats(text):
    from bookings.selectors.messages import mask_contact_details

    masked, found = mask_contact_details(f"reach {text} today", replacement="[x]")
    assert (masked, found) == ("reach [x] today", True)


@pytest.mark.parametrize(
    "text", ["on 2027-06-12 at 19:00", "12.06.2027", "1 500 000 IQD", "80 guests for 3 hours"]
)
def test_masking_leaves_dates_and_amounts_alone(text):
    from bookings.selectors.messages import mask_contact_details

    assert mask_contact_details(text, replacement="[x]") == (text, False)

"""Demo bookings: each demo marketplace gets transactions in several states of its processes,
made through the same services the API calls, so the demo shows the engine as it runs."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from billing.balances import prepaid_balance_credit
from billing.money import Money
from bookings.models import Booking
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.deliveries import delivery_create
from bookings.services.messages import message_send
from bookings.services.payments import booking_mark_paid
from bookings.services.reviews import review_create
from bookings.services.transitions import booking_transition
from catalog.models import Listing, ListingType
from tenants.db import connection

Pricing = ListingType.Pricing


def _pay_all(booking: Booking, reference: str) -> Booking:
    due = booking.buyer_total_minor - booking.paid_minor
    return booking_mark_paid(
        booking_id=booking.pk, amount_minor=due, currency=booking.currency, reference=reference
    )


def _saturday_evening(weeks: int) -> tuple[datetime, datetime]:
    """19:00 to 21:00, marketplace time, on the Saturday `weeks` weeks after the coming one:
    date-slot providers keep weekend evenings (demo/catalog.py), so the show fits their hours
    whatever day the demo is built on."""
    today = timezone.localdate(timezone=ZoneInfo(connection.tenant.time_zone))
    day = today + timedelta(days=(5 - today.weekday()) % 7 + 7 * (weeks + 1))
    start = datetime.combine(day, time(19), tzinfo=ZoneInfo(connection.tenant.time_zone))
    return start, start + timedelta(hours=2)


def _listings(pricing: str, rng: random.Random, count: int, **filters) -> list[Listing]:
    listings = list(
        Listing.objects.filter(
            status=Listing.Status.PUBLISHED, listing_type__pricing=pricing, **filters
        )
        .select_related("provider__user", "listing_type")
        .order_by("pk")
    )
    return rng.sample(listings, min(count, len(listings)))


def _customer_message_post(booking: Booking, customer, text: str) -> None:
    message_send(actor=customer, thread_id=booking.thread.pk, body=text)


def demo_bookings_populate(*, customers: list, rng: random.Random) -> int:
    """Bookings for the demo customers, by the pricings this marketplace sells. Returns how
    many were made."""
    made: list[Booking] = []
    pricings = set(ListingType.objects.values_list("pricing", flat=True))
    people = list(customers)

    def customer(index: int):
        return people[index % len(people)]

    if Pricing.DATE_SLOT in pricings:
        for index, listing in enumerate(_listings(Pricing.DATE_SLOT, rng, 3)):
            start, end = _saturday_evening(index)
            booking = booking_create(
                actor=customer(index),
                request=BookingRequest(
                    listing_id=listing.pk,
                    starts_at=start,
                    ends_at=end,
                    note="An evening show for about 80 guests.",
                ),
            )
            _customer_message_post(
                booking, customer(index), "Hello! Is the fire show suitable for a garden?"
            )
            if index >= 1:
                booking_transition(
                    booking_id=booking.pk, transition="accept", actor=listing.provider.user
                )
            if index >= 2:
                booking_mark_paid(
                    booking_id=booking.pk,
                    amount_minor=booking.deposit_minor,
                    currency=booking.currency,
                    reference=f"demo-deposit-{booking.pk}",
                )
            made.append(booking)

    if Pricing.QUOTE in pricings:
        for index, listing in enumerate(_listings(Pricing.QUOTE, rng, 2)):
            booking = booking_create(
                actor=customer(index),
                request=BookingRequest(listing_id=listing.pk, note="Wedding in Erbil, 200 guests."),
            )
            if index == 1:
                booking_transition(
                    booking_id=booking.pk,
                    transition="quote",
                    actor=listing.provider.user,
                    data={"price_minor": 750_000_000, "message": "Two hours, with my band."},
                )
            made.append(booking)

    if Pricing.PACKAGES in pricings:
        for index, listing in enumerate(_listings(Pricing.PACKAGES, rng, 3)):
            package = listing.packages.order_by("price_minor").first()
            if package is None:
                continue
            buyer = customer(index)
            booking = booking_create(
                actor=buyer, request=BookingRequest(listing_id=listing.pk, package_id=package.pk)
            )
            _pay_all(booking, f"demo-order-{booking.pk}")
            seller = listing.provider.user
            booking_transition(booking_id=booking.pk, transition="start", actor=seller)
            if index >= 1:
                delivery_create(
                    actor=seller, booking_id=booking.pk, message="First version attached."
                )
            if index >= 2:
                booking_transition(booking_id=booking.pk, transition="complete", actor=buyer)
                review_create(
                    actor=buyer,
                    booking_id=booking.pk,
                    rating=5,
                    professionalism=5,
                    communication=4,
                    value=5,
                    text="Quick, clear and exactly what I asked for.",
                )
            made.append(booking)

    if Pricing.TICKETS in pricings:
        for index, listing in enumerate(_listings(Pricing.TICKETS, rng, 3)):
            # Two tickets of the first tier with seats left, and one of the next, if any.
            tiers = [
                tier
                for tier in listing.ticket_tiers.order_by("position", "price_minor")
                if tier.capacity - tier.sold >= 2
            ][:2]
            if not tiers:
                continue
            tickets = [
                {"tier_id": tier.pk, "quantity": quantity}
                for tier, quantity in zip(tiers, (2, 1), strict=False)
            ]
            booking = booking_create(
                actor=customer(index),
                request=BookingRequest(listing_id=listing.pk, tickets=tickets),
            )
            if index >= 1:
                _pay_all(booking, f"demo-tickets-{booking.pk}")
            made.append(booking)

    if Pricing.PER_MINUTE in pricings:
        # A live reading is requested from a reader who is online now.
        online = {"provider__is_online": True}
        for index, listing in enumerate(_listings(Pricing.PER_MINUTE, rng, 2, **online)):
            buyer = customer(index)
            prepaid_balance_credit(customer=buyer, amount=Money(5_000, listing.currency))
            channel = listing.listing_type.config.get("channels", ["chat"])[0]
            booking = booking_create(
                actor=buyer, request=BookingRequest(listing_id=listing.pk, channel=channel)
            )
            made.append(booking)

    if Pricing.PRODUCT in pricings:
        for index, listing in enumerate(_listings(Pricing.PRODUCT, rng, 2)):
            booking = booking_create(
                actor=customer(index), request=BookingRequest(listing_id=listing.pk)
            )
            _pay_all(booking, f"demo-product-{booking.pk}")
            made.append(booking)
    return len(made)

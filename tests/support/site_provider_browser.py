"""The provider journeys' setup on the live site's demo marketplaces (tests/support/browser.py):
a demo customer's date request or paid gig order to a demo provider, made through the bookings
services in the test process on a connection of its own (committed, outside the test's
transaction, so the server, another process, reads it), and a provider's log-in through
allauth's page."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import User
from bookings.models import Booking
from bookings.services.creation import BookingRequest, booking_create
from bookings.services.payments import booking_mark_paid
from catalog.models import Listing
from catalog.selectors.availability import provider_calendar
from demo.marketplaces import DEMO_PASSWORD
from tenants.models import Marketplace


@dataclass(frozen=True)
class Made:
    provider_email: str
    booking_id: int


def _committed(work: Callable[[], Any]) -> Any:
    """``work()`` on a database connection of its own (a thread's), committed as it goes."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _marketplace(site, preset: str) -> Marketplace:
    connection.set_schema_to_public()
    return Marketplace.objects.get(domains__domain=site.domains[preset])


def _customer() -> User:
    return User.objects.filter(role=User.Role.CUSTOMER).order_by("pk").first()


def _free_evening(listing: Listing, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """An hour inside the provider's free time, at least a fortnight ahead."""
    start = (datetime.now(zone) + timedelta(days=14)).date()
    for day in provider_calendar(
        provider=listing.provider, start=start, end=start + timedelta(days=60)
    ):
        for slot in day["slots"]:
            hour, minute = map(int, slot["start"].split(":"))
            begins = datetime.combine(day["date"], datetime.min.time(), zone).replace(
                hour=hour, minute=minute
            )
            ends = begins + timedelta(hours=1)
            if slot["end"] == "24:00" or ends.strftime("%H:%M") <= slot["end"]:
                return begins, ends
    raise AssertionError(f"{listing.provider} has no free hour in the coming weeks")


def demo_date_request(site, preset: str) -> Made:
    return _committed(lambda: _date_request(site, preset))


def _date_request(site, preset: str) -> Made:
    marketplace = _marketplace(site, preset)
    with tenant_context(marketplace):
        listing = (
            Listing.objects.filter(
                status=Listing.Status.PUBLISHED, listing_type__pricing="date_slot"
            )
            .select_related("provider__user")
            .order_by("pk")
            .first()
        )
        starts_at, ends_at = _free_evening(listing, ZoneInfo(marketplace.time_zone))
        booking = booking_create(actor=_customer(), request=BookingRequest(
            listing_id=listing.pk, starts_at=starts_at, ends_at=ends_at,
            note="Garden party, 80 guests",
        ))  # fmt: skip
        return Made(listing.provider.user.email, booking.pk)


def demo_paid_order(site, preset: str) -> Made:
    return _committed(lambda: _paid_order(site, preset))


def _paid_order(site, preset: str) -> Made:
    marketplace = _marketplace(site, preset)
    with tenant_context(marketplace):
        listing = (
            Listing.objects.filter(
                status=Listing.Status.PUBLISHED, listing_type__pricing="packages"
            )
            .select_related("provider__user")
            .order_by("pk")
            .first()
        )
        package = listing.packages.filter(archived_at__isnull=True).order_by("price_minor").first()
        booking = booking_create(
            actor=_customer(), request=BookingRequest(listing_id=listing.pk, package_id=package.pk)
        )
        booking = Booking.objects.get(pk=booking.pk)
        booking_mark_paid(booking_id=booking.pk, amount_minor=booking.buyer_total_minor,
                          currency=booking.currency, reference=f"browser-{booking.pk}")  # fmt: skip
        return Made(listing.provider.user.email, booking.pk)


def state_of(site, preset: str, booking_id: int) -> str:
    def read() -> str:
        with tenant_context(_marketplace(site, preset)):
            return Booking.objects.get(pk=booking_id).state

    return _committed(read)


def log_in(page, email: str, *, next_path: str) -> None:
    page.goto(f"/accounts/login/?next={next_path}")
    page.get_by_label(re.compile(r"^Email:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/login/")
    page.wait_for_load_state()
    assert urlsplit(page.url).path == next_path, (page.url, page.locator("main").inner_text())

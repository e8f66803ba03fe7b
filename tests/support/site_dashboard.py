"""Browser helpers of the dashboard's journeys: log a demo customer in through allauth's page,
and find the demo's bookings in a live site's marketplace."""

from __future__ import annotations

import re

from django.db import connection
from django_tenants.utils import tenant_context

from tests.support.browser import LiveSite


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^Email:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def demo_booking(site: LiveSite, preset: str, **filters):
    """The live site's first booking of ``preset``'s marketplace matching ``filters`` (and the
    customer's e-mail)."""
    from bookings.models import Booking
    from tenants.models import Domain

    connection.set_schema_to_public()
    marketplace = Domain.objects.select_related("tenant").get(domain=site.domains[preset]).tenant
    with tenant_context(marketplace):
        booking = (
            Booking.objects.select_related("customer", "listing")
            .filter(**filters)
            .order_by("pk")
            .first()
        )
        assert booking is not None, f"no demo booking with {filters} on {preset}"
        return booking, booking.customer.email

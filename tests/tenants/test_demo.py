"""`make demo` content: every demo marketplace provisions with its catalogue and bookings in
several states of its processes, made through the bookings services."""

import pytest
from django.db import connection

from bookings.models import Booking, Review
from catalog.models import Listing
from tenants.demo import demo_marketplace_provision, demo_marketplaces
from tests.factories import tenant_context

EXPECTED_STATES = {
    "fire-performers": {"requested", "accepted", "confirmed"},
    "talent-iq": {"requested", "quoted"},
    "freelancers": {"in_progress", "delivered", "completed"},
    "events": {"reserved", "issued"},
    "psychic-readers": {"requested", "paid"},
}


@pytest.mark.parametrize("demo", demo_marketplaces(), ids=lambda demo: demo.preset)
def test_demo_marketplace_is_filled(demo, marketplaces, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    provisioned = demo_marketplace_provision(demo=demo)
    assert provisioned.catalog.listings > 0
    assert provisioned.catalog.bookings > 0
    with tenant_context(provisioned.marketplace):
        assert Listing.objects.filter(status="published").count() == provisioned.catalog.listings
        states = set(Booking.objects.values_list("state", flat=True))
        assert EXPECTED_STATES[demo.preset] <= states, states
        if demo.preset == "freelancers":
            assert Review.objects.exists()
    connection.set_schema_to_public()

"""`make demo` content: every demo marketplace provisions with its catalogue and bookings in
several states of its processes, made through the bookings services."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from bookings.models import Booking, Gift, Review
from catalog.models import Listing
from demo.marketplaces import demo_marketplace_provision, demo_marketplaces
from tests.support.client import api

# Heavy (a real process, a server, threads or every URL): left out of `make test-fast`.
pytestmark = pytest.mark.slow

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
        gifts = list(Gift.objects.values_list("name", "currency"))
        if demo.preset == "psychic-readers":
            assert ("Rose", "USD") in gifts and len(gifts) == len(demo.gifts) > 0
        else:
            assert gifts == []
    connection.set_schema_to_public()


def test_the_demo_operator_logs_in_to_the_console(marketplaces, db):
    from demo.management.commands.souk_demo import DEMO_OPERATOR_EMAIL, demo_operator_ensure
    from demo.marketplaces import DEMO_PASSWORD

    demo_operator_ensure()
    demo_operator_ensure()  # a second `make demo` leaves the operator as it is
    client = api(REMOTE_ADDR="10.9.8.7")
    assert client.get("/").status_code == 302  # the console needs an operator log-in
    logged_in = client.post_form(
        "/admin/login/?next=/", {"username": DEMO_OPERATOR_EMAIL, "password": DEMO_PASSWORD}
    )
    assert logged_in.status_code == 302, logged_in.content
    assert client.get("/").status_code == 200

"""Live-stream helpers shared by the stream tests: a provider with a stream, a gift, and a
viewer with a prepaid balance."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance_credit
from billing.money import Money
from bookings.models import Gift, LiveStream
from tests.support.factories.bookings import party, provider_party

INGEST_SECRET = "ingest-secret-for-tests-0123456789"


def usd(cents: int) -> Money:
    return Money(cents, "USD")


def stream_of(marketplace, *, title: str = "Tarot night"):
    """A provider of ``marketplace`` and a stream of theirs (scheduled), made over the API."""
    reader, _profile = provider_party(marketplace, is_online=True)
    made = reader.api.post("/api/v1/streams/", {"title": title})
    assert made.status_code == 201, made.content
    with tenant_context(marketplace):
        return reader, LiveStream.objects.get(pk=made.json()["id"])


def gift_in(marketplace, *, price_minor: int, name: str = "Rose", active: bool = True) -> Gift:
    with tenant_context(marketplace):
        return Gift.objects.create(
            name=name, icon="🌹", price_minor=price_minor, currency="USD", active=active
        )


def viewer_with(marketplace, *, balance: Money):
    someone = party(marketplace)
    with tenant_context(marketplace):
        prepaid_balance_credit(customer=someone.user, amount=balance)
    return someone

"""Live streams against a real uvicorn (tests/support/live.py): a provider's stream made and
started over the API, and committed gifts and balances (the server cannot see what a test's
own transaction writes)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance_credit
from billing.money import Money
from bookings.models import Gift
from tenants.db import connection
from tests.support.live import LiveServer, Member


def stream_path(stream_id: int) -> str:
    return f"/ws/streams/{stream_id}/"


def stream_make(server: LiveServer, provider: Member, *, title: str = "Fire show") -> int:
    status, body = server.http(
        provider.host, "POST", "/api/v1/streams/", token=provider.token, body={"title": title}
    )
    assert status == 201, body
    return body["id"]


def stream_move(server: LiveServer, provider: Member, stream_id: int, action: str) -> None:
    status, body = server.http(
        provider.host, "POST", f"/api/v1/streams/{stream_id}/{action}/", token=provider.token
    )
    assert status == 200, body


def stream_live(server: LiveServer, provider: Member, *, title: str = "Fire show") -> int:
    stream_id = stream_make(server, provider, title=title)
    stream_move(server, provider, stream_id, "start")
    return stream_id


def gift_committed(marketplace, *, price_minor: int, name: str = "Torch") -> Gift:
    """A gift of the marketplace's catalogue (call with the database unblocked)."""
    with tenant_context(marketplace):
        gift = Gift.objects.create(
            name=name, icon="🔥", price_minor=price_minor,
            currency=marketplace.default_currency,
        )  # fmt: skip
    connection.set_schema_to_public()
    return gift


def balance_committed(member: Member, *, amount_minor: int) -> None:
    """Top ``member``'s prepaid balance up (call with the database unblocked)."""
    marketplace = member.marketplace
    with tenant_context(marketplace):
        prepaid_balance_credit(
            customer=member.user, amount=Money(amount_minor, marketplace.default_currency)
        )
    connection.set_schema_to_public()

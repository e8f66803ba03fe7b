"""Gifts sent at once, each request on its own connection: one Idempotency-Key sent by many
requests pays once and answers one gift; many keys against a balance that pays for a few pay
for exactly those few, never overdrawing. These tests commit, in a marketplace of their own."""

from collections import Counter

import pytest
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance, prepaid_balance_credit
from billing.models import LedgerTransaction
from billing.money import Money
from billing.selectors.ledger import ledger_problems
from bookings.models import Gift, GiftSent
from bookings.services.gifts import gift_send
from bookings.services.streams import live_stream_create, live_stream_start
from tests.bookings.test_concurrency import all_at_once, on_own_connection
from tests.support.factories.accounts import ProviderUserFactory, UserFactory
from tests.support.factories.catalog import ProviderProfileFactory

# Heavy (a real process, a server, threads or every URL): left out of `make test-fast`.
pytestmark = pytest.mark.slow

REQUESTS = 8
PRICE = Money(250, "USD")


def _setup(marketplace, balance: Money):
    def make():
        with tenant_context(marketplace):
            reader = ProviderUserFactory()
            ProviderProfileFactory(user=reader)
            stream = live_stream_create(actor=reader, title="Race night")
            live_stream_start(actor=reader, stream_id=stream.pk)
            gift = Gift.objects.create(
                name="Rose", icon="🌹", price_minor=PRICE.amount_minor, currency="USD"
            )
            sender = UserFactory()
            prepaid_balance_credit(customer=sender, amount=balance)
            return stream, gift, sender

    return on_own_connection(make)


def _all_at_once(marketplace, keys: list[str], stream, gift, sender) -> list:
    def send(key):
        return gift_send(
            sender=sender, stream_id=stream.pk, gift_id=gift.pk, idempotency_key=key
        ).pk

    return all_at_once(marketplace, send, keys)


def _books(marketplace, sender):
    def read():
        with tenant_context(marketplace):
            return (
                GiftSent.objects.count(),
                LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.GIFT).count(),
                prepaid_balance(customer=sender, currency="USD"),
                ledger_problems(),
            )

    return on_own_connection(read)


def test_one_key_sent_at_once_pays_once(committed_marketplace):
    readers = committed_marketplace("psychic-readers")
    stream, gift, sender = _setup(readers, Money(1_000, "USD"))
    outcomes = _all_at_once(readers, [f"{sender.pk}-same-key"] * REQUESTS, stream, gift, sender)
    # The stream's row lock queues them: the first pays, each later one finds its gift.
    (answer,) = set(outcomes)
    assert isinstance(answer, int) and len(outcomes) == REQUESTS, outcomes
    assert _books(readers, sender) == (1, 1, Money(750, "USD"), [])


def test_many_keys_against_a_small_balance_pay_exactly_what_it_covers(committed_marketplace):
    readers = committed_marketplace("psychic-readers")
    stream, gift, sender = _setup(readers, PRICE.times(3))
    keys = [f"{sender.pk}-key-{n}" for n in range(REQUESTS)]
    outcomes = _all_at_once(readers, keys, stream, gift, sender)
    counted = Counter("paid" if isinstance(outcome, int) else outcome for outcome in outcomes)
    assert counted == Counter({"paid": 3, "422 insufficient_balance": REQUESTS - 3})
    assert _books(readers, sender) == (3, 3, Money(0, "USD"), [])

"""billing.money: exact integer money. Property tests prove the splits and fees add up."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.money import CURRENCY_EXPONENTS, FeePolicy, Money, MoneyError, fee_breakdown

currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
amounts = st.integers(min_value=-(10**15), max_value=10**15)
bps = st.integers(min_value=0, max_value=10_000)


@given(amounts, currencies, st.lists(st.integers(0, 10_000), min_size=1, max_size=12))
def test_split_sums_exactly_and_stays_within_one_unit_of_fair(amount, currency, weights):
    if sum(weights) == 0:
        weights = [*weights[:-1], 1]
    parts = Money(amount, currency).split(weights)
    assert sum(p.amount_minor for p in parts) == amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part.amount_minor * total - amount * weight) < total


@given(st.integers(0, 10**15), currencies, bps, bps, st.integers(0, 10**6), bps)
def test_fee_breakdown_always_balances(amount, currency, commission, buyer_fee, minimum, deposit):
    policy = FeePolicy(commission, buyer_fee, minimum, deposit)
    result = fee_breakdown(Money(amount, currency), policy)
    assert result.buyer_total == result.provider_payout + result.platform_total
    assert result.deposit + result.balance == result.buyer_total
    assert Money.zero(currency) <= result.commission <= result.price
    assert result.provider_payout.amount_minor >= 0


@given(amounts, bps)
def test_share_rounds_half_away_from_zero(amount, share):
    exact = Decimal(amount) * share / 10_000
    got = Money(amount, "USD").share_bps(share).amount_minor
    assert abs(Decimal(got) - exact) <= Decimal("0.5")
    if abs(exact - int(exact)) == Decimal("0.5"):
        assert abs(got) > abs(exact)
    assert Money(-amount, "USD").share_bps(share).amount_minor == -got


def test_fire_performer_booking_example():
    # GBP 8 % commission, £5 minimum, 25 % deposit (the fire-performers preset).
    policy = FeePolicy(commission_bps=800, minimum_fee_minor=500, deposit_bps=2500)
    result = fee_breakdown(Money(45_000, "GBP"), policy)
    assert result.commission == Money(3_600, "GBP")
    assert result.provider_payout == Money(41_400, "GBP")
    assert (result.deposit, result.balance) == (Money(11_250, "GBP"), Money(33_750, "GBP"))
    small = fee_breakdown(Money(3_000, "GBP"), policy)
    assert small.commission == Money(500, "GBP")  # the minimum fee applies


def test_freelancer_buyer_fee_example():
    policy = FeePolicy(commission_bps=2000, buyer_fee_bps=1000)
    result = fee_breakdown(Money(12_345, "USD"), policy)
    assert result.buyer_fee == Money(1_235, "USD")  # 1234.5 rounds up
    assert result.buyer_total == Money(13_580, "USD")
    assert result.platform_total == Money(2_469 + 1_235, "USD")


def test_major_units_follow_iso_4217():
    assert Money.from_major("12.34", "GBP") == Money(1_234, "GBP")
    assert Money.from_major("250000", "IQD") == Money(250_000_000, "IQD")  # fils
    assert Money.from_major("1500", "JPY") == Money(1_500, "JPY")
    assert Money(1_234, "GBP").to_major() == Decimal("12.34")
    assert str(Money(250_000_500, "IQD")) == "250000.500 IQD"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Money(1.5, "USD"), "integer"),
        (lambda: Money(True, "USD"), "integer"),
        (lambda: Money(1, "XXX"), "is not a currency"),
        (lambda: Money.from_major(1.5, "USD"), "never a float"),
        (lambda: Money.from_major("1.234", "USD"), "more decimals"),
        (lambda: Money(1, "USD") + Money(1, "GBP"), "Cannot combine"),
        (lambda: Money(1, "USD").share_bps(-1), "negative"),
        (lambda: Money(1, "USD").split([0, 0]), "positive"),
        (lambda: fee_breakdown(Money(-1, "USD"), FeePolicy(100)), "negative"),
    ],
)
def test_bad_money_is_refused(call, message):
    with pytest.raises(MoneyError, match=message):
        call()

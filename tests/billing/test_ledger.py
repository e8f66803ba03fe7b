"""The double-entry ledger: balanced, append-only, idempotent by reference, and checked."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.balances import prepaid_balance, prepaid_balance_charge, prepaid_balance_credit
from billing.models import LedgerAccount, LedgerEntry, LedgerTransaction
from billing.money import Money
from billing.selectors.ledger import ledger_balance, ledger_entries_of, ledger_problems
from billing.services.ledger import credit, debit, ledger_account, ledger_correct, ledger_post
from config.errors import BusinessRuleViolation, InvalidInput, StateConflict
from tests.support.factories.accounts import UserFactory

Kind = LedgerAccount.Kind
GBP = "GBP"


def gbp(amount_minor: int) -> Money:
    return Money(amount_minor, GBP)


@pytest.fixture
def books(fire):
    with tenant_context(fire):
        yield fire


def _accounts(currency=GBP):
    provider = UserFactory(role="provider")
    return {
        "clearing": ledger_account(kind=Kind.GATEWAY_CLEARING, currency=currency, provider="fib"),
        "pending": ledger_account(kind=Kind.PROVIDER_PENDING, currency=currency, owner=provider),
        "fees": ledger_account(kind=Kind.PLATFORM_FEES, currency=currency),
    }


def _charge(accounts, reference="charge:1", amount=10_000, fee=800):
    return ledger_post(
        kind=LedgerTransaction.Kind.CHARGE,
        reference=reference,
        lines=[
            debit(accounts["clearing"], gbp(amount)),
            credit(accounts["pending"], gbp(amount - fee)),
            credit(accounts["fees"], gbp(fee)),
        ],
    )


def _ledger_check(marketplace) -> str:
    from io import StringIO

    out = StringIO()
    call_command("ledger_check", schema=[marketplace.schema_name], stdout=out)
    return out.getvalue()


def test_a_charge_posts_one_balanced_transaction_and_moves_each_balance(books):
    accounts = _accounts()
    posted = _charge(accounts)
    assert sorted(posted.entries.values_list("amount_minor", flat=True)) == [-9200, -800, 10000]
    pending = accounts["pending"]
    assert ledger_balance(kind=Kind.PROVIDER_PENDING, currency=GBP, owner=pending.owner) == gbp(
        9200
    )
    assert ledger_balance(kind=Kind.PLATFORM_FEES, currency=GBP) == gbp(800)
    assert ledger_balance(kind=Kind.GATEWAY_CLEARING, currency=GBP, provider="fib") == gbp(10000)
    assert [e.amount_minor for e in ledger_entries_of(viewer=pending.owner)] == [-9200]
    assert ledger_problems() == []
    assert "all balanced" in _ledger_check(books)


@pytest.mark.parametrize(
    "lines, code",
    [
        (lambda a: [debit(a["clearing"], gbp(100))], "unbalanced"),
        (lambda a: [debit(a["clearing"], gbp(100)), credit(a["fees"], gbp(99))], "unbalanced"),
        (lambda a: [debit(a["clearing"], gbp(0)), credit(a["fees"], gbp(0))], "zero_amount"),
        (
            lambda a: [debit(a["clearing"], gbp(100)), credit(a["fees"], Money(100, "USD"))],
            "mixed_currencies",
        ),
        (lambda a: [debit(a["fees"], gbp(100)), credit(a["fees"], gbp(100))], "zero_amount"),
    ],
)
def test_a_movement_that_does_not_balance_is_refused_and_writes_nothing(books, lines, code):
    accounts = _accounts()
    with pytest.raises(InvalidInput) as refused:
        ledger_post(kind="charge", reference="bad", lines=lines(accounts))
    assert refused.value.code == code
    assert not LedgerTransaction.objects.exists() and not LedgerEntry.objects.exists()
    assert set(LedgerAccount.objects.values_list("entries_sum_minor", flat=True)) == {0}


def test_the_same_reference_posts_once_and_refuses_other_money(books):
    accounts = _accounts()
    first = _charge(accounts)
    assert _charge(accounts) == first
    with pytest.raises(StateConflict) as conflict:
        _charge(accounts, amount=20_000)
    assert conflict.value.code == "reference_used"
    assert LedgerTransaction.objects.count() == 1
    assert ledger_balance(kind=Kind.PLATFORM_FEES, currency=GBP) == gbp(800)


def test_entries_and_transactions_are_never_changed_or_deleted(books):
    posted = _charge(_accounts())
    entry = posted.entries.first()
    for statement in (
        lambda: LedgerEntry.objects.filter(pk=entry.pk).update(amount_minor=1),
        lambda: LedgerEntry.objects.filter(pk=entry.pk).delete(),
        lambda: LedgerTransaction.objects.filter(pk=posted.pk).update(memo="changed"),
    ):
        with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
            statement()


def test_the_database_refuses_an_unbalanced_transaction_at_commit(books):
    accounts = _accounts()
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        lone = LedgerTransaction.objects.create(kind="charge", currency=GBP, reference="lone")
        LedgerEntry.objects.create(transaction=lone, account=accounts["fees"], amount_minor=5)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ledger_entry_balanced IMMEDIATE")


def test_a_correction_is_a_new_transaction_that_reverses_the_first(books):
    accounts = _accounts()
    original = _charge(accounts)
    correction = ledger_correct(original=original, reference="correction:1", memo="wrong amount")
    assert correction.corrects == original and correction.kind == "correction"
    assert LedgerEntry.objects.filter(transaction=original).count() == 3
    assert ledger_balance(kind=Kind.PLATFORM_FEES, currency=GBP) == gbp(0)
    assert ledger_problems() == []


def test_ledger_check_fails_on_a_cached_balance_that_differs_from_its_entries(books):
    accounts = _accounts()
    _charge(accounts)
    LedgerAccount.objects.filter(pk=accounts["fees"].pk).update(entries_sum_minor=-801)
    problems = ledger_problems()
    assert [(p.what, p.detail) for p in problems] == [
        ("cached_balance_differs", "-801 cached, -800 in entries")
    ]
    with pytest.raises(CommandError, match="1 of 1 marketplaces"):
        _ledger_check(books)


def test_ledger_check_fails_on_a_transaction_without_its_other_side(books):
    lone = LedgerTransaction.objects.create(kind="charge", currency=GBP, reference="half")
    assert [p.what for p in ledger_problems()] == ["unbalanced_transaction"]
    assert lone.reference in [p.ref for p in ledger_problems()]


def test_prepaid_balance_top_up_and_per_minute_charge_split_with_the_fee(books):
    customer, reader = UserFactory(), UserFactory(role="provider")
    assert prepaid_balance_credit(customer=customer, amount=gbp(1000), reference="t1") == gbp(1000)
    assert prepaid_balance_credit(customer=customer, amount=gbp(1000), reference="t1") == gbp(1000)
    left = prepaid_balance_charge(
        customer=customer, amount=gbp(300), payee=reader, fee=gbp(90), reference="minutes:1-3"
    )
    assert left == gbp(700) == prepaid_balance(customer=customer, currency=GBP)
    assert ledger_balance(kind=Kind.PROVIDER_PENDING, currency=GBP, owner=reader) == gbp(210)
    assert ledger_balance(kind=Kind.PLATFORM_FEES, currency=GBP) == gbp(90)
    with pytest.raises(BusinessRuleViolation) as refused:
        prepaid_balance_charge(
            customer=customer, amount=gbp(701), payee=reader, fee=gbp(0), reference="minutes:4"
        )
    assert refused.value.code == "insufficient_balance"
    assert prepaid_balance(customer=customer, currency=GBP) == gbp(700)
    assert ledger_problems() == []


amounts = st.integers(min_value=1, max_value=10**12)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(amounts, st.integers(0, 10_000)), min_size=1, max_size=8))
def test_any_sequence_of_charges_keeps_the_books_balanced(books, charges):
    accounts = _accounts()  # clearing and fees accumulate across examples; compare the change
    start = LedgerTransaction.objects.count()
    held_before = accounts["clearing"].balance_minor
    for index, (amount, bps) in enumerate(charges):
        fee = gbp(amount).share_bps(bps)
        lines = [debit(accounts["clearing"], gbp(amount))]
        if fee.amount_minor:
            lines.append(credit(accounts["fees"], fee))
        if amount - fee.amount_minor:
            lines.append(credit(accounts["pending"], gbp(amount) - fee))
        ledger_post(kind="charge", reference=f"p{start}:{index}", lines=lines)
    assert ledger_problems() == []
    clearing = LedgerAccount.objects.get(pk=accounts["clearing"].pk)
    assert clearing.balance_minor - held_before == sum(amount for amount, _ in charges)

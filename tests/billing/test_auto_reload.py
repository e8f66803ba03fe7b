"""Auto-reload of a prepaid balance: the settings over the API, and what a charge that takes
the balance under the threshold does. No provider in this tree charges a saved method
off-session yet (Stripe's driver brings it), so the charge itself is shown here failing the
way a provider without the capability fails: recorded, e-mailed, not retried in a loop."""

import pytest
from django.core import mail
from django.test import TestCase
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance, prepaid_balance_charge, prepaid_balance_credit
from billing.models import AutoReload, Payment, SavedPaymentMethod
from billing.selectors.ledger import ledger_problems
from billing.services.auto_reload import auto_reload_when_short
from tests.support.client import assert_error
from tests.support.factories.accounts import ProviderUserFactory
from tests.support.factories.bookings import party
from tests.support.sandboxes import provider_account_configure
from tests.support.wallet import iqd


@pytest.fixture
def books(talent, fib_sandbox):
    with tenant_context(talent):
        provider_account_configure("fib", fib_sandbox)
    return talent


def _method(marketplace, user, provider="fib", ref="card_1"):
    with tenant_context(marketplace):
        return SavedPaymentMethod.objects.create(
            user=user, provider=provider, customer_ref="cus_1", method_ref=ref, label="•••• 1"
        )


def _put(customer, body, currency="IQD"):
    return customer.api.put(f"/api/v1/wallet/auto-reload/{currency}/", body)


def test_auto_reload_settings_take_only_your_own_method_of_an_off_session_provider(books):
    customer, other = party(books), party(books)
    mine, theirs = _method(books, customer.user), _method(books, other.user, ref="card_2")
    body = {"enabled": True, "threshold_minor": 5_000_000, "amount_minor": 20_000_000}
    assert_error(_put(customer, body), 400, "method_required")
    assert_error(_put(customer, {**body, "method_id": theirs.pk}), 404, "method_not_found")
    # FIB keeps no card for later: it cannot be an auto-reload's method.
    assert_error(_put(customer, {**body, "method_id": mine.pk}), 422, "off_session_not_supported")
    assert_error(_put(customer, {**body, "method_id": mine.pk}, currency="usd"), 400)
    off = _put(customer, {**body, "enabled": False, "method_id": mine.pk})
    assert off.status_code == 200, off.content
    seen = customer.api.get("/api/v1/wallet/auto-reload/IQD/").json()
    assert (seen["enabled"], seen["threshold_minor"], seen["amount_minor"]) == (
        False,
        5_000_000,
        20_000_000,
    )
    assert seen["method"] == {"id": mine.pk, "provider": "fib", "label": "•••• 1"}
    assert [s["currency"] for s in customer.api.get("/api/v1/wallet/auto-reload/").json()] == [
        "IQD"
    ]
    assert_error(other.api.get("/api/v1/wallet/auto-reload/IQD/"), 404, "auto_reload_not_found")
    assert other.api.get("/api/v1/wallet/auto-reload/").json() == []


def test_a_charge_under_the_threshold_reloads_once_and_a_failure_is_recorded_and_mailed(books):
    customer = party(books)
    reader = party(books, ProviderUserFactory)
    method = _method(books, customer.user)
    with tenant_context(books):
        # Saved directly: no off-session provider to choose through the API in this tree.
        AutoReload.objects.create(user=customer.user, currency="IQD", enabled=True,
                                  threshold_minor=5_000_000, amount_minor=20_000_000,
                                  method=method)  # fmt: skip
        prepaid_balance_credit(customer=customer.user, amount=iqd(12_000))

        def charge(n: int, dinars: int):
            with TestCase.captureOnCommitCallbacks(execute=True):
                prepaid_balance_charge(customer=customer.user, amount=iqd(dinars),
                                       payee=reader.user, fee=iqd(0),
                                       reference=f"reading:1:{n}")  # fmt: skip

        charge(1, 6_000)  # 6,000 left: still over the threshold
        assert Payment.objects.filter(purpose="top_up").count() == 0
        charge(2, 2_000)  # 4,000 left: crossed
        charge(2, 2_000)  # the same charge retried: no second crossing
        charge(3, 1_000)  # 3,000 left: already under, no new crossing
        attempts = list(Payment.objects.filter(purpose="top_up"))
        assert len(attempts) == 1
        assert (attempts[0].state, attempts[0].failure_code) == (
            "failed",
            "not_supported_by_provider",
        )
        assert attempts[0].amount_minor == 20_000_000 and attempts[0].payer_id == customer.user.pk
        reload = AutoReload.objects.get(user=customer.user)
        assert reload.enabled and reload.last_failure_code == "not_supported_by_provider"
        assert prepaid_balance(customer=customer.user, currency="IQD") == iqd(3_000)
        assert ledger_problems() == []
    sent = [m for m in mail.outbox if customer.user.email in m.to]
    # In the customer's language: talent-iq's, Arabic.
    assert len(sent) == 1 and "تعذّرت إعادة شحن رصيدك" in sent[0].subject


def test_a_balance_short_of_the_next_minute_reloads_once_even_over_the_threshold(books):
    customer = party(books)
    reader = party(books, ProviderUserFactory)
    minute = iqd(1_000)
    with tenant_context(books):
        AutoReload.objects.create(user=customer.user, currency="IQD", enabled=True,
                                  threshold_minor=200, amount_minor=20_000_000,
                                  method=_method(books, customer.user))  # fmt: skip
        prepaid_balance_credit(customer=customer.user, amount=iqd(2_500))

        def charge(n: int) -> None:
            with TestCase.captureOnCommitCallbacks(execute=True):
                prepaid_balance_charge(customer=customer.user, amount=minute, payee=reader.user,
                                       fee=iqd(0), reference=f"reading:2:{n}")  # fmt: skip

        def short() -> bool:
            with TestCase.captureOnCommitCallbacks(execute=True):
                return auto_reload_when_short(customer=customer.user, need=minute)

        charge(1)  # 1,500 left: the next minute is covered
        assert short() is False
        charge(2)  # 500 left: over the threshold of 200, but short of a minute
        assert Payment.objects.filter(purpose="top_up").count() == 0
        assert short() is True
        assert short() is False  # the same charge: claimed, not reloaded twice
        attempts = list(Payment.objects.filter(purpose="top_up", payer=customer.user))
        assert len(attempts) == 1
        assert attempts[0].amount_minor == 20_000_000
        assert AutoReload.objects.get(user=customer.user).last_failure_code == (
            "not_supported_by_provider"
        )
        AutoReload.objects.filter(user=customer.user).update(enabled=False)
        prepaid_balance_credit(customer=customer.user, amount=minute)
        charge(3)  # short again, with auto-reload off: nothing is tried
        assert short() is False
        assert Payment.objects.filter(purpose="top_up", payer=customer.user).count() == 1
        assert ledger_problems() == []

"""FIB payouts through the real driver over HTTP against the FIB sandbox: created, authorised
and looked up; the IBAN and whole dinars are checked, nothing is sent for fils."""

import pytest

from billing.money import Money
from billing.providers.base import Capability, ProviderError
from billing.providers.fib import FibDriver
from billing.providers.registry import driver_for
from tests.support.payouts import iban
from tests.support.sandboxes import iqd


def test_a_payout_is_created_authorised_and_completed(fib_books, fib_sandbox):
    driver = driver_for("fib")
    assert isinstance(driver, FibDriver) and Capability.PAYOUT in driver.capabilities
    target = iban("NBIQ", "850123456789012")
    result = driver.payout(target, iqd(120_000), "payout:provider-7:2026-12")
    assert result.state == "paid" and result.payout_ref
    kept = fib_sandbox.sandbox.payouts[result.payout_ref]
    assert kept["status"] == "COMPLETED" and kept["authorizedAt"]
    assert kept["amount"] == {"amount": 120_000, "currency": "IQD"}
    assert kept["targetAccountIban"] == target
    assert kept["description"] == "payout:provider-7:2026-12"
    assert driver.payout_status(result.payout_ref).state == "paid"


def test_a_payout_the_bank_fails_is_reported_failed(fib_books, fib_sandbox):
    target = iban("RAFB", "000000000000777")
    fib_sandbox.hook(f"/__sandbox/ibans/{target}/fail", {})
    assert driver_for("fib").payout(target, iqd(5_000), "payout:failing").state == "failed"


def test_a_wrong_iban_or_fils_are_refused(fib_books, fib_sandbox):
    driver = driver_for("fib")
    with pytest.raises(ProviderError) as wrong:
        driver.payout("IQ00NBIQ850123456789012", iqd(5_000), "payout:bad-iban")
    assert wrong.value.code == "invalid_iban"
    before = len(fib_sandbox.sandbox.payouts)
    with pytest.raises(ProviderError) as fils:
        driver.payout(iban("NBIQ", "850123456789012"), Money(5_500, "IQD"), "payout:fils")
    assert fils.value.code == "amount_not_whole_dinars"
    assert len(fib_sandbox.sandbox.payouts) == before  # no call was made

"""The providers' local sandboxes, started for the test session on free ports (real HTTP)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django_tenants.utils import tenant_context

from billing.models import LedgerAccount, Payment, ProviderAccount
from billing.money import Money
from billing.services.payments import Allocation, payment_create
from demo.payments import sandbox_provider_configure
from sandboxes.fastpay import FastPaySandbox
from sandboxes.fib import FibSandbox


class RunningSandbox:
    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.server = sandbox.serve("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def hook(self, path: str, payload: dict) -> dict:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def peek(self, payment_id: str) -> dict:
        with urllib.request.urlopen(f"{self.url}/__sandbox/payments/{payment_id}", timeout=10) as a:
            return json.loads(a.read())

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_fib() -> RunningSandbox:
    return RunningSandbox(FibSandbox())


def start_fastpay() -> RunningSandbox:
    return RunningSandbox(FastPaySandbox())


def provider_account_configure(code: str, sandbox: RunningSandbox) -> ProviderAccount:
    """The current marketplace takes ``code`` payments through ``sandbox``."""
    return sandbox_provider_configure(code=code, url=sandbox.url)


@pytest.fixture(scope="session")
def fib_sandbox():
    sandbox = start_fib()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="session")
def fastpay_sandbox():
    sandbox = start_fastpay()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def fib_books(talent, fib_sandbox):
    """talent (IQD) takes FIB payments through the sandbox; the test runs in its schema."""
    with tenant_context(talent):
        provider_account_configure("fib", fib_sandbox)
        yield talent


def iqd(dinars: int) -> Money:
    return Money(dinars * 1000, "IQD")


def fib_payment(payer, provider_user, key="key-1", dinars=25_000, fee=2_000) -> Payment:
    """A charge of ``dinars`` through FIB: the provider's share pending, the fee the platform's."""
    kind = LedgerAccount.Kind
    return payment_create(
        payer=payer,
        subject="test:1",
        purpose=Payment.Purpose.CHARGE,
        amount=iqd(dinars),
        provider="fib",
        allocations=[
            Allocation(kind.PROVIDER_PENDING, iqd(dinars - fee), owner_id=provider_user.pk),
            Allocation(kind.PLATFORM_FEES, iqd(fee)),
        ],
        idempotency_key=key,
        return_url="https://talent-test.localhost/return",
        description="Oud player, 2 hours",
    )

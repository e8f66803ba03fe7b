"""The Celery worker is killed (SIGKILL) while it works through a burst of provider
notifications; a new worker picks up what the dead one had taken but not finished. Every
payment still reaches its provider's state, each is posted to the ledger once, and the books
balance: nothing is lost, nothing is doubled.

Redis as a broker has one window the visibility timeout does not cover: a message the worker
has popped but not yet recorded as unacknowledged dies with it, and the dead worker may hold
the lock under which unacknowledged messages are restored (kombu lets it expire after five
minutes). The reconciliation beat is what covers those in production, and so it does here:
if the new worker has not settled every payment, the beat's task runs on it and must."""

import contextlib
import json
import secrets
import signal
import time
import uuid

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from billing.models import LedgerTransaction, Payment
from billing.providers.base import PaymentState
from billing.selectors.ledger import ledger_problems
from billing.tasks import payments_reconcile
from tenants.db import connection
from tests.support.client import api
from tests.support.factories.accounts import UserFactory
from tests.support.sandboxes import fib_payment, provider_account_configure
from tests.support.worker import worker_start

pytestmark = pytest.mark.slow

PAYMENTS = 60
# The restarted worker takes back what the killed one held unacknowledged after this long.
VISIBILITY_TIMEOUT_S = 2


@pytest.fixture
def committed_talent(marketplaces, django_db_blocker):
    """A talent-iq marketplace committed for the worker process to see, purged afterwards."""
    from tenants.services import (
        SystemActor,
        marketplace_create,
        marketplace_delete,
        marketplace_purge,
    )

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        marketplace = marketplace_create(
            preset="talent-iq", name=f"Kill {secrets.token_hex(3)}", owner_email="o@example.com"
        )
        try:
            yield marketplace
        finally:
            connection.set_schema_to_public()
            tests = SystemActor("tests")
            marketplace = marketplace_delete(marketplace=marketplace, actor=tests)
            marketplace_purge(marketplace=marketplace, actor=tests, ignore_grace_period=True)


@contextlib.contextmanager
def tasks_to(queue: str):
    """``.delay()`` from this process goes to ``queue`` on the real broker, not eagerly."""
    from config.celery import app

    default_queue = app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = True, default_queue


def _paid(marketplace) -> int:
    with tenant_context(marketplace):
        return Payment.objects.filter(state=PaymentState.PAID).count()


def _wait(condition, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_worker_killed_mid_burst_loses_and_doubles_nothing(committed_talent, fib_sandbox):
    market = committed_talent
    with tenant_context(market):
        provider_account_configure("fib", fib_sandbox)
        reader, payer = UserFactory(role="provider"), UserFactory()
        payments = [
            fib_payment(payer, reader, key=f"kill-{index}", dinars=1_000 + index, fee=100)
            for index in range(PAYMENTS)
        ]
        for payment in payments:
            fib_sandbox.hook(
                f"/__sandbox/payments/{payment.provider_ref}/outcome",
                {"outcome": "paid", "callback": False},
            )

    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    env = {
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
        "SOUK_PAYMENTS_RECONCILE_AFTER_S": "0",
    }
    client = api(market)
    first = worker_start(queue, env)
    second = None
    try:
        with tasks_to(queue):
            for payment in payments:
                answer = client.post(
                    "/api/v1/payments/webhooks/fib/",
                    data=json.dumps({"id": payment.provider_ref, "status": "PAID"}),
                    content_type="application/json",
                )
                assert answer.status_code == 202, answer.content

        # Kill the worker once it is part-way through: some paid, most still to do.
        assert _wait(lambda: _paid(market) >= 5, timeout=240), "the worker never started"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
        paid_when_killed = _paid(market)
        assert paid_when_killed < PAYMENTS, "the worker finished before it was killed"

        # The new worker restores what is unacknowledged as it starts (then every 100 s, as
        # kombu throttles it): the dead worker's messages must be older than the timeout then.
        time.sleep(VISIBILITY_TIMEOUT_S + 1)
        second = worker_start(queue, env)
        if not _wait(lambda: _paid(market) == PAYMENTS, timeout=60):
            # What the broker lost with the dead worker: the beat's reconciliation asks.
            with tasks_to(queue), tenant_context(market):
                payments_reconcile.delay()
        settled = _wait(lambda: _paid(market) == PAYMENTS, timeout=120)
        assert settled, f"payments lost: {_paid(market)} of {PAYMENTS} paid"
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)

    with tenant_context(market):
        references = [f"payment:{payment.reference}" for payment in payments]
        posted = LedgerTransaction.objects.filter(reference__in=references)
        assert posted.count() == PAYMENTS  # each paid payment posted exactly once
        assert ledger_problems() == []
    call_command("ledger_check", "--schema", market.schema_name)

"""The revenue report (staff): GMV, fees, refunds and payouts per day, per provider and in
total, per currency, from the ledger in a constant number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.money import Money
from billing.selectors.reports import revenue_report
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.payouts import earnings_available
from tests.support.quotes import paid_quote


def test_the_report_adds_up_sales_fees_refunds_and_payouts(
    talent, fib_books, fib_sandbox, django_capture_on_commit_callbacks
):
    provider, customer, booking_id, _reference = paid_quote(
        talent, fib_sandbox, django_capture_on_commit_callbacks
    )
    staff = staff_party(talent)
    base = f"/api/v1/bookings/{booking_id}/dispute/"
    assert customer.api.post(base, {"reason": "Half the job was done."}).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        staff.api.post(
            f"{base}resolve/", {"resolution": "partial_refund", "refund_minor": 10_000_000}
        )
    paid = staff.api.post(
        "/api/v1/payouts/",
        {"payee_id": provider.user.pk, "amount_minor": 36_000_000, "currency": "IQD"},
        HTTP_IDEMPOTENCY_KEY="report-payout-1",
    ).json()
    staff.api.post(f"/api/v1/payouts/{paid['reference']}/confirm/", {"bank_reference": "B-1"})
    other, _profile = provider_party(talent)
    earnings_available(talent, other.user, Money(7_000_000, "IQD"))  # a sale paid by hand

    assert_error(customer.api.get("/api/v1/reports/revenue/"), 403)
    assert_error(staff.api.get("/api/v1/reports/revenue/?group=year"), 400, "invalid")
    report = staff.api.get("/api/v1/reports/revenue/")
    assert report.status_code == 200, report.content
    body = report.json()
    today = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(180)).date()
    figures = {"currency": "IQD", "gmv_minor": 50_000_000 + 7_000_000,
               "platform_fees_minor": 4_000_000, "buyer_fees_minor": 0,
               "refunds_minor": 10_000_000, "payouts_minor": 36_000_000}  # fmt: skip
    assert body["periods"] == [{"period": today.isoformat(), **figures}]
    assert body["totals"] == [figures]
    mine = next(p for p in body["providers"] if p["provider_id"] == provider.user.pk)
    assert (mine["earnings_minor"], mine["refunds_minor"], mine["payouts_minor"]) == (
        45_000_000, 9_000_000, 36_000_000,
    )  # fmt: skip
    assert party(talent).api.get("/api/v1/reports/revenue/").status_code == 403

    with tenant_context(talent), CaptureQueriesContext(connection) as queries:
        revenue_report(start=today, end=today, time_zone="Asia/Baghdad", group="month")
    assert len(queries) == 2

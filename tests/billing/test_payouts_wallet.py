"""The wallet: each user sees their own balances and ledger history (newest first, cursor
pages, each entry with its account's balance after it); staff see anyone's by id."""

from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance_credit
from billing.money import Money
from tests.support.client import assert_error
from tests.support.factories.bookings import party, provider_party, staff_party
from tests.support.payouts import earnings_available


def test_a_provider_and_a_customer_see_their_own_wallet_and_staff_see_anyones(talent):
    provider, _profile = provider_party(talent)
    customer = party(talent)
    earnings_available(talent, provider.user, Money(45_000_000, "IQD"))
    with tenant_context(talent):
        prepaid_balance_credit(customer=customer.user, amount=Money(10_000_000, "IQD"))

    balances = provider.api.get("/api/v1/wallet/balances/").json()
    assert balances == {
        "user_id": provider.user.pk,
        "balances": [{"currency": "IQD", "prepaid_minor": 0, "pending_minor": 0,
                      "available_minor": 45_000_000, "in_flight_minor": 0,
                      "paid_out_minor": 0}],
    }  # fmt: skip
    mine = customer.api.get("/api/v1/wallet/balances/").json()["balances"]
    assert [(b["currency"], b["prepaid_minor"], b["available_minor"]) for b in mine] == [
        ("IQD", 10_000_000, 0)
    ]

    page = provider.api.get("/api/v1/wallet/ledger/?page_size=1").json()
    newest = page["results"][0]
    assert (newest["kind"], newest["account"], newest["amount_minor"]) == (
        "release", "provider_available", 45_000_000,
    )  # fmt: skip
    assert newest["balance_after_minor"] == 45_000_000 and newest["subject"].startswith("test:")
    # The release's other side (the pending earnings it emptied), then the payment.
    older = provider.api.get(page["next"]).json()
    assert [
        (e["kind"], e["account"], e["amount_minor"], e["balance_after_minor"])
        for e in older["results"]
    ] == [("release", "provider_pending", -45_000_000, 0)]
    oldest = provider.api.get(older["next"]).json()
    assert [
        (e["kind"], e["account"], e["amount_minor"], e["balance_after_minor"])
        for e in oldest["results"]
    ] == [("charge", "provider_pending", 45_000_000, 45_000_000)]
    assert oldest["next"] is None

    # A customer cannot read the provider's earnings, nor anyone's ledger, by id.
    for path in ("/api/v1/wallet/balances/", "/api/v1/wallet/ledger/", "/api/v1/payouts/"):
        assert_error(customer.api.get(f"{path}?user_id={provider.user.pk}"), 404, "user_not_found")
    staff = staff_party(talent)
    seen = staff.api.get(f"/api/v1/wallet/balances/?user_id={provider.user.pk}").json()
    assert seen["balances"][0]["available_minor"] == 45_000_000
    history = staff.api.get(f"/api/v1/wallet/ledger/?user_id={customer.user.pk}").json()
    assert [(e["kind"], e["amount_minor"]) for e in history["results"]] == [("top_up", 10_000_000)]
    assert_error(staff.api.get("/api/v1/wallet/ledger/?user_id=999999999"), 404)

"""The staff's other pages: fees and limits, payment providers (secrets never shown back),
categories and listing types, badges, review reports, disputes, refunds and payouts. Each
through the API's services; bad input shown beside its field with nothing changed; customers
and providers get 403."""

import re

import pytest
from django_tenants.utils import tenant_context

from billing.models import ProviderAccount
from bookings.models import Dispute
from catalog.models import Category, ListingType, ProviderProfile
from catalog.search.index import profiles_reindex
from tenants.models import Marketplace
from tests.support.factories.catalog import ProviderProfileFactory
from tests.support.orders import paid_gig_order
from tests.support.site_staff import (
    customer_session,
    provider_session,
    session_of,
)

PAGES = [
    "/staff/fees/",
    "/staff/providers/",
    "/staff/providers/fib/",
    "/staff/categories/",
    "/staff/listing-types/",
    "/staff/badges/",
    "/staff/review-reports/",
    "/staff/disputes/",
    "/staff/money/",
]


def _error_of(html: str, field: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


@pytest.fixture
def gigs(make_marketplace):
    return make_marketplace("freelancers")


def test_every_page_opens_for_staff_and_refuses_customers_and_providers(talent):
    staff = session_of(talent)
    for path in PAGES:
        response = staff.get(path)
        assert response.status_code == 200, (path, response.content[:500])
        assert '<meta name="robots" content="noindex">' in response.content.decode()
    for client in (customer_session(talent), provider_session(talent)):
        for path in PAGES:
            assert client.get(path).status_code == 403, path
        assert client.post_form("/staff/categories/", {"name": "Sneaky"}).status_code == 403
    with tenant_context(talent):
        assert not Category.objects.filter(name="Sneaky").exists()


def test_fees_show_the_policy_and_limits_are_saved_or_refused_beside_the_field(fire):
    staff = session_of(fire)
    html = staff.get("/staff/fees/").content.decode()
    assert "8%" in html  # fire's commission
    marketplace = Marketplace.objects.get(pk=fire.pk)
    data = {name: str(getattr(marketplace, name)) for name in (
        "customer_hold_limit", "customer_unit_limit", "customer_booking_rate",
        "booking_horizon_days", "minimum_payout_minor", "balance_due_days",
        "balance_grace_hours", "top_up_minimum_minor", "top_up_maximum_minor")}  # fmt: skip
    bad = staff.post_form(
        "/staff/fees/",
        {
            **data,
            "top_up_minimum_minor": "2000",
            "top_up_maximum_minor": "1000",
            "customer_hold_limit": "3",
        },
    )
    assert bad.status_code == 400
    assert _error_of(bad.content.decode(), "top_up_minimum_minor")
    assert (
        Marketplace.objects.get(pk=fire.pk).customer_hold_limit == marketplace.customer_hold_limit
    )
    saved = staff.post_form("/staff/fees/", {**data, "customer_hold_limit": "3"})
    assert saved.status_code == 302
    assert Marketplace.objects.get(pk=fire.pk).customer_hold_limit == 3


def test_a_provider_is_set_up_and_its_secrets_never_come_back(talent):
    staff = session_of(talent)
    page = staff.get("/staff/providers/fib/").content.decode()
    assert 'name="credential_client_id"' in page and 'name="credential_client_secret"' in page
    missing = staff.post_form(
        "/staff/providers/fib/",
        {"environment": "sandbox", "enabled": "on", "credential_client_id": "shop-17"},
    )
    assert missing.status_code == 400
    assert _error_of(missing.content.decode(), "credential_client_secret")  # "required"
    secret = "very-secret-value-42"
    done = staff.post_form(
        "/staff/providers/fib/",
        {"environment": "sandbox", "enabled": "on", "credential_client_id": "shop-17",
         "credential_client_secret": secret},
    )  # fmt: skip
    assert done.status_code == 302, done.content[:2000]
    with tenant_context(talent):
        account = ProviderAccount.objects.get(code="fib")
        assert account.enabled and account.environment == "sandbox"
    for path in ("/staff/providers/", "/staff/providers/fib/"):
        html = staff.get(path).content.decode()
        assert secret not in html and "shop-17" not in html
    # A blank credential keeps the stored one: switching it off needs no secret again.
    off = staff.post_form(
        "/staff/providers/fib/", {"environment": "sandbox", "credential_client_id": ""}
    )
    assert off.status_code == 302
    with tenant_context(talent):
        assert not ProviderAccount.objects.get(code="fib").enabled
    assert staff.get("/staff/providers/nope/").status_code == 404


def test_categories_are_added_edited_and_refused_beside_the_field(fire):
    staff = session_of(fire)
    added = staff.post_form(
        "/staff/categories/", {"name": "Glow hoops", "slug": "glow-hoops", "names_ar": "أطواق"}
    )
    assert added.status_code == 302
    with tenant_context(fire):
        category = Category.objects.get(slug="glow-hoops")
        count = Category.objects.count()
    assert category.names == {"ar": "أطواق"}
    taken = staff.post_form("/staff/categories/", {"name": "Again", "slug": "glow-hoops"})
    assert taken.status_code == 409 and _error_of(taken.content.decode(), "slug")
    blank = staff.post_form("/staff/categories/", {"name": ""})
    assert blank.status_code == 400 and _error_of(blank.content.decode(), "name")
    with tenant_context(fire):
        assert Category.objects.count() == count

    edit = f"/staff/categories/{category.pk}/"
    assert "Glow hoops" in staff.get(edit).content.decode()
    changed = staff.post_form(edit, {"name": "LED hoops", "slug": "glow-hoops", "icon": ""})
    assert changed.status_code == 302
    with tenant_context(fire):
        assert Category.objects.get(pk=category.pk).name == "LED hoops"
    deleted = staff.post_form(f"/staff/categories/{category.pk}/delete/")
    assert deleted.status_code == 302
    with tenant_context(fire):
        assert not Category.objects.filter(pk=category.pk).exists()
    assert staff.get(edit).status_code == 404


def test_listing_types_are_added_edited_and_bad_config_is_refused(fire):
    staff = session_of(fire)
    data = {"name": "Workshop", "slug": "workshop", "pricing": "date_slot",
            "process": "date_booking", "config": "{not json", "position": "3"}  # fmt: skip
    bad = staff.post_form("/staff/listing-types/", data)
    assert bad.status_code == 400 and _error_of(bad.content.decode(), "config")
    with tenant_context(fire):
        assert not ListingType.objects.filter(slug="workshop").exists()
    added = staff.post_form("/staff/listing-types/", {**data, "config": "{}"})
    assert added.status_code == 302, added.content[:3000]
    with tenant_context(fire):
        workshop = ListingType.objects.get(slug="workshop")
    renamed = staff.post_form(
        f"/staff/listing-types/{workshop.pk}/",
        {**data, "name": "Fire workshop", "config": "{}"},
    )
    assert renamed.status_code == 302
    with tenant_context(fire):
        assert ListingType.objects.get(pk=workshop.pk).name == "Fire workshop"


def test_badges_are_granted_and_revoked(fire):
    with tenant_context(fire):
        profile = ProviderProfileFactory(display_name="Zanzibar Flamewright")
        profiles_reindex()
    staff = session_of(fire)
    found = staff.get("/staff/badges/", {"q": "Zanzibar"})
    assert "Zanzibar Flamewright" in found.content.decode()
    granted = staff.post_form(
        f"/staff/badges/{profile.pk}/", {"badge": "insurance", "action": "grant", "q": "Zanzibar"}
    )
    assert granted.status_code == 302 and "q=Zanzibar" in granted["Location"]
    with tenant_context(fire):
        assert ProviderProfile.objects.get(pk=profile.pk).badges == ["insurance"]
    refused = staff.post_form(
        f"/staff/badges/{profile.pk}/", {"badge": "knighthood", "action": "grant"}
    )
    assert "refused=badge" in refused["Location"]
    staff.post_form(f"/staff/badges/{profile.pk}/", {"badge": "insurance", "action": "revoke"})
    with tenant_context(fire):
        assert ProviderProfile.objects.get(pk=profile.pk).badges == []
    assert (
        staff.post_form("/staff/badges/999999/", {"badge": "dbs", "action": "grant"}).status_code
        == 404
    )


def test_a_dispute_is_decided_and_a_bad_decision_is_refused(gigs):
    customer, _provider, booking_id = paid_gig_order(gigs)
    opened = customer.api.post(
        f"/api/v1/bookings/{booking_id}/dispute/", {"reason": "No work yet."}
    )
    assert opened.status_code == 201, opened.content
    staff = session_of(gigs)
    assert "No work yet." in staff.get("/staff/disputes/").content.decode()
    page = f"/staff/disputes/{booking_id}/"
    assert "No work yet." in staff.get(page).content.decode()
    bad = staff.post_form(page, {"resolution": "partial_refund"})  # no amount
    assert bad.status_code in (400, 422)
    assert "refund_minor" in bad.content.decode()
    with tenant_context(gigs):
        assert Dispute.objects.get(booking_id=booking_id).status == "open"
    done = staff.post_form(page, {"resolution": "release", "note": "Work delivered."})
    assert done.status_code == 302, done.content[:3000]
    with tenant_context(gigs):
        assert Dispute.objects.get(booking_id=booking_id).resolution == "release"
    assert customer_session(gigs).get(page).status_code == 403


def test_refunds_refuse_what_cannot_be_refunded_beside_the_field(gigs):
    staff = session_of(gigs)
    unknown = staff.post_form(
        "/staff/money/", {"booking_id": "999999", "idempotency_key": "k" * 20}
    )
    assert unknown.status_code == 404 and _error_of(unknown.content.decode(), "booking_id")
    _customer, _provider, booking_id = paid_gig_order(gigs)
    too_much = staff.post_form(
        "/staff/money/",
        {"booking_id": str(booking_id), "amount_minor": "999999999", "idempotency_key": "k" * 21},
    )
    assert too_much.status_code in (400, 422)
    assert 'value="999999999"' in too_much.content.decode()
    assert staff.post_form("/staff/money/payouts/nope/confirm/", {}).status_code == 404


def test_a_review_report_is_decided_and_a_missing_decision_is_refused(gigs):
    from bookings.models import Booking, Review, ReviewReport
    from bookings.services.reviews import review_report_create

    customer, provider, booking_id = paid_gig_order(gigs)
    with tenant_context(gigs):
        booking = Booking.objects.get(pk=booking_id)
        # The review row itself: the report and its decision are what is under test.
        review = Review.objects.create(
            booking=booking, side=Review.Side.CUSTOMER, author=customer.user,
            provider=booking.provider, rating=1, text="Zorblax never answered.",
        )  # fmt: skip
        report = review_report_create(
            actor=provider.user, review_id=review.pk, reason="Untrue: we talked daily."
        )
    staff = session_of(gigs)
    assert "Zorblax never answered." in staff.get("/staff/review-reports/").content.decode()
    page = f"/staff/review-reports/{report.pk}/"
    assert "Untrue: we talked daily." in staff.get(page).content.decode()
    missing = staff.post_form(page, {"note": "?"})
    assert missing.status_code == 400 and _error_of(missing.content.decode(), "decision")
    with tenant_context(gigs):
        assert ReviewReport.objects.get(pk=report.pk).status == "open"
    decided = staff.post_form(page, {"decision": "uphold", "note": "Personal attack."})
    assert decided.status_code == 302
    with tenant_context(gigs):
        assert ReviewReport.objects.get(pk=report.pk).status == "upheld"
        assert Review.objects.get(pk=review.pk).status != Review.Status.PUBLISHED
    assert provider_session(gigs).get(page).status_code == 403


def test_the_payout_queue_pages_past_fifty_keeping_its_filter(fire):
    from django.utils import timezone

    from billing.models import Payout
    from tests.support.factories.accounts import ProviderUserFactory, user_in

    staff = session_of(fire)
    payee = user_in(fire, ProviderUserFactory)
    with tenant_context(fire):
        Payout.objects.bulk_create(
            Payout(
                reference=f"po-page-{n:03}",
                idempotency_key=f"po-page-{n:03}",
                payee=payee,
                amount_minor=1000 + n,
                currency="GBP",
                method="manual",
                origin=Payout.Origin.STAFF,
                state=Payout.State.REQUESTED,
                scheduled_for=timezone.now(),
                requested_by=payee,
            )
            for n in range(52)
        )
    first = staff.get("/staff/money/?state=requested").content.decode()
    assert "po-page-051" in first and "po-page-002" in first and "po-page-001" not in first
    assert "Page 1 of 2" in first and 'href="?state=requested&amp;page=2"' in first
    second = staff.get("/staff/money/?state=requested&page=2").content.decode()
    assert "Page 2 of 2" in second and "po-page-000" in second and "po-page-051" not in second

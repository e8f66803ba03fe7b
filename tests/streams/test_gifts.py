"""Gifts to a live stream: paid once per Idempotency-Key from the prepaid balance, split
exactly by the marketplace's commission (30 % on psychic-readers) in one balanced ledger
transaction; refused with nothing moved when the balance is short, the stream is not live or
the gift is withdrawn."""

import pytest
from django_tenants.utils import tenant_context

from billing.balances import prepaid_balance
from billing.models import LedgerAccount, LedgerEntry, LedgerTransaction
from billing.selectors.ledger import ledger_balance, ledger_problems
from bookings.models import GiftSent
from tests.streams.support import gift_in, stream_of, usd, viewer_with
from tests.support.factories.bookings import staff_party

Kind = LedgerAccount.Kind


@pytest.fixture
def readers(make_marketplace):
    return make_marketplace("psychic-readers")


def live_stream_of(marketplace):
    reader, stream = stream_of(marketplace)
    started = reader.api.post(f"/api/v1/streams/{stream.pk}/start/")
    assert started.status_code == 200, started.content
    assert started.json()["state"] == "live"
    return reader, stream


def send(viewer, stream_id, gift_id, *, key, quantity=1):
    return viewer.api.post(
        f"/api/v1/streams/{stream_id}/gifts/",
        {"gift_id": gift_id, "quantity": quantity},
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_gift_is_paid_once_per_key_and_split_exactly(readers):
    reader, stream = live_stream_of(readers)
    rose = gift_in(readers, price_minor=333)  # 30 % of 999 is 299.7: the rounding shows
    viewer = viewer_with(readers, balance=usd(5_000))

    first = send(viewer, stream.pk, rose.pk, key="gift-key-0001", quantity=3)
    again = send(viewer, stream.pk, rose.pk, key="gift-key-0001", quantity=3)
    assert first.status_code == 201, first.content
    assert again.status_code == 201, again.content
    assert again.json() == first.json()
    assert first.json()["total_minor"] == 999

    with tenant_context(readers):
        sent = GiftSent.objects.get()
        assert (sent.total_minor, sent.commission_minor) == (999, 300)
        posted = LedgerTransaction.objects.get(kind=LedgerTransaction.Kind.GIFT)
        assert posted.reference == sent.ledger_reference
        assert LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.GIFT).count() == 1
        moves = {
            entry.account.kind: entry.amount_minor
            for entry in LedgerEntry.objects.filter(transaction=posted).select_related("account")
        }
        assert moves == {
            Kind.CUSTOMER_BALANCE: 999,
            Kind.PLATFORM_FEES: -300,
            Kind.PROVIDER_PENDING: -699,
        }
        assert prepaid_balance(customer=viewer.user, currency="USD") == usd(5_000 - 999)
        assert ledger_balance(kind=Kind.PROVIDER_PENDING, currency="USD", owner=reader.user) == usd(
            699
        )
        assert ledger_balance(kind=Kind.PLATFORM_FEES, currency="USD") == usd(300)
        assert ledger_problems() == []


def test_a_second_key_is_a_second_gift_and_the_stream_shows_both(readers):
    _reader, stream = live_stream_of(readers)
    rose = gift_in(readers, price_minor=100)
    viewer = viewer_with(readers, balance=usd(1_000))
    assert send(viewer, stream.pk, rose.pk, key="gift-key-0001").status_code == 201
    assert send(viewer, stream.pk, rose.pk, key="gift-key-0002").status_code == 201

    seen = viewer.api.get(f"/api/v1/streams/{stream.pk}/").json()
    assert [gift["gift_name"] for gift in seen["recent_gifts"]] == ["Rose", "Rose"]
    assert seen["recent_gifts"][0]["sender_name"] == viewer.user.display_name != ""
    assert viewer.user.email not in str(seen)
    with tenant_context(readers):
        assert prepaid_balance(customer=viewer.user, currency="USD") == usd(800)
        assert ledger_problems() == []


def test_a_key_reused_for_another_gift_is_refused(readers):
    _reader, stream = live_stream_of(readers)
    rose = gift_in(readers, price_minor=100)
    viewer = viewer_with(readers, balance=usd(1_000))
    assert send(viewer, stream.pk, rose.pk, key="gift-key-0001").status_code == 201
    reused = send(viewer, stream.pk, rose.pk, key="gift-key-0001", quantity=2)
    assert reused.status_code == 409
    assert reused.json()["error"] == "idempotency_key_reused"
    with tenant_context(readers):
        assert prepaid_balance(customer=viewer.user, currency="USD") == usd(900)


def test_the_key_may_come_in_the_body(readers):
    _reader, stream = live_stream_of(readers)
    rose = gift_in(readers, price_minor=100)
    viewer = viewer_with(readers, balance=usd(1_000))
    body = {"gift_id": rose.pk, "idempotency_key": "body-key-0001"}
    first = viewer.api.post(f"/api/v1/streams/{stream.pk}/gifts/", body)
    again = viewer.api.post(f"/api/v1/streams/{stream.pk}/gifts/", body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    without = viewer.api.post(f"/api/v1/streams/{stream.pk}/gifts/", {"gift_id": rose.pk})
    assert without.status_code == 400
    assert without.json()["error"] == "idempotency_key_required"


def test_a_short_balance_is_refused_and_nothing_moves(readers):
    _reader, stream = live_stream_of(readers)
    crown = gift_in(readers, price_minor=2_500, name="Crown")
    viewer = viewer_with(readers, balance=usd(2_000))
    refused = send(viewer, stream.pk, crown.pk, key="gift-key-0001")
    assert refused.status_code == 422
    assert refused.json()["error"] == "insufficient_balance"
    with tenant_context(readers):
        assert not GiftSent.objects.exists()
        assert not LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.GIFT).exists()
        assert prepaid_balance(customer=viewer.user, currency="USD") == usd(2_000)
        assert ledger_problems() == []


@pytest.mark.parametrize("finish", ["end", None])
def test_a_stream_that_is_not_live_takes_no_gifts(readers, finish):
    reader, stream = stream_of(readers)
    if finish:
        assert reader.api.post(f"/api/v1/streams/{stream.pk}/start/").status_code == 200
        assert reader.api.post(f"/api/v1/streams/{stream.pk}/{finish}/").status_code == 200
    rose = gift_in(readers, price_minor=100)
    viewer = viewer_with(readers, balance=usd(1_000))
    refused = send(viewer, stream.pk, rose.pk, key="gift-key-0001")
    assert refused.status_code == 409
    assert refused.json()["error"] == "stream_not_live"
    with tenant_context(readers):
        assert not GiftSent.objects.exists()
        assert prepaid_balance(customer=viewer.user, currency="USD") == usd(1_000)


def test_a_withdrawn_gift_and_ones_own_stream_are_refused(readers):
    reader, stream = live_stream_of(readers)
    withdrawn = gift_in(readers, price_minor=100, active=False)
    viewer = viewer_with(readers, balance=usd(1_000))
    refused = send(viewer, stream.pk, withdrawn.pk, key="gift-key-0001")
    assert (refused.status_code, refused.json()["error"]) == (422, "gift_inactive")
    rose = gift_in(readers, price_minor=100)
    own = send(reader, stream.pk, rose.pk, key="gift-key-0002")
    assert (own.status_code, own.json()["error"]) == (422, "own_stream")
    with tenant_context(readers):
        assert not GiftSent.objects.exists()


def test_staff_keep_the_catalogue_and_viewers_see_the_active_gifts(readers):
    staff = staff_party(readers)
    viewer = viewer_with(readers, balance=usd(100))
    made = staff.api.post("/api/v1/gifts/", {"name": "Rose", "icon": "🌹", "price_minor": 100})
    assert made.status_code == 201, made.content
    assert made.json()["currency"] == "USD"
    gift_id = made.json()["id"]
    assert (
        viewer.api.post("/api/v1/gifts/", {"name": "X", "icon": "x", "price_minor": 1}).status_code
        == 403
    )
    assert viewer.api.patch(f"/api/v1/gifts/{gift_id}/", {"active": False}).status_code == 403
    assert [gift["id"] for gift in viewer.api.get("/api/v1/gifts/").json()] == [gift_id]
    withdrawn = staff.api.patch(f"/api/v1/gifts/{gift_id}/", {"active": False})
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    assert viewer.api.get("/api/v1/gifts/").json() == []
    assert [gift["id"] for gift in staff.api.get("/api/v1/gifts/").json()] == [gift_id]
    bad = staff.api.post("/api/v1/gifts/", {"name": "Rose", "icon": "🌹", "price_minor": 0})
    assert bad.status_code == 400

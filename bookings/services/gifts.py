"""Gifts: the marketplace's catalogue (kept by its staff) and a viewer's gift to a live stream.

A gift is paid from the sender's prepaid balance in one balanced ledger transaction of kind
``gift``: the sender's balance is debited the price (unit price × quantity), the platform is
credited the marketplace's commission on it (``commission_bps``, rounded as billing.money
says) and the provider's pending earnings the rest, so share + fee == price exactly. The
price and the split are frozen on the ``GiftSent`` row.

Idempotency: the sender's key names both the ``GiftSent`` row and the ledger reference
(``gift:<sender>-<key>``). A retry finds the row and returns it; two concurrent requests with
one key post one transaction (ledger_post returns the first for the same reference) and one
row (the unique key), and both answer that row. A key reused for another gift is a 409.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.balances import prepaid_balance_charge
from billing.models import LedgerTransaction
from billing.money import Money
from bookings.models import Gift, GiftSent, LiveStream
from bookings.selectors.streams import sender_name_of
from bookings.services.pricing import fee_policy
from bookings.services.stream_news import stream_news_announce
from config.errors import BusinessRuleViolation, InvalidInput, NotAllowed, NotFound, StateConflict
from tenants.db import connection

QUANTITY_MAX = 100
GIFT_FIELDS = ("name", "icon", "price_minor", "currency", "active", "sort_order")


def _require_staff(actor) -> None:
    if not (getattr(actor, "role", None) == "staff" or getattr(actor, "is_superuser", False)):
        raise NotAllowed(_("Only this marketplace's staff may do this."), code="forbidden")


def _checked_gift(gift: Gift) -> Gift:
    if not (gift.name or "").strip():
        raise InvalidInput.of_field(_("Give the gift a name."), "name")
    if not (gift.icon or "").strip():
        raise InvalidInput.of_field(_("Give the gift an icon."), "icon")
    Money(gift.price_minor, gift.currency)  # refuses an unknown currency
    if gift.price_minor <= 0:
        raise InvalidInput.of_field(_("A gift's price must be positive."), "price_minor")
    return gift


def gift_create(
    *,
    actor,
    name: str,
    icon: str,
    price_minor: int,
    currency: str | None = None,
    active: bool = True,
    sort_order: int = 0,
) -> Gift:
    _require_staff(actor)
    gift = Gift(
        name=name.strip(), icon=icon.strip(), price_minor=price_minor,
        currency=currency or connection.tenant.default_currency, active=active,
        sort_order=sort_order,
    )  # fmt: skip
    _checked_gift(gift).save()
    return gift


@transaction.atomic
def gift_update(*, actor, gift_id: int, **changes) -> Gift:
    """Change a gift's fields (those of ``GIFT_FIELDS``); gifts already sent keep the price
    they were sent at."""
    _require_staff(actor)
    unknown = set(changes) - set(GIFT_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed."), details={"fields": sorted(unknown)}
        )
    gift = Gift.objects.select_for_update().filter(pk=gift_id).first()
    if gift is None:
        raise NotFound(_("No such gift."), code="not_found")
    for field, value in changes.items():
        setattr(gift, field, value.strip() if isinstance(value, str) else value)
    _checked_gift(gift).save(update_fields=[*changes])
    return gift


def _same_request(sent: GiftSent, stream_id: int, gift_id: int, quantity: int) -> GiftSent:
    if (sent.stream_id, sent.gift_id, sent.quantity) != (stream_id, gift_id, quantity):
        raise StateConflict(
            _("This Idempotency-Key was used for another gift."), code="idempotency_key_reused"
        )
    return sent


def gift_send(
    *,
    sender: AbstractBaseUser,
    stream_id: int,
    gift_id: int,
    quantity: int = 1,
    idempotency_key: str | None = None,
) -> GiftSent:
    """Send ``quantity`` of a gift to a live stream, paid from the sender's prepaid balance.

    404 for a stream or gift not of this marketplace; 409 ``stream_not_live``; 422
    ``gift_inactive``, ``own_stream`` or ``insufficient_balance`` (and then nothing moved)."""
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= QUANTITY_MAX
    ):
        raise InvalidInput.of_field(_("Send 1 to 100 of a gift at a time."), "quantity")
    key = idempotency_key or f"{sender.pk}-{uuid.uuid4().hex}"
    earlier = GiftSent.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        return _same_request(earlier, stream_id, gift_id, quantity)
    try:
        with transaction.atomic():
            return _gift_pay(sender, stream_id, gift_id, quantity, key)
    except IntegrityError:
        # The same key, sent concurrently and committed first: that one is the answer.
        earlier = GiftSent.objects.filter(idempotency_key=key).first()
        if earlier is None:
            raise
        return _same_request(earlier, stream_id, gift_id, quantity)


def _gift_pay(sender, stream_id: int, gift_id: int, quantity: int, key: str) -> GiftSent:
    # The stream's row is locked so that it cannot end between this check and the payment.
    stream = (
        LiveStream.objects.select_for_update().select_related("provider").filter(pk=stream_id)
    ).first()
    gift = Gift.objects.filter(pk=gift_id).first()
    if stream is None or gift is None:
        raise NotFound(_("No such stream or gift."), code="not_found")
    if stream.state != LiveStream.State.LIVE:
        raise StateConflict(_("This stream is not live."), code="stream_not_live")
    if not gift.active:
        raise BusinessRuleViolation(_("This gift is no longer offered."), code="gift_inactive")
    if stream.provider.user_id == sender.pk:
        raise BusinessRuleViolation(
            _("You cannot send gifts to your own stream."), code="own_stream"
        )
    total = Money(gift.price_minor, gift.currency).times(quantity)
    fee = total.share_bps(fee_policy().commission_bps)
    reference = f"gift:{key}"
    prepaid_balance_charge(
        customer=sender, amount=total, payee=stream.provider.user, fee=fee, reference=reference,
        memo=f"stream {stream.pk}: {quantity} × {gift.name}",
        kind=LedgerTransaction.Kind.GIFT,
    )  # fmt: skip
    with transaction.atomic():
        sent = GiftSent.objects.create(
            stream=stream, sender=sender, gift=gift, unit_price_minor=gift.price_minor,
            quantity=quantity, total_minor=total.amount_minor, commission_minor=fee.amount_minor,
            currency=gift.currency, idempotency_key=key, ledger_reference=reference,
        )  # fmt: skip
    # Told once, for the payment only: a retry answers the row without a word to the viewers.
    stream_news_announce(
        stream_id=stream.pk,
        kind="gift",
        data={
            "id": sent.pk,
            "sender_name": sender_name_of(sender),
            "gift_id": gift.pk,
            "gift_name": gift.name,
            "icon": gift.icon,
            "quantity": quantity,
            "sent_at": sent.created_at.isoformat(),
        },
    )
    return sent

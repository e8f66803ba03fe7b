"""Withdrawals: a provider asks to be paid their available earnings; the marketplace sets the
least one may ask (``withdrawal_minimum_minor``, in its default currency) and when they are paid
(``withdrawal_schedule``): ``anytime`` (at once), ``weekly`` on ``withdrawal_weekday`` (0 is
Monday) or ``monthly`` on ``withdrawal_month_day`` (1–28), each run starting at midnight in the
marketplace's time zone.

A withdrawal is a payout (origin ``withdrawal``) requested at once, so its money is no longer
available to ask for twice, and scheduled for the next run; the beat task sends the payouts due
(``payouts_send_due``). One open withdrawal per provider at a time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from billing.currencies import currency_accepted_check
from billing.models import Payout, PayoutMethod
from billing.money import Money
from billing.services.payouts import payout_request, payout_send_queue
from config.errors import BusinessRuleViolation, InvalidInput, NotAllowed
from tenants.db import connection
from tenants.models import Marketplace, MarketplaceEvent

SCHEDULES = ("anytime", "weekly", "monthly")
SETTING_FIELDS = (
    "withdrawal_minimum_minor",
    "withdrawal_schedule",
    "withdrawal_weekday",
    "withdrawal_month_day",
)
DUE_BATCH = 500


def _marketplace() -> Marketplace:
    # The row, not the routing cache: a staff change applies to the next request.
    return Marketplace.objects.get(pk=connection.tenant.pk)


def withdrawal_next_run(marketplace: Marketplace, now: datetime) -> datetime:
    """When a withdrawal asked for at ``now`` is paid: now, or the next run strictly after."""
    if marketplace.withdrawal_schedule == "anytime":
        return now
    zone = ZoneInfo(marketplace.time_zone)
    today = now.astimezone(zone).date()
    if marketplace.withdrawal_schedule == "weekly":
        ahead = (marketplace.withdrawal_weekday - today.weekday()) % 7 or 7
        day = today + timedelta(days=ahead)
    else:
        day = today.replace(day=marketplace.withdrawal_month_day)
        if day <= today:
            month_end = today.replace(day=28) + timedelta(days=4)
            day = month_end.replace(day=marketplace.withdrawal_month_day)
    return datetime.combine(day, time.min, tzinfo=zone)


def withdrawal_request(
    *, actor, amount_minor: int, idempotency_key: str, currency: str | None = None
) -> Payout:
    """The provider asks for ``amount_minor`` of their available earnings. 422
    ``below_minimum`` under the marketplace's minimum (``details.minimum_minor``), 422
    ``exceeds_available`` over what is available, 409 ``withdrawal_open`` while another waits."""
    if getattr(actor, "role", None) != "provider":
        raise NotAllowed(_("Only providers withdraw earnings."), code="not_a_provider")
    marketplace = _marketplace()
    currency = currency or marketplace.default_currency
    currency_accepted_check(currency)
    amount = Money(amount_minor, currency)
    minimum = marketplace.withdrawal_minimum_minor
    if currency == marketplace.default_currency and amount.amount_minor < minimum:
        raise BusinessRuleViolation(
            _("A withdrawal is at least %(minimum)s.") % {"minimum": Money(minimum, currency)},
            code="below_minimum",
            details={"minimum_minor": minimum, "currency": currency},
        )
    return payout_request(
        actor=actor,
        payee=actor,
        amount=amount,
        idempotency_key=idempotency_key,
        origin=Payout.Origin.WITHDRAWAL,
        scheduled_for=withdrawal_next_run(marketplace, timezone.now()),
    )


def withdrawal_settings_update(*, actor, changes: dict[str, Any]) -> Marketplace:
    """Staff set the withdrawal minimum and schedule (an audit row records the change)."""
    require_staff(actor)
    errors = {}
    if changes.get("withdrawal_schedule", "anytime") not in SCHEDULES:
        errors["withdrawal_schedule"] = [_("One of anytime, weekly, monthly.")]
    for field, low, high in (
        ("withdrawal_minimum_minor", 0, 10**12),
        ("withdrawal_weekday", 0, 6),
        ("withdrawal_month_day", 1, 28),
    ):
        value = changes.get(field, low)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[field] = [
                _("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
            ]
    if errors or set(changes) - set(SETTING_FIELDS):
        raise InvalidInput(_("Some settings are not valid."), details=errors)
    with transaction.atomic():
        marketplace = Marketplace.objects.select_for_update().get(pk=connection.tenant.pk)
        if not changes:
            return marketplace
        before = {field: getattr(marketplace, field) for field in changes}
        for field, value in changes.items():
            setattr(marketplace, field, value)
        marketplace.save(update_fields=[*changes, "updated_at"])
        MarketplaceEvent.objects.create(
            marketplace=marketplace, marketplace_slug=marketplace.slug,
            action=MarketplaceEvent.Action.SETTINGS, actor=actor.email,
            data={"before": before, "after": dict(changes)},
        )  # fmt: skip
    return marketplace


def payouts_send_due(*, now: datetime | None = None) -> int:
    """Queue every payout due by ``now`` that a provider sends (manual ones wait for staff)."""
    due = (
        Payout.objects.filter(
            state=Payout.State.REQUESTED, scheduled_for__lte=now or timezone.now()
        )
        .exclude(method=PayoutMethod.MANUAL)
        .order_by("scheduled_for", "pk")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    ids = list(due)
    with transaction.atomic():
        for payout_id in ids:
            payout_send_queue(payout_id)
    return len(ids)

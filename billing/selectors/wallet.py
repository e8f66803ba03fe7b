"""A user's wallet: their balances per currency and their ledger history, and their payouts.

Everyone sees their own; staff see any user's of the marketplace by id. A balance is what the
user's ledger account holds (``LedgerAccount.balance_minor``): a customer's prepaid balance, a
provider's earnings pending release, available, and paid out; what is on its way to them
(``in_flight_minor``) is their payouts requested or sent and not yet paid.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet, Sum, Window
from django.utils.translation import gettext as _

from accounts.roles import is_staff
from billing.models import LedgerAccount, LedgerEntry, Payout
from config.errors import NotFound

User = get_user_model()
Kind = LedgerAccount.Kind
BALANCE_FIELDS: dict[str, str] = {
    Kind.CUSTOMER_BALANCE: "prepaid_minor",
    Kind.PROVIDER_PENDING: "pending_minor",
    Kind.PROVIDER_AVAILABLE: "available_minor",
    Kind.PROVIDER_PAID_OUT: "paid_out_minor",
}


def wallet_owner(*, viewer, user_id: int | None = None):
    """Whose wallet ``viewer`` reads: their own, or (staff only) the user ``user_id``; 404 for
    anyone else's, so ids of other users tell nothing."""
    if user_id is None or user_id == viewer.pk:
        return viewer
    owner = User.objects.filter(pk=user_id).first() if is_staff(viewer) else None
    if owner is None:
        raise NotFound(_("No such user."), code="user_not_found")
    return owner


def wallet_balances(*, viewer, user_id: int | None = None) -> list[dict[str, Any]]:
    """One row per currency the owner has money in: each balance, in minor units."""
    owner = wallet_owner(viewer=viewer, user_id=user_id)
    rows: dict[str, dict[str, Any]] = defaultdict(dict)
    for account in LedgerAccount.objects.filter(owner=owner).only(
        "kind", "currency", "entries_sum_minor"
    ):
        rows[account.currency][BALANCE_FIELDS[account.kind]] = account.balance_minor
    in_flight = (
        Payout.objects.filter(payee=owner, state__in=[Payout.State.REQUESTED, Payout.State.SENT])
        .values("currency")
        .annotate(total=Sum("amount_minor"))
    )
    for row in in_flight:
        rows[row["currency"]]["in_flight_minor"] = row["total"]
    return [
        {
            "currency": currency,
            **{field: 0 for field in (*BALANCE_FIELDS.values(), "in_flight_minor")},
            **figures,
        }
        for currency, figures in sorted(rows.items())
    ]


def wallet_ledger(*, viewer, user_id: int | None = None) -> QuerySet[LedgerEntry]:
    """The owner's entries, newest first, each with the balance of its account after it
    (``balance_after``: a running sum in the database, debit-positive; callers negate it for
    credit-normal accounts as ``LedgerAccount.balance_minor`` does)."""
    owner = wallet_owner(viewer=viewer, user_id=user_id)
    return (
        LedgerEntry.objects.filter(account__owner=owner)
        .select_related("account", "transaction")
        .annotate(
            balance_after=Window(
                Sum("amount_minor"), partition_by=[F("account_id")], order_by=F("id").asc()
            )
        )
        .order_by("-id")
    )


def wallet_payouts(*, viewer, user_id: int | None = None) -> QuerySet[Payout]:
    """Payouts, newest first: the viewer's own; staff every one, or one user's."""
    payouts = Payout.objects.select_related("payee").order_by("-created_at", "-pk")
    if is_staff(viewer) and user_id is None:
        return payouts
    return payouts.filter(payee=wallet_owner(viewer=viewer, user_id=user_id))


def payout_get(*, viewer, reference: str) -> Payout:
    """The payout of ``reference`` if the viewer is its payee or staff; 404 otherwise."""
    payout = Payout.objects.select_related("payee").filter(reference=reference).first()
    if payout is None or not (payout.payee_id == viewer.pk or is_staff(viewer)):
        raise NotFound(_("No such payout."), code="payout_not_found")
    return payout

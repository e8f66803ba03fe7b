"""A payer's receipts: those of the payments they made and of the refunds of those payments
(a refund's ledger transaction names the payment's subject; see billing.services.receipts)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from billing.models import LedgerTransaction, Payment, Receipt
from config.errors import NotFound


def receipt_list(*, viewer) -> QuerySet[Receipt]:
    """The viewer's receipts, newest first."""
    paid = Payment.objects.filter(payer=viewer)
    refunds = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.REFUND, subject__in=paid.values("subject")
    )
    return Receipt.objects.filter(
        Q(kind=Receipt.Kind.PAYMENT, reference__in=paid.values("reference"))
        | Q(kind=Receipt.Kind.REFUND, reference__in=refunds.values("reference"))
    ).order_by("-sent_at", "-id")


def receipt_get(*, viewer, receipt_id: int) -> Receipt:
    """One of the viewer's receipts; 404 for anyone else's."""
    receipt = receipt_list(viewer=viewer).filter(pk=receipt_id).first()
    if receipt is None:
        raise NotFound(_("No such receipt."), code="receipt_not_found")
    return receipt

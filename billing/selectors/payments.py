"""Reading payments: a payer sees their own, staff every one of the marketplace."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.roles import is_staff
from billing.models import Payment
from config.errors import NotFound


def payment_get(*, viewer, reference: str) -> Payment:
    """The payment of ``reference`` if the viewer paid it or is staff; 404 otherwise."""
    payment = Payment.objects.filter(reference=reference).first()
    if payment is None or not (payment.payer_id == viewer.pk or is_staff(viewer)):
        raise NotFound(_("No such payment."), code="payment_not_found")
    return payment

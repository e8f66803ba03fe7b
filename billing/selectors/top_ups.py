"""Reading top-ups: a customer sees their own, nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet

from billing.models import Payment


def top_ups_of(*, viewer) -> QuerySet[Payment]:
    return Payment.objects.filter(payer=viewer, purpose=Payment.Purpose.TOP_UP).order_by("-pk")

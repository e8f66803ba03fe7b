"""Reading saved payment methods: a customer sees their own, nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet

from billing.models import SavedPaymentMethod


def saved_methods_of(*, viewer) -> QuerySet[SavedPaymentMethod]:
    return SavedPaymentMethod.objects.filter(user=viewer).order_by("-pk")

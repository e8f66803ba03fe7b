"""Who someone is in a booking or a conversation: both have one customer and one provider."""

from __future__ import annotations

from accounts.roles import is_staff
from bookings.models import Actor


def party_role(viewer, *, customer_id: int, provider_user_id: int) -> str | None:
    """customer, provider or staff; None for anyone else (and for the anonymous)."""
    if viewer is None or not viewer.is_authenticated:
        return None
    if viewer.pk == customer_id:
        return Actor.CUSTOMER
    if viewer.pk == provider_user_id:
        return Actor.PROVIDER
    if is_staff(viewer):
        return Actor.STAFF
    return None

"""The marketplace's gift catalogue, and a viewer's own gifts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bookings.models import Gift, GiftSent
from config.errors import NotFound


def gift_catalogue(*, include_inactive: bool = False) -> list[Gift]:
    """The gifts viewers can send (every gift, for staff, with ``include_inactive``)."""
    queryset = Gift.objects.all() if include_inactive else Gift.objects.filter(active=True)
    return list(queryset.order_by("sort_order", "id"))


def gift_get(*, gift_id: int) -> Gift:
    gift = Gift.objects.filter(pk=gift_id).first()
    if gift is None:
        raise NotFound(_("No such gift."), code="not_found")
    return gift


def gifts_sent_by(*, sender, stream_id: int | None = None) -> list[GiftSent]:
    queryset = GiftSent.objects.filter(sender=sender).select_related("gift")
    if stream_id is not None:
        queryset = queryset.filter(stream_id=stream_id)
    return list(queryset.order_by("-id")[:100])

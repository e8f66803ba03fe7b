"""Reads of deliveries, for the booking's parties and staff (404 for others)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bookings.models import Booking, Delivery, DeliveryFile
from bookings.selectors.bookings import booking_get
from config.errors import NotFound


def delivery_list(*, viewer, booking_id: int) -> tuple[Booking, QuerySet]:
    """The booking's deliveries with their files (parties and staff; 404 for others)."""
    booking, _role = booking_get(viewer=viewer, booking_id=booking_id)
    return booking, Delivery.objects.filter(booking=booking).prefetch_related("files")


def delivery_get(*, delivery_id: int) -> Delivery:
    """A delivery with its files, by id: for showing what a service just wrote (the service
    checked who may)."""
    return Delivery.objects.prefetch_related("files").get(pk=delivery_id)


def delivery_file_get(*, viewer, booking_id: int, file_id: int) -> DeliveryFile:
    booking, _role = booking_get(viewer=viewer, booking_id=booking_id)
    found = DeliveryFile.objects.filter(pk=file_id, delivery__booking=booking).first()
    if found is None:
        raise NotFound(_("No such file."), code="file_not_found")
    return found

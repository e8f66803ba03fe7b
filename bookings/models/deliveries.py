"""Deliveries of orders (gig packages, quotes): the provider's message and files."""

from django.db import models

from bookings.models.booking import Booking
from tenants.storage import private_storage


def delivery_upload_to(instance, filename: str) -> str:
    # The storage prefixes every name with the marketplace's schema (see catalog.media).
    return f"deliveries/{instance.delivery.booking_id}/{filename}"


class Delivery(models.Model):
    """A provider's delivery of an order: a message and files. Revisions follow as new ones."""

    booking = models.ForeignKey(Booking, related_name="deliveries", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField()
    message = models.TextField(blank=True)
    late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "number"], name="delivery_number_unique")
        ]

    def __str__(self):
        return f"{self.booking_id} delivery {self.number}"


class DeliveryFile(models.Model):
    delivery = models.ForeignKey(Delivery, related_name="files", on_delete=models.CASCADE)
    file = models.FileField(upload_to=delivery_upload_to, max_length=300, storage=private_storage)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name

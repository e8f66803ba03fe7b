"""Messages between a customer and a provider, per booking or per pre-booking inquiry."""

from django.conf import settings
from django.db import models

from bookings.models.booking import Booking
from catalog.models import Listing, ProviderProfile
from tenants.storage import private_storage


class Thread(models.Model):
    booking = models.OneToOneField(
        Booking, null=True, blank=True, related_name="thread", on_delete=models.CASCADE
    )
    # An inquiry before any booking: about a listing (or a provider), between two people.
    listing = models.ForeignKey(
        Listing, null=True, blank=True, related_name="threads", on_delete=models.CASCADE
    )
    provider = models.ForeignKey(ProviderProfile, related_name="threads", on_delete=models.CASCADE)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="threads", on_delete=models.CASCADE
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "provider", "listing"],
                condition=models.Q(booking__isnull=True),
                nulls_distinct=False,
                name="thread_one_inquiry_per_pair",
            ),
        ]

    def __str__(self):
        return f"thread {self.pk}"


def attachment_upload_to(instance, filename: str) -> str:
    return f"messages/{instance.thread_id}/{filename}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, related_name="messages", on_delete=models.CASCADE)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="messages_sent", on_delete=models.CASCADE
    )
    # Stored as written; contact details are masked when read while the thread's masking
    # rule applies (see bookings.selectors.messages).
    body = models.TextField(blank=True)
    attachment = models.FileField(
        upload_to=attachment_upload_to, max_length=300, blank=True, storage=private_storage
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_size = models.PositiveBigIntegerField(default=0)
    attachment_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        # The sender is carried in the index: unread counts (every page, every socket's counts)
        # count a thread's messages past a mark that others sent, from the index alone.
        indexes = [
            models.Index(fields=["thread", "id"], include=["sender"], name="message_thread_order")
        ]

    def __str__(self):
        return f"message {self.pk}"


class ThreadReadMark(models.Model):
    """How far a participant has read a thread: the read receipt and the unread count's base."""

    thread = models.ForeignKey(Thread, related_name="read_marks", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    last_read_message_id = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="read_mark_one_per_user")
        ]

    def __str__(self):
        return f"{self.user_id} read {self.thread_id} to {self.last_read_message_id}"

"""Live streams and the gifts viewers send during them.

A stream is published to the ingest server (nginx-rtmp) under its secret ``stream_key``; the
ingest server asks Souk whether the key may publish (bookings.services.streams) and writes the
HLS playlist under the public ``playback_id``, so a viewer's URL never carries the key.
"""

from django.conf import settings
from django.db import models

from catalog.models import ProviderProfile


class LiveStream(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        ENDED = "ended", "Ended"

    provider = models.ForeignKey(ProviderProfile, related_name="streams", on_delete=models.PROTECT)
    title = models.CharField(max_length=140)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    # Secret: only the provider sees it (and the ingest server, which is sent it by the
    # provider's broadcasting software). Rotated by the provider; unique in the marketplace.
    stream_key = models.CharField(max_length=64, unique=True)
    # Public: the HLS playlist's name (``<SOUK_HLS_BASE_URL>/<playback_id>.m3u8``).
    playback_id = models.CharField(max_length=32, unique=True)
    # The ingest server's id of the connection publishing now (nginx-rtmp's ``clientid``):
    # only that connection's end ends the stream, not a stray second encoder's.
    ingest_client_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The viewers counted in Redis (bookings.services.stream_viewers), copied here as they change.
    current_viewer_count = models.PositiveIntegerField(default=0)
    peak_viewer_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "-id"], name="stream_state")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="live") | models.Q(started_at__isnull=False),
                name="stream_live_started",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="ended") | models.Q(ended_at__isnull=False),
                name="stream_ended_at",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.state})"


class LiveStreamEvent(models.Model):
    """One move of a stream: who (a user, or the ingest server), when, from and to."""

    class Source(models.TextChoices):
        PROVIDER = "provider", "The provider"
        INGEST = "ingest", "The ingest server"

    stream = models.ForeignKey(LiveStream, related_name="events", on_delete=models.CASCADE)
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    source = models.CharField(max_length=10, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.stream_id} {self.action}"


class Gift(models.Model):
    """An item of the marketplace's gift catalogue, priced in its currency."""

    name = models.CharField(max_length=60)
    icon = models.CharField(max_length=16, help_text="An emoji or a short icon name.")
    price_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price_minor__gt=0), name="gift_price"),
        ]

    def __str__(self):
        return f"{self.icon} {self.name}"


class GiftSent(models.Model):
    """A gift sent to a stream: its price frozen, paid from the sender's prepaid balance by the
    ledger transaction ``ledger_reference``. ``idempotency_key`` (the sender's, scoped to them)
    makes a retried request return this row instead of paying twice."""

    stream = models.ForeignKey(LiveStream, related_name="gifts_sent", on_delete=models.PROTECT)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="gifts_sent", on_delete=models.PROTECT
    )
    gift = models.ForeignKey(Gift, related_name="sent", on_delete=models.PROTECT)
    unit_price_minor = models.PositiveBigIntegerField()
    quantity = models.PositiveIntegerField(default=1)
    total_minor = models.PositiveBigIntegerField()
    commission_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    idempotency_key = models.CharField(max_length=100, unique=True)
    ledger_reference = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["stream", "-id"], name="gift_sent_stream")]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="gift_sent_quantity"),
            models.CheckConstraint(
                condition=models.Q(total_minor=models.F("unit_price_minor") * models.F("quantity")),
                name="gift_sent_total",
            ),
            models.CheckConstraint(
                condition=models.Q(commission_minor__lte=models.F("total_minor")),
                name="gift_sent_commission",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.gift_id} to {self.stream_id}"

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django_tenants.models import DomainMixin, TenantMixin

SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$"


class Marketplace(TenantMixin):
    """A branded marketplace: one PostgreSQL schema, one set of users, listings and money."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        # Deleted by the operator: unreachable, kept for a grace period, then purged (schema,
        # media and private files) by a task. Restorable until then.
        DELETED = "deleted", "Deleted"
        # Being moved to another cell (tenants.services.moves): served read-only, writes are
        # refused (503 marketplace_read_only) until the move ends.
        MOVING = "moving", "Moving"

    class TextDirection(models.TextChoices):
        LTR = "ltr", "Left to right"
        RTL = "rtl", "Right to left"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=42, unique=True, validators=[RegexValidator(SLUG_PATTERN)])
    preset = models.CharField(max_length=40)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    owner_email = models.EmailField()

    default_currency = models.CharField(max_length=3)
    accepted_currencies = ArrayField(models.CharField(max_length=3), default=list)
    default_language = models.CharField(max_length=8, default="en")
    languages = ArrayField(models.CharField(max_length=8), default=list)
    text_direction = models.CharField(
        max_length=3, choices=TextDirection.choices, default=TextDirection.LTR
    )
    time_zone = models.CharField(max_length=64, default="UTC")

    # Fee policy, in basis points (1 bp = 0.01 %) and minor units of the default currency.
    commission_bps = models.PositiveIntegerField(validators=[MaxValueValidator(10_000)])
    buyer_fee_bps = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(10_000)])
    minimum_fee_minor = models.PositiveBigIntegerField(default=0)
    deposit_bps = models.PositiveIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(10_000)]
    )
    payment_providers = ArrayField(models.CharField(max_length=20), default=list)
    # Whether contact details in messages stay masked until a booking is paid.
    mask_contact_details = models.BooleanField(default=True)

    # Anti-hoarding limits, per customer and listing (0 = no limit). Unpaid bookings that hold
    # something (a provider's time, tickets, stock) open at once on one listing:
    customer_hold_limit = models.PositiveSmallIntegerField(default=2)
    # Tickets or product units one customer may hold or own on one listing, paid or not:
    customer_unit_limit = models.PositiveIntegerField(default=20)
    # Bookings one customer may make per hour on this marketplace:
    customer_booking_rate = models.PositiveIntegerField(default=30)

    # Date bookings may end at most this many days from now (bookings/services/creation.py).
    booking_horizon_days = models.PositiveIntegerField(
        default=365, validators=[MinValueValidator(1), MaxValueValidator(3660)]
    )
    # The least a provider may be paid for a priced booking, in minor units, after the
    # commission (1: never nothing); prices under it are refused where they are set.
    minimum_payout_minor = models.PositiveBigIntegerField(
        default=1, validators=[MinValueValidator(1)]
    )
    # Money paid for a booking stays with the platform until this long after the booking is
    # completed (the window to dispute it), then the provider's share becomes available.
    release_delay_hours = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(24 * 90)]
    )

    # Deposits: the balance of a date booking is due this many days before its start (0: no
    # due day, the customer pays when they choose). On the due day billing charges the card
    # saved with the deposit, or e-mails a payment link; a reminder follows halfway through
    # the grace period, and a balance still unpaid at its end cancels the booking.
    balance_due_days = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(365)])
    balance_grace_hours = models.PositiveIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(24 * 30)]
    )
    # Prepaid top-ups (in minor units of the default currency): the least and the most one
    # top-up may add.
    top_up_minimum_minor = models.PositiveBigIntegerField(
        default=1, validators=[MinValueValidator(1)]
    )
    top_up_maximum_minor = models.PositiveBigIntegerField(
        default=10**12, validators=[MinValueValidator(1)]
    )
    # Withdrawals providers ask for: the least one may ask, in minor units of the default
    # currency (0: no minimum), and when asked-for withdrawals are paid (billing.services.
    # withdrawals): at once, weekly on a weekday (0 Monday … 6 Sunday), or monthly on a day.
    withdrawal_minimum_minor = models.PositiveBigIntegerField(default=0)
    withdrawal_schedule = models.CharField(
        max_length=8,
        choices=[("anytime", "Anytime"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        default="anytime",
    )
    withdrawal_weekday = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(6)]
    )
    withdrawal_month_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )

    # When the operator deleted it (status "deleted"); purged after SOUK_DELETION_GRACE_DAYS.
    deleted_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Schemas are made by tenants.services (clone of the template), never by save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_bps__lte=10_000)
                & models.Q(buyer_fee_bps__lte=10_000)
                & models.Q(deposit_bps__lte=10_000),
                name="marketplace_fee_bps_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "suspended", "deleted", "moving"]),
                name="marketplace_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="deleted", deleted_at__isnull=False)
                | (~models.Q(status="deleted") & models.Q(deleted_at__isnull=True)),
                name="marketplace_deleted_at_iff_deleted",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def absolute_url(self, path: str = "/") -> str:
        """An address on the primary domain, for e-mails and other places without a request."""
        from django.conf import settings

        port = f":{settings.SOUK_URL_PORT}" if settings.SOUK_URL_PORT else ""
        return f"{settings.SOUK_URL_SCHEME}://{self.primary_domain_name}{port}{path}"

    @cached_property
    def primary_domain_name(self) -> str:
        """Read once per instance: the routing cache keeps one instance per host and process
        and drops it when any domain changes (tenants.routing), so a page costs no query."""
        return self.get_primary_domain().domain


class Domain(DomainMixin):
    """A host name that routes to a marketplace; exactly one per marketplace is primary."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="domain_one_primary_per_marketplace",
            ),
        ]

    def __str__(self):
        return self.domain


class SpareSchema(models.Model):
    """A schema already cloned from the template, waiting to become a marketplace."""

    schema_name = models.CharField(max_length=63, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.schema_name


class MarketplaceEvent(models.Model):
    """Audit row for every operator action on a marketplace."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        SUSPENDED = "suspended", "Suspended"
        RESUMED = "resumed", "Resumed"
        DELETED = "deleted", "Deleted"
        RESTORED = "restored", "Restored"
        PURGED = "purged", "Purged"
        # Its staff changed a setting (data: the fields before and after).
        SETTINGS = "settings", "Settings changed"
        # Moved between cells (data: the other cell); each cell keeps its side of the story.
        MOVED_OUT = "moved_out", "Moved to another cell"
        MOVED_IN = "moved_in", "Moved in from another cell"

    marketplace = models.ForeignKey(
        Marketplace, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    marketplace_slug = models.CharField(max_length=42)
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.CharField(max_length=254, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.marketplace_slug} {self.action}"


class CellRoute(models.Model):
    """A domain served by another cell (platform/CELLS.md): where to send its visitors.

    A cell's own domains are its Domain rows; these are the others' it knows of, written by
    the moves. A Domain row here wins over a route, so a route never hides a local marketplace.
    """

    domain = models.CharField(max_length=253, unique=True)
    cell = models.CharField(max_length=40)
    marketplace_slug = models.CharField(max_length=42)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return f"{self.domain} -> {self.cell}"


class FleetMigration(models.Model):
    """One run of the fleet migration (``migrate_schemas``): every marketplace's schema, the
    template and the spares, in waves. A run that stopped (a failure, an interruption) is
    resumed by the next one with the same target; its schemas' rows say what is left."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        # A wave had a failure: the waves after it were not started.
        FAILED = "failed", "Failed"
        # Stopped by Ctrl-C or a signal (a run killed outright stays "running").
        INTERRUPTED = "interrupted", "Interrupted"

    # The tenant migrations the code has (a digest of their names): a rerun resumes the last
    # unfinished run only when the code wants the same thing.
    target = models.CharField(max_length=64)
    target_count = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    workers = models.PositiveSmallIntegerField()
    wave_size = models.PositiveIntegerField()
    waves = models.PositiveIntegerField(default=0)
    # The wave reached (0: the canary wave).
    wave = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"fleet migration {self.pk} {self.status}"


class FleetMigrationSchema(models.Model):
    """One schema of a fleet migration run: its wave, what happened and why."""

    class Kind(models.TextChoices):
        TEMPLATE = "template", "Template"
        SPARE = "spare", "Spare"
        MARKETPLACE = "marketplace", "Marketplace"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(FleetMigration, on_delete=models.CASCADE, related_name="schemas")
    schema_name = models.CharField(max_length=63)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    marketplace_slug = models.CharField(max_length=42, blank=True)
    wave = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # Times a worker took it up (a resumed run takes up only what was not done).
    attempts = models.PositiveSmallIntegerField(default=0)
    # The migrations applied to it by this run ("app.name"), and the one that failed.
    applied = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    failed_migration = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["wave", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "schema_name"], name="fleet_migration_schema_once_per_run"
            ),
        ]

    def __str__(self):
        return f"{self.schema_name} {self.status}"

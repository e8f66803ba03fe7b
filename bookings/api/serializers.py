"""Booking shapes (bookings.py) and the small shapes two bookings API features share."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import fields
from bookings.models import Booking, BookingEvent
from bookings.processes import get_process
from bookings.selectors.bookings import (
    booking_money_visible,
    booking_role_get,
)
from bookings.services.pricing_kinds import MAX_TICKETS_PER_ORDER
from catalog.api.serializers import ProviderRefSerializer
from catalog.models import Listing, ListingType


class ListingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()


def person(user) -> dict:
    return {"id": user.pk, "display_name": user.display_name or "Member"}


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class UnreadTotalSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class TicketLineSerializer(serializers.Serializer):
    tier_id = serializers.IntegerField()
    tier_name = serializers.CharField(source="tier.name")
    quantity = serializers.IntegerField()
    unit_price_minor = serializers.IntegerField()


class TicketChoiceSerializer(serializers.Serializer):
    tier_id = fields.row_id()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_TICKETS_PER_ORDER)


class BookingSerializer(serializers.ModelSerializer):
    listing = ListingRefSerializer()
    provider = ProviderRefSerializer()
    customer = serializers.SerializerMethodField()
    package = serializers.SerializerMethodField()
    ticket_tier = serializers.SerializerMethodField(
        help_text="The tier of a ticket order of one tier (null when it mixes tiers); "
        "`tickets` lists every tier."
    )
    tickets = serializers.SerializerMethodField()
    money = serializers.SerializerMethodField()
    your_role = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "number",
            "process",
            "state",
            "state_entered_at",
            "timer_due_at",
            "timer_transition",
            "listing",
            "provider",
            "customer",
            "package",
            "ticket_tier",
            "tickets",
            "quantity",
            "starts_at",
            "ends_at",
            "note",
            "money",
            "paid_at",
            "revisions_allowed",
            "revisions_used",
            "due_at",
            "late_at",
            "cancelled_by",
            "your_role",
            "available_transitions",
            "created_at",
        ]

    def _role(self, booking) -> str | None:
        request = self.context.get("request")
        return booking_role_get(booking=booking, viewer=request.user) if request else None

    def get_customer(self, booking) -> dict:
        customer = booking.customer
        return {"id": customer.pk, "display_name": customer.display_name or "Customer"}

    def get_package(self, booking) -> dict | None:
        package = booking.package
        if package is None:
            return None
        return {
            "id": package.pk,
            "tier": package.tier,
            "name": package.name,
            "delivery_days": package.delivery_days,
            "revisions": package.revisions,
        }

    def get_ticket_tier(self, booking) -> dict | None:
        lines = booking.ticket_lines.all()
        if len(lines) != 1:
            return None
        return {"id": lines[0].tier_id, "name": lines[0].tier.name}

    @extend_schema_field(TicketLineSerializer(many=True))
    def get_tickets(self, booking) -> list[dict]:
        """The order's tiers, each with its quantity and unit price (empty for other kinds)."""
        return [TicketLineSerializer(line).data for line in booking.ticket_lines.all()]

    def get_money(self, booking) -> dict:
        request = self.context.get("request")
        # The split as the viewer's side sees it (bookings.selectors.bookings.HIDDEN_MONEY).
        return booking_money_visible(booking=booking, viewer=request.user if request else None)

    def get_your_role(self, booking) -> str | None:
        return self._role(booking)

    def get_available_transitions(self, booking) -> list[str]:
        role = self._role(booking)
        if role is None:
            return []
        return get_process(booking.process).available(state=booking.state, actor=role)


# The fields each kind of listing (its type's pricing) reads besides listing_id and note. A
# field given for a kind that would ignore it is refused, not dropped: a client that sends
# dates with a package order believes it booked those dates.
Pricing = ListingType.Pricing
FIELDS_BY_PRICING: dict[str, frozenset[str]] = {
    Pricing.DATE_SLOT: frozenset({"starts_at", "ends_at", "inquiry"}),
    Pricing.QUOTE: frozenset({"starts_at", "ends_at"}),
    Pricing.PACKAGES: frozenset({"package_id"}),
    Pricing.TICKETS: frozenset({"ticket_tier_id", "quantity", "tickets", "attendees"}),
    Pricing.PER_MINUTE: frozenset({"channel"}),
    Pricing.PRODUCT: frozenset({"quantity"}),
}
_KIND_FIELDS = frozenset().union(*FIELDS_BY_PRICING.values())


def _uses(*kinds: str) -> str:
    return f"Read for {', '.join(kinds)} listings; given for another kind: 400 `invalid`."


class BookingCreateSerializer(serializers.Serializer):
    listing_id = fields.row_id()
    starts_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Required together with ends_at (ISO 8601 with an offset). "
        + _uses("date_slot", "quote (optional)"),
    )
    ends_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Required together with starts_at. " + _uses("date_slot", "quote (optional)"),
    )
    package_id = fields.row_id(required=False, allow_null=True, help_text=_uses("packages"))
    ticket_tier_id = fields.row_id(required=False, allow_null=True, help_text=_uses("tickets"))
    quantity = fields.count(
        min_value=1,
        required=False,
        default=1,
        help_text="More than 1 only for tickets (with ticket_tier_id) and product listings.",
    )
    tickets = TicketChoiceSerializer(
        many=True,
        required=False,
        help_text="Tickets of several tiers in one order, each tier once (instead of "
        f"ticket_tier_id and quantity; at most {MAX_TICKETS_PER_ORDER} tickets). "
        + _uses("tickets"),
    )
    channel = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text=_uses("per_minute")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    attendees = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        required=False,
        default=list,
        help_text=_uses("tickets"),
    )
    inquiry = serializers.BooleanField(required=False, default=False, help_text=_uses("date_slot"))

    def validate(self, attrs: dict) -> dict:
        given = {
            name
            for name in _KIND_FIELDS
            if name in self.initial_data and attrs.get(name) not in (None, "", [], False)
        }
        # quantity 1 is every kind's default; other quantities are the service's to judge.
        given.discard("quantity")
        errors: dict[str, list[str]] = {}
        for name, other in (("starts_at", "ends_at"), ("ends_at", "starts_at")):
            if other in given and name not in given:
                errors[name] = [_("Required together with %(other)s.") % {"other": other}]
        pricing = (
            Listing.objects.filter(pk=attrs["listing_id"])
            .values_list("listing_type__pricing", flat=True)
            .first()
        )
        # An unknown listing is the service's 404, with the other marketplaces' ids.
        if pricing in FIELDS_BY_PRICING:
            for name in sorted(given - FIELDS_BY_PRICING[pricing]):
                errors.setdefault(name, []).append(
                    _("Not read when booking a %(pricing)s listing.") % {"pricing": pricing}
                )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TransitionInputSerializer(serializers.Serializer):
    """What a transition may carry: a quote's price, a reason, a message."""

    price_minor = fields.amount_minor(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    message = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class BookingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = BookingEvent
        fields = ["id", "transition", "from_state", "to_state", "actor_role", "data", "created_at"]

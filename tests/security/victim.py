"""The victim: a second marketplace holding one of everything, each carrying a marker.

Every text field gets the marker ("VICTIM-<hex>"), every e-mail address contains it, and
every secret (API tokens, the owner's session key, ticket codes, booking numbers, magic-link,
reset and verification keys, the marker inside each private file) is collected, so that a
walker can tell whether a response carries anything of this marketplace.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import ApiToken, User
from accounts.services.magic_links import magic_link_token
from bookings.models import Attendee, Booking, DeliveryFile, DisputeEvidence, Message, Review
from catalog.models import Listing, MediaItem, ProviderProfile
from tenants.models import Marketplace
from tenants.services import marketplace_create
from tests.security.victim_rows import (
    ok_json,
    victim_bookings,
    victim_catalog,
    victim_media,
    victim_person,
    victim_provider,
    victim_stream,
)
from tests.support.client import ApiClient, api
from tests.support.factories.accounts import api_token_for
from tests.support.factories.bookings import Party

# The preset whose currency (USD) suits every pricing kind, prepaid balances included.
VICTIM_PRESET = "psychic-readers"


@dataclass
class Victim:
    marketplace: Marketplace
    marker: str
    host: str
    schema: str
    owner: User
    owner_token: str
    owner_session: str
    customer: Party
    provider: Party
    profile: ProviderProfile
    # Values an attacker might put in a path: model label -> primary keys, plus strings.
    ids: dict[str, list[int]] = field(default_factory=dict)
    # Parameter names of nested paths -> (parent id, child id) pairs that belong together.
    pairs: dict[tuple[str, ...], list[tuple[int, int]]] = field(default_factory=dict)
    slugs: list[str] = field(default_factory=list)
    ticket_codes: list[str] = field(default_factory=list)
    media_paths: list[str] = field(default_factory=list)
    magic_token: str = ""
    reset_uid_key: str = ""
    confirmation_key: str = ""
    secrets: set[str] = field(default_factory=set)

    def owner_token_client(self, host: str, **extra) -> ApiClient:
        return api(host, token=self.owner_token, **extra)

    def owner_session_client(self, host: str, **extra) -> ApiClient:
        client = api(host, **extra)
        client.cookies["sessionid"] = self.owner_session
        return client


def _collect(victim: Victim) -> None:
    """Every id, slug, code, file and secret of the victim, read back from its schema."""
    with tenant_context(victim.marketplace):
        for config in apps.get_app_configs():
            if config.name not in settings.TENANT_APPS:
                continue
            for model in config.get_models():
                pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
                if pks and all(isinstance(pk, int) for pk in pks):
                    victim.ids[model._meta.label_lower] = pks[-50:]
        victim.pairs = {
            ("thread_id", "message_id"): list(Message.objects.values_list("thread_id", "pk")),
            ("booking_id", "file_id"): list(
                DeliveryFile.objects.values_list("delivery__booking_id", "pk")
            ),
            ("booking_id", "evidence_id"): list(
                DisputeEvidence.objects.values_list("dispute__booking_id", "pk")
            ),
            ("listing_id", "media_id"): list(
                MediaItem.objects.filter(listing__isnull=False).values_list("listing_id", "pk")
            ),
        }
        victim.slugs = list(Listing.objects.values_list("slug", flat=True))
        victim.ticket_codes = list(Attendee.objects.values_list("code", flat=True))
        victim.media_paths = [str(item.file.name) for item in MediaItem.objects.all()]
        numbers = list(Booking.objects.values_list("number", flat=True))
        # Keys are stored only as hashes (accounts.ApiToken): a hash in a response is a leak too.
        tokens = list(ApiToken.objects.values_list("key_hash", flat=True))
    victim.secrets |= {
        victim.marker.lower(),
        victim.schema,
        victim.host,
        victim.owner_session,
        victim.magic_token,
        victim.reset_uid_key.split("-", 1)[1],
        victim.confirmation_key,
        *victim.ticket_codes,
        *numbers,
        *tokens,
        # The keys themselves, as the victim's people send them.
        victim.owner_token,
        *(
            someone.api.defaults["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
            for someone in (victim.customer, victim.provider)
        ),
    }


def victim_build(run_commit_hooks) -> Victim:
    marker = f"VICTIM-{secrets.token_hex(4)}"
    low = marker.lower()
    marketplace = marketplace_create(
        preset=VICTIM_PRESET,
        name=f"{marker} Marketplace",
        slug=low,
        domain=f"{low}.localhost",
        owner_email=f"owner-{low}@example.com",
    )
    # Deposits too: a date booking is then paid in two parts.
    marketplace.deposit_bps = 2500
    marketplace.save(update_fields=["deposit_bps"])
    with tenant_context(marketplace):
        owner = User.objects.get(email=f"owner-{low}@example.com")
        owner.display_name = f"{marker} owner"
        owner.save(update_fields=["display_name"])
        owner_token = api_token_for(owner)
        session_client = api(marketplace)
        session_client.force_login(owner)
    customer = victim_person(marketplace, marker, "customer")
    provider, profile = victim_provider(marketplace, marker, "provider")
    voucher, _ = victim_provider(marketplace, marker, "voucher")
    listings = victim_catalog(marketplace, marker, profile)
    victim_media(provider, listings["performance"].pk, marker)
    for kind, target in (("listings", listings["performance"].pk), ("providers", profile.pk)):
        ok_json(customer.api.post(f"/api/v1/favorites/{kind}/{target}/"))
    ok_json(
        voucher.api.post(
            f"/api/v1/providers/{profile.pk}/vouches/",
            {"skill_area": f"{marker} skill", "note": f"{marker} vouch"},
        )
    )
    with run_commit_hooks():
        victim_bookings(marketplace, marker, customer, provider, listings, run_commit_hooks)
    stream_key = victim_stream(
        marketplace, marker, customer, provider, api(marketplace, token=owner_token)
    )
    with tenant_context(marketplace):
        address = EmailAddress.objects.get(user=customer.user)
        confirmation = EmailConfirmation.create(address)
        confirmation.sent = timezone.now()
        confirmation.save()
        reset_key = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(customer.user)
        victim = Victim(
            marketplace=marketplace,
            marker=marker,
            host=marketplace.get_primary_domain().domain,
            schema=marketplace.schema_name,
            owner=owner,
            owner_token=owner_token,
            owner_session=session_client.cookies["sessionid"].value,
            customer=customer,
            provider=provider,
            profile=profile,
            magic_token=magic_link_token(user=customer.user),
            reset_uid_key=f"{user_pk_to_url_str(customer.user)}-{reset_key}",
            confirmation_key=confirmation.key,
        )
        assert Review.objects.exists() and Attendee.objects.count() == 2
    victim.secrets.add(stream_key)
    _collect(victim)
    return victim

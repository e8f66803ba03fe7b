"""Marketplace provisioning: create one from a preset, bring it up to its preset later."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from config.errors import InvalidInput, StateConflict
from tenants import schemas
from tenants.db import connection
from tenants.hooks import owner_provisioner, preset_seeders
from tenants.models import SLUG_PATTERN, Domain, Marketplace, MarketplaceEvent
from tenants.presets import Preset, PresetError, get_preset

HOST_PATTERN = re.compile(
    r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$"
)
RESERVED_SLUGS = {"public", "www", "api", "admin", "static", "media", "template"}


def _validate_create(*, preset: str, name: str, slug: str, domain: str, owner_email: str):
    errors: dict[str, str] = {}
    try:
        get_preset(preset)
    except PresetError:
        errors["preset"] = _("Unknown preset %(preset)s.") % {"preset": repr(preset)}
    if not name.strip():
        errors["name"] = _("A name is required.")
    if not re.match(SLUG_PATTERN, slug):
        errors["slug"] = _(
            "Use 3-42 lowercase letters, digits and hyphens, starting with a letter."
        )
    elif slug in RESERVED_SLUGS or schemas.is_reserved(schema_for(slug)):
        errors["slug"] = _("The name %(slug)s is reserved.") % {"slug": repr(slug)}
    if not HOST_PATTERN.match(domain):
        errors["domain"] = _("%(domain)s is not a valid host name.") % {"domain": repr(domain)}
    elif domain in settings.SOUK_OPERATOR_HOSTS:
        errors["domain"] = _("That host serves the operator console.")
    try:
        validate_email(owner_email)
    except ValidationError:
        errors["owner_email"] = _("Enter a valid e-mail address.")
    if errors:
        raise InvalidInput(_("The marketplace could not be created."), details=errors)

    taken: dict[str, str] = {}
    if Marketplace.objects.filter(slug=slug).exists():
        taken["slug"] = _("The slug %(slug)s is taken.") % {"slug": repr(slug)}
    if Domain.objects.filter(domain=domain).exists():
        taken["domain"] = _("The domain %(domain)s is taken.") % {"domain": repr(domain)}
    if taken:
        raise InvalidInput(_("The marketplace could not be created."), code="taken", details=taken)
    # A schema without a marketplace row (left by an old deletion, made by hand, anything)
    # would hand its users, bookings and files to the new marketplace. Checked again under
    # the transaction where the schema is made (schemas.refuse_existing).
    if schema_exists(schema_for(slug)):
        raise schemas.SchemaExists(schema_for(slug))


def schema_for(slug: str) -> str:
    return slug.replace("-", "_")


def _seed_preset(preset: Preset) -> dict[str, int]:
    """Write the preset's categories, listing types and theme into the current schema, through
    the seeders the apps that own them register (tenants.hooks).

    Idempotent: rows that exist (by slug) are left as the marketplace's staff edited them.
    Returns how many rows of each kind were added.
    """
    added: dict[str, int] = {}
    for seeder in preset_seeders():
        added.update(seeder.seed(preset=preset))
    return added


def marketplace_sync_preset(*, marketplace: Marketplace) -> dict[str, int]:
    """Add what the marketplace's preset gained since it was provisioned (new categories,
    listing types). Runs in the marketplace's schema, which must be the current one."""
    if connection.schema_name != marketplace.schema_name:
        raise StateConflict(_("Switch to the marketplace's schema first."), code="wrong_schema")
    with transaction.atomic():
        return _seed_preset(get_preset(marketplace.preset))


def marketplace_create(
    *,
    preset: str,
    name: str,
    owner_email: str,
    domain: str | None = None,
    slug: str | None = None,
    owner_password: str | None = None,
    actor: str = "",
) -> Marketplace:
    """Provision a marketplace: schema (spare or clone of the template), preset data, owner
    (with the welcome mail, through the provisioner accounts registers: tenants.hooks).

    One transaction: on any failure nothing remains, not the row, the domain or the schema.
    """
    provision_owner = owner_provisioner()
    slug = (slug or slugify(name))[:42].strip("-")
    domain = (domain or f"{slug}.{settings.SOUK_BASE_DOMAIN}").strip().lower().rstrip(".")
    owner_email = owner_email.strip().lower()
    connection.set_schema_to_public()
    _validate_create(preset=preset, name=name, slug=slug, domain=domain, owner_email=owner_email)
    chosen = get_preset(preset)
    schema_name = schema_for(slug)

    try:
        with transaction.atomic():
            marketplace = Marketplace.objects.create(
                schema_name=schema_name,
                name=name.strip(),
                slug=slug,
                owner_email=owner_email,
                **chosen.marketplace_fields(),
            )
            Domain.objects.create(domain=domain, tenant=marketplace, is_primary=True)
            if not schemas.claim_spare_schema(schema_name):
                schemas.clone_template(schema_name)
            connection.set_tenant(marketplace)
            try:
                _seed_preset(chosen)
                provision_owner(email=owner_email, password=owner_password, schema_name=schema_name)
            finally:
                connection.set_schema_to_public()
            MarketplaceEvent.objects.create(
                marketplace=marketplace,
                marketplace_slug=slug,
                action=MarketplaceEvent.Action.CREATED,
                actor=actor,
                data={"preset": preset, "domain": domain},
            )
            transaction.on_commit(_queue_spare_refill)
    except IntegrityError as exc:
        # A concurrent request took the slug or domain between the check and the insert.
        raise InvalidInput(
            _("The marketplace could not be created."),
            code="taken",
            details={"slug_or_domain": _("The slug or domain was taken just now.")},
        ) from exc
    return marketplace


def _queue_spare_refill() -> None:
    from tenants.tasks import refill_spare_schemas

    if max(settings.SOUK_SPARE_SCHEMAS, settings.SOUK_SPARE_SCHEMAS_MAX) > 0:
        refill_spare_schemas.delay()

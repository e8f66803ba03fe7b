"""Provision the demo marketplaces (demo/*.json) and print where they are served.

Idempotent: a marketplace whose slug exists is left as it is, so a second run only prints.
"""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import user_create
from config.errors import ServiceError
from demo.marketplaces import (
    DEMO_PASSWORD,
    DemoDataError,
    demo_marketplace_provision,
    demo_marketplaces,
)
from tenants.db import connection
from tenants.models import Marketplace

# The demo's operator: a superuser of the public schema, for the console and the operator admin.
DEMO_OPERATOR_EMAIL = "operator@souk.localhost"


def demo_operator_ensure() -> None:
    connection.set_schema_to_public()
    if not User.objects.filter(email__iexact=DEMO_OPERATOR_EMAIL).exists():
        user_create(
            email=DEMO_OPERATOR_EMAIL,
            password=DEMO_PASSWORD,
            role=User.Role.STAFF,
            is_superuser=True,
            email_verified=True,
        )


class Command(BaseCommand):
    help = "Create the demo marketplaces with their providers and customers; print addresses."

    def handle(self, *args, **options):
        port = os.environ.get("PORT", "8000")
        try:
            demos = demo_marketplaces()
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc

        started = time.monotonic()
        existing = set(
            Marketplace.objects.filter(slug__in=[d.slug for d in demos]).values_list(
                "slug", flat=True
            )
        )
        created = 0
        for demo in demos:
            if demo.slug in existing:
                self.stdout.write(f"{demo.slug}: already provisioned, left as it is")
                continue
            one_started = time.monotonic()
            try:
                provisioned = demo_marketplace_provision(demo=demo)
            except ServiceError as exc:
                raise CommandError(f"{demo.slug}: {exc.message} {exc.details}") from exc
            created += 1
            catalog = provisioned.catalog
            by_type = ", ".join(f"{n} {slug}" for slug, n in sorted(catalog.by_type.items()))
            self.stdout.write(
                f"{demo.slug}: created with {len(demo.providers)} providers, "
                f"{len(demo.customers)} customers, {catalog.listings} listings ({by_type}), "
                f"{catalog.packages} packages, {catalog.ticket_tiers} ticket tiers, "
                f"{catalog.weekly_hours} weekly hours, {catalog.blocked_dates} blocked dates, "
                f"{catalog.media} photos, {catalog.bookings} bookings "
                f"in {time.monotonic() - one_started:.1f} s"
            )
        if created:
            self.stdout.write(f"Provisioned {created} in {time.monotonic() - started:.1f} s.")
        demo_operator_ensure()

        marketplaces = Marketplace.objects.filter(
            slug__in=[d.slug for d in demos]
        ).prefetch_related("domains")
        owners = {d.slug: d.owner_email for d in demos}
        rows = [("Marketplace", "Address", "API docs", "Owner login")]
        for marketplace in sorted(marketplaces, key=lambda m: m.slug):
            domain = next(
                (d.domain for d in marketplace.domains.all() if d.is_primary), "(no domain)"
            )
            rows.append(
                (
                    f"{marketplace.name} ({marketplace.preset})",
                    f"http://{domain}:{port}/",
                    f"http://{domain}:{port}/api/v1/docs/",
                    f"{owners[marketplace.slug]} / {DEMO_PASSWORD}",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("")
        for index, row in enumerate(rows):
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(
            f"Operator console: http://localhost:{port}/ "
            f"(log in as {DEMO_OPERATOR_EMAIL} / {DEMO_PASSWORD})"
        )
        self.stdout.write(
            f"Every demo account (owners, providers, customers) uses the password {DEMO_PASSWORD}."
        )

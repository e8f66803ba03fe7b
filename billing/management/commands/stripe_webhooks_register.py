"""``manage.py stripe_webhooks_register [--schema NAME …]``: register each Stripe marketplace's
webhook endpoints with its Stripe platform and keep their signing secrets (for a marketplace
configured while Stripe, or the demo's sandbox, could not be reached)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from billing.models import ProviderAccount
from billing.providers.base import ProviderError
from billing.services.connect import stripe_webhook_register
from tenants.models import Marketplace


class Command(BaseCommand):
    help = "Register Stripe webhook endpoints for the marketplaces that take Stripe payments."

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", default=[], help="Only these schemas.")

    def handle(self, *args, **options):
        marketplaces = Marketplace.objects.filter(status=Marketplace.Status.ACTIVE)
        if options["schema"]:
            marketplaces = marketplaces.filter(schema_name__in=options["schema"])
        failed = 0
        for marketplace in marketplaces.order_by("schema_name"):
            with tenant_context(marketplace):
                if not ProviderAccount.objects.filter(code="stripe", enabled=True).exists():
                    continue
                try:
                    endpoints = stripe_webhook_register()
                except ProviderError as exc:
                    failed += 1
                    self.stderr.write(f"{marketplace.schema_name}: {exc}")
                    continue
            self.stdout.write(f"{marketplace.schema_name}: {', '.join(endpoints)}")
        if failed:
            raise CommandError(f"{failed} marketplaces could not register their endpoints.")

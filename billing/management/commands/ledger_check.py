"""``manage.py ledger_check [--schema NAME …]``: prove every marketplace's books balance.

Exits 1 (listing each problem) when any transaction does not sum to zero, mixes currencies,
or a cached balance differs from its entries; 0 when every marketplace checked is clean.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from billing.selectors.ledger import ledger_problems
from tenants.models import Marketplace


class Command(BaseCommand):
    help = "Check that every marketplace's ledger balances."

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", default=[], help="Only these schemas.")

    def handle(self, *args, **options):
        marketplaces = Marketplace.objects.exclude(schema_name="public").order_by("schema_name")
        if options["schema"]:
            marketplaces = marketplaces.filter(schema_name__in=options["schema"])
        failed = 0
        for marketplace in marketplaces:
            with schema_context(marketplace.schema_name):
                problems = ledger_problems()
            if problems:
                failed += 1
                for problem in problems:
                    self.stdout.write(
                        f"{marketplace.schema_name}: {problem.what} {problem.ref}: {problem.detail}"
                    )
            elif options["verbosity"] > 1:
                self.stdout.write(f"{marketplace.schema_name}: balanced")
        checked = marketplaces.count()
        if failed:
            raise CommandError(f"{failed} of {checked} marketplaces have ledger problems.")
        self.stdout.write(f"ledger_check: {checked} marketplaces, all balanced")

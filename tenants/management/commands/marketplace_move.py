"""Move a marketplace to another cell (tenants.services.moves; platform/CELLS.md).

manage.py marketplace_move <slug> --to <cell>     # run in the marketplace's current cell
"""

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from config.errors import ServiceError
from tenants.models import Marketplace
from tenants.services.moves import marketplace_move


class Command(BaseCommand):
    help = "Move a marketplace (schema, rows, files, domains) to another cell."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--to", required=True, help="the target cell's name")

    def handle(self, *args, slug, to, **options):
        marketplace = Marketplace.objects.filter(slug=slug).first()
        if marketplace is None:
            raise CommandError(f"No marketplace {slug} in this cell.")
        try:
            report = marketplace_move(marketplace=marketplace, to=to, actor="manage.py")
        except ServiceError as refused:
            raise CommandError(refused.message) from refused
        self.stdout.write(json.dumps(asdict(report), sort_keys=True))
        # Closed here, not by the interpreter's exit, which took seconds over it.
        connections.close_all()

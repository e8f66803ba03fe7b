"""Move a marketplace to another cell (tenants.services.moves; platform/CELLS.md).

manage.py marketplace_move <slug> --to <cell>     # run in the marketplace's current cell
manage.py marketplace_move <slug> --abort [--to <cell>]   # after a move died half-way
"""

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from config.errors import ServiceError
from tenants.models import Marketplace
from tenants.services.moves import marketplace_move, marketplace_move_abort


class Command(BaseCommand):
    help = "Move a marketplace (schema, rows, files, domains) to another cell."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--to", default="", help="the target cell's name")
        parser.add_argument(
            "--abort",
            action="store_true",
            help="undo a move that died after the freeze: writable here again, and the copy "
            "in --to (if given) dropped",
        )

    def handle(self, *args, slug, to, abort, **options):
        marketplace = Marketplace.objects.filter(slug=slug).first()
        if marketplace is None:
            raise CommandError(f"No marketplace {slug} in this cell.")
        if not abort and not to:
            raise CommandError("Name the target cell: --to <cell>.")
        try:
            if abort:
                marketplace_move_abort(marketplace=marketplace, to=to)
                self.stdout.write(f"{slug} is active and writable here again.")
                return
            report = marketplace_move(marketplace=marketplace, to=to, actor="manage.py")
        except ServiceError as refused:
            raise CommandError(refused.message) from refused
        self.stdout.write(json.dumps(asdict(report), sort_keys=True))
        # Closed here, not by the interpreter's exit, which took seconds over it.
        connections.close_all()

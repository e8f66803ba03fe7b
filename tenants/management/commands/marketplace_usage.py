"""A marketplace's usage, for the operator (tenants.selectors.usage), as JSON: one object per line.

manage.py marketplace_usage [<slug> ...] [--months 12]   # none named: every live one
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from tenants.models import Marketplace
from tenants.selectors.usage import MONTHS_DEFAULT, MONTHS_MAX, marketplace_usage


class Command(BaseCommand):
    help = "Print each marketplace's users, listings, bookings, money by month and sizes."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*")
        parser.add_argument("--months", type=int, default=MONTHS_DEFAULT)

    def handle(self, *args, slugs, months, **options):
        if not 1 <= months <= MONTHS_MAX:
            raise CommandError(f"--months must be 1 to {MONTHS_MAX}.")
        marketplaces = Marketplace.objects.exclude(schema_name="public").order_by("slug")
        if slugs:
            marketplaces = marketplaces.filter(slug__in=slugs)
            missing = sorted(set(slugs) - {m.slug for m in marketplaces})
            if missing:
                raise CommandError(f"No marketplace {', '.join(missing)}.")
        else:
            marketplaces = marketplaces.filter(deleted_at__isnull=True)
        for marketplace in marketplaces:
            usage = marketplace_usage(marketplace=marketplace, months=months)
            self.stdout.write(json.dumps(usage, cls=DjangoJSONEncoder, sort_keys=True))

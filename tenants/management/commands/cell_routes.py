"""What an edge proxy needs to send each domain to its cell (platform/CELLS.md).

manage.py cell_routes                 # nginx: map $host $souk_cell { ... }
manage.py cell_routes --format json   # {"domain": "cell", ...}

Each cell is the authority on its own domains (its Domain rows of marketplaces not deleted);
the map is their union, read from every cell's database in SOUK_CELLS_FILE (this cell's
alone when there is no such file).
"""

import json

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants import cells

OWN_DOMAINS = (
    "SELECT d.domain, m.status = 'moving' FROM public.tenants_domain d "
    "JOIN public.tenants_marketplace m ON m.id = d.tenant_id "
    "WHERE m.status <> 'deleted' ORDER BY d.domain"
)


class Command(BaseCommand):
    help = "Print the domain → cell map for the edge proxy (nginx map or JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("nginx", "json"), default="nginx")

    def handle(self, *args, format, **options):
        if settings.SOUK_CELLS_FILE:
            sources = {name: cell.database_url for name, cell in cells.cells().items()}
        else:
            sources = {cells.this_cell() or "default": cells.own_database_url()}
        routes: dict[str, str] = {}
        leaving: set[str] = set()  # in a cell it is moving out of: the other one wins
        for name, url in sorted(sources.items()):
            with psycopg.connect(url) as db:
                for domain, moving in db.execute(OWN_DOMAINS):
                    if domain in routes and domain not in leaving:
                        if moving:
                            continue
                        raise CommandError(f"{domain} is in both {routes[domain]} and {name}.")
                    routes[domain] = name
                    if moving:
                        leaving.add(domain)
                    else:
                        leaving.discard(domain)
        if format == "json":
            self.stdout.write(json.dumps(routes, indent=2, sort_keys=True))
            return
        self.stdout.write('map $host $souk_cell {\n    hostnames;\n    default "";')
        for domain, name in sorted(routes.items()):
            # Routing serves www.<domain> as <domain> (tenants.routing).
            self.stdout.write(f"    {domain} {name};\n    www.{domain} {name};")
        self.stdout.write("}")

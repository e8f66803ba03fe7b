"""Operate marketplaces from the shell.

    manage.py marketplace create --preset fire-performers --name "Fire Hire" \\
        --owner-email owner@example.com [--domain fire.example.com] [--slug fire-hire]
    manage.py marketplace list
    manage.py marketplace suspend|resume <slug>
    manage.py marketplace delete|restore <slug>   # soft; restorable for the grace period
    manage.py marketplace purge <slug> [--now]    # a deleted one: files, schema, rows
    manage.py marketplace purge-due               # what the daily beat task does
    manage.py marketplace sync-preset <slug>      # add what its preset gained, via Celery
"""

from django.core.management.base import BaseCommand, CommandError

from config.errors import ServiceError
from tenants import services
from tenants.models import Marketplace
from tenants.tasks import sync_preset

# Whoever runs manage.py already holds the database; no operator permission to check.
SHELL = services.SystemActor("manage.py")


class Command(BaseCommand):
    help = "Create, list, suspend, resume, delete, restore or purge marketplaces."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--preset", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--owner-email", required=True)
        create.add_argument("--domain")
        create.add_argument("--slug")
        create.add_argument("--owner-password")
        sub.add_parser("list")
        sub.add_parser("purge-due")
        for action in ("suspend", "resume", "delete", "restore", "sync-preset"):
            sub.add_parser(action).add_argument("slug")
        purge = sub.add_parser("purge")
        purge.add_argument("slug")
        purge.add_argument(
            "--now", action="store_true", help="Purge before the grace period is over."
        )

    def handle(self, *args, action, **options):
        try:
            if action == "create":
                marketplace = services.marketplace_create(
                    preset=options["preset"],
                    name=options["name"],
                    owner_email=options["owner_email"],
                    domain=options.get("domain"),
                    slug=options.get("slug"),
                    owner_password=options.get("owner_password"),
                    actor="manage.py",
                )
                domain = marketplace.get_primary_domain().domain
                self.stdout.write(f"created {marketplace.slug} at http://{domain}/")
                return
            if action == "list":
                for marketplace in Marketplace.objects.prefetch_related("domains"):
                    domains = ", ".join(d.domain for d in marketplace.domains.all())
                    self.stdout.write(
                        f"{marketplace.slug:24} {marketplace.preset:18} "
                        f"{marketplace.status:10} {domains}"
                    )
                return
            if action == "purge-due":
                try:
                    purged = services.marketplace_purge_due(actor=SHELL)
                except services.PurgeIncomplete as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(f"purged {purged}")
                return
            marketplace = Marketplace.objects.filter(slug=options["slug"]).first()
            if marketplace is None:
                raise CommandError(f"No marketplace {options['slug']!r}.")
            if action == "suspend":
                services.marketplace_suspend(marketplace=marketplace, actor="manage.py")
            elif action == "resume":
                services.marketplace_resume(marketplace=marketplace, actor="manage.py")
            elif action == "delete":
                services.marketplace_delete(marketplace=marketplace, actor=SHELL)
            elif action == "restore":
                services.marketplace_restore(marketplace=marketplace, actor=SHELL)
            elif action == "purge":
                services.marketplace_purge(
                    marketplace=marketplace, actor=SHELL, ignore_grace_period=options["now"]
                )
            elif action == "sync-preset":
                sync_preset.apply_async(
                    args=[marketplace.pk], headers={"_schema_name": marketplace.schema_name}
                )
            self.stdout.write(f"{action}: {marketplace.slug}")
        except ServiceError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.details.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc

"""Celery tasks run in the marketplace they were sent for, or not at all.

tenant-schemas-celery names the schema in the message's ``_schema_name`` header and switches to
it in a ``task_prerun`` signal handler. When that marketplace no longer exists the lookup raises
inside the signal handler, Celery only logs it, and the task runs on in the public schema, where
``accounts`` tables exist too. Here the task itself checks, before any of its code runs, that the
connection is on the schema it was sent for and that the marketplace is not deleted; otherwise
it fails with MarketplaceUnavailable (the task is marked failed).
"""

from __future__ import annotations

from tenant_schemas_celery.app import CeleryApp, get_schema_name_from_task
from tenant_schemas_celery.task import TenantTask

from tenants.db import connection


class MarketplaceUnavailable(Exception):
    """The task's marketplace is gone or deleted: nothing of the task ran."""


class MarketplaceTask(TenantTask):
    abstract = True

    def __call__(self, *args, **kwargs):
        from django_tenants.utils import get_public_schema_name

        from tenants.models import Marketplace

        schema = get_schema_name_from_task(self, kwargs) or get_public_schema_name()
        if schema != get_public_schema_name():
            # tenants_marketplace is in public, which stays on the search path.
            live = (
                Marketplace.objects.filter(schema_name=schema)
                .exclude(status=Marketplace.Status.DELETED)
                .exists()
            )
            if not live or connection.schema_name != schema:
                raise MarketplaceUnavailable(
                    f"The marketplace of the schema {schema!r} is gone or deleted; "
                    f"{self.name} did not run."
                )
        return super().__call__(*args, **kwargs)


class SoukCeleryApp(CeleryApp):
    task_cls = "tenants.task_base:MarketplaceTask"


def send_to_each_marketplace(task) -> int:
    """A beat entry's fan-out: send ``task`` once to every active marketplace, each message
    carrying its schema; returns how many were sent. Leaves the connection on public."""
    from django_tenants.utils import tenant_context

    from tenants.models import Marketplace

    sent = 0
    for marketplace in Marketplace.objects.filter(status=Marketplace.Status.ACTIVE):
        with tenant_context(marketplace):
            task.delay()
        sent += 1
    connection.set_schema_to_public()
    return sent

from celery import shared_task

from tenants import schemas, services
from tenants.db import connection


@shared_task(ignore_result=True)
def refill_spare_schemas() -> int:
    """Keep the spare pool at its target (schemas.spare_pool_target). Beat runs it every five
    minutes, and each provisioning queues it."""
    return schemas.refill_spare_schemas()


@shared_task
def sync_preset(marketplace_id: int) -> dict[str, int]:
    """Bring one marketplace's catalog up to its preset; runs in that marketplace's schema."""
    marketplace = connection.tenant
    if marketplace.pk != marketplace_id:
        raise ValueError("The task was sent for another marketplace's schema.")
    return services.marketplace_sync_preset(marketplace=marketplace)


@shared_task
def purge_deleted_marketplaces() -> int:
    """Beat entry (public schema): purge the deleted marketplaces whose grace period is over."""
    return services.marketplace_purge_due(actor=services.SystemActor("beat"))

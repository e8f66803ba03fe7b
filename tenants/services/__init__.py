"""Marketplace services: provisioning (create, preset sync) and lifecycle (suspend, resume,
delete, restore, purge). Import them from here."""

from tenants.services.lifecycle import (
    DELETE_PERMISSION,
    Actor,
    PurgeIncomplete,
    SystemActor,
    marketplace_delete,
    marketplace_purge,
    marketplace_purge_due,
    marketplace_restore,
    marketplace_resume,
    marketplace_suspend,
    operator_may_delete,
    purge_after,
)
from tenants.services.provisioning import (
    HOST_PATTERN,
    RESERVED_SLUGS,
    marketplace_create,
    marketplace_sync_preset,
    schema_for,
)

__all__ = [
    "DELETE_PERMISSION",
    "HOST_PATTERN",
    "RESERVED_SLUGS",
    "Actor",
    "PurgeIncomplete",
    "SystemActor",
    "marketplace_create",
    "marketplace_delete",
    "marketplace_purge",
    "marketplace_purge_due",
    "marketplace_restore",
    "marketplace_resume",
    "marketplace_suspend",
    "marketplace_sync_preset",
    "operator_may_delete",
    "purge_after",
    "schema_for",
]

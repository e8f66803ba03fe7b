"""A marketplace's life after provisioning: suspend, resume, delete, restore, purge.

Deleting is soft. The marketplace stops being served at once (its hosts answer as if nothing
were there), but its schema, files, slug and domains are kept for SOUK_DELETION_GRACE_DAYS,
during which it can be restored. Then the purge (a daily beat task, or the shell) removes its
files, its schema and its rows. Deleting and restoring are an operator's decision and need
the permission ``tenants.delete_marketplace`` (or a superuser); the shell and the beat task
act as a ``SystemActor``. There is no other way to delete a marketplace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Union

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import NotAllowed, StateConflict
from tenants import schemas
from tenants.db import connection
from tenants.models import Marketplace, MarketplaceEvent
from tenants.services.files import schema_files_delete

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

logger = logging.getLogger(__name__)

DELETE_PERMISSION = "tenants.delete_marketplace"


@dataclass(frozen=True)
class SystemActor:
    """A trusted caller that is not a person: ``manage.py``, the beat task."""

    name: str


# A public-schema user (the operator's staff) or the system. Never a bare string: a string
# could not be checked for the permission.
Actor = Union["AbstractBaseUser", SystemActor]


def operator_may_delete(user) -> bool:
    """Whether a public-schema user may delete and restore marketplaces."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(DELETE_PERMISSION)
    )


def _authorize(actor: Actor) -> str:
    """The actor's name for the audit row, once it is allowed to delete; NotAllowed if not."""
    # Marketplaces, and operators with their permissions, live in the public schema.
    connection.set_schema_to_public()
    if isinstance(actor, SystemActor):
        return actor.name
    if not hasattr(actor, "has_perm"):
        raise TypeError(f"actor must be an operator User or a SystemActor, not {actor!r}.")
    if not operator_may_delete(actor):
        raise NotAllowed(
            _(
                "Deleting or restoring a marketplace needs the operator permission "
                "%(delete_permission)s."
            )
            % {"delete_permission": DELETE_PERMISSION},
        )
    return actor.get_username()  # the e-mail address (accounts' User.USERNAME_FIELD)


def purge_after(marketplace: Marketplace) -> datetime | None:
    """When a deleted marketplace becomes due for the purge (None if it is not deleted)."""
    if marketplace.deleted_at is None:
        return None
    return _grace_end(marketplace.deleted_at)


def _grace_end(deleted_at: datetime) -> datetime:
    return deleted_at + timedelta(days=settings.SOUK_DELETION_GRACE_DAYS)


def _lock(marketplace: Marketplace) -> Marketplace:
    return Marketplace.objects.select_for_update().get(pk=marketplace.pk)


def _set_status(marketplace: Marketplace, status: str, action: str, actor: str) -> Marketplace:
    connection.set_schema_to_public()
    with transaction.atomic():
        locked = _lock(marketplace)
        if locked.status == Marketplace.Status.DELETED:
            raise StateConflict(_("The marketplace is deleted; restore it first."), code="deleted")
        if locked.status == status:
            raise StateConflict(
                _("The marketplace is already %(status)s.") % {"status": status},
                code=f"already_{status}",
            )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        MarketplaceEvent.objects.create(
            marketplace=locked, marketplace_slug=locked.slug, action=action, actor=actor
        )
    return locked


def marketplace_suspend(*, marketplace: Marketplace, actor: str = "") -> Marketplace:
    return _set_status(
        marketplace, Marketplace.Status.SUSPENDED, MarketplaceEvent.Action.SUSPENDED, actor
    )


def marketplace_resume(*, marketplace: Marketplace, actor: str = "") -> Marketplace:
    return _set_status(
        marketplace, Marketplace.Status.ACTIVE, MarketplaceEvent.Action.RESUMED, actor
    )


def marketplace_delete(*, marketplace: Marketplace, actor: Actor) -> Marketplace:
    """Delete softly: unreachable from now on, purged after the grace period, restorable
    until then. The slug and domains stay reserved until the purge."""
    name = _authorize(actor)
    with transaction.atomic():
        locked = _lock(marketplace)
        if locked.status == Marketplace.Status.DELETED:
            raise StateConflict(_("The marketplace is already deleted."), code="already_deleted")
        previous = locked.status
        now = timezone.now()
        locked.status = Marketplace.Status.DELETED
        locked.deleted_at = now
        # Saving publishes a routing invalidation on commit: every process stops serving it.
        locked.save(update_fields=["status", "deleted_at", "updated_at"])
        MarketplaceEvent.objects.create(
            marketplace=locked,
            marketplace_slug=locked.slug,
            action=MarketplaceEvent.Action.DELETED,
            actor=name,
            data={
                "previous_status": previous,
                "purge_after": _grace_end(now).isoformat(),
            },
        )
    return locked


def marketplace_restore(*, marketplace: Marketplace, actor: Actor) -> Marketplace:
    """Undo a deletion within the grace period; the marketplace gets its former status back."""
    name = _authorize(actor)
    with transaction.atomic():
        locked = _lock(marketplace)
        if locked.status != Marketplace.Status.DELETED:
            raise StateConflict(_("The marketplace is not deleted."), code="not_deleted")
        if _due(locked):
            raise StateConflict(
                _("The grace period is over; the marketplace is due to be purged."),
                code="grace_period_over",
            )
        deletion = (
            locked.events.filter(action=MarketplaceEvent.Action.DELETED)
            .order_by("-created_at", "-pk")
            .first()
        )
        status = (deletion.data if deletion else {}).get(
            "previous_status", Marketplace.Status.ACTIVE
        )
        locked.status = status
        locked.deleted_at = None
        locked.save(update_fields=["status", "deleted_at", "updated_at"])
        MarketplaceEvent.objects.create(
            marketplace=locked,
            marketplace_slug=locked.slug,
            action=MarketplaceEvent.Action.RESTORED,
            actor=name,
            data={"status": status},
        )
    return locked


def _due(marketplace: Marketplace, now: datetime | None = None) -> bool:
    due_at = purge_after(marketplace)
    return due_at is not None and due_at <= (now or timezone.now())


def marketplace_purge(
    *, marketplace: Marketplace, actor: Actor, ignore_grace_period: bool = False
) -> None:
    """Remove a deleted marketplace for good: its files, its schema, its rows.

    Only once the grace period is over, unless ``ignore_grace_period`` (the shell's explicit
    ``--now``; the API never purges). The PURGED event keeps the slug and what was removed.
    """
    name = _authorize(actor)
    with transaction.atomic():
        locked = _lock(marketplace)
        if locked.status != Marketplace.Status.DELETED:
            raise StateConflict(_("Only a deleted marketplace can be purged."), code="not_deleted")
        if not ignore_grace_period and not _due(locked):
            raise StateConflict(
                _("The marketplace is kept until %(until)s UTC.")
                % {"until": f"{purge_after(locked):%Y-%m-%d %H:%M}"},
                code="not_due",
            )
        # Files first and under the row lock: a restore cannot slip in between, and if removing
        # them fails, the rows and schema stay (and the name stays taken) for the next run
        # rather than a new marketplace of the same name finding the old files.
        files = schema_files_delete(schema_name=locked.schema_name)
        domains = sorted(locked.domains.values_list("domain", flat=True))
        MarketplaceEvent.objects.create(
            marketplace=None,
            marketplace_slug=locked.slug,
            action=MarketplaceEvent.Action.PURGED,
            actor=name,
            data={
                "schema": locked.schema_name,
                "domains": domains,
                "files": files,
                "deleted_at": locked.deleted_at.isoformat() if locked.deleted_at else None,
            },
        )
        schemas.drop_schema(locked.schema_name)
        locked.delete()  # its domains go with it; its events keep the slug


def marketplace_purge_due(*, actor: Actor) -> int:
    """Purge every deleted marketplace whose grace period is over. Returns how many.

    One failure does not stop the others; it is raised once all were tried.
    """
    connection.set_schema_to_public()
    cutoff = timezone.now() - timedelta(days=settings.SOUK_DELETION_GRACE_DAYS)
    due = Marketplace.objects.filter(
        status=Marketplace.Status.DELETED, deleted_at__lte=cutoff
    ).order_by("pk")
    purged, failed = 0, []
    for marketplace in due:
        try:
            marketplace_purge(marketplace=marketplace, actor=actor)
        except Exception:
            logger.exception("could not purge the marketplace %s", marketplace.slug)
            failed.append(marketplace.slug)
            continue
        purged += 1
    if failed:
        raise RuntimeError(f"Purged {purged}; could not purge {', '.join(failed)}.")
    return purged

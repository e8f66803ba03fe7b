"""A marketplace's life after provisioning: suspend, resume, delete, restore, purge.

Deleting is soft. The marketplace stops being served at once (its hosts answer as if nothing
were there), but its schema, files, slug and domains are kept for SOUK_DELETION_GRACE_DAYS,
during which it can be restored. Then the purge (an hourly beat task, SOUK_PURGE_BATCH at a
time, or the shell) removes its schema, its files and its rows. Deleting and restoring are
an operator's decision and need the permission ``tenants.delete_marketplace`` (or a
superuser); the shell and the beat task act as a ``SystemActor``. There is no other way to
delete a marketplace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
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
    """Remove a deleted marketplace for good: its schema, its files, its rows.

    Only once the grace period is over, unless ``ignore_grace_period`` (the shell's explicit
    ``--now``; the API never purges). The PURGED event keeps the slug and what was removed.
    One transaction, which waits at most SOUK_PURGE_LOCK_TIMEOUT_S for any lock (the row, a
    table of the schema that a long query holds): a stuck purge fails instead of waiting.
    """
    name = _authorize(actor)
    with transaction.atomic(), _lock_timeout(settings.SOUK_PURGE_LOCK_TIMEOUT_S):
        locked = _lock(marketplace)
        if locked.status != Marketplace.Status.DELETED:
            raise StateConflict(_("Only a deleted marketplace can be purged."), code="not_deleted")
        if not ignore_grace_period and not _due(locked):
            raise StateConflict(
                _("The marketplace is kept until %(until)s UTC.")
                % {"until": f"{purge_after(locked):%Y-%m-%d %H:%M}"},
                code="not_due",
            )
        # The schema first, under the row lock (a restore cannot slip in): if a lock on it
        # cannot be had, nothing was removed yet. Then the files, which no rollback brings
        # back: if removing them fails, the schema and rows come back and the name stays
        # taken for the next run, rather than a new marketplace of the same name finding them.
        schemas.drop_schema(locked.schema_name)
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
        locked.delete()  # its domains go with it; its events keep the slug


@contextmanager
def _lock_timeout(seconds: float) -> Iterator[None]:
    """lock_timeout for the enclosing transaction, put back after (a savepoint inside a longer
    transaction, as in tests, keeps its own)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(seconds * 1000)}ms"])
        yield
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


class PurgeIncomplete(RuntimeError):
    """Some due marketplaces could not be purged; they stay due and the next run retries."""

    def __init__(self, purged: list[str], failed: dict[str, str]):
        super().__init__(
            f"Purged {len(purged)}; could not purge "
            + "; ".join(f"{slug} ({reason})" for slug, reason in failed.items())
        )
        self.purged = purged
        self.failed = failed


def marketplace_purge_due(*, actor: Actor, limit: int | None = None) -> int:
    """Purge the deleted marketplaces whose grace period is over, oldest deletion first, at
    most ``limit`` (SOUK_PURGE_BATCH) in this run. Returns how many were purged.

    Each is purged in its own transaction (marketplace_purge): one that fails or waits too
    long for a lock is logged and left for the next run, and the others go on. If any failed,
    PurgeIncomplete is raised once all were tried, so the task shows as failed.
    """
    connection.set_schema_to_public()
    cutoff = timezone.now() - timedelta(days=settings.SOUK_DELETION_GRACE_DAYS)
    due = Marketplace.objects.filter(
        status=Marketplace.Status.DELETED, deleted_at__lte=cutoff
    ).order_by("deleted_at", "pk")[: settings.SOUK_PURGE_BATCH if limit is None else limit]
    purged: list[str] = []
    failed: dict[str, str] = {}
    for marketplace in list(due):
        try:
            marketplace_purge(marketplace=marketplace, actor=actor)
        except Exception as exc:
            logger.exception("could not purge the marketplace %s", marketplace.slug)
            failed[marketplace.slug] = f"{type(exc).__name__}: {exc}".strip()[:200]
            connection.set_schema_to_public()
            continue
        purged.append(marketplace.slug)
    if failed:
        raise PurgeIncomplete(purged, failed)
    return len(purged)

"""Content types and permissions after a schema's migration, checked in one statement.

After a migration, Django's post_migrate signal runs contenttypes' ``create_contenttypes`` and
auth's ``create_permissions`` for every app: each reads the app's content types and
permissions through the ORM to create the missing ones. Over ~40 apps that was two thirds of a
schema's one-column migration in the fleet bench (~55 of ~87 ms), though the rows they look
for are nearly always there already: the template's are cloned with it.

So the fleet's workers detach those two receivers (``content_receivers_detach``) and, after
each schema's migration, ask PostgreSQL in one statement whether any content type or
permission the migrated models need is missing (``content_types_missing``). Only then do
they run the two receivers, for every app in the signal's order, exactly as the signal would;
the signal's other receivers (the template's stamp, say) are still sent it as before.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps as global_apps
from django.contrib.auth.management import (  # type: ignore[attr-defined]  # private, stable since 1.x
    _get_all_permissions,
    create_permissions,
)
from django.contrib.contenttypes.management import create_contenttypes
from django.db import router
from django.db.models.signals import post_migrate

from tenants.db import connection

PERMISSIONS_UID = "django.contrib.auth.management.create_permissions"


def content_receivers_detach() -> None:
    """Take the two receivers off post_migrate in this (worker) process."""
    post_migrate.disconnect(create_contenttypes)
    post_migrate.disconnect(create_permissions, dispatch_uid=PERMISSIONS_UID)


def _expected(state_apps) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """The content types (app label, model) and permissions (app label, model, codename)
    that the two receivers would make for ``state_apps``: every model of every installed app
    with models, proxies included, and each model's default and declared permissions."""
    types: tuple[list[str], list[str]] = ([], [])
    perms: tuple[list[str], list[str], list[str]] = ([], [], [])
    for app_config in global_apps.get_app_configs():
        if app_config.models_module is None:
            continue
        try:
            models = list(state_apps.get_app_config(app_config.label).get_models())
        except LookupError:
            continue
        for model in models:
            types[0].append(app_config.label)
            types[1].append(model._meta.model_name)
            for codename, _name in _get_all_permissions(model._meta):
                perms[0].append(app_config.label)
                perms[1].append(model._meta.model_name)
                perms[2].append(codename)
    return (*types, *perms)


@cache
def _missing_sql() -> str:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    ct, perm = ContentType._meta.db_table, Permission._meta.db_table
    return f"""
        SELECT
          (SELECT count(*) FROM unnest(%s::text[], %s::text[]) AS e(app_label, model)
           WHERE NOT EXISTS (SELECT 1 FROM {ct} ct
                             WHERE ct.app_label = e.app_label AND ct.model = e.model))
          + (SELECT count(*) FROM unnest(%s::text[], %s::text[], %s::text[])
                                  AS e(app_label, model, codename)
             WHERE NOT EXISTS (SELECT 1 FROM {perm} p JOIN {ct} ct ON ct.id = p.content_type_id
                               WHERE ct.app_label = e.app_label AND ct.model = e.model
                                 AND p.codename = e.codename))
    """


def _allowed() -> bool:
    """Whether the router lets both tables into the current schema (else the receivers make
    nothing there)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    alias = connection.alias
    return router.allow_migrate_model(alias, ContentType) and router.allow_migrate_model(
        alias, Permission
    )


def content_types_missing(*, state_apps) -> int:
    """How many content types and permissions of ``state_apps``'s models the current schema
    lacks (0 where the router keeps both tables out of it)."""
    return ContentTypesCheck(state_apps).missing()


class ContentTypesCheck:
    """The expected rows of one migrated state, listed once and checked per schema."""

    def __init__(self, state_apps) -> None:
        self.state_apps = state_apps
        self.statement: str | None = None  # the check with its ~1,000 names bound, made once

    def missing(self) -> int:
        """How many of the rows the current schema lacks."""
        if not _allowed():
            return 0
        if self.statement is None:
            # Bound once: binding the names again for every schema cost as much as the check.
            self.statement = connection.ops.compose_sql(_missing_sql(), _expected(self.state_apps))
        with connection.cursor() as cursor:
            cursor.execute(self.statement)
            return cursor.fetchone()[0]

    def ensure(self, *, plan) -> int:
        """Make what the current schema lacks, as post_migrate's two receivers would; returns
        how many rows were missing."""
        missing = self.missing()
        if missing:
            for app_config in global_apps.get_app_configs():
                if app_config.models_module is None:
                    continue
                for receiver in (create_contenttypes, create_permissions):
                    receiver(
                        app_config,
                        verbosity=0,
                        interactive=False,
                        using=connection.alias,
                        apps=self.state_apps,
                        plan=plan,
                    )
        return missing

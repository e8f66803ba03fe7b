"""Cells: full Souk deployments (PostgreSQL, Redis, workers, web) that split the marketplaces.

platform/CELLS.md tells the layout. This module knows the cells' addresses: their public
origins (settings.SOUK_CELL_ORIGINS, what every web tier needs to point a visitor on) and, on
hosts that move marketplaces, their databases, Redis and file storages (settings.SOUK_CELLS_FILE,
a JSON file, because it holds every cell's credentials):

    {"a": {"database_url": "postgres://souk@db-a/souk", "redis_url": "redis://redis-a/0",
           "files": {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                 "OPTIONS": {"location": "/srv/a/media/{schema}"}},
                     "private": {...}}},
     "b": {...}}

``{schema}`` in a storage option is the marketplace's schema: the folder or key prefix its
files have in that cell (tenants.storage keeps each marketplace's files under its schema).
"""

from __future__ import annotations

import contextlib
import glob
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.db import DatabaseError, transaction
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Cell:
    name: str
    database_url: str
    redis_url: str = ""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def database_name(self) -> str:
        return urlsplit(self.database_url).path.lstrip("/")

    def storage(self, alias: str, schema: str) -> Storage:
        """The cell's storage ``alias`` rooted at the folder or prefix of ``schema``'s files."""
        try:
            spec = self.files[alias]
        except KeyError:
            raise ImproperlyConfigured(
                f"The cell {self.name!r} has no files.{alias} in SOUK_CELLS_FILE."
            ) from None
        options = {
            key: value.replace("{schema}", schema) if isinstance(value, str) else value
            for key, value in spec.get("OPTIONS", {}).items()
        }
        return import_string(spec["BACKEND"])(**options)


def this_cell() -> str:
    return settings.SOUK_CELL


def origin_of(cell: str) -> str:
    """The public origin of ``cell``'s web tier ("" if not configured)."""
    return settings.SOUK_CELL_ORIGINS.get(cell, "")


def cells() -> dict[str, Cell]:
    """Every cell of SOUK_CELLS_FILE, this one included."""
    if not settings.SOUK_CELLS_FILE:
        raise ImproperlyConfigured("Set SOUK_CELLS_FILE to move marketplaces between cells.")
    raw = json.loads(Path(settings.SOUK_CELLS_FILE).read_text())
    return {
        name: Cell(
            name=name,
            database_url=spec["database_url"],
            redis_url=spec.get("redis_url", ""),
            files=spec.get("files", {}),
        )
        for name, spec in raw.items()
    }


def cell(name: str) -> Cell:
    known = cells()
    if name not in known:
        raise ImproperlyConfigured(f"No cell {name!r} in SOUK_CELLS_FILE ({', '.join(known)}).")
    return known[name]


def own_database_url() -> str:
    """This deployment's database as a libpq URL (what pg_dump and psycopg take)."""
    from tenants.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def pg_tool(name: str) -> str:
    """A PostgreSQL client program (pg_dump, pg_restore) of the newest version installed: it
    must be at least as new as the servers it reads."""
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise ImproperlyConfigured(f"{name} not found: install PostgreSQL's client programs.")


@contextlib.contextmanager
def unless_read_only() -> Iterator[None]:
    """For bookkeeping writes a read makes (a token's last use): skipped, not failed, while
    the marketplace is read-only for a move (tenants.services.moves), so reads stay served."""
    try:
        with transaction.atomic():
            yield
    except DatabaseError as error:
        if not isinstance(error.__cause__, psycopg.errors.ReadOnlySqlTransaction):
            raise

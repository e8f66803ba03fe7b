"""Souk's database engine (``ENGINE = "tenants.db"``) and its connection, typed as such.

``django.db.connection`` is typed as Django's base wrapper, which knows nothing of
django-tenants' ``tenant``, ``schema_name``, ``set_tenant()`` or ``set_schema_to_public()``;
this is the same proxy object, typed as the wrapper the engine really builds.
"""

from typing import TYPE_CHECKING, cast

from django.db import connection as _connection

if TYPE_CHECKING:
    from tenants.db.base import DatabaseWrapper

connection = cast("DatabaseWrapper", _connection)

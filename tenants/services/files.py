"""A marketplace's stored files, removed when it is purged.

Public media (settings.STORAGES["default"]) and private files (["private"]) live under the
marketplace's schema name: <MEDIA_ROOT or SOUK_PRIVATE_MEDIA_ROOT>/<schema>/ on disk, or the
keys <schema>/ and private/<schema>/ on S3. The tenant-aware storages compute that prefix from
the connection's schema, so they are walked through their own API while the connection points
at the marketplace's schema: the same code removes files on disk and objects on S3.
"""

from __future__ import annotations

import posixpath
import shutil

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage, storages

from tenants import schemas
from tenants.db import connection

STORAGE_ALIASES = ("default", "private")


def schema_files_delete(*, schema_name: str) -> int:
    """Delete every file stored for ``schema_name`` in every storage. Returns how many."""
    if not schema_name or schemas.is_reserved(schema_name):
        raise ValueError(f"Refusing to delete the files of the schema {schema_name!r}.")
    previous = connection.schema_name
    connection.set_schema(schema_name)
    try:
        return sum(_delete_all(storages[alias]) for alias in STORAGE_ALIASES)
    finally:
        connection.set_schema(previous)


def storage_of_schema_checked(storage: Storage) -> str:
    """The storage's location, which must be the connection's schema's own folder or prefix:
    one that is not would list (and count, and delete) everybody's files."""
    location = str(getattr(storage, "location", "")).rstrip("/")
    if posixpath.basename(location) != connection.schema_name:
        raise ImproperlyConfigured(
            f"{type(storage).__name__} does not keep files under the schema's name "
            f"(location {location!r}); a marketplace's files cannot be told apart."
        )
    return location


def _delete_all(storage: Storage) -> int:
    storage_of_schema_checked(storage)
    return storage_tree_delete(storage)


def storage_tree_delete(storage: Storage) -> int:
    """Delete every file under the storage's location (the caller vouches it is one
    marketplace's own), and on disk the folders they were in. Returns how many."""
    removed = _delete_tree(storage, "")
    try:
        root = storage.path("")
    except NotImplementedError:
        return removed  # an object store: no folders remain once the objects are gone
    shutil.rmtree(root, ignore_errors=True)  # the folders the files were in, now empty
    return removed


def _delete_tree(storage: Storage, folder: str) -> int:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0  # nothing was ever stored here
    for name in files:
        storage.delete(posixpath.join(folder, name))
    return len(files) + sum(_delete_tree(storage, posixpath.join(folder, name)) for name in folders)

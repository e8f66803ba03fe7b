"""Per-marketplace file storage: public media on S3 and private files on disk, each under the
marketplace's schema name."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from storages.backends.s3 import S3Storage

from tenants.db import connection


class TenantS3Storage(S3Storage):
    """S3-compatible media storage; every key lives under the marketplace's schema name."""

    @property
    def location(self):
        return "/".join(part for part in (self._base_location, connection.schema_name) if part)

    @location.setter
    def location(self, value):
        self._base_location = (value or "").strip("/")


class TenantPrivateFileSystemStorage(FileSystemStorage):
    """Under ``SOUK_PRIVATE_MEDIA_ROOT/<schema>/``: outside MEDIA_ROOT, so no web server
    serves these files, and without URLs."""

    @property
    def base_location(self):
        return os.path.join(settings.SOUK_PRIVATE_MEDIA_ROOT, connection.schema_name)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; the API serves them to their parties.")


def private_storage():
    """The storage of files only the API serves (settings.STORAGES["private"]): deliverables,
    message attachments, dispute evidence and the originals of uploaded media. They are never
    served by URL; the API streams them to the booking's parties and staff."""
    return storages["private"]

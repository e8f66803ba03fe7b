"""Private files: deliverables, message attachments and dispute evidence. They are never
served by URL; the API streams them to the booking's parties and staff."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from tenants.db import connection


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
    """The storage of files only the API serves (settings.STORAGES["private"])."""
    return storages["private"]

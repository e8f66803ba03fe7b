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

"""Development-only serving of the current marketplace's uploaded files.

``/media/<schema>/<name>`` is answered only when DEBUG is on, the file system storage is in use
and ``<schema>`` is the schema of the marketplace the Host header selected: one marketplace's
host never serves another's files. Production serves media from S3 or the web server.
"""

from django.conf import settings
from django.http import Http404
from django.views.static import serve
from django_tenants.files.storage import TenantFileSystemStorage

from tenants.db import connection


def media_serve(request, path: str):
    schema, _, name = path.partition("/")
    if (
        not settings.DEBUG
        or not name
        or ".." in name.split("/")
        or schema != connection.schema_name
        or schema == "public"
        or settings.STORAGES["default"]["BACKEND"]
        != f"{TenantFileSystemStorage.__module__}.{TenantFileSystemStorage.__qualname__}"
    ):
        raise Http404("No such file.")
    # The storage's location already ends in this schema's folder.
    return serve(request, name, document_root=TenantFileSystemStorage().location)

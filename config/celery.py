"""The Celery app. Tasks sent while a marketplace is active carry its schema in a header
(tenant-schemas-celery) and run inside that schema on the worker."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("souk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""The Celery app. Tasks sent while a marketplace is active carry its schema in a header
(tenant-schemas-celery) and run inside that schema on the worker; a task whose marketplace is
gone or deleted fails instead of running in the public schema (tenants.task_base)."""

import os

from tenants.task_base import SoukCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = SoukCeleryApp("souk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

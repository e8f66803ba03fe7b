"""The Celery app. Tasks sent while a marketplace is active carry its schema in a header
(tenant-schemas-celery) and run inside that schema on the worker; a task whose marketplace is
gone or deleted fails instead of running in the public schema (tenants.task_base)."""

import os

from celery.signals import task_prerun
from django.db import close_old_connections

from tenants.task_base import SoukCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = SoukCeleryApp("souk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def database_connections_fresh(sender=None, **kwargs) -> None:
    """What Django does at each request, at each task: a connection past DATABASE_CONN_MAX_AGE
    or left broken is closed, and the next query checks health. Celery's own fixup keeps
    connections across CELERY_DB_REUSE_MAX tasks instead of opening one per task."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return  # an eager task runs inside its caller's transaction
    close_old_connections()

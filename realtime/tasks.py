from celery import shared_task

from realtime.services.presence import presence_sweep as presence_sweep_run
from tenants.task_base import send_to_each_marketplace


@shared_task(ignore_result=True)
def presence_sweep() -> int:
    """One marketplace's presence backstop (realtime.services.presence)."""
    return presence_sweep_run()


@shared_task(ignore_result=True)
def presence_sweep_everywhere() -> int:
    """Beat entry (public schema): send each active marketplace its presence sweep."""
    return send_to_each_marketplace(presence_sweep)

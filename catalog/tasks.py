from celery import shared_task

from tenants.task_base import send_to_each_marketplace


@shared_task(ignore_result=True)
def process_media(media_id: int) -> str:
    """Re-encode an uploaded image and make it ready (or failed); runs in the schema it was
    sent for, outside any web request."""
    from catalog.media.processing import media_process

    return media_process(media_id=media_id)


@shared_task(ignore_result=True)
def requeue_stuck_media() -> dict[str, int]:
    """One marketplace's items stuck in ``processing``; runs in the schema it was sent for."""
    from catalog.media.processing import media_requeue_stuck

    return media_requeue_stuck()


@shared_task(ignore_result=True)
def requeue_stuck_media_everywhere() -> int:
    """Beat entry (public schema): send each active marketplace its sweep."""
    return send_to_each_marketplace(requeue_stuck_media)

from celery import shared_task


@shared_task(ignore_result=True)
def process_media(media_id: int) -> str:
    """Re-encode an uploaded image and make it ready (or failed); runs in the schema it was
    sent for, outside any web request."""
    from catalog.media.processing import media_process

    return media_process(media_id=media_id)

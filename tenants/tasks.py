from celery import shared_task

from tenants import schemas


@shared_task(ignore_result=True)
def refill_spare_schemas() -> int:
    """Keep SOUK_SPARE_SCHEMAS pre-cloned schemas waiting for the next marketplace."""
    return schemas.refill_spare_schemas()

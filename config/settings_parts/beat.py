"""Celery beat's periodic tasks (the `beat` process type runs them)."""

CELERY_BEAT_SCHEDULE = {
    # The spare pool to its target (from the recent sign-up rate), orphan spares dropped, the
    # catalog's statistics refreshed once it has grown (tenants.schemas.refill_spare_schemas).
    "refill-spare-schemas": {"task": "tenants.tasks.refill_spare_schemas", "schedule": 300.0},
    # Booking timers (expiries, holds, auto-completion) and late-delivery flags, every minute.
    "booking-timers": {"task": "bookings.tasks.run_due_timers_everywhere", "schedule": 60.0},
    # Payments left pending (a lost callback; FastPay never reports a failure): ask providers.
    "reconcile-payments": {
        "task": "billing.tasks.payments_reconcile_everywhere",
        "schedule": 120.0,
    },
    # Payouts whose run has come (withdrawals on each marketplace's schedule), hourly.
    "send-due-payouts": {"task": "billing.tasks.payouts_send_due_everywhere", "schedule": 3600.0},
    # Payouts a provider had not finished when they were sent (FIB's bank takes its time).
    "reconcile-payouts": {
        "task": "billing.tasks.payouts_reconcile_everywhere",
        "schedule": 600.0,
    },
    # Media uploads whose processing task was lost: sent again, failed after a few tries.
    "requeue-stuck-media": {
        "task": "catalog.tasks.requeue_stuck_media_everywhere",
        "schedule": 300.0,
    },
    # Providers that websockets put online and whose ws process died before their grace timer.
    "presence-sweep": {"task": "realtime.tasks.presence_sweep_everywhere", "schedule": 60.0},
    # Deleted marketplaces past SOUK_DELETION_GRACE_DAYS: schema, media, private files. Hourly,
    # SOUK_PURGE_BATCH at a time (a backlog drains in hours, one run stays short).
    "purge-deleted-marketplaces": {
        "task": "tenants.tasks.purge_deleted_marketplaces",
        "schedule": 3600.0,
    },
}

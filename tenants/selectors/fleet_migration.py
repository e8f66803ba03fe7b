"""Reads of the fleet migration's runs: a run's report, for the command and the operator."""

from __future__ import annotations

from django.db.models import Count, Q

from tenants.models import FleetMigration, FleetMigrationSchema

Row = FleetMigrationSchema


def fleet_migration_get(run_id: int | None = None) -> FleetMigration | None:
    """The run with this id, else the latest one."""
    runs = FleetMigration.objects.order_by("-pk")
    return runs.filter(pk=run_id).first() if run_id else runs.first()


def fleet_migration_report(run: FleetMigration) -> list[str]:
    """The run's report: what it did, and each schema that failed, with its migration and why."""
    counts = run.schemas.aggregate(
        total=Count("pk"),
        migrated=Count("pk", filter=Q(status=Row.Status.DONE) & ~Q(applied=[])),
        current=Count("pk", filter=Q(status=Row.Status.DONE, applied=[])),
        failed=Count("pk", filter=Q(status=Row.Status.FAILED)),
        left=Count("pk", filter=Q(status__in=[Row.Status.PENDING, Row.Status.RUNNING])),
    )
    ended = run.finished_at or run.started_at
    lines = [
        f"fleet migration {run.pk}: {run.status} (attempt {run.attempts}); "
        f"{run.target_count} tenant migrations, {run.workers} workers, waves of {run.wave_size}",
        f"  started {run.started_at:%Y-%m-%d %H:%M:%S}"
        + (
            f", finished {run.finished_at:%H:%M:%S} "
            f"({(ended - run.started_at).total_seconds():.0f} s)"
            if run.finished_at
            else ", not finished"
        )
        + f"; wave {run.wave} of {max(run.waves - 1, 0)} (0 is the canary wave)",
        f"  {counts['total']} schemas: {counts['migrated']} migrated, {counts['current']} "
        f"already current, {counts['failed']} failed, {counts['left']} not done",
    ]
    failures = run.schemas.filter(status=Row.Status.FAILED).order_by("wave", "pk")
    if failures:
        lines.append("  failed:")
    for row in failures:
        name = row.marketplace_slug or row.kind
        where = f" in {row.failed_migration}" if row.failed_migration else ""
        lines.append(f"    {name} ({row.schema_name}), wave {row.wave}{where}: {row.error}")
    return lines

"""A real Celery worker process for tests: its own queue, the test database, Redis."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_start(queue: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A solo worker process consuming ``queue``, against the test database."""
    db = connection.settings_dict
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            # Solo runs one task at a time; pinned, the prefetch (4 × concurrency, which defaults
            # to the CPU count) is the same on every machine.
            "--concurrency=1",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **(env or {}),
        },
    )


@contextlib.contextmanager
def celery_worker(*, env: dict[str, str] | None = None, default: bool = False) -> Iterator[str]:
    """Start a solo worker on a fresh queue and yield the queue's name.

    Tasks stop running eagerly meanwhile; with ``default`` the queue is also where tasks go
    when no queue is named (code under test that calls ``.delay()``).
    """
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = worker_start(queue, env)
    default_queue = app.conf.task_default_queue
    app.conf.task_always_eager = False
    if default:
        app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = default_queue
        app.conf.task_always_eager = True
        process.terminate()
        process.wait(timeout=20)

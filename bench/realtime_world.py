"""bench/realtime.py's world: the bench marketplace, its rooms of a provider and customers,
the ``ws`` server process, and the CPU and database meters read around each phase."""

from __future__ import annotations

import os
import signal
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    ROOT,
    log,
    machine_busy_seconds,
    postgres_cpu_seconds,
    process_cpu_seconds,
)

SLUG = "bench-realtime"
DOMAIN = "bench-realtime.localhost"
ORIGIN = f"http://{DOMAIN}"
RAISED_RATE_LIMIT = "100000"


def letters(number: int) -> str:
    """``number`` in base 26 with letters: a body token that contact masking never touches."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = string.ascii_lowercase[digit] + out
        if number == 0:
            return out


@dataclass
class Member:
    user_id: int
    token: str
    threads: list[int]  # the threads this member is a party to
    room: int
    is_provider: bool


def ensure_marketplace():
    from django.db import connection

    from tenants.models import Marketplace
    from tenants.services import marketplace_create

    connection.set_schema_to_public()
    existing = Marketplace.objects.filter(slug=SLUG).first()
    if existing:
        return existing
    log(f"provisioning marketplace {SLUG}")
    return marketplace_create(
        preset="talent-iq", name="Bench Realtime", slug=SLUG, domain=DOMAIN,
        owner_email="bench-realtime@example.com",
    )  # fmt: skip


def ensure_rooms(sockets: int, room_size: int) -> list[list[Member]]:
    """Users rt-<room>-<seat>@bench.test, seat 0 the provider; a thread between the provider
    and each customer; a fresh API token for everyone (token_create keeps a few per user).
    Runs in the marketplace's schema."""
    from accounts.models import User
    from accounts.services import token_create
    from bookings.models import Thread
    from bookings.services.messages import thread_inquiry_start
    from catalog.models import ProviderProfile

    rooms: list[list[Member]] = []
    made_users = made_threads = 0
    for room in range(sockets // room_size):
        members: list[Member] = []
        profile = None
        for seat in range(room_size):
            is_provider = seat == 0
            email = f"rt-{room:04d}-{seat:02d}@bench.test"
            user = User.objects.filter(email=email).first()
            if user is None:
                role = User.Role.PROVIDER if is_provider else User.Role.CUSTOMER
                user = User.objects.create_user(email=email, password=None, role=role)
                made_users += 1
            if is_provider:
                profile, _ = ProviderProfile.objects.get_or_create(
                    user=user, defaults={"display_name": f"Bench provider {letters(room)}"}
                )
                thread_ids: list[int] = []
            else:
                assert profile is not None
                thread = Thread.objects.filter(
                    booking=None, listing=None, customer=user, provider=profile
                ).first()
                if thread is None:
                    thread, _message, _new = thread_inquiry_start(
                        actor=user, body="Hello", provider_id=profile.pk
                    )
                    made_threads += 1
                thread_ids = [thread.pk]
                members[0].threads.append(thread.pk)
            token = token_create(user=user, name="bench-realtime").key
            members.append(Member(user.pk, token, thread_ids, room, is_provider))
        rooms.append(members)
        if (room + 1) % 10 == 0:
            log(f"  rooms ready: {room + 1}/{sockets // room_size}")
    log(f"set up: {made_users} users and {made_threads} threads made, the rest reused")
    return rooms


def rooms_read(rooms: list[list[Member]]) -> None:
    """Everyone reads their threads and notifications, through the services, before a run.
    Nobody in the bench reads what they receive, so without this every run would start with
    the unread messages of all the runs before it, and the counts every delivery reads would
    grow from run to run: runs would not compare. Runs in the marketplace's schema."""
    from accounts.models import User
    from bookings.services.messages import thread_mark_read
    from bookings.services.notifications import notifications_mark_read

    members = [member for room in rooms for member in room]
    users = User.objects.in_bulk([member.user_id for member in members])
    for member in members:
        user = users[member.user_id]
        for thread_id in member.threads:
            thread_mark_read(actor=user, thread_id=thread_id)
        notifications_mark_read(actor=user, everything=True)


# The server -------------------------------------------------------------------------------------


class Server:
    """platform/Procfile's ``ws`` process, in its own session, stopped with its children."""

    def __init__(self, port: int, workers: int, environ: dict[str, str]) -> None:
        command = [
            str(Path(sys.executable).parent / "uvicorn"), "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--proxy-headers",
            "--forwarded-allow-ips", "127.0.0.1", "--workers", str(workers),
            "--log-level", "warning", "--ws-per-message-deflate", "false",
        ]  # fmt: skip
        self.port = port
        self.log = Path(tempfile.gettempdir()) / f"bench-realtime-uvicorn-{port}.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                command, env=environ, cwd=ROOT, start_new_session=True,
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def alive(self) -> bool:
        return self.process.poll() is None

    def pids(self) -> list[int]:
        """The uvicorn process and its descendants (the worker processes)."""
        found, queue = [], [self.process.pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            queue.extend(int(child) for child in children)
        return found

    def cpu_seconds(self) -> float:
        return sum(process_cpu_seconds(pid) for pid in self.pids())

    def wait_serving(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                raise SystemExit(f"bench: uvicorn exited at start:\n{self.log.read_text()[-3000:]}")
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{self.port}/api/v1/marketplace/", headers={"Host": DOMAIN}
                )
                with urllib.request.urlopen(request, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("bench: uvicorn did not answer")

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Meters:
    """CPU and database counters, read before and after a phase."""

    def __init__(self, server: Server) -> None:
        import psycopg
        import redis
        from django.conf import settings

        self.server = server
        self.redis = redis.Redis.from_url(settings.REDIS_URL)
        # Its own connection: Django's may not be used from the client's event loop.
        self.database = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        self.data_directory = self.database.execute("SHOW data_directory").fetchone()[0]

    def read(self) -> dict[str, float]:
        info = self.redis.info("cpu")
        # The statistics snapshot is per transaction: clear it to see the counters move.
        self.database.execute("SELECT pg_stat_clear_snapshot()")
        commits, read, written = self.database.execute(
            "SELECT xact_commit, tup_returned + tup_fetched, "
            "tup_inserted + tup_updated + tup_deleted "
            "FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        return {
            "server_cpu_s": self.server.cpu_seconds(),
            "client_cpu_s": time.process_time(),
            "redis_cpu_s": float(info["used_cpu_user"]) + float(info["used_cpu_sys"]),
            "postgres_cpu_s": postgres_cpu_seconds(self.data_directory),
            "machine_busy_s": machine_busy_seconds(),
            "pg_commits": commits,
            "pg_rows_read": read,
            "pg_rows_written": written,
            "wall_s": time.perf_counter(),
        }

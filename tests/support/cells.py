"""Two cells for tests: each a private PostgreSQL cluster (initdb + pg_ctl on a free port, in a
temporary folder, as scripts/devenv.py starts the development one) and a Souk web process
(uvicorn) on it, with its own media folders and cache keys. The clusters get the test
database's public schema and template by pg_dump/pg_restore (faster than migrating twice),
without the test run's marketplaces.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

from tests.support.contract import free_port
from tests.support.live import server_environment
from tests.support.production import ROOT, database_url
from tests.support.requirements import missing

# Public tables whose rows a cell needs (the rest of public is the test run's own data).
PUBLIC_ROWS = ("django_migrations", "django_content_type", "auth_permission")
START_SECONDS = 60


def bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        missing("The PostgreSQL server binaries (Debian's postgresql package) are not installed.")
    return Path(found[-1]).parent


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class CellUnderTest:
    name: str
    folder: Path
    pg_port: int = 0
    web_port: int = 0
    process: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)
    schema: str = ""  # the schema of the marketplace a test moves
    cells_file: Path | None = None

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/souk_cell_{self.name}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def media(self) -> Path:
        return self.folder / "media"

    @property
    def private(self) -> Path:
        return self.folder / "private"

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as db:
            cursor = db.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def http(
        self, host: str, method: str, path: str, *, token: str = "", body: Any = None
    ) -> tuple[int, dict[str, str], Any]:
        return http(self.origin, host, method, path, token=token, body=body)

    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def python(self, script: str) -> Any:
        """Run ``script`` in a Django process of this cell; its last output line is JSON."""
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])


def http(
    origin: str, host: str, method: str, path: str, *, token: str = "", body: Any = None
) -> tuple[int, dict[str, str], Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{origin}{path}", data=data, method=method)
    request.add_header("Host", host)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            status, headers, raw = answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as refused:
        status, headers, raw = refused.code, dict(refused.headers), refused.read()
    try:
        return status, headers, json.loads(raw or b"null")
    except ValueError:
        return status, headers, raw.decode(errors="replace")


def _initdb(cell: CellUnderTest, binaries: Path) -> None:
    initdb = [str(binaries / "initdb"), "-D", str(cell.folder / "pg"), "-U", "postgres"]
    subprocess.run(
        _as_postgres([*initdb, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _pg_ctl(cell: CellUnderTest, binaries: Path, *args: str) -> None:
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(cell.folder / "pg"), "-w", *args]
    subprocess.run(_as_postgres(pg_ctl), check=True, stdout=subprocess.DEVNULL)


def _pg_start(cell: CellUnderTest, binaries: Path) -> None:
    run = cell.folder / "run"
    run.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(run, "postgres", "postgres")
    cell.pg_port = free_port()
    options = (
        f"-p {cell.pg_port} -k {run} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
    )
    _pg_ctl(cell, binaries, "-o", options, "-l", str(cell.folder / "server.log"), "start")


def _admin(cell: CellUnderTest, statement: str) -> None:
    admin = f"postgres://postgres@127.0.0.1:{cell.pg_port}/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(statement)


def _cluster_stop(cell: CellUnderTest, binaries: Path) -> None:
    if (cell.folder / "pg" / "postmaster.pid").exists():
        subprocess.run(
            _as_postgres(
                [str(binaries / "pg_ctl"), "-D", str(cell.folder / "pg"), "-m", "immediate"]
                + ["stop"]
            ),
            check=False,
            capture_output=True,
        )


def _public_dump(folder: Path, binaries: Path) -> tuple[Path, list[str]]:
    """The test database's public schema (structure, and the rows in PUBLIC_ROWS) and
    template, as one custom-format dump; and the extensions they need."""
    source = database_url()
    dump = folder / "public.dump"
    rows = [f"--exclude-table-data=public.{name}" for name in _public_tables_without_rows()]
    subprocess.run(
        [
            str(binaries / "pg_dump"),
            f"--dbname={source}",
            "--schema=public",
            f"--schema={settings.TENANT_BASE_SCHEMA}",
            *rows,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={dump}",
        ],
        check=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")
        extensions = [row[0] for row in cursor.fetchall()]
    return dump, extensions


def _public_tables_without_rows() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [name for (name,) in cursor.fetchall() if name not in PUBLIC_ROWS]


def _cluster_fill(cell: CellUnderTest, dump: Path, extensions: list[str], binaries: Path):
    with psycopg.connect(cell.database_url, autocommit=True) as db:
        for extension in extensions:
            db.execute(f'CREATE EXTENSION IF NOT EXISTS "{extension}" SCHEMA public')
    # Every entry but the public schema itself, which a new database has already.
    entries = subprocess.run(
        [str(binaries / "pg_restore"), "--list", str(dump)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    listing = cell.folder / "restore.list"
    listing.write_text("\n".join(e for e in entries if "SCHEMA - public " not in e) + "\n")
    subprocess.run(
        [
            str(binaries / "pg_restore"),
            f"--dbname={cell.database_url}",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--use-list={listing}",
            str(dump),
        ],
        check=True,
        capture_output=True,
    )
    assert cell.sql(f"SELECT count(*) FROM {settings.TENANT_BASE_SCHEMA}.django_migrations")[0][0]


def _web_start(cell: CellUnderTest, cells_file: Path, origins: str) -> None:
    cell.media.mkdir()
    cell.private.mkdir()
    cell.env = {
        **server_environment(),
        "DATABASE_URL": cell.database_url,
        "SOUK_CELL": cell.name,
        "SOUK_CELL_ORIGINS": origins,
        "SOUK_CELLS_FILE": str(cells_file),
        "CACHE_KEY_PREFIX": f"{settings.CACHES['default']['KEY_PREFIX']}_cell_{cell.name}",
        "MEDIA_ROOT": str(cell.media),
        "SOUK_PRIVATE_MEDIA_ROOT": str(cell.private),
        "SOUK_AUTH_THROTTLE": "100000/min",
        "SOUK_MOVE_RETRY_AFTER_S": "1",
    }
    log = (cell.folder / "web.log").open("w")
    cell.process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1"]
        + ["--port", str(cell.web_port), "--no-access-log", "--timeout-graceful-shutdown", "1"],
        cwd=ROOT,
        env=cell.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _web_wait(cell: CellUnderTest) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert cell.process is not None
        if cell.process.poll() is not None:
            raise RuntimeError((cell.folder / "web.log").read_text()[-3000:])
        with contextlib.suppress(OSError):
            cell.http("nowhere.invalid", "GET", "/api/v1/marketplace/")
            return
        time.sleep(0.2)
    raise RuntimeError(f"cell {cell.name} did not answer: {(cell.folder / 'web.log').read_text()}")


def _files_of(cell: CellUnderTest) -> dict[str, Any]:
    def storage(root: Path) -> dict[str, Any]:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": f"{root}/{{schema}}"},
        }

    return {"default": storage(cell.media), "private": storage(cell.private)}


@contextlib.contextmanager
def two_cells(
    prepare: Callable[[CellUnderTest], None] | None = None,
) -> Iterator[tuple[CellUnderTest, CellUnderTest]]:
    """Cells a and b, up and serving; ``prepare(a)`` runs while their web processes start."""
    binaries = bindir()
    folder = Path(tempfile.mkdtemp(prefix="souk-cells-"))
    os.chmod(folder, 0o755)
    made = [CellUnderTest(name, folder / name) for name in ("a", "b")]
    a, b = made
    try:
        for cell in made:
            cell.folder.mkdir()
            if os.geteuid() == 0:
                shutil.chown(cell.folder, "postgres", "postgres")
        dump, extensions = _public_dump(folder, binaries)
        # One cluster is made and filled; the other is a copy of its files (faster than a
        # second initdb and restore), its database renamed.
        _initdb(a, binaries)
        _pg_start(a, binaries)
        _admin(a, "CREATE DATABASE souk_cell_a")
        _cluster_fill(a, dump, extensions, binaries)
        _pg_ctl(a, binaries, "-m", "fast", "stop")
        subprocess.run(["cp", "-a", str(a.folder / "pg"), str(b.folder / "pg")], check=True)
        for cell in made:
            _pg_start(cell, binaries)
        _admin(b, "ALTER DATABASE souk_cell_a RENAME TO souk_cell_b")
        cells_file = folder / "cells.json"
        a.cells_file = cells_file
        for cell in made:
            cell.web_port = free_port()
        origins = ",".join(f"{cell.name}={cell.origin}" for cell in made)
        cells_file.write_text(
            json.dumps(
                {
                    cell.name: {
                        "database_url": cell.database_url,
                        "redis_url": settings.REDIS_URL,
                        "files": _files_of(cell),
                    }
                    for cell in made
                }
            )
        )
        for cell in made:
            _web_start(cell, cells_file, origins)
        if prepare is not None:
            prepare(a)
        for cell in made:
            _web_wait(cell)
        yield made[0], made[1]
    finally:
        for cell in made:
            if cell.process is not None:
                cell.process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    cell.process.wait(timeout=3)
                if cell.process.poll() is None:
                    cell.process.kill()
                    cell.process.wait()
        for cell in made:
            _cluster_stop(cell, binaries)
        shutil.rmtree(folder, ignore_errors=True)

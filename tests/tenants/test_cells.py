"""Moving a marketplace between two cells while a client keeps writing to it.

Two private PostgreSQL clusters and a Souk web process on each (tests/support/cells.py). A
client logs in again and again (each log-in writes an API token row) on cell A, follows the
pointer to cell B when A gives one, and counts what it was told: every token it was given
must exist on B afterwards, every refusal must be the read-only answer, and nothing else may
come back.
"""

from __future__ import annotations

import io
import json
import threading
import time

import pytest
from django.core.management import call_command

from tests.support.cells import http, two_cells
from tests.support.factories.accounts import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SLUG = "moving"
HOST = "moving.localhost"
EMAIL = "writer@example.com"
SETUP = f"""
import json
from pathlib import Path
from django.conf import settings
from django_tenants.utils import tenant_context
from tenants.services import marketplace_create
from tests.support.factories.accounts import VerifiedUserFactory
m = marketplace_create(preset="fire-performers", name="Moving", slug="{SLUG}",
                       domain="{HOST}", owner_email="owner@example.com")
with tenant_context(m):
    VerifiedUserFactory(email="{EMAIL}")
for root, name in ((settings.MEDIA_ROOT, "listings/photo.jpg"),
                   (settings.SOUK_PRIVATE_MEDIA_ROOT, "deliverables/work.pdf")):
    path = Path(root) / m.schema_name / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(name.encode() * 100)
print(json.dumps({{"schema": m.schema_name}}))
"""
WRITER_SECONDS = 90
PACE_SECONDS = 0.1


def _marketplace_in(a) -> None:
    a.schema = a.python(SETUP)["schema"]


@pytest.fixture(scope="module")
def cells(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), two_cells(prepare=_marketplace_in) as made:
        yield made


def lowered(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


class Writer(threading.Thread):
    """Logs in over and over: each 200 is an acknowledged write (a token row)."""

    def __init__(self, origin: str):
        super().__init__(daemon=True)
        self.origin = origin
        self.acknowledged: list[tuple[str, str]] = []  # (origin, token)
        self.refused = 0
        self.pointed = 0
        self.unexpected: list[tuple[int, object]] = []
        self.done = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + WRITER_SECONDS
        body = {"email": EMAIL, "password": PASSWORD}
        while not self.done.is_set() and time.monotonic() < deadline:
            status, headers, answer = http(
                self.origin, HOST, "POST", "/api/v1/auth/login/", body=body
            )
            headers = lowered(headers)
            error = answer.get("error") if isinstance(answer, dict) else None
            if status == 200:
                self.acknowledged.append((self.origin, answer["token"]))
                # A log-in hashes a password (Argon2): paced, the client leaves the move and
                # the servers a core of this machine's two.
                time.sleep(PACE_SECONDS)
            elif status == 503 and error == "marketplace_read_only" and headers["retry-after"]:
                self.refused += 1
                time.sleep(0.02)
            elif status == 421 and error == "marketplace_elsewhere":
                self.pointed += 1
                self.origin = headers["souk-cell-origin"]
            else:
                self.unexpected.append((status, answer))

    def written_at(self, origin: str) -> int:
        return sum(1 for where, _ in self.acknowledged if where == origin)


def poll(check, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_a_cell_with_other_migrations_is_refused_and_nothing_changes(cells):
    a, b = cells
    template = "souk_template"
    b.sql(
        f"INSERT INTO {template}.django_migrations (app, name, applied) "
        "VALUES ('catalog', '9999_not_here', now())"
    )
    try:
        done = a.manage("marketplace_move", SLUG, "--to", "b")
    finally:
        b.sql(f"DELETE FROM {template}.django_migrations WHERE name = '9999_not_here'")
    assert done.returncode != 0
    assert "other migrations" in done.stderr and "9999_not_here" in done.stderr
    assert not b.sql("SELECT 1 FROM pg_namespace WHERE nspname = %s", [a.schema])
    assert a.sql("SELECT status FROM tenants_marketplace WHERE slug = %s", [SLUG]) == [("active",)]
    status, _, answer = a.http(
        HOST, "POST", "/api/v1/auth/login/", body={"email": EMAIL, "password": PASSWORD}
    )
    assert status == 200, answer


def test_a_move_failing_after_the_freeze_is_undone(cells):
    """The copy made as another role than the one owning B's template fails the ownership
    check, after the marketplace was frozen: it is thawed here and dropped there."""
    a, b = cells
    b.sql("CREATE ROLE mover LOGIN SUPERUSER")
    config = json.loads(a.cells_file.read_text())
    config["b"]["database_url"] = b.database_url.replace("postgres@", "mover@")
    wrong = a.cells_file.with_name("cells-mover.json")
    wrong.write_text(json.dumps(config))

    done = a.manage("marketplace_move", SLUG, "--to", "b", SOUK_CELLS_FILE=str(wrong))

    assert done.returncode != 0 and "owned by ['mover']" in done.stderr, done.stderr[-2000:]
    assert not b.sql("SELECT 1 FROM pg_namespace WHERE nspname = %s", [a.schema])
    assert not b.sql("SELECT 1 FROM tenants_marketplace")
    assert not (b.media / a.schema).exists() and not (b.private / a.schema).exists()
    assert a.sql("SELECT status FROM tenants_marketplace WHERE slug = %s", [SLUG]) == [("active",)]
    assert not a.sql("SELECT 1 FROM pg_trigger WHERE tgname = 'souk_read_only'")
    status, _, answer = a.http(
        HOST, "POST", "/api/v1/auth/login/", body={"email": EMAIL, "password": PASSWORD}
    )
    assert status == 200, answer


def test_moving_under_writes_loses_none_and_leaves_a_pointer(cells):
    a, b = cells
    (before,) = a.sql(f"SELECT count(*) FROM {a.schema}.accounts_apitoken")[0]
    writer = Writer(a.origin)
    writer.start()
    try:
        poll(lambda: writer.written_at(a.origin) >= 5)
        moved = a.manage("marketplace_move", SLUG, "--to", "b")
        assert moved.returncode == 0, moved.stderr[-3000:]
        poll(lambda: writer.written_at(b.origin) >= 3)
    finally:
        writer.done.set()
        writer.join(timeout=30)
    print("move report:", moved.stdout.strip())
    print(
        f"writes acknowledged: {writer.written_at(a.origin)} on a, {writer.written_at(b.origin)}"
        f" on b; refused read-only: {writer.refused}"
    )

    assert not writer.unexpected, writer.unexpected[:5]
    assert writer.refused >= 1  # the read-only window was met, and answered as such
    assert writer.pointed == 1
    assert json.loads(moved.stdout)["files"] == 2

    # Every acknowledged write is on B: each token given out (on A or B) works there, and B
    # holds exactly those (a refused log-in wrote none).
    for _, token in writer.acknowledged:
        status, _, me = b.http(HOST, "GET", "/api/v1/me/", token=token)
        assert (status, me["email"]) == (200, EMAIL)
    _, _, tokens = b.http(HOST, "GET", "/api/v1/auth/tokens/", token=writer.acknowledged[-1][1])
    assert len(tokens) == before + len(writer.acknowledged)

    # B serves it; A points to B, whatever is replayed to it, and shows nothing of it.
    status, _, answer = b.http(HOST, "GET", "/api/v1/marketplace/")
    assert (status, answer["marketplace"]["slug"]) == (200, SLUG)
    for path in ("/api/v1/marketplace/", "/api/v1/me/"):
        status, headers, answer = a.http(HOST, "GET", path, token=writer.acknowledged[0][1])
        headers = lowered(headers)
        assert status == 421
        assert (headers["souk-cell"], headers["souk-cell-origin"]) == ("b", b.origin)
        assert answer["error"] == "marketplace_elsewhere"
        assert answer["details"] == {"cell": "b", "origin": b.origin}
        assert EMAIL not in str(answer) and "Moving" not in str(answer)
    status, _, page = a.http(HOST, "GET", "/")
    assert status == 421 and "another cell" in page

    # A's copy is gone (schema, rows, files); B has the same files and a matching sequence.
    assert not a.sql("SELECT 1 FROM pg_namespace WHERE nspname = %s", [a.schema])
    assert not a.sql("SELECT 1 FROM tenants_marketplace WHERE slug = %s", [SLUG])
    assert a.sql("SELECT cell FROM tenants_cellroute WHERE domain = %s", [HOST]) == [("b",)]
    assert not (a.media / a.schema).exists() and not (a.private / a.schema).exists()
    assert (b.media / a.schema / "listings/photo.jpg").read_bytes() == b"listings/photo.jpg" * 100
    assert (b.private / a.schema / "deliverables/work.pdf").exists()
    assert b.sql(
        "SELECT m.status, d.is_primary FROM tenants_marketplace m "
        "JOIN tenants_domain d ON d.tenant_id = m.id WHERE d.domain = %s",
        [HOST],
    ) == [("active", True)]
    assert not b.sql("SELECT 1 FROM tenants_cellroute WHERE domain = %s", [HOST])
    assert [row[0] for row in b.sql("SELECT action FROM tenants_marketplaceevent")] == ["moved_in"]
    # The copy has no read-only trigger left and belongs to the role B's template has.
    assert not b.sql("SELECT 1 FROM pg_trigger WHERE tgname = 'souk_read_only'")
    owners = b.sql(
        "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
        "WHERE relnamespace IN (%s::regnamespace, 'souk_template'::regnamespace)",
        [a.schema],
    )
    assert len(owners) == 1


def test_the_edge_map_names_each_domain_once(cells, settings):
    a, _ = cells
    settings.SOUK_CELLS_FILE = str(a.cells_file)
    out = io.StringIO()
    call_command("cell_routes", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {HOST: "b"}
    out = io.StringIO()
    call_command("cell_routes", stdout=out)
    assert "map $host $souk_cell {" in out.getvalue()
    assert f"    {HOST} b;\n    www.{HOST} b;" in out.getvalue()

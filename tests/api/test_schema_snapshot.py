"""The API's contract, pinned: the schema each kind of host serves equals the committed snapshot.

A change to the API shows up here as a diff of `tests/api/snapshots/*.json`, reviewed like
code; moving code around (the structure issue) must leave the snapshots as they are. After an
intended change of the API, write the new snapshots with
``SOUK_WRITE_SCHEMA_SNAPSHOTS=1 make test PYTEST_ARGS=tests/api/test_schema_snapshot.py``.
"""

import json
import os
from pathlib import Path

from tests.api.schema_tools import served_schema

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _compare(name: str, schema: dict) -> None:
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("SOUK_WRITE_SCHEMA_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"No snapshot {path}: write it (see this module's docstring)."
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    changed = sorted(
        f"{method.upper()} {route}"
        for route in set(schema["paths"]) | set(snapshot["paths"])
        for method in set(schema["paths"].get(route, {})) | set(snapshot["paths"].get(route, {}))
        if schema["paths"].get(route, {}).get(method)
        != snapshot["paths"].get(route, {}).get(method)
    )
    assert not changed, f"Operations that differ from {path.name}: {changed}"
    assert schema == snapshot, f"The components or the header differ from {path.name}."


def test_a_marketplace_host_serves_the_snapshot(fire):
    _compare("marketplace", served_schema(fire))


def test_the_operator_host_serves_the_snapshot(db):
    _compare("operator", served_schema(None))

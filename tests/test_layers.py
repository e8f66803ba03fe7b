"""Apps are layers (docs/architecture-notes.md): each imports only the apps below it, late
imports and migrations included. An upper app answers a lower one through a hook it registers
(catalog/hooks.py, tenants/hooks.py)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["tenants", "accounts", "billing", "catalog", "bookings", "realtime", "themes", "demo"]


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
    return apps & set(LAYERS)


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {upper}"
        for path in (ROOT / app).rglob("*.py")
        for upper in _imported_apps(path) & above
    )
    assert not wrong

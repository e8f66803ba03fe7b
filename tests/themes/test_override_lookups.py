"""The override loader reads a marketplace's overridden paths once per process, not once per
template per page: after the first page, pages cost no query for overrides."""

from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from tests.support.client import api


def _override_queries(client) -> list[str]:
    with CaptureQueriesContext(db) as queries:
        assert client.get("/").status_code == 200
    return [q["sql"] for q in queries.captured_queries if "themes_templateoverride" in q["sql"]]


def test_pages_ask_for_overrides_once_per_process(fire):
    client = api(fire)
    assert len(_override_queries(client)) == 1  # the first page of this marketplace
    assert _override_queries(client) == []

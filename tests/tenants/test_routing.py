import pytest

from tests.conftest import host_client


def test_marketplace_host_serves_its_own_marketplace(fire, talent):
    body = host_client(fire).get("/api/v1/marketplace/").json()
    assert body["marketplace"]["slug"] == "fire-test"
    assert body["marketplace"]["default_currency"] == "GBP"
    assert body["theme"]["dark_mode"] is True

    body = host_client(talent).get("/api/v1/marketplace/").json()
    assert body["marketplace"]["default_currency"] == "IQD"
    assert body["marketplace"]["text_direction"] == "rtl"


@pytest.mark.django_db
def test_unknown_host_gets_neutral_404_page_and_json(marketplaces):
    from django.test import Client

    client = Client(HTTP_HOST="nowhere.example")
    page = client.get("/")
    assert page.status_code == 404
    assert b"There is no marketplace here" in page.content
    api = client.get("/api/v1/marketplace/")
    assert api.status_code == 404
    assert api.json()["error"] == "unknown_marketplace"

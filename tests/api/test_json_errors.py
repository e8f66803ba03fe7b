"""Everything under /api/ answers in the API's error shape, even where no view was reached."""

import pytest

from tests.support.client import api


def _assert_error_shape(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message", "details"}
    assert body["error"] == code and body["message"]


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize(
    "path", ["/api/v1/categories/null,null/", "/api/v1/tickets/abc/qr.gif", "/api/v2/"]
)
def test_an_unknown_api_address_is_a_json_404(fire, method, path):
    response = getattr(api(fire), method)(path)
    _assert_error_shape(response, 404, "not_found")


def test_an_unknown_operator_api_address_is_a_json_404(db):
    _assert_error_shape(api(None).get("/api/v1/operator/nothing-here/"), 404, "not_found")


def test_a_body_over_the_upload_limit_is_a_json_413(fire, settings):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = api(fire).post(
        "/api/v1/auth/login/", f'{{"email": "{body}"}}', content_type="application/json"
    )
    _assert_error_shape(response, 413, "request_too_large")


def test_a_form_body_is_a_json_415_where_only_json_is_read(fire):
    # Form encodings would turn typed fields into strings the serializers coerce: JSON only.
    response = api(fire).post(
        "/api/v1/auth/login/", "email=a%40b.c", content_type="application/x-www-form-urlencoded"
    )
    _assert_error_shape(response, 415, "unsupported_media_type")


def test_a_wrong_method_on_a_known_api_address_is_a_json_405(fire):
    response = api(fire).delete("/api/v1/providers/1/listings/")  # public, GET only
    _assert_error_shape(response, 405, "method_not_allowed")


def test_pages_outside_the_api_keep_html_404s(fire):
    response = api(fire).get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")

"""Every error message a user can read comes in the language they chose (issue 12, journey
bug 4: with Arabic chosen, field details were Arabic but the top-level ``message`` English).

A user chooses a language with ``PATCH me/ {"language": "ar"}``; an anonymous client with
Accept-Language. The machine ``error`` code stays English either way.
"""

import re

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from tests.support.client import ApiClient, api
from tests.support.factories.accounts import VerifiedUserFactory, api_token_for

ARABIC_LETTERS = re.compile("[\u0621-\u064a]")


@pytest.fixture(autouse=True)
def _english_after():
    # A request leaves its language active in the thread; later tests call services directly.
    yield
    translation.deactivate()


def _user(marketplace, *, language: str):
    with tenant_context(marketplace):
        user = VerifiedUserFactory(language=language)
        return user, api_token_for(user)


def _token_client(marketplace, *, language: str, **headers) -> ApiClient:
    _user_row, token = _user(marketplace, language=language)
    return api(marketplace, token=token, **headers)


def _arabic(body: dict) -> str:
    message = body["message"]
    assert ARABIC_LETTERS.search(message), body
    return message


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code, body
    return body


# --- The user's own choice (me.language), with an API token --------------------------------


def test_a_validation_error_is_in_the_users_language(talent):
    arabic = _error(
        _token_client(talent, language="ar").post(
            "/api/v1/bookings/", {}, content_type="application/json"
        ),
        400,
        "invalid",
    )
    english = _error(
        _token_client(talent, language="").post(
            "/api/v1/bookings/", {}, content_type="application/json"
        ),
        400,
        "invalid",
    )

    assert english["message"] == "Some fields are not valid."
    assert _arabic(arabic) != english["message"]
    assert ARABIC_LETTERS.search(arabic["details"]["listing_id"][0])  # DRF's own, as before
    assert english["details"]["listing_id"] == ["This field is required."]


def test_a_service_error_is_in_the_users_language(talent):
    arabic = _error(
        _token_client(talent, language="ar").get("/api/v1/bookings/999999/"),
        404,
        "booking_not_found",
    )
    english = _error(
        _token_client(talent, language="").get("/api/v1/bookings/999999/"),
        404,
        "booking_not_found",
    )

    assert english["message"] == "No such booking."
    assert _arabic(arabic) != english["message"]


def test_a_service_errors_details_are_in_the_users_language(talent):
    # PATCH me/ with a language the marketplace does not offer: a ServiceError with details.
    response = _token_client(talent, language="ar").patch(
        "/api/v1/me/", {"language": "xx"}, content_type="application/json"
    )
    body = _error(response, 400, "invalid")

    _arabic(body)
    assert all(ARABIC_LETTERS.search(text) for text in body["details"]["language"]), body


def test_the_users_choice_wins_over_accept_language(talent):
    response = _token_client(talent, language="ar", HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/bookings/999999/"
    )

    _arabic(_error(response, 404, "booking_not_found"))
    assert response["Content-Language"] == "ar"


def test_a_session_users_choice_reaches_an_unknown_api_address(talent):
    user, _token = _user(talent, language="ar")
    browser = api(talent)
    with tenant_context(talent):
        browser.force_login(user)

    body = _error(browser.get("/api/v1/no-such-operation/"), 404, "not_found")

    assert _arabic(body) != "No API operation has this address."


# --- Accept-Language, for anonymous clients -------------------------------------------------


def test_an_anonymous_validation_error_follows_accept_language(talent):
    arabic = _error(
        api(talent, own_address=True, HTTP_ACCEPT_LANGUAGE="ar").post(
            "/api/v1/auth/login/", {}, content_type="application/json"
        ),
        400,
        "invalid",
    )

    assert _arabic(arabic) != "Some fields are not valid."


@pytest.mark.parametrize(
    ("headers", "code", "english"),
    [
        ({}, "not_authenticated", "Authentication credentials were not provided."),
        (
            {"HTTP_AUTHORIZATION": "Bearer no-such-token"},
            "authentication_failed",
            "This token is not valid; log in again.",
        ),
    ],
)
def test_a_401_follows_accept_language(talent, headers, code, english):
    arabic = _error(api(talent, HTTP_ACCEPT_LANGUAGE="ar", **headers).get("/api/v1/me/"), 401, code)
    in_english = _error(api(talent, **headers).get("/api/v1/me/"), 401, code)

    assert in_english["message"] == english
    assert _arabic(arabic) != english


@pytest.mark.parametrize(
    ("path", "status", "code", "english"),
    [
        ("/api/v1/no-such-operation/", 404, "not_found", "No API operation has this address."),
        (
            "/api/v1/bookings/?x=%00",
            400,
            "invalid",
            "The address may not contain NUL characters.",
        ),
    ],
)
def test_answers_before_any_view_follow_accept_language(talent, path, status, code, english):
    arabic = _error(api(talent, HTTP_ACCEPT_LANGUAGE="ar").get(path), status, code)
    in_english = _error(api(talent).get(path), status, code)

    assert in_english["message"] == english
    assert _arabic(arabic) != english


def test_an_unknown_marketplace_follows_accept_language(db):
    def ask(**headers):
        return api("nowhere.localhost", **headers).get("/api/v1/listings/")

    arabic = _error(ask(HTTP_ACCEPT_LANGUAGE="ar"), 404, "unknown_marketplace")
    english = _error(ask(), 404, "unknown_marketplace")

    assert english["message"] == "No marketplace is served at this address."
    assert _arabic(arabic) != english["message"]

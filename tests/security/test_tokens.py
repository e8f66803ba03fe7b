"""API tokens and their ids mean nothing on another marketplace."""

import hashlib

from django_tenants.utils import tenant_context

from accounts.models import ApiToken
from tests.support.client import api
from tests.support.factories.accounts import PASSWORD, VerifiedUserFactory, unique_email


def login(client, email):
    response = client.post("/api/v1/auth/login/", {"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def token_id(marketplace, key):
    with tenant_context(marketplace):
        return ApiToken.objects.get(key_hash=hashlib.sha256(key.encode()).hexdigest()).pk


def test_another_marketplaces_token_is_unknown(fire, talent):
    email = unique_email("twin")
    for marketplace in (fire, talent):
        with tenant_context(marketplace):
            VerifiedUserFactory(email=email)
    fire_key = login(api(fire, own_address=True), email)
    response = api(talent, own_address=True).get(
        "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {fire_key}"
    )
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"
    listed = api(talent, own_address=True).get(
        "/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Bearer {fire_key}"
    )
    assert listed.status_code == 401


def test_another_marketplaces_token_id_is_not_found(fire, talent):
    email = unique_email("twin")
    for marketplace in (fire, talent):
        with tenant_context(marketplace):
            VerifiedUserFactory(email=email)
    fire_api, talent_api = api(fire, own_address=True), api(talent, own_address=True)
    fire_key = login(fire_api, email)
    own_ids = {token_id(fire, fire_key)}
    # The same person's token on the other marketplace, with an id this user lacks here.
    talent_keys = [login(talent_api, email) for _ in range(3)]
    foreign = next(
        (key, token_id(talent, key)) for key in talent_keys if token_id(talent, key) not in own_ids
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {fire_key}"}

    response = fire_api.delete(f"/api/v1/auth/tokens/{foreign[1]}/", **auth)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert (
        talent_api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {foreign[0]}").status_code == 200
    )
    listed = fire_api.get("/api/v1/auth/tokens/", **auth).json()
    assert [item["id"] for item in listed] == sorted(own_ids)

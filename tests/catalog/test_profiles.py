from django_tenants.utils import tenant_context

from catalog.models import ProviderProfile, Vouch
from tests.support.client import api, assert_error
from tests.support.factories.accounts import ProviderUserFactory, staff_in, user_in
from tests.support.factories.catalog import category_id, provider_in


def test_provider_creates_then_changes_their_profile(fire):
    user = user_in(fire, ProviderUserFactory)
    client = api(fire, user)
    assert_error(client.get("/api/v1/provider-profile/"), 404, "no_profile")
    poi = category_id(fire, "fire-poi")
    created = client.put(
        "/api/v1/provider-profile/",
        {
            "display_name": " Ember ",
            "tagline": "Fire & LED",
            "bio": "<p>Hi<script>x</script></p>",
            "location_name": "Bristol",
            "latitude": 51.4545141234,
            "longitude": -2.58791,
            "travel_radius_km": 120,
            "categories": [poi],
            "tags": ["Fire Poi", "fire poi", "LED"],
            "languages": ["EN", "en"],
            "event_rate_minor": 60000,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["display_name"] == "Ember"
    assert body["bio"] == "<p>Hi</p>"
    assert body["tags"] == ["fire poi", "led"]
    assert body["languages"] == ["en"]
    assert body["latitude"] == 51.454514
    assert [c["id"] for c in body["categories"]] == [poi]
    assert body["completeness"] == 90  # everything but media
    patched = client.patch("/api/v1/provider-profile/", {"tagline": ""})
    assert patched.status_code == 200
    assert patched.json()["completeness"] == 80
    replaced = client.put("/api/v1/provider-profile/", {"display_name": "Ember"}).json()
    assert (replaced["tags"], replaced["categories"], replaced["completeness"]) == ([], [], 10)
    with tenant_context(fire):
        profile = ProviderProfile.objects.get(user=user)
        assert profile.completeness == 10 and profile.search_vector is not None


def test_profile_input_is_validated(fire):
    client = api(fire, provider_in(fire).user)
    cases = [
        # Out of range: the schema states the bounds, the serializer names the field.
        ({"latitude": 91, "longitude": 0}, "invalid"),
        ({"latitude": 10, "longitude": -181}, "invalid"),
        ({"latitude": 10}, "invalid_coordinates"),
        ({"latitude": "ten", "longitude": 1}, "invalid"),
        ({"latitude": "10", "longitude": 1}, "invalid"),  # a number, not a string of one
        ({"categories": [999_999]}, "unknown_category"),
        ({"hourly_rate_minor": -100}, "invalid"),
        ({"per_minute_rates": {"chat": 100}}, "unknown_channel"),  # fire has no per-minute type
        ({"travel_radius_km": -1}, "invalid"),
        ({"display_name": ""}, "invalid"),
    ]
    for change, code in cases:
        assert_error(client.patch("/api/v1/provider-profile/", change), 400, code)


def test_per_minute_rates_follow_the_listing_type_channels(make_marketplace):
    psychic = make_marketplace("psychic-readers")
    client = api(psychic, provider_in(psychic).user)
    ok = client.patch("/api/v1/provider-profile/", {"per_minute_rates": {"phone": 250}})
    assert ok.json()["per_minute_rates"] == {"phone": 250}
    assert_error(client.patch("/api/v1/provider-profile/", {"per_minute_rates": {"fax": 1}}), 400)
    assert_error(client.patch("/api/v1/provider-profile/", {"per_minute_rates": {"chat": -1}}), 400)


def test_only_providers_have_a_profile(fire):
    for client in (api(fire, user_in(fire)), api(fire, staff_in(fire))):
        assert_error(client.put("/api/v1/provider-profile/", {"display_name": "X"}), 403)
    assert_error(api(fire).get("/api/v1/provider-profile/"), 401)


def test_online_toggle_records_last_seen(fire):
    profile = provider_in(fire)
    client = api(fire, profile.user)
    body = client.post("/api/v1/provider-profile/online/", {"is_online": True}).json()
    assert body["is_online"] is True and body["last_seen_at"]
    public = api(fire).get(f"/api/v1/providers/{profile.pk}/").json()
    assert public["is_online"] is True


def test_badges_only_by_staff(fire, talent):
    profile = provider_in(fire)
    staff = api(fire, staff_in(fire))
    url = f"/api/v1/providers/{profile.pk}/badges/"
    assert staff.post(url, {"badge": "dbs"}).json()["badges"] == ["dbs"]
    assert staff.post(url, {"badge": "dbs"}).json()["badges"] == ["dbs"]
    assert staff.post(url, {"badge": "insurance"}).json()["badges"] == ["dbs", "insurance"]
    assert_error(staff.post(url, {"badge": "wizard"}), 400)
    assert_error(api(fire, profile.user).post(url, {"badge": "id"}), 403)
    assert staff.delete(f"{url}dbs/").json()["badges"] == ["insurance"]
    assert_error(api(talent, staff_in(talent)).post(url, {"badge": "id"}), 404)


def test_vouches_once_per_skill_never_for_self(fire, talent):
    voucher, vouchee = provider_in(fire), provider_in(fire)
    client = api(fire, voucher.user)
    url = f"/api/v1/providers/{vouchee.pk}/vouches/"
    assert client.post(url, {"skill_area": "Fire Poi"}).status_code == 201
    assert_error(client.post(url, {"skill_area": "fire poi"}), 409, "already_vouched")
    assert client.post(url, {"skill_area": "stilts"}).status_code == 201
    assert_error(
        client.post(f"/api/v1/providers/{voucher.pk}/vouches/", {"skill_area": "x"}),
        422,
        "self_vouch",
    )
    assert_error(api(fire, user_in(fire)).post(url, {"skill_area": "x"}), 403)
    no_profile = api(fire, user_in(fire, ProviderUserFactory))
    assert_error(no_profile.post(url, {"skill_area": "x"}), 422, "no_profile")
    page = api(fire).get(url).json()
    assert page["count"] == 2
    assert page["results"][0]["voucher"]["id"] == voucher.pk
    detail = api(fire).get(f"/api/v1/providers/{vouchee.pk}/").json()
    assert {v["skill_area"]: v["count"] for v in detail["vouches"]} == {"fire poi": 1, "stilts": 1}
    talent_provider = api(talent, provider_in(talent).user)
    assert_error(talent_provider.post(url, {"skill_area": "x"}), 404)
    with tenant_context(fire):
        assert Vouch.objects.filter(vouchee=vouchee).count() == 2


def test_another_marketplaces_provider_ids_are_unknown(fire, talent):
    profile = provider_in(fire)
    for path in ("", "listings/", "availability/", "vouches/"):
        assert_error(api(talent).get(f"/api/v1/providers/{profile.pk}/{path}"), 404)
    assert api(fire).get(f"/api/v1/providers/{profile.pk}/").status_code == 200


def test_a_deactivated_providers_profile_is_found_only_by_staff(fire):
    """One rule for the API and the branded page (catalog.selectors.provider_profile_public):
    search leaves a deactivated provider out, so their profile is not found either."""
    profile = provider_in(fire)
    with tenant_context(fire):
        profile.user.is_active = False
        profile.user.save(update_fields=["is_active"])
    url = f"/api/v1/providers/{profile.pk}/"
    assert_error(api(fire).get(url), 404)
    assert_error(api(fire, user_in(fire)).get(url), 404)
    assert api(fire, staff_in(fire)).get(url).status_code == 200

from django_tenants.utils import tenant_context

from catalog.models import Category, ListingType
from tests.support.client import api, assert_error
from tests.support.factories.accounts import staff_in, user_in
from tests.support.factories.catalog import category_id, provider_in


def test_the_tree_is_public_and_nested(fire):
    tree = api(fire).get("/api/v1/categories/").json()
    assert [node["slug"] for node in tree] == ["fire", "led", "circus"]
    assert [child["slug"] for child in tree[0]["children"]][:2] == ["fire-breathing", "fire-poi"]
    assert tree[0]["children"][0]["parent"] == tree[0]["id"]


def test_staff_create_rename_and_slugs_are_unique(fire):
    staff = api(fire, staff_in(fire))
    parent = category_id(fire, "fire")
    created = staff.post("/api/v1/categories/", {"name": "Fire fans", "parent": parent})
    assert created.status_code == 201, created.content
    assert (created.json()["slug"], created.json()["parent"]) == ("fire-fans", parent)
    assert_error(staff.post("/api/v1/categories/", {"name": "Fire fans"}), 409, "slug_taken")
    renamed = staff.patch(f"/api/v1/categories/{created.json()['id']}/", {"name": "Fans"})
    assert renamed.json()["name"] == "Fans"
    assert_error(
        staff.patch(f"/api/v1/categories/{created.json()['id']}/", {"slug": "led"}),
        409,
        "slug_taken",
    )
    assert_error(staff.post("/api/v1/categories/", {"name": "X", "parent": 999_999}), 400)


def test_customers_and_providers_cannot_change_categories(fire):
    fire_id = category_id(fire, "fire")
    for client in (api(fire, user_in(fire)), api(fire, provider_in(fire).user)):
        assert_error(client.post("/api/v1/categories/", {"name": "Mine"}), 403, "forbidden")
        assert_error(client.delete(f"/api/v1/categories/{fire_id}/"), 403)
        assert_error(client.post(f"/api/v1/categories/{fire_id}/move/", {"parent": None}), 403)
    assert_error(api(fire).post("/api/v1/categories/", {"name": "Mine"}), 401)


def test_move_refuses_cycles_and_reorder_needs_every_child(fire):
    staff = api(fire, staff_in(fire))
    fire_id, poi_id, led_id = (category_id(fire, s) for s in ("fire", "fire-poi", "led"))
    assert_error(
        staff.post(f"/api/v1/categories/{fire_id}/move/", {"parent": poi_id}), 409, "category_cycle"
    )
    assert_error(staff.post(f"/api/v1/categories/{fire_id}/move/", {"parent": fire_id}), 409)
    moved = staff.post(f"/api/v1/categories/{poi_id}/move/", {"parent": led_id})
    assert moved.json()["parent"] == led_id
    top = [node["id"] for node in api(fire).get("/api/v1/categories/").json()]
    reordered = staff.post("/api/v1/categories/reorder/", {"parent": None, "order": top[::-1]})
    assert [c["id"] for c in reordered.json()] == top[::-1]
    assert [n["id"] for n in api(fire).get("/api/v1/categories/").json()] == top[::-1]
    body = assert_error(
        staff.post("/api/v1/categories/reorder/", {"parent": None, "order": top[:2]}),
        400,
        "incomplete_order",
    )
    assert "order" in body["details"]


def test_delete_refuses_a_category_with_listings(fire):
    staff = api(fire, staff_in(fire))
    owner = provider_in(fire)
    api(fire, owner.user).post(
        "/api/v1/listings/",
        {
            "listing_type": _type(fire),
            "category": category_id(fire, "fire-poi"),
            "title": "Poi",
        },
    )
    fire_id = category_id(fire, "fire")
    assert_error(staff.delete(f"/api/v1/categories/{fire_id}/"), 409, "category_in_use")
    led_id = category_id(fire, "led")
    assert staff.delete(f"/api/v1/categories/{led_id}/").status_code == 204
    with tenant_context(fire):
        assert not Category.objects.filter(slug__in=["led", "led-poi", "pixel-wings"]).exists()


def _type(marketplace):
    with tenant_context(marketplace):
        return ListingType.objects.get().pk


def test_another_marketplaces_category_ids_are_unknown(fire, talent):
    staff = api(fire, staff_in(fire))
    mine = staff.post("/api/v1/categories/", {"name": "Only on fire", "position": 99}).json()
    talent_staff = api(talent, staff_in(talent))
    assert_error(talent_staff.patch(f"/api/v1/categories/{mine['id']}/", {"name": "x"}), 404)
    assert_error(talent_staff.delete(f"/api/v1/categories/{mine['id']}/"), 404)
    assert_error(talent_staff.post(f"/api/v1/categories/{mine['id']}/move/", {"parent": None}), 404)
    assert_error(talent_staff.post("/api/v1/categories/", {"name": "x", "parent": mine["id"]}), 400)


def test_listing_types_public_list_and_staff_writes(fire, talent):
    types = api(fire).get("/api/v1/listing-types/").json()
    assert [(t["slug"], t["pricing"]) for t in types] == [("performance", "date_slot")]
    staff = api(fire, staff_in(fire))
    created = staff.post(
        "/api/v1/listing-types/",
        {
            "name": "Workshop",
            "pricing": "per_minute",
            "process": "metered_session",
            "config": {"channels": ["video"]},
        },
    )
    assert created.status_code == 201, created.content
    bad = staff.post(
        "/api/v1/listing-types/",
        {"name": "Bad", "pricing": "per_minute", "process": "x", "config": {"channels": ["fax"]}},
    )
    assert_error(bad, 400)
    unknown_process = staff.post(
        "/api/v1/listing-types/", {"name": "Barter", "pricing": "quote", "process": "barter"}
    )
    assert "process" in assert_error(unknown_process, 400)["details"]
    no_hold = staff.post(
        "/api/v1/listing-types/", {"name": "Gala", "pricing": "tickets", "process": "tickets"}
    )
    assert assert_error(no_hold, 400)["details"] == {"config": ["Missing hold_minutes."]}
    assert_error(api(fire, user_in(fire)).post("/api/v1/listing-types/", {"name": "x"}), 403)
    type_id = created.json()["id"]
    assert (
        staff.patch(f"/api/v1/listing-types/{type_id}/", {"name": "Class"}).json()["name"]
        == "Class"
    )
    performance = types[0]["id"]
    owner = provider_in(fire)
    api(fire, owner.user).post(
        "/api/v1/listings/",
        {"listing_type": performance, "category": category_id(fire, "juggling"), "title": "J"},
    )
    assert_error(
        staff.patch(f"/api/v1/listing-types/{performance}/", {"pricing": "quote"}),
        409,
        "listing_type_in_use",
    )
    assert_error(
        api(talent, staff_in(talent)).patch(f"/api/v1/listing-types/{type_id}/", {"name": "x"}), 404
    )


def test_nul_characters_in_free_form_json_are_400_and_store_nothing(fire):
    staff = api(fire, staff_in(fire))
    with tenant_context(fire):
        categories, types = Category.objects.count(), ListingType.objects.count()
        performance = ListingType.objects.get(slug="performance")

    in_key = staff.post("/api/v1/categories/", {"name": "Fans", "names": {"a\x00r": "x"}})
    nested = staff.patch(
        f"/api/v1/listing-types/{performance.pk}/", {"config": {"deep": {"unit": "\x00"}}}
    )
    in_list = staff.post(
        "/api/v1/listing-types/",
        {"name": "T", "pricing": "quote", "process": "quote", "config": {"x": ["ok", "\x00"]}},
    )

    body = assert_error(in_key, 400, "malformed_request")
    assert body["message"].endswith("(at names.a\ufffdr).")
    assert "(at config.deep.unit)" in assert_error(nested, 400, "malformed_request")["message"]
    assert "(at config.x[1])" in assert_error(in_list, 400, "malformed_request")["message"]
    with tenant_context(fire):
        assert (Category.objects.count(), ListingType.objects.count()) == (categories, types)
        performance.refresh_from_db()
        assert "deep" not in performance.config


def test_listing_type_config_values_are_what_the_booking_flows_can_use(fire):
    staff = api(fire, staff_in(fire))
    with tenant_context(fire):
        performance = ListingType.objects.get(slug="performance")
        before = dict(performance.config)
    url = f"/api/v1/listing-types/{performance.pk}/"

    cases = [
        ({"slot_minutes": "sixty"}, "slot_minutes must be a whole number from 5 to 1440."),
        ({"deposit": "yes"}, "deposit must be true or false."),
        ({"review_window_days": -1}, "review_window_days must be a whole number from 0 to 366."),
        ({"dispute_window_days": True}, "dispute_window_days must be a whole number"),
        ({"tiers": 5}, "tiers must be a non-empty list of basic, standard, premium."),
        ({"channels": "chat"}, "channels must be a non-empty list of chat, phone, video."),
        ({"cancellation": {"partial_bps": 20_000}}, "cancellation must be an object"),
        ({"cancellation": {"refund_all": True}}, "cancellation must be an object"),
        (
            {"cancellation": {"full_refund_hours": 24, "partial_refund_hours": 48}},
            "cancellation must be an object",
        ),
    ]
    for config, expected in cases:
        body = assert_error(staff.patch(url, {"config": {**before, **config}}), 400, "invalid")
        assert any(problem.startswith(expected) for problem in body["details"]["config"]), body

    gala = staff.post(
        "/api/v1/listing-types/",
        {"name": "Gala", "pricing": "tickets", "process": "tickets", "config": {"hold_minutes": 0}},
    )
    assert assert_error(gala, 400)["details"] == {
        "config": ["hold_minutes must be a whole number from 1 to 1440."]
    }
    fine = staff.patch(
        url,
        {
            "config": {
                **before,
                "review_window_days": 0,
                "cancellation": {"full_refund_hours": 48, "partial_refund_hours": 24},
            }
        },
    )
    assert fine.status_code == 200, fine.content
    with tenant_context(fire):
        assert not ListingType.objects.filter(slug="gala").exists()


def test_every_timer_delay_a_process_reads_from_the_config_is_checked():
    from bookings.processes import all_processes
    from catalog.services.listing_types import CONFIG_RULES

    keys = {
        timer.delay_config_key
        for process in all_processes().values()
        for timer in process.timers
        if timer.delay_config_key
    }

    assert keys and keys <= set(CONFIG_RULES)

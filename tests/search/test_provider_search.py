import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import AvailabilityEntry, WeeklyHours
from tests.support.search import get, names

LONDON = (51.5074, -0.1278)
READING = (51.4543, -0.9781)  # ~59 km west of London
LEEDS = (53.8008, -1.5491)  # ~272 km from London


def test_text_and_typo_on_display_name(fire, in_fire):
    in_fire.provider("Inferno Arts", tagline="Fire breathing and fire eating")
    in_fire.provider("Glow Circus", tagline="LED hula hoop")
    in_fire.reindex()

    _, body = get(fire, "providers", q="fire eating")
    _, typo = get(fire, "providers", q="infrno arts")

    assert names(body) == ["Inferno Arts"]
    assert names(typo) == ["Inferno Arts"]


def test_travel_radius_and_geo_radius(fire, in_fire):
    in_fire.provider("Reading, travels 100", lat=READING[0], lon=READING[1], travel_radius_km=100)
    in_fire.provider("Reading, travels 20", lat=READING[0], lon=READING[1], travel_radius_km=20)
    in_fire.provider("Leeds, travels 400", lat=LEEDS[0], lon=LEEDS[1], travel_radius_km=400)
    in_fire.provider("Nowhere, travels 1000", travel_radius_km=1000)
    in_fire.reindex()

    _, reach = get(
        fire,
        "providers",
        lat=LONDON[0],
        lon=LONDON[1],
        within_travel_radius="true",
        sort="distance",
    )
    _, near = get(fire, "providers", lat=LONDON[0], lon=LONDON[1], radius_km=100)

    assert names(reach) == ["Reading, travels 100", "Leeds, travels 400"]
    assert 55 < reach["results"][0]["distance_km"] < 65
    assert sorted(names(near)) == ["Reading, travels 100", "Reading, travels 20"]


def test_filters_sorts_and_category_descendants(fire, in_fire):
    in_fire.provider(
        "Ada",
        rating="4.9",
        badges=["insurance", "licensed"],
        online=True,
        rate=40_000,
        categories=["fire-staff"],
        tags=["wedding"],
    )
    in_fire.provider("Bo", rating="4.1", badges=["insurance"], rate=9_000, categories=["juggling"])
    in_fire.provider("Cy", rating="3.0", categories=["fire", "led-poi"])
    in_fire.reindex()

    _, fire_acts = get(fire, "providers", category="fire", sort="rating")
    _, insured = get(fire, "providers", badges="insurance", rating="4", sort="price_asc")
    _, online = get(fire, "providers", online="true")
    _, tagged = get(fire, "providers", tags="wedding")
    _, priced = get(fire, "providers", max_price=10_000)

    assert names(fire_acts) == ["Ada", "Cy"]
    assert names(insured) == ["Bo", "Ada"]
    assert names(online) == ["Ada"]
    assert names(tagged) == ["Ada"]
    assert names(priced) == ["Bo"]
    assert {c["slug"] for c in fire_acts["results"][1]["categories"]} == {"fire", "led-poi"}
    categories = {c["slug"]: c["count"] for c in fire_acts["facets"]["categories"]}
    # Cy sits in two top-level categories and counts once in each, never twice in one.
    assert categories == {"fire": 2, "led": 1, "circus": 1}


def test_available_on_and_inactive_hidden(fire, in_fire):
    day = dt.date(2031, 6, 4)  # a Wednesday
    works = in_fire.provider("Works Wednesdays")
    WeeklyHours.objects.create(
        provider=works, weekday=2, start_time=dt.time(9), end_time=dt.time(17)
    )
    blocked = in_fire.provider("Blocked that day")
    WeeklyHours.objects.create(
        provider=blocked, weekday=2, start_time=dt.time(9), end_time=dt.time(17)
    )
    AvailabilityEntry.objects.create(provider=blocked, date=day, status="blocked")
    in_fire.provider("Gone", active=False)
    in_fire.reindex()

    _, body = get(fire, "providers", available_on=day.isoformat())
    _, everyone = get(fire, "providers")

    assert names(body) == ["Works Wednesdays"]
    assert "Gone" not in names(everyone)


def test_provider_cursor_pages(fire, in_fire):
    for i in range(9):
        in_fire.provider(f"Performer {i}", rating=f"{i % 3}.50")
    in_fire.reindex()

    seen, cursor = [], None
    while True:
        params = {"sort": "rating", "page_size": 4}
        if cursor:
            params["cursor"] = cursor
        _, body = get(fire, "providers", **params)
        seen.extend(names(body))
        cursor = body["next_cursor"]
        if not cursor:
            break

    assert len(seen) == len(set(seen)) == 9


def test_provider_query_count_is_the_same_at_page_sizes_2_and_20(fire, in_fire):
    for i in range(25):
        in_fire.provider(
            f"Fire performer {i}", lat=LONDON[0], lon=LONDON[1], categories=["fire-poi", "juggling"]
        )
    in_fire.reindex()
    get(fire, "providers")  # warm the host routing cache

    counts = {}
    for size in (2, 20):
        with CaptureQueriesContext(connection) as captured:
            status, body = get(
                fire, "providers", q="fire", page_size=size, lat=LONDON[0], lon=LONDON[1]
            )
        assert status == 200 and len(body["results"]) == size
        counts[size] = len(captured)

    assert counts[2] == counts[20]
    # categories, page, media, categories of the page, facets
    assert len([q for q in captured.captured_queries if "catalog_" in q["sql"]]) == 5

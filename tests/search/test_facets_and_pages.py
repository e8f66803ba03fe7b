"""The badge facet, the total, and pages by number: what they count, and that page N is the
page the cursor walk reaches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Badge
from catalog.search.params import MAX_PAGE
from tests.support.search import get, names, titles


def _badges(body) -> dict[str, int]:
    return {row["slug"]: row["count"] for row in body["facets"]["badges"]}


def test_listing_badge_facet_counts_without_its_own_filter(fire, in_fire):
    both = in_fire.provider("Insured and checked", badges=["insurance", "dbs"])
    insured = in_fire.provider("Insured", badges=["insurance"])
    plain = in_fire.provider("No badges")
    in_fire.listing(both, "Both one", category="fire-breathing", price=3_000)
    in_fire.listing(both, "Both two", category="fire-staff", price=20_000)
    in_fire.listing(both, "Both glow", category="led-poi", price=20_000)
    in_fire.listing(insured, "Insured one", category="fire", price=70_000)
    in_fire.listing(plain, "Plain fire", category="fire", price=3_000)
    in_fire.listing(plain, "Plain juggler", category="juggling", price=3_000)
    in_fire.reindex()

    status, body = get(fire, "listings", category="fire", badges="insurance")

    assert status == 200
    assert sorted(titles(body)) == ["Both one", "Both two", "Insured one"]
    assert body["count"] == 3 and body["page"] == 1
    # Badges: the category filter applies, the badge filter does not.
    assert _badges(body) == {"insurance": 3, "dbs": 2, "id": 0, "licensed": 0}
    # Categories and price bands: the badge filter applies.
    categories = {c["slug"]: c["count"] for c in body["facets"]["categories"]}
    assert categories == {"fire": 3, "led": 1, "circus": 0}
    assert [b["count"] for b in body["facets"]["price_bands"]] == [1, 0, 1, 0, 1]

    _, checked = get(fire, "listings", badges="insurance,dbs")
    assert sorted(titles(checked)) == ["Both glow", "Both one", "Both two"]
    assert checked["count"] == 3
    assert _badges(checked) == {"insurance": 4, "dbs": 3, "id": 0, "licensed": 0}

    _, everything = get(fire, "listings")
    assert everything["count"] == 6
    assert _badges(everything) == {"insurance": 4, "dbs": 3, "id": 0, "licensed": 0}


def test_badge_facet_names_each_badge_in_each_language(fire, in_fire):
    in_fire.provider("Licensed one", badges=["licensed"])
    in_fire.reindex()

    _, body = get(fire, "providers")

    rows = {row["slug"]: row for row in body["facets"]["badges"]}
    assert list(rows) == Badge.values
    assert rows["insurance"]["name"] == "Public liability insurance"
    assert rows["insurance"]["names"] == {
        "en": "Public liability insurance",
        "ar": "تأمين المسؤولية تجاه الغير",
    }
    assert rows["licensed"]["count"] == 1


def test_provider_badge_facet_counts_without_its_own_filter(fire, in_fire):
    in_fire.provider("Ada", badges=["insurance", "dbs"], categories=["fire-staff"], rate=9_000)
    in_fire.provider("Bo", badges=["dbs"], categories=["fire"], rate=40_000)
    in_fire.provider("Cy", badges=["dbs", "id"], categories=["juggling"], rate=9_000)
    in_fire.provider("Di", categories=["fire-poi"], rate=9_000)
    in_fire.reindex()

    _, body = get(fire, "providers", category="fire", badges="dbs", max_price=10_000)

    assert names(body) == ["Ada"]
    assert body["count"] == 1
    # Ada and Di are fire acts under £100: Ada holds insurance and dbs, Di nothing.
    assert _badges(body) == {"insurance": 1, "dbs": 1, "id": 0, "licensed": 0}
    categories = {c["slug"]: c["count"] for c in body["facets"]["categories"]}
    assert categories == {"fire": 1, "led": 0, "circus": 1}
    assert sum(b["count"] for b in body["facets"]["price_bands"]) == 2  # Ada, Bo


def _walk(marketplace, path, **params) -> list[dict]:
    """Every page of a search, following next_cursor from the first."""
    pages, cursor = [], None
    while True:
        status, body = get(marketplace, path, **params, **({"cursor": cursor} if cursor else {}))
        assert status == 200, body
        pages.append(body)
        cursor = body["next_cursor"]
        if not cursor:
            return pages


def _ids(body) -> list[int]:
    return [hit["id"] for hit in body["results"]]


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "price_asc"},
        {"sort": "newest"},
        {"sort": "rating"},
        {"sort": "relevance", "q": "fire"},
        {"sort": "price_desc", "badges": "insurance"},
    ],
)
def test_page_n_is_the_page_the_cursor_walk_reaches(fire, in_fire, query):
    providers = [
        in_fire.provider(f"Performer {i}", rating=f"{i}.50", badges=["insurance"] * (i % 2))
        for i in range(3)
    ]
    for i in range(23):
        # Equal prices and ratings, so the id tie-breaker does the work.
        in_fire.listing(
            providers[i % 3],
            "Fire show " + "fire " * (i % 4),
            category="fire",
            price=1_000 * (i % 4),
        )
    in_fire.reindex()
    params = {**query, "page_size": 5}

    walked = _walk(fire, "listings", **params)

    total = walked[0]["count"]
    assert total == (23 if "badges" not in query else 8)
    assert len(walked) == -(-total // 5)
    assert [body["page"] for body in walked] == list(range(1, len(walked) + 1))
    assert all(body["count"] == total for body in walked)
    for number, expected in enumerate(walked, start=1):
        status, body = get(fire, "listings", **params, page=number)
        assert status == 200
        assert (_ids(body), body["page"], body["count"]) == (_ids(expected), number, total)
        # A page reached by number goes on by cursor.
        assert (body["next_cursor"] is None) == (number == len(walked))
        if body["next_cursor"]:
            _, following = get(fire, "listings", **params, cursor=body["next_cursor"])
            assert _ids(following) == _ids(walked[number])
    _, beyond = get(fire, "listings", **params, page=len(walked) + 1)
    assert beyond["results"] == [] and beyond["next_cursor"] is None


def test_provider_page_n_is_the_page_the_cursor_walk_reaches(fire, in_fire):
    for i in range(11):
        in_fire.provider(f"Performer {i}", rating=f"{i % 3}.50", rate=1_000 * (i % 2))
    in_fire.reindex()

    for sort in ("rating", "price_asc", "newest"):
        walked = _walk(fire, "providers", sort=sort, page_size=4)
        assert [body["page"] for body in walked] == [1, 2, 3]
        assert {body["count"] for body in walked} == {11}
        for number, expected in enumerate(walked, start=1):
            _, body = get(fire, "providers", sort=sort, page_size=4, page=number)
            assert names(body) == names(expected) and body["page"] == number


def test_a_page_by_number_or_cursor_costs_no_more_queries(fire, in_fire, performer):
    for i in range(12):
        in_fire.listing(performer, f"Fire act {i}", category="fire-poi")
    in_fire.reindex()
    _, first = get(fire, "listings", page_size=5)

    counts = {}
    for how in ({}, {"page": 2}, {"cursor": first["next_cursor"]}):
        with CaptureQueriesContext(connection) as captured:
            status, body = get(fire, "listings", page_size=5, **how)
        assert status == 200 and body["count"] == 12 and len(body["results"]) == 5
        counts[tuple(how)] = len([q for q in captured if "catalog_" in q["sql"]])
    # categories and deactivated providers, then one statement: page, hits, facets, total
    assert set(counts.values()) == {2}


def test_without_facets_there_is_no_count(fire, in_fire, performer):
    in_fire.listing(performer, "Fire act", category="fire-poi")
    in_fire.reindex()
    _, first = get(fire, "listings", facets="false")
    _, third = get(fire, "providers", facets="false", page=3)

    assert (first["count"], first["page"], first["facets"]) == (None, 1, None)
    assert (third["count"], third["page"], third["results"]) == (None, 3, [])


@pytest.mark.parametrize("path", ["listings", "providers"])
def test_page_and_cursor_together_are_refused(fire, in_fire, path):
    for i in range(3):
        in_fire.listing(in_fire.provider(f"Performer {i}"), f"Act {i}", category="fire")
    in_fire.reindex()
    _, first = get(fire, path, page_size=1)

    status, body = get(fire, path, page_size=1, page=2, cursor=first["next_cursor"])

    assert (status, body["error"]) == (400, "invalid")
    assert "page" in body["details"]


@pytest.mark.parametrize("page", [str(MAX_PAGE + 1), "0", "-1", "2.0", "two"])
def test_a_page_beyond_the_cap_or_not_a_page_is_refused(fire, page):
    for path in ("listings", "providers"):
        status, body = get(fire, path, page=page)

        assert (status, body["error"]) == (400, "invalid")
        assert list(body["details"]) == ["page"]


def test_the_deepest_page_by_number_is_allowed(fire):
    status, body = get(fire, "listings", page=MAX_PAGE)

    assert status == 200 and body["page"] == MAX_PAGE and body["results"] == []

"""Listing search: text matching and ranking, typo tolerance, other languages."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.search import get, titles


def test_text_ranks_title_hits_above_description_hits(fire, in_fire, performer):
    in_fire.listing(
        performer,
        "Juggling and clowning",
        category="juggling",
        description="<p>Ends with a short bit of fire breathing.</p>",
    )
    in_fire.listing(performer, "Fire breathing spectacular", category="fire-breathing")
    in_fire.listing(performer, "LED hula hoop glow show", category="led-hula-hoop")
    in_fire.reindex()

    status, body = get(fire, "listings", q="fire breathing")

    assert status == 200
    assert titles(body) == ["Fire breathing spectacular", "Juggling and clowning"]
    assert body["sort"] == "relevance"


def test_english_stemming_and_websearch_syntax(fire, in_fire, performer):
    in_fire.listing(performer, "Stilt walkers for parades", category="stilt-walking")
    in_fire.listing(performer, "Stilt walking with fire", category="stilt-walking")
    in_fire.reindex()

    _, body = get(fire, "listings", q="stilt walker -fire")

    assert titles(body) == ["Stilt walkers for parades"]


def test_typo_finds_title_by_trigram(fire, in_fire, performer):
    in_fire.listing(performer, "Fire breathing at your wedding", category="fire-breathing")
    in_fire.listing(performer, "Juggling workshop", category="juggling")
    in_fire.reindex()

    _, body = get(fire, "listings", q="fier breathing")
    _, misspelt = get(fire, "listings", q="jugglign")

    assert titles(body) == ["Fire breathing at your wedding"]
    assert titles(misspelt) == ["Juggling workshop"]


def test_typo_matches_follow_text_matches_while_text_finds_few(fire, in_fire, performer):
    in_fire.listing(performer, "Fire breathing duo", category="fire-breathing")
    in_fire.listing(performer, "Fire breathng solo", category="fire-breathing")  # misspelt
    in_fire.listing(performer, "LED poi", category="led-poi")
    in_fire.reindex()

    _, body = get(fire, "listings", q="fire breathing")

    assert titles(body) == ["Fire breathing duo", "Fire breathng solo"]


def test_arabic_text_in_talent_marketplace(talent, in_talent):
    oud = in_talent.provider("فرقة بغداد")
    in_talent.listing(oud, "عازف عود لحفلات الزفاف", category="oud", currency="IQD", price=150_000)
    in_talent.listing(oud, "تصوير حفلات", category="photography", currency="IQD", price=90_000)
    in_talent.reindex()

    _, body = get(talent, "listings", q="عود")
    _, english = get(talent, "listings", q="Baghdad")

    assert titles(body) == ["عازف عود لحفلات الزفاف"]
    assert english["results"] == []
    assert body["facets"]["currency"] == "IQD"


def test_a_text_search_that_finds_few_adds_the_typo_parts_in_one_more_statement(
    fire, in_fire, performer
):
    in_fire.listing(performer, "Fire breathing", category="fire-breathing")
    in_fire.reindex()
    get(fire, "listings")  # warm the host routing cache
    with CaptureQueriesContext(connection) as captured:
        status, body = get(fire, "listings", q="fire breathing")
    assert status == 200 and len(body["results"]) == 1
    search_queries = [q["sql"] for q in captured.captured_queries if "catalog_" in q["sql"]]
    # categories, the typed search (1 match < TYPO_FALLBACK_BELOW), then with the typo parts
    assert len(search_queries) == 3
    assert "<%" not in search_queries[1] and "<%" in search_queries[2]


def test_a_filtered_text_search_that_finds_few_skips_the_typo_parts_when_the_text_is_common(
    fire, in_fire, performer
):
    for i in range(20):
        in_fire.listing(performer, f"Fire breathing {i}", category="fire-breathing")
    in_fire.listing(performer, "Fire breathing on stilts", category="stilt-walking")
    in_fire.reindex()
    get(fire, "listings")  # warm the host routing cache
    with CaptureQueriesContext(connection) as captured:
        status, body = get(fire, "listings", q="fire breathing", category="stilt-walking")
    assert status == 200 and len(body["results"]) == 1
    # One match with the filter, but 21 without: the typo parts could add nothing.
    assert len([q for q in captured.captured_queries if "catalog_" in q["sql"]]) == 2

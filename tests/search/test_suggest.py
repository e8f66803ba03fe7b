from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.search import get


def test_suggests_titles_categories_and_providers(fire, in_fire):
    blaze = in_fire.provider("Firefly Troupe")
    in_fire.listing(blaze, "Fire breathing at your wedding", category="fire-breathing")
    in_fire.listing(blaze, "Fire breathing at your wedding", category="fire-breathing")
    in_fire.listing(blaze, "Fire draft", category="fire-breathing", status="draft")
    in_fire.reindex()

    with CaptureQueriesContext(connection) as captured:
        status, body = get(fire, "suggest", q="fire")

    assert status == 200
    found = {(s["kind"], s["text"]) for s in body["suggestions"]}
    assert ("listing", "Fire breathing at your wedding") in found
    assert ("category", "Fire breathing") in found
    assert ("provider", "Firefly Troupe") in found
    assert ("listing", "Fire draft") not in found
    # the duplicated title appears once
    texts = [s["text"] for s in body["suggestions"] if s["kind"] == "listing"]
    assert len(texts) == len(set(texts))
    assert len(body["suggestions"]) <= 10
    assert len([q for q in captured.captured_queries if "catalog_" in q["sql"]]) == 1


def test_suggest_tolerates_typos_and_caps_at_ten(fire, in_fire):
    blaze = in_fire.provider("Blaze")
    for i in range(15):
        in_fire.listing(blaze, f"Juggling lesson {i}", category="juggling")
    in_fire.reindex()

    _, typo = get(fire, "suggest", q="jugglin")
    _, category = get(fire, "suggest", q="stilt walkng")

    assert len(typo["suggestions"]) == 10
    assert typo["suggestions"][0]["text"].startswith("Juggling")
    assert {"kind": "category", "text": "Stilt walking", "slug": "stilt-walking"}.items() <= (
        category["suggestions"][0].items()
    )


def test_suggest_finds_arabic_category_names(talent, in_talent):
    _, body = get(talent, "suggest", q="موسيقى")

    assert [s["slug"] for s in body["suggestions"] if s["kind"] == "category"] == ["music"]


def test_suggest_shows_a_category_by_the_name_that_was_typed(talent, in_talent):
    def categories(q: str) -> list[tuple[str, str]]:
        _, body = get(talent, "suggest", q=q)
        return [(s["slug"], s["text"]) for s in body["suggestions"] if s["kind"] == "category"]

    # Arabic typed, the Arabic name; English typed, the English one.
    assert categories("عازف") == [("oud", "عازفو العود")]
    assert categories("oud") == [("oud", "Oud players")]
    # The names' language codes are not words of any name.
    assert categories("ar") == []


def test_suggest_corrects_finished_words_and_completes_the_one_being_typed(fire, in_fire):
    blaze = in_fire.provider("Blaze")
    in_fire.listing(blaze, "Fire breathing at your wedding", category="fire-breathing")
    in_fire.listing(blaze, "Fire juggling", category="fire-breathing")
    in_fire.listing(blaze, "Stilt walking", category="stilt-walking", description="breathing")
    in_fire.reindex()

    _, body = get(fire, "suggest", q="fier bre")
    titles = [s["text"] for s in body["suggestions"] if s["kind"] == "listing"]
    # "fier" stands for its nearest title words, "bre" for the title words it begins; a
    # description that holds them is not a title that does.
    assert titles == ["Fire breathing at your wedding"]

    _, body = get(fire, "suggest", q="bla")
    assert [(s["kind"], s["text"]) for s in body["suggestions"]] == [("provider", "Blaze")]

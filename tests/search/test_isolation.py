from django_tenants.utils import tenant_context

from tests.support.factories.search import Catalog
from tests.support.search import get, titles


def test_fire_listings_never_appear_on_talent(fire, talent):
    with tenant_context(fire):
        catalog = Catalog()
        performer = catalog.provider("Fire only", lat=33.3, lon=44.4)
        catalog.listing(performer, "Fire breathing Baghdad", category="fire-breathing")
        catalog.reindex()
        _, on_fire = get(fire, "listings", q="fire")
        _, suggest_fire = get(fire, "suggest", q="fire")

    _, listings = get(talent, "listings", q="fire")
    _, nearby = get(talent, "listings", lat=33.3, lon=44.4, radius_km=50)
    _, providers = get(talent, "providers", q="fire")
    _, suggestions = get(talent, "suggest", q="fire")
    fire_category = get(talent, "listings", category="fire-breathing")

    assert titles(on_fire) == ["Fire breathing Baghdad"]
    assert suggest_fire["suggestions"]
    assert listings["results"] == [] and nearby["results"] == [] and providers["results"] == []
    assert [s for s in suggestions["suggestions"] if "Fire" in s["text"]] == []
    # Another marketplace's category slug is unknown here.
    assert fire_category[0] == 400

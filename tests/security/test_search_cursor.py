"""A search cursor is signed for one marketplace: replayed on another, it is a 400."""

from django_tenants.utils import tenant_context

from tests.support.factories.search import Catalog
from tests.support.search import get


def _listings(marketplace, count: int) -> None:
    with tenant_context(marketplace):
        catalog = Catalog()
        provider = catalog.provider("Cursor maker")
        category = _first_category_slug()
        for i in range(count):
            catalog.listing(provider, f"Cursor act {i}", category=category)


def _first_category_slug() -> str:
    from catalog.models import Category

    return Category.objects.order_by("id").values_list("slug", flat=True).first()


def test_cursor_from_one_marketplace_is_refused_on_another(fire, talent):
    _listings(fire, 3)
    _listings(talent, 3)
    _, first = get(fire, "listings", sort="price_asc", page_size=1)
    assert first["next_cursor"]

    status, body = get(
        talent, "listings", sort="price_asc", page_size=1, cursor=first["next_cursor"]
    )

    assert (status, body["error"]) == (400, "invalid_cursor")


def test_cursor_still_pages_on_its_own_marketplace(fire):
    _listings(fire, 3)
    _, first = get(fire, "listings", sort="price_asc", page_size=1)

    status, second = get(
        fire, "listings", sort="price_asc", page_size=1, cursor=first["next_cursor"]
    )

    assert status == 200
    assert second["results"][0]["id"] != first["results"][0]["id"]

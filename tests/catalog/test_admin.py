from catalog.models import Listing
from tests.catalog.conftest import api, category_id, listing_type_id, provider_in
from tests.catalog.factories import StaffUserFactory
from tests.factories import tenant_context


def test_staff_browse_the_catalog_admin_and_pause_listings(fire):
    owner = provider_in(fire)
    client = api(fire, owner.user)
    listing = client.post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(fire, "performance"),
            "category": category_id(fire, "fire-poi"),
            "title": "Admin show",
            "price_minor": 1000,
        },
    ).json()
    client.post(f"/api/v1/listings/{listing['id']}/publish/")
    with tenant_context(fire):
        staff = StaffUserFactory(is_superuser=True)
        browser = api(fire).client
        browser.force_login(staff)
    for model in (
        "category",
        "listingtype",
        "providerprofile",
        "listing",
        "vouch",
        "availabilityentry",
        "favorite",
    ):
        page = browser.get(f"/admin/catalog/{model}/")
        assert page.status_code == 200, model
    assert b"Admin show" in browser.get("/admin/catalog/listing/?q=admin").content
    assert browser.get(f"/admin/catalog/listing/{listing['id']}/change/").status_code == 200
    response = browser.post(
        "/admin/catalog/listing/",
        {"action": "pause_listings", "_selected_action": [listing["id"]]},
    )
    assert response.status_code == 302
    with tenant_context(fire):
        assert Listing.objects.get(pk=listing["id"]).status == "paused"

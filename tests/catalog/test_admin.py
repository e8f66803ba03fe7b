from django_tenants.utils import tenant_context

from catalog.models import Listing
from tests.admin_forms import admin_form_data
from tests.support.client import api
from tests.support.factories.accounts import StaffUserFactory
from tests.support.factories.catalog import category_id, listing_type_id, provider_in


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
        browser = api(fire)
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
    response = browser.post_form(
        "/admin/catalog/listing/",
        {"action": "pause_listings", "_selected_action": [listing["id"]]},
    )
    assert response.status_code == 302
    with tenant_context(fire):
        assert Listing.objects.get(pk=listing["id"]).status == "paused"


DIRTY = '<script>alert(1)</script><strong onclick="steal()">ok</strong>'
CLEAN = "<strong>ok</strong>"


def _owner_browser(marketplace):
    with tenant_context(marketplace):
        owner = StaffUserFactory(is_superuser=True)
    browser = api(marketplace)
    response = browser.post_form(
        "/admin/login/", {"username": owner.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302, response.content
    return browser


def _save_through_admin(browser, url: str, form_id: str, **changes):
    data = admin_form_data(browser.get(url).content, form_id)
    data.update({name: [value] for name, value in changes.items()})
    response = browser.post_form(url, data)
    assert response.status_code == 302, response.content
    return response


def test_rich_text_saved_in_the_admin_is_sanitised_like_the_apis(fire):
    profile = provider_in(fire)
    client = api(fire, profile.user)
    listing = client.post(
        "/api/v1/listings/",
        {
            "listing_type": listing_type_id(fire, "performance"),
            "category": category_id(fire, "fire-poi"),
            "title": "Sanitised show",
            "price_minor": 1000,
        },
    ).json()
    browser = _owner_browser(fire)

    url = f"/admin/catalog/listing/{listing['id']}/change/"
    page = admin_form_data(browser.get(url).content, "listing_form")
    package = int(page["packages-TOTAL_FORMS"][0])
    _save_through_admin(
        browser,
        url,
        "listing_form",
        description=DIRTY,
        **{
            "packages-TOTAL_FORMS": str(package + 1),
            f"packages-{package}-tier": "basic",
            f"packages-{package}-name": "Basic",
            f"packages-{package}-description": DIRTY,
            f"packages-{package}-price_minor": "500",
            f"packages-{package}-delivery_days": "3",
            f"packages-{package}-revisions": "1",
        },
    )
    _save_through_admin(
        browser,
        f"/admin/catalog/providerprofile/{profile.pk}/change/",
        "providerprofile_form",
        bio=DIRTY,
    )

    with tenant_context(fire):
        saved = Listing.objects.get(pk=listing["id"])
        assert saved.description == CLEAN
        assert list(saved.packages.values_list("description", flat=True)) == [CLEAN]
        profile.refresh_from_db()
        assert profile.bio == CLEAN

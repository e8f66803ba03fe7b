"""The staff pages (/staff/...) are each marketplace's own: fire's staff session is nobody on
talent's host, fire's theme drafts, category, listing type, provider and booking ids find
nothing of fire's there, and talent's staff change nothing of fire's."""

import re

from django.conf import settings
from django_tenants.utils import tenant_context

from catalog.models import Category, ListingType, ProviderProfile
from tests.support.client import api
from tests.support.factories.catalog import ProviderProfileFactory
from tests.support.site_staff import session_of, theme_form_data
from themes.models import Theme

SECRET = "Fireonly Quillbrand"


def _replay(client, marketplace):
    """``client``'s session cookie sent to ``marketplace``'s host."""
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return api(
        marketplace, own_address=True, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}"
    )


def test_fires_staff_session_is_nobody_on_talents_staff_pages(fire, talent):
    fire_staff = session_of(fire)
    assert fire_staff.get("/staff/theme/").status_code == 200
    replay = _replay(fire_staff, talent)
    for path in ("/staff/theme/", "/staff/fees/", "/staff/providers/", "/staff/money/",
                 "/staff/categories/", "/staff/disputes/", "/staff/theme/preview/"):  # fmt: skip
        response = replay.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    with tenant_context(talent):
        before = Theme.objects.get().updated_at
    posted = replay.post_form("/staff/theme/", theme_form_data(talent, radius="3"))
    assert posted.status_code in (302, 403)
    with tenant_context(talent):
        assert Theme.objects.get().updated_at == before


def test_fires_ids_and_drafts_find_nothing_on_talent(fire, talent):
    fire_staff = session_of(fire)
    talent_staff = session_of(talent)
    # A theme draft of fire's, kept in fire's staff session.
    preview = fire_staff.post_form(
        "/staff/theme/",
        theme_form_data(fire, hero_title_en=SECRET, action="preview"),
    )
    draft = re.search(r"\?draft=([\w-]+)", preview.content.decode()).group(1)
    assert SECRET in fire_staff.get(f"/staff/theme/preview/?draft={draft}").content.decode()
    assert talent_staff.get(f"/staff/theme/preview/?draft={draft}").status_code == 404
    assert talent_staff.get(f"/staff/theme/preview.css?draft={draft}").status_code == 404

    with tenant_context(fire):
        category = Category.objects.create(name=SECRET, slug="fireonly-quillbrand")
        listing_type = ListingType.objects.order_by("-pk").first()
        profile = ProviderProfileFactory(display_name=SECRET)
    with tenant_context(talent):
        talent_ids = {
            "category": set(Category.objects.values_list("pk", flat=True)),
            "type": set(ListingType.objects.values_list("pk", flat=True)),
            "profile": set(ProviderProfile.objects.values_list("pk", flat=True)),
        }
    for path, taken in (
        (f"/staff/categories/{category.pk}/", category.pk in talent_ids["category"]),
        (f"/staff/listing-types/{listing_type.pk}/", listing_type.pk in talent_ids["type"]),
    ):
        response = talent_staff.get(path)
        assert response.status_code == (200 if taken else 404), path
        assert SECRET not in response.content.decode()
    deleted = talent_staff.post_form(f"/staff/categories/{category.pk}/delete/")
    assert deleted.status_code in (302, 404, 409)
    granted = talent_staff.post_form(
        f"/staff/badges/{profile.pk}/", {"badge": "insurance", "action": "grant"}
    )
    assert granted.status_code == (302 if profile.pk in talent_ids["profile"] else 404)
    with tenant_context(fire):
        assert Category.objects.filter(pk=category.pk, name=SECRET).exists()
        assert ProviderProfile.objects.get(pk=profile.pk).badges == []
    badges = talent_staff.get("/staff/badges/", {"q": "Quillbrand"}).content.decode()
    assert SECRET not in badges
    for path in ("/staff/disputes/999999/", "/staff/review-reports/999999/"):
        assert talent_staff.get(path).status_code == 404

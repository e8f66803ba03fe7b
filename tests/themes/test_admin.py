"""The theme in the marketplace's admin, under the API's rules."""

from django_tenants.utils import tenant_context

from tests.admin_forms import admin_form_data
from tests.support.client import api
from tests.support.factories.accounts import StaffUserFactory
from themes.models import Theme


def _browser(marketplace):
    with tenant_context(marketplace):
        staff = StaffUserFactory(is_superuser=True)
        browser = api(marketplace)
        browser.force_login(staff)
    return browser


def test_the_marketplace_admin_has_no_template_overrides(talent):
    """A template can read any model: overrides are the operator's, not the staff's."""
    browser = _browser(talent)
    assert browser.get("/admin/themes/templateoverride/").status_code == 404


def test_the_admin_refuses_a_theme_below_aa(fire):
    browser = _browser(fire)
    with tenant_context(fire):
        theme = Theme.objects.get()
    url = f"/admin/themes/theme/{theme.pk}/change/"
    page = browser.get(url)
    assert page.status_code == 200
    data = admin_form_data(page.content.decode(), "theme_form")
    data["dark"] = ['{"primary": "#FF5A1F", "accent": "#FFC233", "background": "#120A06", '
                    '"surface": "#1E120B", "text": "#3A2A20", "muted": "#C9B8A6", '
                    '"success": "#4ADE80", "danger": "#FF6B6B"}']  # fmt: skip
    refused = browser.post_form(url, data)
    assert refused.status_code == 200 and b"contrast" in refused.content
    with tenant_context(fire):
        assert Theme.objects.get().dark == theme.dark

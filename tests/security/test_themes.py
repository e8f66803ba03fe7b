"""A marketplace's theme, stylesheet, files and template overrides are its own: another
marketplace's host never serves them, and another marketplace's staff, tokens and sessions
reach nothing of them."""

from django.conf import settings
from django_tenants.utils import tenant_context

from tests.support.client import api, assert_error
from tests.support.factories.accounts import StaffUserFactory, VerifiedUserFactory
from tests.support.files import image_bytes, upload
from themes.models import TemplateOverride, Theme

MARKER = ".fire-only-marker{color:red}"
OVERRIDE = (
    '{% extends "site/base.html" %}{% block main %}<p>talent-override-marker</p>{% endblock %}'
)


def _staff_client(marketplace, **extra):
    with tenant_context(marketplace):
        return api(marketplace, StaffUserFactory(), **extra)


def _token(client) -> str:
    return client.defaults["HTTP_AUTHORIZATION"].split()[1]


def test_fires_css_is_never_served_on_talents_host(fire, talent):
    fire_staff = _staff_client(fire)
    with tenant_context(fire):
        dark = {**Theme.objects.get().dark, "primary": "#FF7A33"}
    response = fire_staff.put("/api/v1/theme/", {"custom_css": MARKER, "dark": dark})
    assert response.status_code == 200, response.content
    assert MARKER in api(fire).get("/theme.css").content.decode()

    talent_css = api(talent).get("/theme.css")
    body = talent_css.content.decode()
    assert MARKER not in body and "#FF7A33" not in body and "#007A3D" in body
    with tenant_context(fire):
        version = Theme.objects.get().version
    # Fire's version on talent's host is only a version talent does not have.
    replay = api(talent).get(f"/theme.css?v={version}")
    assert MARKER not in replay.content.decode() and "immutable" not in replay["Cache-Control"]
    assert talent_css["ETag"] != api(fire).get("/theme.css")["ETag"]


def test_theme_api_is_for_this_marketplaces_staff_only(fire, talent):
    fire_staff = _staff_client(fire)
    talent_staff = _staff_client(talent)
    with tenant_context(fire):
        customer = api(fire, VerifiedUserFactory())
        before = Theme.objects.get()
    change = {"radius": 3}

    assert_error(api(fire).get("/api/v1/theme/"), 401)
    assert_error(api(fire).put("/api/v1/theme/", change), 401)
    assert_error(customer.get("/api/v1/theme/"), 403)
    assert_error(customer.put("/api/v1/theme/", change), 403)
    assert_error(customer.post("/api/v1/theme/preview/", change), 403)
    # Talent's staff token and session are nobody on fire's host.
    replayed = api(fire, token=_token(talent_staff))
    assert_error(replayed.get("/api/v1/theme/"), 401)
    assert_error(replayed.put("/api/v1/theme/", change), 401)
    assert_error(replayed.post("/api/v1/theme/preview/", change), 401)
    with tenant_context(talent):
        session_user = StaffUserFactory()
    session = api(talent, session_user, session=True)
    cookie = session.cookies[settings.SESSION_COOKIE_NAME].value
    stolen = api(fire, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={cookie}")
    assert_error(stolen.get("/api/v1/theme/"), 401)
    with tenant_context(fire):
        assert Theme.objects.get().updated_at == before.updated_at

    mine = fire_staff.get("/api/v1/theme/").json()
    assert mine["dark"]["primary"] == before.dark["primary"]
    assert mine["stylesheet"] == f"/theme.css?v={before.version}"
    assert talent_staff.get("/api/v1/theme/").json()["light"]["primary"] == "#007A3D"


def test_theme_api_refuses_low_contrast_and_previews_without_saving(fire):
    staff = _staff_client(fire)
    with tenant_context(fire):
        before = Theme.objects.get()
    bad = {"dark": {**before.dark, "muted": "#3A2A20"}}
    body = assert_error(staff.put("/api/v1/theme/", bad), 422, "contrast_too_low")
    assert body["details"]["pairs"][0]["pair"] == "muted on background"
    assert_error(staff.post("/api/v1/theme/preview/", bad), 422, "contrast_too_low")
    assert_error(staff.put("/api/v1/theme/", {"radius": "3"}), 400, "invalid")
    assert_error(staff.put("/api/v1/theme/", {"custom_css": "@import 'x'"}), 400, "unsafe_css")

    good = {"dark": {**before.dark, "primary": "#FF8A4C"}}
    preview = staff.post("/api/v1/theme/preview/", good)
    assert preview.status_code == 200 and "--color-primary: #FF8A4C;" in preview.json()["css"]
    with tenant_context(fire):
        assert Theme.objects.get().dark == before.dark


def test_theme_files_live_in_the_marketplaces_own_prefix(fire, talent):
    staff = _staff_client(fire)
    logo = upload("logo.png", image_bytes("PNG", size=(300, 100)))
    response = staff.post_form("/api/v1/theme/files/logo/", {"file": logo})
    assert response.status_code == 200, response.content
    assert response.json()["logo"].startswith("/media/fire_test/theme/logo-")
    hero = upload("hero.jpg", image_bytes("JPEG", size=(1600, 900)))
    response = staff.post_form("/api/v1/theme/files/hero_image/", {"file": hero})
    assert response.status_code == 200, response.content
    with tenant_context(fire):
        theme = Theme.objects.get()
        assert set(theme.hero_thumbnails) == set(settings.SOUK_THUMBNAIL_SIZES)
        assert theme.hero_image.storage.exists(theme.hero_image.name)
    not_image = upload("x.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert_error(staff.post_form("/api/v1/theme/files/favicon/", {"file": not_image}), 400)
    assert_error(staff.delete("/api/v1/theme/files/banner/"), 404)
    # The talent home page shows none of fire's files.
    assert b"fire_test" not in api(talent).get("/").content
    replayed = api(talent, token=_token(staff))
    assert_error(replayed.delete("/api/v1/theme/files/logo/"), 401)
    assert staff.delete("/api/v1/theme/files/logo/").status_code == 204
    with tenant_context(fire):
        assert not Theme.objects.get().logo


def test_a_template_override_changes_one_marketplace_only(fire, talent, operator):
    """Only the operator writes a marketplace's templates (a template can read any model), on
    the operator host; an override serves on its own marketplace only."""
    url = f"/api/v1/operator/marketplaces/{talent.slug}/templates/"
    path = url + "site/home.html"

    # Rendered once before: the process's note of talent's overrides (none) is cleared by the
    # write.
    assert b"talent-override-marker" not in api(talent).get("/").content
    created = operator.put(path, {"source": OVERRIDE})
    assert created.status_code == 201, created.content
    assert b"talent-override-marker" in api(talent).get("/").content
    assert b"talent-override-marker" not in api(fire).get("/").content
    assert [o["path"] for o in operator.get(url).json()] == ["site/home.html"]
    fire_url = f"/api/v1/operator/marketplaces/{fire.slug}/templates/"
    assert operator.get(fire_url).json() == []
    assert_error(operator.get(fire_url + "site/home.html"), 404)
    assert_error(operator.get("/api/v1/operator/marketplaces/nowhere/templates/"), 404)

    # Neither marketplace's staff may write templates: not on their host, not on the
    # operator's with their token.
    talent_staff = _staff_client(talent)
    assert_error(talent_staff.put("/api/v1/theme/templates/site/home.html",
                                  {"source": "x"}), 404)  # fmt: skip
    replayed = api(None, token=_token(talent_staff))
    assert_error(replayed.put(path, {"source": "x"}), 401)
    with tenant_context(fire):
        assert not TemplateOverride.objects.exists()

    # An edit is served at once (the compiled cache is keyed by updated_at).
    edited = OVERRIDE.replace("talent-override-marker", "edited-marker")
    assert operator.put(path, {"source": edited}).status_code == 200
    assert b"edited-marker" in api(talent).get("/").content
    # A template that does not compile is refused and the last good one stays.
    broken = assert_error(operator.put(path, {"source": "{% if %}"}), 400, "template_syntax")
    assert "source" in broken["details"]
    assert b"edited-marker" in api(talent).get("/").content
    assert_error(operator.put(url + "site/../x.html", {"source": "x"}), 404)
    assert_error(operator.put(url + "site/debug.html", {"source": "{% debug %}"}), 400)

    assert operator.delete(path).status_code == 204
    assert b"talent-override-marker" not in api(talent).get("/").content
    assert b"edited-marker" not in api(talent).get("/").content

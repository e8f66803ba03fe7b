"""The staff's theme editor (/staff/theme/): a form per token, a preview of the unsaved tokens
through the preview service, saving through the theme service, refusals beside the fields
they name with nothing saved, the theme's images; and only staff get in.

The other staff pages are tested in test_staff_admin_pages.py."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from tests.support.site_staff import (
    customer_session,
    provider_session,
    session_of,
    theme_form_data,
)
from themes.models import Theme


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _theme(marketplace) -> Theme:
    with tenant_context(marketplace):
        return Theme.objects.get()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 20)).save(out, format="PNG")
    return out.getvalue()


def _error_of(html: str, field: str) -> str:
    """The error text Django puts beside ``field`` (its ``id_<field>_error`` list)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def test_the_editor_shows_every_token_of_the_saved_theme(fire):
    staff = session_of(fire)
    response = staff.get("/staff/theme/")
    assert response.status_code == 200
    html = response.content.decode()
    theme = _theme(fire)
    for scheme in ("light", "dark"):
        for token, colour in getattr(theme, scheme).items():
            assert re.search(
                rf'type="color" name="{scheme}_{token}" value="{colour.lower()}"', html
            ), (scheme, token)
    for name in ("font_heading", "font_body", "radius", "custom_css", "hero_title_en",
                 "hero_title_ar", "hero_subtitle_en", "hero_subtitle_ar", "dark_mode",
                 "logo-file", "favicon-file", "hero_image-file"):  # fmt: skip
        assert f'name="{name}"' in html, name
    assert 'src="/staff/theme/preview/"' in html  # the saved theme's preview
    assert "<script src=" in html and "onclick" not in html


def test_preview_shows_the_unsaved_tokens_and_saves_nothing(fire):
    staff = session_of(fire)
    before = _theme(fire)
    data = theme_form_data(
        fire, dark_primary="#ff9933", hero_title_en="Preview only", action="preview"
    )
    response = staff.post_form("/staff/theme/", data)
    assert response.status_code == 200, response.content[:2000]
    html = response.content.decode()
    frame = re.search(r'<iframe id="theme-preview-frame"[^>]* src="([^"]+)"', html)
    assert frame and "?draft=" in frame.group(1)
    assert 'value="#ff9933"' in html  # what was typed is kept
    assert _theme(fire).updated_at == before.updated_at  # nothing saved

    page = staff.get(frame.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    preview_html = page.content.decode()
    assert "Preview only" in preview_html
    css_url = re.search(r'href="(/staff/theme/preview\.css\?draft=[^"]+)"', preview_html)
    css = staff.get(css_url.group(1).replace("&amp;", "&"))
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert "--color-primary: #ff9933;" in css.content.decode()
    # The live preview (theme-editor.js) asks for the same as JSON.
    answer = staff.post_form("/staff/theme/", data, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and "?draft=" in answer.json()["preview"]
    # The saved home page is untouched.
    assert "Preview only" not in staff.get("/").content.decode()


def test_save_changes_the_theme_and_the_site(fire):
    staff = session_of(fire)
    data = theme_form_data(fire, dark_primary="#ff9933", radius="20", hero_title_en="Hot nights")
    response = staff.post_form("/staff/theme/", {**data, "action": "save"})
    assert response.status_code == 302 and response["Location"] == "/staff/theme/?saved=1"
    theme = _theme(fire)
    assert theme.dark["primary"] == "#ff9933" and theme.radius == 20
    assert theme.hero_title["en"] == "Hot nights"
    assert "Saved." in staff.get(response["Location"]).content.decode()
    css = staff.get(f"/theme.css?v={theme.version}").content.decode()
    assert "--color-primary: #ff9933;" in css


def test_a_contrast_failure_is_shown_beside_its_tokens_and_nothing_is_saved(fire):
    staff = session_of(fire)
    before = _theme(fire)
    # Dark text on fire's dark background.
    data = theme_form_data(fire, dark_text="#222222", action="save")
    response = staff.post_form("/staff/theme/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "text on background" in _error_of(html, "dark_text")
    assert "text on background" in _error_of(html, "dark_background")
    assert "4.5" in _error_of(html, "dark_text")
    assert _error_of(html, "light_text") == ""
    assert 'aria-invalid="true"' in html and 'value="#222222"' in html
    assert _theme(fire).updated_at == before.updated_at
    # The preview refuses it the same way.
    preview = staff.post_form("/staff/theme/", {**data, "action": "preview"})
    assert preview.status_code == 422 and "?draft=" not in preview.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("light_primary", "red", 400),
        ("radius", "99", 400),
        ("font_body", "Comic Sans", 400),
        ("custom_css", "@import url(https://evil.example/x.css);", 400),
        ("hero_title_en", "x" * 121, 400),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(fire, field, value, status):
    staff = session_of(fire)
    before = _theme(fire)
    response = staff.post_form("/staff/theme/", theme_form_data(fire, **{field: value}))
    assert response.status_code == status
    assert _error_of(response.content.decode(), field), field
    assert _theme(fire).updated_at == before.updated_at


def test_images_upload_and_remove_and_a_non_image_is_refused(fire):
    staff = session_of(fire)
    refused = staff.post_form(
        "/staff/theme/files/logo/",
        {"logo-file": SimpleUploadedFile("logo.png", b"not an image", "image/png")},
    )
    assert refused.status_code in (400, 415)
    assert _error_of(refused.content.decode(), "logo-file")
    assert not _theme(fire).logo

    uploaded = staff.post_form(
        "/staff/theme/files/logo/",
        {"logo-file": SimpleUploadedFile("logo.png", _png(), "image/png")},
    )
    assert uploaded.status_code == 302
    theme = _theme(fire)
    assert theme.logo.name.startswith("theme/logo-")
    assert theme.logo.url in staff.get("/").content.decode()

    removed = staff.post_form("/staff/theme/files/logo/", {"remove": "1"})
    assert removed.status_code == 302 and not _theme(fire).logo
    assert staff.post_form("/staff/theme/files/nope/", {"remove": "1"}).status_code == 404


def test_only_staff_get_in(fire):
    paths = ["/staff/theme/", "/staff/theme/preview/", "/staff/theme/preview.css"]
    for client in (customer_session(fire), provider_session(fire)):
        for path in paths:
            assert client.get(path).status_code == 403, path
        data = theme_form_data(fire, dark_primary="#ff9933", action="save")
        assert client.post_form("/staff/theme/", data).status_code == 403
    visitor = session_of(fire).__class__(fire.get_primary_domain().domain)
    response = visitor.get("/staff/theme/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _theme(fire).dark["primary"] != "#ff9933"


def test_an_unknown_draft_is_not_found(fire):
    staff = session_of(fire)
    assert staff.get("/staff/theme/preview/?draft=nope").status_code == 404
    assert staff.get("/staff/theme/preview.css?draft=nope").status_code == 404

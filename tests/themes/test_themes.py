"""theme_update: applies what passes, refuses a pair below AA (naming it) and keeps the theme
as it was; every preset's theme passes the same rules."""

import pytest
from django_tenants.utils import tenant_context

from config.errors import BusinessRuleViolation, InvalidInput
from tenants.presets import all_presets
from tests.support.factories.accounts import staff_in
from themes.models import Theme
from themes.selectors.themes import theme_preview
from themes.services.themes import preset_theme_values, theme_check, theme_update


@pytest.mark.parametrize("slug", sorted(all_presets()))
def test_every_preset_theme_passes_the_rules(slug):
    theme_check(preset_theme_values(all_presets()[slug]))


def test_psychic_readers_look():
    values = preset_theme_values(all_presets()["psychic-readers"])
    assert values["dark_mode"] is True
    assert values["dark"]["primary"] == "#FF69B4" and values["dark"]["background"] == "#000000"
    assert values["dark"]["accent"] == "#D4AF37"  # gold
    assert (values["font_heading"], values["font_body"]) == ("Alex Brush", "Playfair Display")


def test_theme_update_saves_what_passes(fire):
    staff = staff_in(fire)
    with tenant_context(fire):
        before = Theme.objects.get()
        dark = {**before.dark, "primary": "#FF7A33"}
        theme = theme_update(actor=staff, dark=dark, radius=4, hero_title={"en": "Hot"})
        theme.refresh_from_db()
        assert theme.dark["primary"] == "#FF7A33" and theme.radius == 4
        assert theme.hero_title == {"en": "Hot"}
        assert theme.updated_at > before.updated_at


def test_theme_update_refuses_a_pair_below_aa_and_changes_nothing(fire):
    staff = staff_in(fire)
    with tenant_context(fire):
        before = Theme.objects.get()
        light = {**before.light, "text": "#777777", "background": "#FFFFFF", "surface": "#FFFFFF"}
        with pytest.raises(BusinessRuleViolation) as refused:
            theme_update(actor=staff, light=light, radius=30, custom_css=".a{color:red}")
        assert refused.value.code == "contrast_too_low" and refused.value.status == 422
        pairs = refused.value.details["pairs"]
        assert {"scheme": "light", "pair": "text on background", "foreground": "#777777",
                "background": "#FFFFFF", "ratio": 4.48, "required": 4.5} in pairs  # fmt: skip
        assert "4.48" in refused.value.message
        after = Theme.objects.get()
        assert (after.light, after.radius, after.custom_css, after.updated_at) == (
            before.light, before.radius, before.custom_css, before.updated_at)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"light": {"primary": "#000000"}}, "light"),
        ({"font_body": "Comic Sans"}, "font_body"),
        ({"radius": 99}, "radius"),
        ({"hero_title": {"fr": "Salut"}}, "hero_title"),
        ({"custom_css": "@import url(x.css);"}, "custom_css"),
        ({"tokens": {}}, "tokens"),
    ],
)
def test_malformed_changes_are_refused(fire, changes, field):
    staff = staff_in(fire)
    with tenant_context(fire):
        before = Theme.objects.get()
        with pytest.raises(InvalidInput) as refused:
            theme_update(actor=staff, **changes)
        assert field in refused.value.details
        assert Theme.objects.get().updated_at == before.updated_at


def test_preview_renders_a_draft_without_saving(talent):
    with tenant_context(talent):
        before = Theme.objects.get()
        css = theme_preview(changes={"light": {**before.light, "primary": "#005A2D"}})
        assert "--color-primary: #005A2D;" in css
        assert Theme.objects.get().light == before.light
        with pytest.raises(BusinessRuleViolation):
            theme_preview(changes={"light": {**before.light, "muted": "#CCCCCC"}})

"""Custom CSS is refused when it could load from elsewhere or escape its stylesheet; a
theme's CSS carries its tokens as custom properties."""

import pytest
from django.templatetags.static import static

from config.errors import InvalidInput
from tests.support.themes import READABLE_LIGHT as LIGHT
from themes.css import CUSTOM_CSS_MAX_BYTES, custom_css_check, theme_css

DARK = {**LIGHT, "background": "#101010", "text": "#F0F0F0", "surface": "#1A1A1A",
        "muted": "#AAAAAA", "primary": "#93C5FD"}  # fmt: skip


@pytest.mark.parametrize(
    "css",
    [
        ".hero { color: red; }",
        ".hero { background: url(/media/x.png); }",
        ".hero { background: url('/static/site/a.png'); }",
        '.hero { background-image: url("data:image/png;base64,AAAA"); }',
        "/* a comment with // inside */ .a { margin-inline-start: 1rem; }",
        "",
    ],
)
def test_safe_css_passes(css):
    assert custom_css_check(css) == css


@pytest.mark.parametrize(
    "css",
    [
        "@import url(/x.css);",
        "@IMPORT 'x.css';",
        ".a { background: url(https://evil.example/x.png); }",
        ".a { background: url(//evil.example/x.png); }",
        ".a { background: url( 'HTTP://evil.example/x.png' ); }",
        '.a { background: image-set("https://evil.example/x.png" 1x); }',
        ".a { width: expression(alert(1)); }",
        ".a { background: url(javascript:alert(1)); }",
        "</style><script>alert(1)</script>",
        ".a { content: '\\40 import'; }",
        ".a { behavior: url(x.htc); }",
        "@font-face { src: url(ftp:x) }",
        "/* never closed .a { color: red }",
        "@namespace svg url(x);",
    ],
)
def test_unsafe_css_is_refused(css):
    with pytest.raises(InvalidInput) as refused:
        custom_css_check(css)
    assert refused.value.code == "unsafe_css"
    assert "custom_css" in refused.value.details


def test_custom_css_has_a_size_limit():
    custom_css_check("a{}" + " " * (CUSTOM_CSS_MAX_BYTES - 3))
    with pytest.raises(InvalidInput):
        custom_css_check("a{}" + " " * (CUSTOM_CSS_MAX_BYTES - 2))


def _css(**overrides):
    values = dict(light=LIGHT, dark=DARK, dark_mode=False, font_heading="Playfair Display",
                  font_body="System", radius=12, custom_css=".x{color:red}")  # fmt: skip
    return theme_css(**{**values, **overrides})


def test_light_theme_css():
    css = _css()
    root = css.split(":root {", 1)[1].split("}", 1)[0]
    assert "--color-primary: #1D4ED8;" in root and "--color-muted: #555555;" in root
    assert "--color-on-primary: #ffffff;" in root and "--radius: 12px;" in root
    assert '--font-heading: "Playfair Display", Georgia, serif;' in root
    assert "@media (prefers-color-scheme: dark)" in css
    assert ':root[data-theme="dark"]' in css and "--color-background: #101010;" in css
    assert f'url("{static("fonts/playfair-display-latin-400-normal.woff2")}")' in css
    assert "font-display: swap" in css
    assert css.rstrip().endswith(".x{color:red}")
    assert "://" not in css


def test_dark_theme_is_dark_by_default_and_ignores_the_light_preference():
    css = _css(dark_mode=True, custom_css="")
    root = css.split(":root {", 1)[1].split("}", 1)[0]
    assert "--color-background: #101010;" in root and "color-scheme: dark;" in root
    assert "prefers-color-scheme" not in css
    assert ':root[data-theme="light"]' in css

"""The contrast maths against known pairs, and which pairs a theme must keep readable."""

import pytest

from tests.support.themes import READABLE_LIGHT as GOOD
from themes.contrast import contrast_ratio, on_colour, readability_failures, relative_luminance


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000", "#fff", 21.0),
        ("#000000", "#FFFFFF", 21.0),
        ("#777", "#fff", 4.48),
        ("#767676", "#ffffff", 4.54),
        ("#fff", "#fff", 1.0),
        ("#FF69B4", "#000000", 7.93),
    ],
)
def test_known_pairs(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == contrast_ratio(first, second)


def test_luminance_ends_and_bad_colours():
    assert relative_luminance("#000") == 0
    assert relative_luminance("#fff") == pytest.approx(1)
    for bad in ("777", "#77", "#12345g", "red", "#1234567"):
        with pytest.raises(ValueError):
            relative_luminance(bad)


def test_button_text_is_white_where_it_reads_else_the_background():
    assert on_colour("#1D4ED8", fallback="#FFFFFF") == "#ffffff"
    assert on_colour("#FF69B4", fallback="#000000") == "#000000"


def test_a_readable_scheme_has_no_failure():
    assert readability_failures("light", GOOD) == []


@pytest.mark.parametrize(
    ("change", "pairs"),
    [
        ({"text": "#777777"}, ["text on background", "text on surface"]),
        ({"surface": "#333333"}, ["text on surface"]),
        ({"muted": "#AAAAAA"}, ["muted on background"]),
        ({"primary": "#FFFF00"}, ["button text on primary"]),
    ],
)
def test_each_pair_is_checked(change, pairs):
    failures = readability_failures("light", {**GOOD, **change})
    assert [failure.pair for failure in failures] == pairs
    detail = failures[0].as_detail()
    assert detail["scheme"] == "light" and detail["required"] == 4.5 and detail["ratio"] < 4.5

"""/search/ shows how many results there are, which page of how many this is, numbered links
to pages that keep every filter, and the badge facet with its counts."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.db import connection

from tests.support.client import api


def _page(marketplace, query) -> tuple[int, str]:
    before = connection.tenant
    response = api(marketplace, own_address=True).get("/search/", query)
    connection.set_tenant(before)  # the request routed the connection to the host's schema
    return response.status_code, response.content.decode()


def _follow(marketplace, href: str) -> tuple[int, str]:
    query = parse_qs(urlsplit(unescape(href)).query, keep_blank_values=True)
    return _page(marketplace, query)


def _pager(html: str) -> str:
    return html.split('<nav class="pager"', 1)[1].split("</nav>", 1)[0]


def _numbered(html: str) -> dict[int, str]:
    """The pager's numbered links: page number -> href."""
    found = re.findall(r'<a href="([^"]+)" aria-label="Page (\d+)">\d+</a>', _pager(html))
    return {int(number): href for href, number in found}


def _titles(html: str) -> list[str]:
    results = html.split('id="results-title"', 1)[1]
    return re.findall(r'<h3><a href="/listings/[^"]+">([^<]+)</a></h3>', results)


def _current(html: str) -> str:
    return re.search(r'<span class="current" aria-current="page">(\d+)</span>', html).group(1)


def test_the_page_shows_the_count_the_page_of_pages_and_numbered_links(fire, in_fire, performer):
    for i in range(11):
        in_fire.listing(performer, f"Act {i:02d}", category="fire", price=1_000 * (i + 1))
    in_fire.listing(performer, "Juggling act", category="juggling", price=100)
    in_fire.reindex()
    query = {"sort": "price_asc", "page_size": "2", "category": "fire", "max_price": "90000"}

    status, html = _page(fire, query)

    assert status == 200
    assert "11 results · Page 1 of 6" in html
    assert '<nav class="pager" aria-label="Pages">' in html
    assert _current(html) == "1"
    links = _numbered(html)
    assert sorted(links) == [2, 3, 6]  # a window of two either side, and the last
    assert "…" in _pager(html)
    assert 'rel="prev"' not in html
    for href in links.values():  # every filter kept, no cursor
        given = parse_qs(urlsplit(unescape(href)).query)
        assert {name: given[name] for name in query} == {k: [v] for k, v in query.items()}
        assert "cursor" not in given and "trail" not in given

    status, third = _follow(fire, links[3])
    assert status == 200 and "11 results · Page 3 of 6" in third
    assert _titles(third) == ["Act 04", "Act 05"] and _current(third) == "3"
    assert sorted(_numbered(third)) == [1, 2, 4, 5, 6]

    # Next goes on by cursor, and still knows its number; previous goes back to page 3.
    fourth_href = re.search(r'rel="next" href="([^"]+)"', third).group(1)
    assert "cursor=" in fourth_href and "page=" not in fourth_href
    _, fourth = _follow(fire, fourth_href)
    assert "Page 4 of 6" in fourth and _titles(fourth) == ["Act 06", "Act 07"]
    back_href = re.search(r'rel="prev" href="([^"]+)"', fourth).group(1)
    _, back = _follow(fire, back_href)
    assert "Page 3 of 6" in back and _titles(back) == ["Act 04", "Act 05"]

    _, last = _follow(fire, _numbered(third)[6])
    assert _titles(last) == ["Act 10"] and 'rel="next"' not in last and _current(last) == "6"


def test_one_page_of_results_has_no_pager(fire, in_fire, performer):
    in_fire.listing(performer, "Lone act", category="fire")
    in_fire.reindex()

    _, html = _page(fire, {})

    assert "1 result · Page 1 of 1" in html and '<nav class="pager"' not in html


def test_a_page_beyond_the_cap_is_an_error_above_the_form(fire):
    status, html = _page(fire, {"page": "51"})

    assert status == 400 and 'id="search-errors"' in html and "At most 50." in html


def test_the_badge_facet_links_refine_with_counts(fire, in_fire):
    insured = in_fire.provider("Insured act", badges=["insurance"])
    checked = in_fire.provider("Checked act", badges=["insurance", "dbs"])
    plain = in_fire.provider("Plain act")
    for provider in (insured, checked, plain):
        in_fire.listing(provider, f"{provider.display_name} show", category="fire")
    in_fire.reindex()

    _, html = _page(fire, {"q": "show"})

    facet = html.split('id="facet-badges"', 1)[1].split("</ul>", 1)[0]
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="count">([^<]+)</span>', facet)
    shown = {name: count for _href, name, count in rows}
    assert shown == {"Public liability insurance": "2 results", "DBS checked": "1 result"}
    insurance_href = rows[0][0]
    _, refined = _follow(fire, insurance_href)
    assert sorted(_titles(refined)) == ["Checked act show", "Insured act show"]
    assert "2 results · Page 1 of 1" in refined
    assert 'name="badges" value="insurance" checked' in refined
    # The chosen badge's link takes it away again; the other's adds to it.
    facet = refined.split('id="facet-badges"', 1)[1].split("</ul>", 1)[0]
    chosen = re.search(r'<a href="([^"]+)" aria-current="true">Public', facet).group(1)
    assert "badges=" not in unescape(chosen) and "q=show" in unescape(chosen)
    both = re.search(r'<a href="([^"]+)">DBS checked', facet).group(1)
    assert parse_qs(urlsplit(unescape(both)).query)["badges"] == ["insurance", "dbs"]
    _, narrowed = _follow(fire, both)
    assert _titles(narrowed) == ["Checked act show"]


def test_the_count_and_pages_are_in_arabic_on_an_arabic_page(talent, in_talent):
    oud = in_talent.provider("فرقة بغداد", badges=["id"])
    for i in range(3):
        in_talent.listing(oud, f"عازف عود {i}", category="oud", currency="IQD", price=150_000)
    in_talent.reindex()

    _, html = _page(talent, {"page_size": "2"})

    assert "3 نتائج · الصفحة 1 من 2" in html
    assert 'aria-label="الصفحة 2">2</a>' in html
    assert "تم التحقق من الهوية" in html.split('id="facet-badges"', 1)[1]

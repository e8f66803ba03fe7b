"""A provider's exact coordinates never leave the server except to the provider.

The public sees them snapped to a 0.01° grid; distances shown are measured to that grid
point; the radius filter still uses the exact coordinates.
"""

import base64
import json
import math
import zlib

from django_tenants.utils import tenant_context

from tests.support.client import api
from tests.support.factories.accounts import api_token_for
from tests.support.search import get

EXACT = (51.507351, -0.127758)
PUBLIC = (51.51, -0.13)  # the grid point: two decimals of a degree


def _km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(h))


def _along(start, towards, times):
    """A point on the line from ``start`` through ``towards``, ``times`` their distance away."""
    return tuple(s + (t - s) * times for s, t in zip(start, towards, strict=True))


def _exact_digits_in(text: str) -> bool:
    return "507351" in text or "127758" in text


def _cursor_payload(cursor: str) -> str:
    """What anyone can read in a cursor: django.core.signing's payload is only base64 of
    (compressed) JSON, not encrypted."""
    payload = cursor.split(":")[0]
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_public_endpoints_show_the_grid_point_and_the_owner_the_exact_place(fire, in_fire):
    performer = in_fire.provider("Pinpoint Fire", lat=EXACT[0], lon=EXACT[1])
    in_fire.listing(performer, "Fire show at home", category="fire")
    in_fire.reindex()
    client = api(fire, own_address=True)

    detail = client.get(f"/api/v1/providers/{performer.pk}/")
    assert detail.status_code == 200
    assert (detail.json()["latitude"], detail.json()["longitude"]) == PUBLIC

    # Searched from the exact spot, the distance shown is to the grid point, not 0.
    shown = round(_km(EXACT, PUBLIC), 1)
    assert shown == 0.3
    point = {"lat": EXACT[0], "lon": EXACT[1], "radius_km": 5, "sort": "distance"}
    _, providers = get(fire, "providers", **point)
    _, listings = get(fire, "listings", **point)
    _, text_listings = get(fire, "listings", q="fire show", **point)
    for body in (providers, listings, text_listings):
        assert [hit["distance_km"] for hit in body["results"]] == [shown]

    responses = [
        detail,
        client.get(f"/api/v1/providers/{performer.pk}/listings/"),
        client.get(f"/api/v1/providers/{performer.pk}/vouches/"),
        client.get("/api/v1/search/suggest/", {"q": "pinpoint"}),
    ]
    bodies = [r.content.decode() for r in responses] + [
        json.dumps(b) for b in (providers, listings, text_listings)
    ]
    assert not [body for body in bodies if _exact_digits_in(body)]

    with tenant_context(fire):
        own = api(fire, HTTP_AUTHORIZATION=f"Bearer {api_token_for(performer.user)}")
    mine = own.get("/api/v1/provider-profile/").json()
    assert (mine["latitude"], mine["longitude"]) == EXACT


def test_a_distance_sorted_cursor_does_not_carry_the_exact_distance(fire, in_fire):
    in_fire.provider("First", lat=EXACT[0], lon=EXACT[1])
    in_fire.provider("Second", lat=EXACT[0] + 0.05, lon=EXACT[1])
    in_fire.reindex()
    origin = (EXACT[0] - 0.1, EXACT[1])

    _, page = get(fire, "providers", lat=origin[0], lon=origin[1], sort="distance", page_size=1)

    assert [hit["display_name"] for hit in page["results"]] == ["First"]
    payload = _cursor_payload(page["next_cursor"])
    exact_km = _km(origin, EXACT)
    public_km = _km(origin, PUBLIC)
    assert abs(exact_km - public_km) > 0.2
    # The cursor holds the distance to the grid point (what anyone may know), not the exact
    # one (which would give the exact place from three such searches).
    keys = json.loads(payload)["k"]
    assert abs(keys[0] - public_km) < 0.001, keys


def test_the_radius_filter_uses_the_exact_place(fire, in_fire):
    performer = in_fire.provider("Just outside", lat=EXACT[0], lon=EXACT[1])
    in_fire.listing(performer, "Fire show at home", category="fire")
    in_fire.reindex()
    # Beyond the grid point, on the line from the exact place through it: the grid point is
    # ~0.33 km nearer the search point than the provider really is.
    point = _along(EXACT, PUBLIC, 20)
    exact_km, public_km = _km(point, EXACT), _km(point, PUBLIC)
    radius = exact_km - 0.3
    assert public_km < radius < exact_km

    near = {"lat": point[0], "lon": point[1]}

    for kind, text in (("providers", {}), ("listings", {}), ("listings", {"q": "fire show"})):
        _, outside = get(fire, kind, radius_km=radius, **near, **text)
        _, inside = get(fire, kind, radius_km=exact_km + 0.01, **near, **text)
        assert outside["results"] == [], (kind, text)
        assert len(inside["results"]) == 1, (kind, text)

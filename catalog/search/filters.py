"""Query building blocks shared by listing and provider search: text, geo, availability, keysets."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import (
    BooleanField,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import (
    Coalesce,
    NullIf,
)

from accounts.models import User
from catalog.models import ProviderProfile
from catalog.search.index import search_config
from catalog.search.params import GeoPoint
from catalog.selectors.availability import available_on

EARTH_DIAMETER_KM = 12742.0
KM_PER_DEGREE_LAT = 111.045
# Trigram matches that are not text matches rank below any title/tag/description text match
# (ts_rank_cd of a single A-weight hit is about 0.1; see docs in catalog/search/__init__.py).
TRIGRAM_RANK_WEIGHT = 0.05
# Rows without coordinates sort after every real distance (half the equator is ~20,000 km).
NO_LOCATION_KM = 40_000.0


def text_query(q: str) -> SearchQuery:
    return SearchQuery(q, search_type="websearch", config=search_config())


class WordSimilar(Func):
    """``q <% field``: word_similarity(q, field) above pg_trgm.word_similarity_threshold.

    (The ``trigram_word_similar`` lookup needs django.contrib.postgres installed; this does not.)
    """

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, q: str, field_name: str):
        super().__init__(Value(q), F(field_name))


def text_match(q: str, *, trigram_field: str) -> Q:
    """Full-text match OR a typo-tolerant title match.

    ``<%`` is pg_trgm's word-similarity operator (word_similarity(q, title) >
    pg_trgm.word_similarity_threshold, 0.6 by default): it compares the query with the best
    matching stretch of the title, so a misspelt word in a long title still matches, and it is
    served by the title's gin_trgm_ops index.
    """
    return Q(search_vector=text_query(q)) | Q(WordSimilar(q, trigram_field))


# Listing search adds typo (trigram) matches only when the text search finds fewer than this.
TYPO_FALLBACK_BELOW = 20


# A misspelt word is replaced by the nearest dictionary word at least this similar.
CORRECTION_MIN_SIMILARITY = 0.2

_CORRECTED_TEXT = r"""(
    SELECT string_agg(coalesce((
        SELECT CASE WHEN similarity(nearest.word, t.tok) >= %s THEN nearest.word END
        FROM (
            SELECT w.word FROM catalog_searchword AS w ORDER BY w.word <-> t.tok LIMIT 1
        ) AS nearest
    ), t.tok), ' ' ORDER BY t.n)
    FROM regexp_split_to_table(lower(%s), '\s+') WITH ORDINALITY AS t(tok, n)
    WHERE t.tok <> ''
)"""


def corrected_query(q: str) -> SearchQuery:
    """``q`` with each word replaced by the nearest word of listing titles (catalog_searchword,
    trigram GiST, K-nearest-neighbour): "fier breathing" → "fire breathing". Known words are
    their own nearest neighbour, so they stay."""
    text = RawSQL(_CORRECTED_TEXT, [CORRECTION_MIN_SIMILARITY, q], output_field=TextField())
    return SearchQuery(text, search_type="websearch", config=search_config())


# The providers whose users' accounts are off: their listings and names stay out of search.
# Listing search reads them with the category tree, suggestions as a CTE.
INACTIVE_PROVIDERS_SQL = (
    f"SELECT p.id FROM {ProviderProfile._meta.db_table} p "
    f"JOIN {User._meta.db_table} u ON u.id = p.user_id WHERE NOT u.is_active"
)


def _fewer_than(query_sql: str, params: list) -> tuple[str, list]:
    """True while fewer than TYPO_FALLBACK_BELOW published listings match."""
    return (
        "(SELECT count(*) < %s FROM (SELECT 1 FROM catalog_listing AS g "
        f"WHERE g.status = 'published' AND g.search_vector @@ {query_sql} LIMIT %s) AS gate)",
        [TYPO_FALLBACK_BELOW, *params, TYPO_FALLBACK_BELOW],
    )


def typed_enough_sql(q: str, matches: str) -> tuple[str, list]:
    """True when the typo parts of listing_text_parts would find nothing: the typed text
    matches TYPO_FALLBACK_BELOW rows with every filter (``matches``, a CTE of them), or that
    many published listings without the filters (both typo gates then stay shut). The
    second count runs only when the first falls short."""
    typed_few_sql, typed_few_params = _fewer_than(
        "websearch_to_tsquery(%s::regconfig, %s)", [search_config(), q]
    )
    return (
        f"(CASE WHEN (SELECT count(*) FROM (SELECT 1 FROM {matches} LIMIT %s) AS typed) >= %s "
        f"THEN TRUE ELSE NOT {typed_few_sql} END)",
        [TYPO_FALLBACK_BELOW, TYPO_FALLBACK_BELOW, *typed_few_params],
    )


def listing_text_parts(q: str) -> tuple[Q, Q, Q]:
    """Three disjoint parts of the listing text match.

    1. Full-text rows for ``q`` as typed.
    2. Full-text rows for the corrected query (each word swapped for the nearest title
       word) — a typo in the query.
    3. While the corrected query finds few too: titles word-similar to ``q`` (pg_trgm
       ``<%``) — a typo in the title. Checking word_similarity on every title costs ~10x the
       text search on 100k listings, so it runs only when the cheaper parts found little.

    Parts 2 and 3 are for when (1) finds fewer than TYPO_FALLBACK_BELOW, with the filters and
    without: listing_search adds them only after typed_enough_sql said so. The gate of (3)
    is an uncorrelated sub-select, so PostgreSQL evaluates it once and skips the branch when
    it is false.
    """
    query = text_query(q)
    corrected = corrected_query(q)
    corrected_few_sql, corrected_few_params = _fewer_than(
        f"websearch_to_tsquery(%s::regconfig, {_CORRECTED_TEXT})",
        [search_config(), CORRECTION_MIN_SIMILARITY, q],
    )
    corrected_few = RawSQL(corrected_few_sql, corrected_few_params, output_field=BooleanField())
    fts = Q(search_vector=query)
    typo_in_query = ~Q(search_vector=query) & Q(search_vector=corrected)
    typo_in_title = (
        ~Q(search_vector=query)
        & ~Q(search_vector=corrected)
        & Q(corrected_few)
        & Q(WordSimilar(q, "title"))
    )
    return fts, typo_in_query, typo_in_title


def text_rank(q: str, *, trigram_field: str) -> Expression:
    """ts_rank_cd for text matches; rows matched only by a typo get a small word-similarity
    score instead. COALESCE stops at the first non-null, so word_similarity (the costlier
    call) runs only for the few rows the text search missed."""
    rank = SearchRank(F("search_vector"), text_query(q), cover_density=True)
    typo_score = TrigramWordSimilarity(q, trigram_field) * Value(TRIGRAM_RANK_WEIGHT)
    return Coalesce(NullIf(rank, Value(0.0)), typo_score, output_field=FloatField())


def listing_text_rank(q: str) -> Expression:
    """As text_rank, with rows found through the corrected query ranked by it, after every
    row that matched as typed (halved) and before title-typo rows.

    Plain ts_rank (weights and frequency), not cover density: a listing search ranks every
    match of a broad query, and ts_rank_cd costs about half as much again (bench/search.py);
    for short titles and tags the two orderings barely differ."""
    rank = SearchRank(F("search_vector"), text_query(q), cover_density=False)
    corrected = SearchRank(F("search_vector"), corrected_query(q), cover_density=False)
    typo_score = TrigramWordSimilarity(q, "title") * Value(TRIGRAM_RANK_WEIGHT)
    return Coalesce(
        NullIf(rank, Value(0.0)),
        NullIf(corrected * Value(0.5), Value(0.0)),
        typo_score,
        output_field=FloatField(),
    )


class DistanceKm(Func):
    """Great-circle (haversine) distance in km from ``point`` to the row's ``lat``/``lon``
    (field names or expressions); NULL where the latitude is.

    One node with hand-written SQL: as a tree of ORM functions (Radians, Cast, Sin, Power,
    Least, Case …) it was resolved and compiled node by node on every geo search, which
    cost more Python time than the distances took to compute.

    Rounding can push the haversine term a hair over 1 (asin would fail), so LEAST clamps
    it, evaluating the term once. LEAST skips NULLs, which would turn a row without
    coordinates into half the equator: hence the CASE on the latitude.
    """

    output_field = FloatField()

    def __init__(self, point: GeoPoint, lat: Any, lon: Any):
        super().__init__(lat, lon)
        self.point = point

    def as_sql(self, compiler, connection, *args, **extra_context):
        lat_sql, lat_params = compiler.compile(self.source_expressions[0])
        lon_sql, lon_params = compiler.compile(self.source_expressions[1])
        lat_r = f"radians(({lat_sql})::float8)"
        sql = (
            f"(CASE WHEN ({lat_sql}) IS NULL THEN NULL ELSE %s * asin(sqrt(least("
            f"power(sin(({lat_r} - %s) / 2), 2) + %s * cos({lat_r}) "
            f"* power(sin((radians(({lon_sql})::float8) - %s) / 2), 2), 1.0))) END)"
        )
        p_lat = math.radians(self.point.lat)
        params = [
            *lat_params,
            EARTH_DIAMETER_KM,
            *lat_params,
            p_lat,
            math.cos(p_lat),
            *lat_params,
            *lon_params,
            math.radians(self.point.lon),
        ]
        return sql, params


def tags_mask(tags) -> int:
    """The bits of Listing.tags_signature for these tags (the SQL function of migration
    0011, in Python: bit = first byte of md5(tag) mod 63)."""
    mask = 0
    for tag in tags:
        mask |= 1 << (hashlib.md5(tag.encode()).digest()[0] % 63)
    return mask


class ListingTagsMatch(Func):
    """The listing's tags overlap (``all_of=False``) or contain ``tags``; the signature is
    tested first, and the tag strings only where its bits allow a match. CASE fixes that
    order: as two ANDed conditions of equal estimated cost it would be the planner's."""

    output_field = BooleanField()

    def __init__(self, tags, *, all_of: bool):
        super().__init__(F("tags_signature"), F("tags"))
        self.tags = list(tags)
        self.all_of = all_of

    def as_sql(self, compiler, connection, *args, **extra_context):
        signature_sql, signature_params = compiler.compile(self.source_expressions[0])
        tags_sql, tags_params = compiler.compile(self.source_expressions[1])
        mask = tags_mask(self.tags)
        if self.all_of:
            test, test_params, op = f"({signature_sql} & %s) = %s", [mask, mask], "@>"
        else:
            test, test_params, op = f"({signature_sql} & %s) <> 0", [mask], "&&"
        sql = f"(CASE WHEN {test} THEN {tags_sql} {op} %s::varchar[] ELSE FALSE END)"
        return sql, [*signature_params, *test_params, *tags_params, self.tags]


def _deg(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def bounding_box(point: GeoPoint, radius_km: float, *, prefix: str = "") -> Q:
    """A lat/lon rectangle around the circle: lets the (latitude, longitude) b-tree prefilter.

    Near the poles, or where the box would cross the antimeridian, only latitude is bounded.
    """
    dlat = radius_km / KM_PER_DEGREE_LAT
    q = Q(
        **{
            f"{prefix}latitude__gte": _deg(max(-90.0, point.lat - dlat)),
            f"{prefix}latitude__lte": _deg(min(90.0, point.lat + dlat)),
        }
    )
    cos_lat = math.cos(math.radians(point.lat))
    if cos_lat > 0.01:
        dlon = radius_km / (KM_PER_DEGREE_LAT * cos_lat)
        if point.lon - dlon >= -180 and point.lon + dlon <= 180:
            q &= Q(
                **{
                    f"{prefix}longitude__gte": _deg(point.lon - dlon),
                    f"{prefix}longitude__lte": _deg(point.lon + dlon),
                }
            )
    return q


def available_on_q(day: dt.date, *, provider_ref: str) -> Q:
    """Providers working that day (catalog.selectors.availability.available_on, the
    calendar's rule)."""
    return available_on(day, provider_field=provider_ref)


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset ordering. ``nullable`` keys must be descending (NULLS FIRST)."""

    name: str
    descending: bool
    kind: str = "float"  # how the cursor stores it: float | int | decimal | datetime
    nullable: bool = False

    def order_by(self):
        return F(self.name).desc() if self.descending else F(self.name).asc()

    def dump(self, value: Any) -> Any:
        if value is None:
            return None
        if self.kind == "decimal":
            return str(value)
        if self.kind == "datetime":
            return value.isoformat()
        return value

    def load(self, raw: Any) -> Any:
        if raw is None:
            if not self.nullable:
                raise ValueError("null key")
            return None
        if self.kind == "decimal":
            return Decimal(str(raw))
        if self.kind == "datetime":
            return dt.datetime.fromisoformat(raw)
        if self.kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError("int key")
            return raw
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ValueError("float key")
        return float(raw)


def keyset_after(keys: list[SortKey], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the order ``keys`` (lexicographic, last key unique)."""
    after = Q()
    equal_so_far = Q()
    for index, (key, value) in enumerate(zip(keys, values, strict=True)):
        last = index == len(keys) - 1
        if value is None:
            # DESC NULLS FIRST: after a null come the other nulls (decided by later keys),
            # then every non-null value.
            beyond = Q(**{f"{key.name}__isnull": False})
            same = Q(**{f"{key.name}__isnull": True})
        else:
            op = "lt" if key.descending else "gt"
            beyond = Q(**{f"{key.name}__{op}": value})
            same = Q(**{key.name: value})
        after |= equal_so_far & beyond if index else beyond
        if last:
            break
        equal_so_far = equal_so_far & same if index else same
    return after

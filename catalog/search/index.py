"""Full-text vectors of listings and provider profiles, kept by the services that write them.

Weights: A = title / display name, B = tags, category, provider name / tagline,
C = description / bio / place. The text search configuration follows the marketplace's
languages: a single-language English marketplace stems with ``english``; anything else
(Arabic, or several languages mixed) uses ``simple``, which does not stem but never mangles.
"""

from collections.abc import Iterable

from django.db import connection

LANGUAGE_CONFIGS = {"en": "english"}


def search_config() -> str:
    marketplace = getattr(connection, "tenant", None)
    languages = list(getattr(marketplace, "languages", None) or ["en"])
    if len(languages) == 1:
        return LANGUAGE_CONFIGS.get(languages[0], "simple")
    return "simple"


_LISTING_SQL = """
UPDATE catalog_listing AS l SET search_vector =
    setweight(to_tsvector(%(cfg)s::regconfig, coalesce(l.title, '')), 'A')
    || setweight(to_tsvector(%(cfg)s::regconfig,
           array_to_string(l.tags, ' ') || ' ' || c.name || ' ' || p.display_name), 'B')
    || setweight(to_tsvector(%(cfg)s::regconfig,
           regexp_replace(coalesce(l.description, ''), '<[^>]+>', ' ', 'g')
           || ' ' || l.location_name), 'C')
FROM catalog_category AS c, catalog_providerprofile AS p
WHERE c.id = l.category_id AND p.id = l.provider_id {where}
"""

_PROFILE_SQL = """
UPDATE catalog_providerprofile AS p SET search_vector =
    setweight(to_tsvector(%(cfg)s::regconfig, p.display_name), 'A')
    || setweight(to_tsvector(%(cfg)s::regconfig,
           p.tagline || ' ' || array_to_string(p.tags, ' ')), 'B')
    || setweight(to_tsvector(%(cfg)s::regconfig, p.bio || ' ' || p.location_name), 'C')
WHERE TRUE {where}
"""


def _run(sql: str, alias: str, ids: Iterable[int] | None) -> None:
    params: dict = {"cfg": search_config()}
    where = ""
    if ids is not None:
        params["ids"] = list(ids)
        where = f"AND {alias}.id = ANY(%(ids)s)"
    with connection.cursor() as cursor:
        cursor.execute(sql.format(where=where), params)


def listings_reindex(ids: Iterable[int] | None = None) -> None:
    """Recompute the vectors of these listings (all of them when ``ids`` is None), and add
    their title words to the typo-correction dictionary."""
    ids = None if ids is None else [int(i) for i in ids]
    _run(_LISTING_SQL, "l", ids)
    titles = "SELECT to_tsvector('simple', title) FROM catalog_listing"
    if ids is not None:
        if not ids:
            return
        titles += " WHERE id IN (" + ",".join(str(i) for i in ids) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_searchword (word) SELECT word FROM ts_stat(%s) "
            "WHERE length(word) BETWEEN 3 AND 100 ON CONFLICT DO NOTHING",
            [titles],
        )


def profiles_reindex(ids: Iterable[int] | None = None) -> None:
    """Recompute the vectors of these provider profiles (all when ``ids`` is None)."""
    _run(_PROFILE_SQL, "p", ids)

"""Autocomplete: listing titles, category names and provider names for what is being typed."""

from __future__ import annotations

from django.db import connection

from config.errors import InvalidInput

# Titles: the first CANDIDATES published titles the trigram index offers (no ORDER BY, so the
# scan stops early), then ranked; ranking every match of a short prefix ("fi") would sort tens
# of thousands of rows on a large marketplace.
_SUGGEST_SQL = """
WITH q AS (SELECT %(q)s::text AS q, %(prefix)s::text AS prefix),
active AS (SELECT p.id, p.display_name FROM catalog_providerprofile p
           JOIN accounts_user u ON u.id = p.user_id WHERE u.is_active),
titles AS (SELECT l.title FROM catalog_listing l
            WHERE l.status = 'published' AND %(q)s <%% l.title
              AND l.provider_id IN (SELECT id FROM active)
            LIMIT %(candidates)s)
(SELECT 'listing' AS kind, t.title AS text, NULL::text AS slug,
        max((t.title ILIKE q.prefix)::int + word_similarity(q.q, t.title)) AS score
   FROM titles t, q
  GROUP BY t.title
  ORDER BY score DESC, t.title LIMIT %(limit)s)
UNION ALL
(SELECT 'category', c.name, c.slug,
        (c.name ILIKE q.prefix)::int + word_similarity(q.q, c.name)
   FROM catalog_category c, q
  WHERE c.name ILIKE q.prefix OR q.q <%% c.name OR c.names::text ILIKE %(contains)s
  ORDER BY 4 DESC LIMIT %(limit)s)
UNION ALL
(SELECT 'provider', a.display_name, a.id::text,
        (a.display_name ILIKE q.prefix)::int + word_similarity(q.q, a.display_name)
   FROM active a, q
  WHERE a.display_name ILIKE q.prefix OR q.q <%% a.display_name
  ORDER BY 4 DESC LIMIT %(limit)s)
"""

SUGGEST_LIMIT = 10
CANDIDATES = 200
SUGGEST_MIN_LENGTH = 2


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_suggest(*, q: str, limit: int = SUGGEST_LIMIT) -> list[dict]:
    """Up to ``limit`` completions for what the user is typing: listing titles, category
    names and provider names that start with ``q`` (best) or resemble it (pg_trgm word
    similarity, so "fier" still suggests "Fire breathing"). One query."""
    q = " ".join(q.split())
    if len(q) < SUGGEST_MIN_LENGTH:
        raise InvalidInput(
            f"Type at least {SUGGEST_MIN_LENGTH} characters.",
            details={"q": [f"At least {SUGGEST_MIN_LENGTH} characters."]},
        )
    escaped = _like_escape(q[:100])
    with connection.cursor() as cursor:
        cursor.execute(
            _SUGGEST_SQL,
            {
                "q": q[:100],
                "prefix": f"{escaped}%",
                "contains": f"%{escaped}%",
                "limit": limit,
                "candidates": CANDIDATES,
            },
        )
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (-row[3], row[1].lower()))
    seen: set[tuple[str, str]] = set()
    suggestions = []
    for kind, text, slug, score in rows:
        if (kind, text.lower()) in seen:
            continue
        seen.add((kind, text.lower()))
        item = {"kind": kind, "text": text, "score": round(float(score), 3)}
        if kind == "category":
            item["slug"] = slug
        elif kind == "provider":
            item["id"] = int(slug)
        suggestions.append(item)
        if len(suggestions) == limit:
            break
    return suggestions

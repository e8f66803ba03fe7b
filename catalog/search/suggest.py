"""Autocomplete: listing titles, category names and provider names for what is being typed."""

from __future__ import annotations

import re

from django.db import connection
from django.utils.translation import gettext as _

from catalog.search.filters import CORRECTION_MIN_SIMILARITY, INACTIVE_PROVIDERS_SQL
from catalog.search.index import search_config
from config.errors import InvalidInput

# Titles come from the full-text index, not from a similarity scan of every title: what is
# typed becomes a text query on the titles' lexemes (weight A) over the title-word dictionary
# (catalog_searchword, a few thousand rows with a trigram GiST index). Each complete word is
# kept when the dictionary knows it, else it stands for its ALTERNATIVES nearest words ("fier"
# → fiery | fire | fired); the word being typed becomes the dictionary words it begins (up
# to COMPLETIONS, shortest first) or, when it begins none, its nearest words ("walkng" →
# walking). A word that begins and resembles no title word is in no title: the query is then
# NULL, which matches nothing without reading the index. The first CANDIDATES published
# titles matching the query (no ORDER BY, so the bitmap scan stops early) are then ranked by
# resemblance. A trigram scan of titles checked thousands of lossy index hits against their
# rows when the text resembled little (slowest for a mistyped start, e.g. "fier br").
# A category is matched by its name and its names in other languages, and suggested by the one
# that resembles the text best: Arabic typed on talent-iq suggests the Arabic name.
_SUGGEST_SQL = f"""
WITH q AS (SELECT %(q)s::text AS q, %(prefix)s::text AS prefix),
tokens AS (SELECT tok, n, n = max(n) OVER () AS typing
             FROM regexp_split_to_table(lower(%(q)s), '\\s+') WITH ORDINALITY AS t(tok, n)
            WHERE tok <> ''),
complete AS (
    SELECT t.n, coalesce(
        (SELECT quote_literal(w.word) || ':A' FROM catalog_searchword w WHERE w.word = t.tok),
        (SELECT string_agg(quote_literal(nearest.word) || ':A', ' | ')
           FROM (SELECT w.word FROM catalog_searchword w
                  ORDER BY w.word <-> t.tok LIMIT %(alternatives)s) AS nearest
          WHERE similarity(nearest.word, t.tok) >= %(similarity)s),
        quote_literal(t.tok) || ':A') AS words
      FROM tokens t WHERE NOT t.typing),
typed AS (SELECT tok FROM tokens WHERE typing),
completions AS (
    (SELECT w.word FROM catalog_searchword w, typed
      WHERE w.word LIKE replace(replace(replace(typed.tok, '\\', '\\\\'), '%%', '\\%%'),
                                '_', '\\_') || '%%'
      ORDER BY length(w.word), w.word LIMIT %(completions)s)),
last_word AS (
    SELECT word FROM completions
    UNION ALL
    SELECT nearest.word FROM typed, LATERAL (
        SELECT w.word FROM catalog_searchword w ORDER BY w.word <-> typed.tok
         LIMIT %(alternatives)s) AS nearest
     WHERE NOT EXISTS (SELECT 1 FROM completions)
       AND similarity(nearest.word, typed.tok) >= %(similarity)s),
text_query AS (
    SELECT to_tsquery(%(config)s::regconfig,
                      coalesce((SELECT string_agg('(' || words || ')', ' & ' ORDER BY n)
                                  FROM complete) || ' & ', '')
                      || '(' || (SELECT string_agg(quote_literal(word) || ':A', ' | ')
                                   FROM last_word)
                      || ')') AS query),
inactive AS ({INACTIVE_PROVIDERS_SQL}),
titles AS (SELECT l.title FROM catalog_listing l, text_query
            WHERE l.status = 'published' AND l.search_vector @@ text_query.query
              AND l.provider_id NOT IN (SELECT id FROM inactive)
            LIMIT %(candidates)s)
(SELECT 'listing' AS kind, t.title AS text, NULL::text AS slug,
        max((t.title ILIKE q.prefix)::int + word_similarity(q.q, t.title)) AS score
   FROM titles t, q
  GROUP BY t.title
  ORDER BY score DESC, t.title LIMIT %(limit)s)
UNION ALL
(SELECT * FROM (
    SELECT DISTINCT ON (c.id) 'category', n.name, c.slug,
           (n.name ILIKE q.prefix)::int + word_similarity(q.q, n.name) AS score
      FROM catalog_category c
     CROSS JOIN LATERAL (SELECT c.name UNION ALL SELECT value FROM jsonb_each_text(c.names))
           AS n(name), q
     WHERE n.name ILIKE %(contains)s OR q.q <%% n.name
     ORDER BY c.id, score DESC, n.name = c.name DESC) AS by_category
  ORDER BY 4 DESC LIMIT %(limit)s)
UNION ALL
(SELECT 'provider', p.display_name, p.id::text,
        (p.display_name ILIKE q.prefix)::int + word_similarity(q.q, p.display_name)
   FROM catalog_providerprofile p, q
  WHERE (p.display_name ILIKE %(prefix)s OR %(q)s <%% p.display_name)
    AND p.id NOT IN (SELECT id FROM inactive)
  ORDER BY 4 DESC LIMIT %(limit)s)
"""

SUGGEST_LIMIT = 10
CANDIDATES = 200
COMPLETIONS = 30
ALTERNATIVES = 3
# A misspelt word stands for its nearest dictionary words at least this similar (the search's
# own typo correction threshold).
WORD_SIMILARITY = CORRECTION_MIN_SIMILARITY
SUGGEST_MIN_LENGTH = 2
# The spaces collapsed before counting, written out: regex engines disagree on what \s is
# (Python's holds \x1c-\x1f, ECMAScript's \ufeff), and the API schema's pattern for q, read
# by clients' engines, must count exactly as the server does.
SUGGEST_SPACE = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_SPACES = re.compile(SUGGEST_SPACE + "+")


def suggest_text(q: str) -> str:
    """What is typed with its runs of spaces collapsed and its ends trimmed."""
    return _SPACES.sub(" ", q).strip(" ")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_suggest(*, q: str, limit: int = SUGGEST_LIMIT) -> list[dict]:
    """Up to ``limit`` completions for what the user is typing: listing titles, category
    names and provider names that start with ``q`` (best) or resemble it (pg_trgm word
    similarity, so "fier" still suggests "Fire breathing"). One query."""
    q = suggest_text(q)
    if len(q) < SUGGEST_MIN_LENGTH:
        raise InvalidInput(
            _("Type at least %(limit)s characters.") % {"limit": SUGGEST_MIN_LENGTH},
            details={"q": [_("At least %(limit)s characters.") % {"limit": SUGGEST_MIN_LENGTH}]},
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
                "completions": COMPLETIONS,
                "alternatives": ALTERNATIVES,
                "similarity": WORD_SIMILARITY,
                "config": search_config(),
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

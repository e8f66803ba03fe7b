"""Catalog search: full-text + typo-tolerant matching, filters, facets, keyset pages, suggestions.

Matching: ``websearch_to_tsquery`` with the marketplace's text search configuration against
the weighted vector that ``catalog.search_index`` maintains (A title, B tags/category/provider,
C description/place), OR pg_trgm word similarity of the query to the title / display name
(``q <% title``, threshold pg_trgm.word_similarity_threshold = 0.6) for typos. For listings
the typo half joins only while the text half finds fewer than 20 published listings (see
``filters.listing_text_parts``: trigram checks of a common multi-word query cost ~10x the text
search); providers (a few thousand rows) always use the plain OR.

Ranking: ``ts_rank_cd`` (cover density) over that vector; rows matched only through a typo
score 0.05 × word_similarity instead, so they follow the text matches in similarity order.

Listing search reads the filtered set once (``single_pass``): the page's keys and the facet
counts come from one MATERIALIZED CTE, then the page's rows by primary key with prefetches.
"""

from catalog.search.params import SearchParams, parse_search_params
from catalog.search.selectors import SearchPage, listing_search, provider_search
from catalog.search.suggest import search_suggest

__all__ = [
    "SearchPage",
    "SearchParams",
    "listing_search",
    "parse_search_params",
    "provider_search",
    "search_suggest",
]

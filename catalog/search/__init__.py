"""Catalog search: full-text + typo-tolerant matching, filters, facets, keyset pages, suggestions.

Matching: ``websearch_to_tsquery`` with the marketplace's text search configuration against
the weighted vector that ``catalog.search_index`` maintains (A title, B tags/category/provider,
C description/place). For listings, while the query as typed finds fewer than 20 published
listings, its words are corrected against the dictionary of title words (catalog_searchword,
nearest neighbour by trigram distance) and the corrected query is searched too; only while
that also finds few are titles compared by pg_trgm word similarity (``q <% title``), which
costs ~10x the text search (see ``filters.listing_text_parts``). Providers (a few thousand
rows) always use text OR word similarity of the display name.

Ranking: ``ts_rank`` over that vector for listings (``ts_rank_cd`` for providers); rows
found through the corrected query rank by it, halved, after every row that matched as typed;
rows matched only through a title typo score 0.05 × word_similarity, so they come last.

Listing search reads the filtered set in one statement (``single_pass``): the page's keys and
the facet counts come from one CTE (materialized when text or a point make the rows costly to
find), then the page's rows by primary key with prefetches. Near a point without text, listings
at their own coordinates and listings at their provider's are two parts, one index each.
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

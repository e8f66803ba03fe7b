"""Catalog search: full-text + typo-tolerant matching, filters, facets, keyset pages, suggestions.

Matching: ``websearch_to_tsquery`` with the marketplace's text search configuration against
the weighted vector that ``catalog.search.index`` maintains (A title, B tags/category/provider,
C description/place). For listings, while the query as typed finds fewer than 20 published
listings, its words are corrected against the dictionary of title words (catalog_searchword,
nearest neighbour by trigram distance) and the corrected query is searched too; only while
that also finds few are titles compared by pg_trgm word similarity (``q <% title``), which
costs ~10x the text search (see ``filters.listing_text_parts``). Providers (a few thousand
rows) always use text OR word similarity of the display name.

Ranking: ``ts_rank`` over that vector for listings (``ts_rank_cd`` for providers); rows
found through the corrected query rank by it, halved, after every row that matched as typed;
rows matched only through a title typo score 0.05 × word_similarity, so they come last.

Listing search is one statement (``single_pass``): the page, its hits as PostgreSQL-built
JSON (``hits``: provider, category, type, primary photo, packages, tiers) and the facet counts
come from one CTE (materialized when text or a point make the rows costly to find). The typo
parts join that statement only when the typed words find fewer than 20 listings, filtered and
not (then a second statement). Near a point without text, listings at their own coordinates
and listings at their provider's are two parts, one index each. Tags are tested by a 63-bit
signature (``Listing.tags_signature``) before the tag strings.

Near a point (``geo``), radius filters use the exact coordinates, while the distance a hit
shows and a distance sort orders by are measured to what the public may know: a listing's
own place, or its provider's rounded to the 0.01° grid of ``catalog.selectors.providers``. Exact
distances from three points would give a provider's exact place.

Suggestions (``suggest``) turn what is typed into a text query over the dictionary of title
words, so titles come from the full-text index; categories and providers by prefix or
resemblance.
"""

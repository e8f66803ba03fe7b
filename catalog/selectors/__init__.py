"""Catalog reads, one module per feature.

Each selector owns its select_related / prefetch_related so list endpoints keep a constant
number of queries whatever the page size.
"""

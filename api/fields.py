"""Bounded integer fields for request bodies.

Every integer a client sends has a maximum within its column's range, so an oversized value
is a 400 naming the field instead of a database overflow (a 500, "bigint out of range").
``tests/test_api_bounds.py`` checks the OpenAPI schema: every writable integer of a request
body has a maximum.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers

# Amounts in minor units: at most 10^15 (£10 trillion; a trillion IQD in fils), far beyond
# any price, and exact for clients that read JSON numbers as doubles (below 2^53).
MAX_AMOUNT_MINOR = 10**15
# Row ids: bigint primary keys.
MAX_ID = 2**63 - 1
# Counts and positions: integer columns.
MAX_COUNT = 2**31 - 1


def amount_minor(*, min_value: int = 0, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=min_value, max_value=MAX_AMOUNT_MINOR, **kwargs)


def row_id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(max_value=MAX_ID, **kwargs)


def count(*, min_value: int = 0, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=min_value, max_value=MAX_COUNT, **kwargs)


def currency(known: Iterable[str], **kwargs: Any) -> serializers.ChoiceField:
    """An ISO 4217 code as a client sends it, one of ``known`` (billing's list)."""
    kwargs.setdefault("help_text", "ISO 4217, e.g. GBP, USD, IQD.")
    return serializers.ChoiceField(choices=sorted(known), **kwargs)

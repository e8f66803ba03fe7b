"""Checks shared by the catalog services."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Literal, overload

from django.utils.translation import gettext as _

from config.errors import InvalidInput
from tenants.db import connection

MAX_TAGS = 30
MAX_TAG_LENGTH = 40
COORDINATE_STEP = Decimal("0.000001")


def clean_tags(tags: Iterable[str], *, field: str = "tags") -> list[str]:
    """Lower-cased, stripped, de-duplicated tags in their first-seen order."""
    cleaned: list[str] = []
    for raw in tags:
        tag = " ".join(str(raw).split()).lower()
        if not tag or tag in cleaned:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise InvalidInput(
                _("A tag may have at most %(limit)s characters.") % {"limit": MAX_TAG_LENGTH},
                details={field: [_("Too long: %(tag)s…") % {"tag": tag[:20]}]},
            )
        cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(
            _("At most %(limit)s tags.") % {"limit": MAX_TAGS},
            details={field: [_("At most %(limit)s tags.") % {"limit": MAX_TAGS}]},
        )
    return cleaned


def clean_coordinates(
    latitude: Decimal | None, longitude: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """Both or neither, within WGS 84 ranges, rounded to the six decimals the columns hold."""
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise InvalidInput(
            _("Give both latitude and longitude, or neither."),
            code="invalid_coordinates",
            details={
                "latitude" if latitude is None else "longitude": [_("Required with the other.")]
            },
        )
    try:
        latitude = Decimal(latitude).quantize(COORDINATE_STEP, rounding=ROUND_HALF_EVEN)
        longitude = Decimal(longitude).quantize(COORDINATE_STEP, rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidInput(_("Coordinates must be numbers."), code="invalid_coordinates") from exc
    errors = {}
    if not Decimal(-90) <= latitude <= Decimal(90):
        errors["latitude"] = [_("Must be between -90 and 90.")]
    if not Decimal(-180) <= longitude <= Decimal(180):
        errors["longitude"] = [_("Must be between -180 and 180.")]
    if errors:
        raise InvalidInput(
            _("The coordinates are out of range."), code="invalid_coordinates", details=errors
        )
    return latitude, longitude


@overload
def clean_amount(value: int | None, *, field: str, allow_none: Literal[False]) -> int: ...
@overload
def clean_amount(value: int | None, *, field: str, allow_none: bool = True) -> int | None: ...
def clean_amount(value: int | None, *, field: str, allow_none: bool = True) -> int | None:
    """An amount in minor units: a non-negative integer (never a float or a bool)."""
    if value is None:
        if allow_none:
            return None
        raise InvalidInput(
            _("%(field)s is required.") % {"field": field}, details={field: [_("Required.")]}
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            _("Amounts are whole numbers of minor units."),
            details={field: [_("Must be an integer.")]},
        )
    if value < 0:
        raise InvalidInput(
            _("Amounts may not be negative."),
            code="negative_amount",
            details={field: [_("Must be ≥ 0.")]},
        )
    return value


def marketplace():
    return connection.tenant

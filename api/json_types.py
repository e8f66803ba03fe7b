"""JSON bodies are typed: each field takes the JSON type the schema gives it, and no other.

DRF reads leniently because HTML forms carry only text: a CharField takes ``0`` and stores
``"0"``, an IntegerField takes ``"12"``, a BooleanField takes ``"yes"`` and ``1``. The API reads
JSON (``api.parsers``), where a client that sends ``0`` for a name, or ``"12"`` for a count,
has a bug the answer should name, not hide; and the OpenAPI schema promises the types. So for
data parsed from JSON, each scalar field refuses the other JSON types with DRF's own
``invalid`` message. Form bodies (the multipart file uploads) keep DRF's reading: all their
values are text.

DRF has no setting for this; ``ApiConfig.ready`` installs it once, for every serializer.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from rest_framework import fields

NUMBER = (int, float, Decimal)


def _from_json(field: fields.Field) -> bool:
    root = field.root
    data = getattr(root, "initial_data", None)
    return data is not None and not isinstance(data, QueryDict)


def _text(field: fields.Field, value: Any) -> bool:
    return isinstance(value, str)


def _integer(field: fields.Field, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(field: fields.Field, value: Any) -> bool:
    return isinstance(value, NUMBER) and not isinstance(value, bool)


def _decimal(field: fields.Field, value: Any) -> bool:
    # Documented as a string (exact decimals) when coerced to one, else as a number.
    as_string = getattr(field, "coerce_to_string", True)
    return _text(field, value) if as_string else _number(field, value)


def _boolean(field: fields.Field, value: Any) -> bool:
    return isinstance(value, bool)


RULES: dict[type[fields.Field], Callable[[fields.Field, Any], bool]] = {
    fields.CharField: _text,
    fields.IntegerField: _integer,
    fields.FloatField: _number,
    fields.DecimalField: _decimal,
    fields.BooleanField: _boolean,
}


def _strict(field_class: type[fields.Field], accepts: Callable[[fields.Field, Any], bool]):
    lenient = field_class.to_internal_value

    def to_internal_value(self, data):
        if _from_json(self) and not accepts(self, data):
            self.fail("invalid")
        return lenient(self, data)

    to_internal_value.__doc__ = lenient.__doc__
    return to_internal_value


def install() -> None:
    for field_class, accepts in RULES.items():
        if not getattr(field_class.to_internal_value, "_souk_json_types", False):
            strict = _strict(field_class, accepts)
            strict._souk_json_types = True
            field_class.to_internal_value = strict  # type: ignore[method-assign]

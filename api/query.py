"""Query-string serializers: strict fields that state their own OpenAPI schema, and a base
that refuses what a query string should not hold.

Given to ``extend_schema(parameters=[TheSerializer])``, a serializer's fields become the
operation's query parameters, so the schema is derived from the code that validates them.
Each field here parses exactly what its schema allows (no "12.0" for an integer, no
"20240101" for a date) and says so in ``openapi_schema()``, next to the parsing.

``StrictQuerySerializer.validated_query`` refuses, before any field is read: a parameter the
serializer does not declare (400 ``unknown_filter``, all of them named), one given twice
unless ``repeatable`` (400 ``invalid``), and one given empty (400 ``invalid``, with the
fields' own errors). Messages are translated when raised, in the request's language.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.settings import api_settings

from api.inputs import whole_number
from config.errors import InvalidInput

# DRF's renderer switch (?format=json), taken by every view: not a parameter of ours.
FORMAT = api_settings.URL_FORMAT_OVERRIDE

_NUMBER = re.compile(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Message = Callable[[], str]


class Described(ABC):
    """A field that states its own OpenAPI schema (drf-spectacular adds its help_text)."""

    @abstractmethod
    def openapi_schema(self) -> dict[str, Any]: ...


class DescribedFieldSchema(OpenApiSerializerFieldExtension):
    target_class = Described
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return self.target.openapi_schema()


def _invalid(message: str) -> serializers.ValidationError:
    return serializers.ValidationError(message)


class Text(Described, serializers.Field):
    """Text as sent (not trimmed), at most ``max_length`` characters."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any):
        self.max_length = max_length
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = str(data)
        if self.max_length is not None and len(text) > self.max_length:
            raise _invalid(_("At most %(limit)s characters.") % {"limit": self.max_length})
        return text

    def openapi_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        return schema


class WholeNumber(Described, serializers.Field):
    """An integer written as one (ASCII digits, an optional minus) within the bounds."""

    def __init__(self, *, minimum: int, maximum: int, **kwargs: Any):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        value = whole_number(data, signed=True) if isinstance(data, str) else None
        if value is None:
            raise _invalid(_("Must be a whole number."))
        if value < self.minimum:
            raise _invalid(_("Must be at least %(minimum)s.") % {"minimum": self.minimum})
        if value > self.maximum:
            raise _invalid(_("At most %(limit)s.") % {"limit": self.maximum})
        return value

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


def _non_finite(text: str) -> float | None:
    """nan or inf as Python writes them (told apart from text that is no number at all)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isfinite(value) else value


class Number(Described, serializers.Field):
    """A finite decimal number (ASCII, optional exponent) within the bounds."""

    def __init__(
        self,
        *,
        minimum: float,
        maximum: float,
        out_of_range: Message,
        exclusive_minimum: bool = False,
        **kwargs: Any,
    ):
        self.minimum, self.maximum = minimum, maximum
        self.exclusive_minimum = exclusive_minimum
        self.out_of_range = out_of_range
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> float:
        if not isinstance(data, str) or len(data) > 100:
            raise _invalid(_("Must be a number."))
        value = float(data) if _NUMBER.fullmatch(data) else _non_finite(data)
        if value is None:
            raise _invalid(_("Must be a number."))
        if not math.isfinite(value):
            raise _invalid(_("Must be a finite number."))
        above = value > self.minimum if self.exclusive_minimum else value >= self.minimum
        if not above or value > self.maximum:
            raise _invalid(self.out_of_range())
        return value

    def openapi_schema(self) -> dict[str, Any]:
        schema = {"type": "number", "minimum": self.minimum, "maximum": self.maximum}
        if self.exclusive_minimum:
            schema["exclusiveMinimum"] = True
        return schema


class Flag(Described, serializers.Field):
    """true or false (also 1/0 and yes/no, any case)."""

    TRUE = frozenset({"true", "1", "yes"})
    FALSE = frozenset({"false", "0", "no"})

    def __init__(self, **kwargs: Any):
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> bool:
        word = str(data).strip().lower()
        if word in self.TRUE:
            return True
        if word in self.FALSE:
            return False
        raise _invalid(_("Must be true or false."))

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class IsoDate(Described, serializers.Field):
    """A calendar date, YYYY-MM-DD."""

    def __init__(self, **kwargs: Any):
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> dt.date:
        if isinstance(data, str) and _DATE.fullmatch(data):
            try:
                return dt.date.fromisoformat(data)
            except ValueError:
                pass
        raise _invalid(_("Must be a date, YYYY-MM-DD."))

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


class Choice(Described, serializers.Field):
    """One of ``choices``, exactly as written."""

    def __init__(self, choices: Iterable[str], *, message: Message | None = None, **kwargs: Any):
        self.choices = tuple(choices)
        self.message = message
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if data in self.choices:
            return data
        if self.message is not None:
            raise _invalid(self.message())
        raise _invalid(_("Must be one of %(values)s.") % {"values": ", ".join(self.choices)})

    def openapi_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


class Words(Described, serializers.Field):
    """Words separated by commas, or the parameter repeated (it must be ``repeatable``):
    trimmed, lower-cased, blanks and repeats dropped; with ``choices``, each one of them."""

    def __init__(
        self,
        *,
        choices: Iterable[str] | None = None,
        unknown: Callable[[str], str] | None = None,
        **kwargs: Any,
    ):
        self.choices = None if choices is None else tuple(choices)
        self.unknown = unknown
        super().__init__(required=False, **kwargs)

    def to_internal_value(self, data: Any) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for value in data if isinstance(data, list) else [data]:
            for part in str(value).split(","):
                if word := part.strip().lower():
                    seen[word] = None
        words = tuple(seen)
        if self.choices is not None:
            unknown = [word for word in words if word not in self.choices]
            if unknown:
                names = ", ".join(unknown)
                raise _invalid(
                    self.unknown(names)
                    if self.unknown
                    else _("Must be one of %(values)s.") % {"values": ", ".join(self.choices)}
                )
        return words

    def openapi_schema(self) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.choices is not None:
            item["enum"] = list(self.choices)
        return {"type": "array", "items": item, "minItems": 1}


def _values(query: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(query, "getlist", None)
    values = getlist(name) if getlist is not None else [query[name]]
    return [str(value) for value in values]


class StrictQuerySerializer(serializers.Serializer):
    """A query string's parameters, strictly: see the module's docstring."""

    # Parameters that may be given more than once (their fields receive the list of values).
    repeatable: ClassVar[frozenset[str]] = frozenset()
    # An empty value is a mistake (a form field left blank, a template with a missing value),
    # not a request for the default: silently searching without the filter answers a
    # different question than the one asked.
    refuse_empty: ClassVar[bool] = True
    # Each class's own (see get_fields), read from its __dict__: never a parent's.
    _made_fields: ClassVar[dict[str, serializers.Field]]

    def get_fields(self) -> dict[str, serializers.Field]:
        # DRF deep-copies every declared field for every serializer it builds: for twenty
        # fields, most of the cost of the parsing. These fields hold no
        # state but their binding (name, parent), so each serializer binds shallow copies of
        # one deep copy per class.
        cls = type(self)
        made = cls.__dict__.get("_made_fields")
        if made is None:
            made = super().get_fields()
            cls._made_fields = made
        return {name: copy.copy(field) for name, field in made.items()}

    @classmethod
    def invalid_message(cls) -> str:
        return _("Some search parameters are not valid.")

    @classmethod
    def validated_query(cls, query: Mapping[str, Any]) -> dict[str, Any]:
        """The validated values of ``query`` (a QueryDict, or a plain mapping) by field name;
        parameters left out are absent. Raises InvalidInput."""
        allowed = sorted(cls._declared_fields)
        names = [name for name in query if name != FORMAT]
        unknown = sorted(set(names) - set(allowed))
        if unknown:
            raise InvalidInput(
                _("Unknown filter: %(names)s.") % {"names": ", ".join(unknown)},
                code="unknown_filter",
                details={"unknown": unknown, "allowed": allowed},
            )
        values = {name: _values(query, name) for name in names}
        repeated = sorted(
            name
            for name, given in values.items()
            if name not in cls.repeatable and sum(value != "" for value in given) > 1
        )
        if repeated:
            raise InvalidInput(
                _("Give “%(name)s” once.") % {"name": "”, “".join(repeated)},
                details={name: [_("Repeated parameter.")] for name in repeated},
            )
        errors: dict[str, list[str]] = {}
        if cls.refuse_empty:
            for name, given in values.items():
                if "" in given:
                    errors[name] = [_("Must not be empty; leave the parameter out instead.")]
        data = {
            name: [v for v in given if v]
            if name in cls.repeatable
            else next(filter(None, given), "")
            for name, given in values.items()
            if name not in errors
        }
        serializer = cls(data=data)
        if not serializer.is_valid():
            for name, messages in serializer.errors.items():
                found = messages if isinstance(messages, list) else [messages]
                errors.setdefault(name, []).extend(str(message) for message in found)
        if errors:
            raise InvalidInput(cls.invalid_message(), details=errors)
        return dict(serializer.validated_data)

"""Reading what a request sends: a body through its serializer, query values one by one.

Each refusal is an ``InvalidInput`` (400) that names the parameter in ``details``; a value
that was not sent gets the caller's default, an empty or malformed one never does.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from config.errors import InvalidInput

_WHOLE = re.compile(r"[0-9]+")
_SIGNED_WHOLE = re.compile(r"-?[0-9]+")
# Beyond this many digits a number is out of any bound (and int() refuses more than 4,300).
_MAX_DIGITS = 30


def validated(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


def whole_number(text: str, *, signed: bool = False) -> int | None:
    """The integer ``text`` writes in ASCII digits (after a minus only when ``signed``), or
    None when it is no such thing. The one reading of a whole number in a query: callers word
    their own refusals. More than 30 digits read as ±10**30, past any bound."""
    if not (_SIGNED_WHOLE if signed else _WHOLE).fullmatch(text):
        return None
    if len(text.lstrip("-")) > _MAX_DIGITS:
        return -(10**_MAX_DIGITS) if text.startswith("-") else 10**_MAX_DIGITS
    return int(text)


def parse_positive_int(request, name: str, default: int, *, maximum: int) -> int:
    values = request.query_params.getlist(name)
    if not values:
        return default
    if len(values) > 1:
        raise InvalidInput(
            _("Send “%(name)s” once.") % {"name": name},
            details={name: [_("Given more than once.")]},
        )
    value = whole_number(values[0])
    if value is None or not 1 <= value <= maximum:
        bounds = {"name": name, "maximum": f"{maximum:,}"}
        raise InvalidInput(
            _("“%(name)s” must be a whole number from 1 to %(maximum)s.") % bounds,
            details={name: [_("A whole number from 1 to %(maximum)s.") % bounds]},
        )
    return value


def parse_choice(value: str | None, *, name: str, choices: list[str]) -> str | None:
    """A query value that must be one of ``choices``; None when it was not sent."""
    if value is None:
        return None
    if value not in choices:
        raise InvalidInput(
            _("“%(name)s” must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(choices)},
            details={name: [_("One of: %(choices)s.") % {"choices": ", ".join(choices)}]},
        )
    return value


def parse_day_range(request, *, default_days: int = 30) -> tuple[date, date]:
    """``from`` and ``to`` of the query; from today for ``default_days`` when not sent."""
    start = parse_day(request.query_params.get("from"), name="from", default=timezone.localdate())
    end = parse_day(
        request.query_params.get("to"), name="to", default=start + timedelta(days=default_days - 1)
    )
    return start, end


def parse_day(value: str | None, *, name: str, default: date | None = None) -> date:
    """A YYYY-MM-DD query value; ``default`` when it was not sent (an empty value is a 400)."""
    if value is None:
        if default is None:
            raise InvalidInput(
                _("“%(name)s” is required.") % {"name": name},
                details={name: [_("Required (YYYY-MM-DD).")]},
            )
        return default
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidInput(
            _("“%(name)s” is not a date.") % {"name": name},
            code="malformed_date",
            details={name: [_("Use YYYY-MM-DD.")]},
        )
    return parsed

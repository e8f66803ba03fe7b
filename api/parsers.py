"""The API's JSON parser: DRF's, refusing what no field can store.

- **NUL characters**, anywhere in the document. PostgreSQL stores neither a NUL in text nor
  a ``\\u0000`` in jsonb, so a NUL in a dictionary key or a nested value (category ``names``,
  listing-type ``config``) reached the database and failed there, a 500. DRF's CharField
  refuses NUL in plain string fields; free-form JSON fields have no such check.
- **Lone surrogates** (``"\\ud800"``): JSON allows the escape, but the text is not Unicode and
  cannot be encoded as UTF-8 to store or even to echo in an error message (a 500 again).
- **Nesting deeper than Python's parser recurses** (a RecursionError, a 500).

No request needs any of them, so the whole body is a 400 naming the place.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_at(value: Any, path: str = "") -> str | None:
    """Where the first NUL or lone surrogate is in decoded JSON ("names.ar", "tags[2]", ""
    for the top level)."""
    if isinstance(value, str):
        return path if UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if UNSTORABLE.search(key):
                return where
            found = unstorable_at(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = unstorable_at(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            where = unstorable_at(data)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        if where is not None:
            # What cannot be shown is shown as U+FFFD, the replacement character.
            place = UNSTORABLE.sub("\ufffd", where) if where else _("the top level")
            raise ParseError(
                _("The JSON body may not contain NUL characters or lone surrogates (at %(place)s).")
                % {"place": place}
            )
        return data

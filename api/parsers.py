"""The API's JSON parser: DRF's, refusing NUL characters anywhere in the document.

PostgreSQL stores neither a NUL in text nor a ``\\u0000`` in jsonb, so a NUL in a dictionary
key or a nested value (category ``names``, listing-type ``config``) reached the database and
failed there, a 500. DRF's CharField already refuses NUL in plain string fields; free-form
JSON fields have no such check. No request needs one, so the whole body is refused, with the
place of the first NUL.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

NUL = "\x00"


def nul_at(value: Any, path: str = "") -> str | None:
    """Where the first NUL is in decoded JSON ("names.ar", "tags[2]", "" for the root)."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in key:
                return where
            found = nul_at(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_at(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        where = nul_at(data)
        if where is not None:
            # The NUL of a key shown as the symbol for it, U+2400.
            place = where.replace(NUL, "\u2400") if where else "the top level"
            raise ParseError(f"The JSON body may not contain NUL characters (at {place}).")
        return data

"""Error answers as views document them: ``error(description)`` is one status's response in
the schema, in the one error shape (``{"error", "message", "details"}``), and the constants
are the descriptions most operations share.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


# The one error shape of the API, built by api.errors and api.handlers. (No docstring: it
# would become the component's description in the schema.)
class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="A stable code, e.g. `invalid_credentials`.")
    message = serializers.CharField()
    details = serializers.DictField()


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_FOUND = error("`not_found`: unknown here (ids of another marketplace included).")
FORBIDDEN = error("`forbidden`: wrong role.")
UNAUTHENTICATED = error("`not_authenticated`.")
INVALID = error("`invalid` and more specific codes: bad input.")

"""The logged-in user's API tokens: list them, revoke one.

Keys are never shown again after log-in (only their hash is stored); a token is named by its
id, its client's user agent and its dates.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import ApiTokenSerializer
from accounts.selectors import api_tokens_of
from api.responses import error


class TokenListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="The logged-in user's API tokens on this marketplace, newest first (no keys).",
        responses={200: ApiTokenSerializer(many=True), 401: error("`not_authenticated`.")},
        examples=[
            OpenApiExample(
                "Tokens",
                response_only=True,
                status_codes=["200"],
                value=[
                    {
                        "id": 42,
                        "name": "SoukApp/2.1 (iPhone)",
                        "created_at": "2026-12-01T09:30:00Z",
                        "last_used_at": "2026-12-05T18:02:00Z",
                        "expires_at": "2026-12-31T09:30:00Z",
                        "current": True,
                    }
                ],
            )
        ],
    )
    def get(self, request):
        tokens = api_tokens_of(user=request.user)
        serializer = ApiTokenSerializer(tokens, many=True, context={"current": request.auth})
        return Response(serializer.data)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="Revoke one of the logged-in user's API tokens.",
        request=None,
        responses={
            204: None,
            401: error("`not_authenticated`."),
            404: error("`not_found`: no such token of this user on this marketplace."),
        },
    )
    def delete(self, request, id: int):
        services.token_revoke(user=request.user, token_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)

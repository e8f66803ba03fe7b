"""The logged-in user of this marketplace."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import MeUpdateSerializer, UserSerializer
from api.responses import error


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["me"],
        summary="The logged-in user of this marketplace.",
        responses={200: UserSerializer, 401: error("`not_authenticated`.")},
    )
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        tags=["me"],
        summary="Change the display name or preferred language.",
        request=MeUpdateSerializer,
        responses={
            200: UserSerializer,
            400: error("`invalid`."),
            401: error("`not_authenticated`."),
        },
    )
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(UserSerializer(user).data)

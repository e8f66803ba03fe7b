"""Operator side, served on the public host."""

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import AuthView, LogoutView
from accounts.api.serializers import LoginSerializer, TokenSerializer, token_body
from accounts.api.tokens import TokenDetailView, TokenListView
from accounts.services import operator_token_login
from api.responses import error
from tenants import services
from tenants.models import Marketplace
from tenants.presets import all_presets
from tenants.serializers import MarketplaceCreateSerializer, MarketplaceOutSerializer


class IsOperator(BasePermission):
    """A staff user of the public schema (the SaaS operator), never a marketplace's user."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            getattr(request, "tenant", "x") is None
            and user
            and user.is_authenticated
            and user.is_staff
        )


@staff_member_required(login_url="/admin/login/")
def operator_home(request):
    marketplaces = Marketplace.objects.prefetch_related("domains")
    return render(
        request,
        "tenants/operator_home.html",
        {"marketplaces": marketplaces, "presets": all_presets().values()},
    )


def _actor(request) -> str:
    return request.user.email


class MarketplaceListCreate(APIView):
    permission_classes = [IsOperator]

    @extend_schema(responses=MarketplaceOutSerializer(many=True), summary="List marketplaces")
    def get(self, request):
        marketplaces = Marketplace.objects.prefetch_related("domains")
        return Response(MarketplaceOutSerializer(marketplaces, many=True).data)

    @extend_schema(
        request=MarketplaceCreateSerializer,
        responses={
            201: MarketplaceOutSerializer,
            400: error("`invalid`: fields not valid; `taken`: the slug or domain is taken."),
        },
        summary="Launch a marketplace from a preset",
    )
    def post(self, request):
        serializer = MarketplaceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        marketplace = services.marketplace_create(
            preset=data["preset"],
            name=data["name"],
            owner_email=data["owner_email"],
            domain=data.get("domain") or None,
            slug=data.get("slug") or None,
            actor=_actor(request),
        )
        marketplace = Marketplace.objects.prefetch_related("domains").get(pk=marketplace.pk)
        return Response(MarketplaceOutSerializer(marketplace).data, status=status.HTTP_201_CREATED)


class _OneMarketplace(APIView):
    """One marketplace by slug. Each address below offers only its own methods: an action's
    address must not inherit the detail's DELETE."""

    permission_classes = [IsOperator]

    def get_object(self, slug):
        return get_object_or_404(Marketplace.objects.prefetch_related("domains"), slug=slug)


class MarketplaceDetail(_OneMarketplace):
    @extend_schema(responses=MarketplaceOutSerializer, summary="One marketplace")
    def get(self, request, slug):
        return Response(MarketplaceOutSerializer(self.get_object(slug)).data)

    @extend_schema(
        responses={
            200: MarketplaceOutSerializer,
            409: error("`already_deleted`."),
        },
        summary="Delete a marketplace (soft: purged after the grace period, restorable until)",
        description="Needs the operator permission tenants.delete_marketplace. The marketplace "
        "stays readable here, with status `deleted` and `purge_after`, until it is purged.",
    )
    def delete(self, request, slug):
        marketplace = services.marketplace_delete(
            marketplace=self.get_object(slug), actor=request.user
        )
        return Response(MarketplaceOutSerializer(self.get_object(marketplace.slug)).data)


class MarketplaceSuspend(_OneMarketplace):
    @extend_schema(
        request=None,
        responses={
            200: MarketplaceOutSerializer,
            409: error("`already_suspended`, or `deleted` (restore it first)."),
        },
        summary="Suspend",
    )
    def post(self, request, slug):
        marketplace = services.marketplace_suspend(
            marketplace=self.get_object(slug), actor=_actor(request)
        )
        return Response(MarketplaceOutSerializer(self.get_object(marketplace.slug)).data)


class MarketplaceResume(_OneMarketplace):
    @extend_schema(
        request=None,
        responses={
            200: MarketplaceOutSerializer,
            409: error("`already_active`, or `deleted` (restore it first)."),
        },
        summary="Resume",
    )
    def post(self, request, slug):
        marketplace = services.marketplace_resume(
            marketplace=self.get_object(slug), actor=_actor(request)
        )
        return Response(MarketplaceOutSerializer(self.get_object(marketplace.slug)).data)


class MarketplaceRestore(_OneMarketplace):
    @extend_schema(
        request=None,
        responses={
            200: MarketplaceOutSerializer,
            409: error("`not_deleted`, or `grace_period_over`."),
        },
        summary="Restore a deleted marketplace within the grace period",
        description="Needs the operator permission tenants.delete_marketplace.",
    )
    def post(self, request, slug):
        marketplace = services.marketplace_restore(
            marketplace=self.get_object(slug), actor=request.user
        )
        return Response(MarketplaceOutSerializer(self.get_object(marketplace.slug)).data)


@extend_schema(tags=["operator auth"])
class OperatorLogin(AuthView):
    """Log-in of the operator API: tokens live in the public schema, so they are unknown on
    every marketplace host, and a marketplace's tokens are unknown here."""

    @extend_schema(
        summary="Exchange a staff user's e-mail and password for an operator API token.",
        description="For staff users of the operator side only. The token works on the "
        "operator host only, until it expires, the password changes or it is revoked. "
        "Limited per account and per client like a marketplace's log-in.",
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            400: error("`invalid`: missing fields."),
            401: error("`invalid_credentials`: wrong password, unknown or not an operator."),
            429: error(
                "`login_locked`: too many failed attempts for this account or from this "
                "client; see `details.retry_after` and Retry-After. Or `throttled`."
            ),
        },
        examples=[
            OpenApiExample(
                "Wrong password or not an operator",
                response_only=True,
                status_codes=["401"],
                value={
                    "error": "invalid_credentials",
                    "message": "The e-mail address or the password is not correct.",
                    "details": {},
                },
            )
        ],
    )
    def post(self, request):
        issued = operator_token_login(**self.validated(LoginSerializer, request), request=request)
        return Response(token_body(issued))


@extend_schema_view(
    post=extend_schema(
        tags=["operator auth"],
        summary="Revoke this request's operator token (or all of them with "
        '`{"all": true}`) and end the session, if any.',
    )
)
class OperatorLogout(LogoutView):
    permission_classes = [IsOperator]


@extend_schema_view(
    get=extend_schema(
        tags=["operator auth"], summary="The operator's API tokens, newest first (no keys)."
    )
)
class OperatorTokenList(TokenListView):
    permission_classes = [IsOperator]


@extend_schema_view(
    delete=extend_schema(tags=["operator auth"], summary="Revoke one of the operator's tokens.")
)
class OperatorTokenDetail(TokenDetailView):
    permission_classes = [IsOperator]

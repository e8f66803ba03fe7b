"""A user's wallet: balances per currency and ledger history (their own; staff any user's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import parse_positive_int
from api.responses import NOT_FOUND, UNAUTHENTICATED
from billing.models import LedgerAccount
from billing.selectors.wallet import wallet_balances, wallet_ledger

TAGS = ["wallet"]
USER_ID_MAX = 2**62
USER_ID = OpenApiParameter(
    "user_id",
    {"type": "integer", "minimum": 1, "maximum": USER_ID_MAX},
    description="Staff: whose wallet (any user of the marketplace). Others see their own only "
    "(another user's id is a 404).",
)


def _user_id(request) -> int | None:
    return parse_positive_int(request, "user_id", 0, maximum=USER_ID_MAX) or None


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    prepaid_minor = serializers.IntegerField(help_text="A customer's prepaid balance.")
    pending_minor = serializers.IntegerField(
        help_text="A provider's earnings held until their bookings complete (and the release "
        "delay passes)."
    )
    available_minor = serializers.IntegerField(help_text="Earnings that can be paid out.")
    in_flight_minor = serializers.IntegerField(help_text="Payouts requested or sent, not yet paid.")
    paid_out_minor = serializers.IntegerField(help_text="Paid out so far.")


class BalancesSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    balances = BalanceSerializer(many=True)


class LedgerEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField(source="transaction.created_at")
    kind = serializers.CharField(source="transaction.kind", help_text="What moved the money.")
    memo = serializers.CharField(source="transaction.memo")
    subject = serializers.CharField(
        source="transaction.subject", help_text='What it was for, e.g. "booking:12", or "".'
    )
    account = serializers.ChoiceField(source="account.kind", choices=sorted(LedgerAccount.OWNED))
    currency = serializers.CharField(source="account.currency")
    amount_minor = serializers.SerializerMethodField(
        help_text="What the entry added to (positive) or took from the account, as its owner "
        "sees it."
    )
    balance_after_minor = serializers.SerializerMethodField(
        help_text="The account's balance right after this entry."
    )

    def _sign(self, entry) -> int:
        return 1 if entry.account.kind in LedgerAccount.DEBIT_NORMAL else -1

    def get_amount_minor(self, entry) -> int:
        return self._sign(entry) * entry.amount_minor

    def get_balance_after_minor(self, entry) -> int:
        return self._sign(entry) * entry.balance_after


class LedgerPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        # A page_size that is not a whole number in range is a 400, as on every other list.
        return parse_positive_int(request, "page_size", self.page_size, maximum=self.max_page_size)


class LedgerPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next (older) page, or null.")
    previous = serializers.URLField(allow_null=True)
    results = LedgerEntrySerializer(many=True)


class WalletBalancesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Balances per currency: prepaid, pending, available, in flight and paid out.",
        parameters=[USER_ID],
        responses={200: BalancesSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request):
        user_id = _user_id(request)
        balances = wallet_balances(viewer=request.user, user_id=user_id)
        return Response({"user_id": user_id or request.user.pk, "balances": balances})


class WalletLedgerView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Ledger history: the entries on the user's own accounts, newest first.",
        description="Cursor pages (`next` links); each entry carries its account's balance "
        "after it.",
        parameters=[
            USER_ID,
            OpenApiParameter("cursor", str, description="From a `next` or `previous` link."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 200},
                description="1 to 200 (default 50).",
            ),
        ],
        responses={200: LedgerPageSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request):
        entries = wallet_ledger(viewer=request.user, user_id=_user_id(request))
        paginator = LedgerPagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(LedgerEntrySerializer(page, many=True).data)

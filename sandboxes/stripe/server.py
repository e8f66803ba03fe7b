"""The Stripe sandbox's core: secret keys (each its own platform), the Stripe-Account header,
form decoding, idempotency keys, expansion and the error shapes, for every ``/v1/`` route."""

from __future__ import annotations

import itertools
import re
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandboxes.server import Request, Response, Sandbox
from sandboxes.stripe.objects import StripeError, decode_form, expand, new_id, no_such, public
from sandboxes.stripe.webhooks import event_emit

View = Callable[..., Any]
SEQUENCE = itertools.count()


@dataclass
class Platform:
    """One ``sk_test_…`` key: a Stripe platform account with its own objects and events."""

    key: str
    account_id: str = field(default_factory=lambda: new_id("acct", 16))
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[tuple[str | None, str], tuple[str, Response]] = field(default_factory=dict)
    balances: dict[tuple[str | None, str], int] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)  # set by a test hook


@dataclass
class Call:
    """One API call (or test hook) acting on a platform, as itself or a connected account."""

    sandbox: StripeCore
    platform: Platform
    scope: str | None  # the connected account acted as (Stripe-Account), or None
    params: dict[str, Any]
    host: str
    request_id: str = field(default_factory=lambda: new_id("req", 14))
    idempotency_key: str | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    def where(self, scope: str | None | bool) -> str | None:
        """``False`` (the default of the methods below) means where this call acts."""
        return self.scope if isinstance(scope, bool) else scope

    def add(self, obj: dict[str, Any], scope: str | None | bool = False) -> dict[str, Any]:
        obj["_scope"] = self.where(scope)
        obj["_seq"] = next(SEQUENCE)
        self.platform.objects[obj["id"]] = obj
        self.sandbox.owners[obj["id"]] = self.platform
        return obj

    def find(self, object_id: str, scope: str | None | bool = False) -> dict[str, Any] | None:
        obj = self.platform.objects.get(object_id)
        wanted = self.where(scope)
        return obj if obj is not None and obj["_scope"] == wanted else None

    def get(self, kind: str, object_id: str, param: str = "id") -> dict[str, Any]:
        obj = self.find(object_id)
        if obj is None or obj["object"] != kind:
            raise no_such(kind, object_id, param)
        return obj

    def all(self, kind: str, scope: str | None | bool = False) -> list[dict[str, Any]]:
        wanted = self.where(scope)
        return [
            o
            for o in self.platform.objects.values()
            if o["object"] == kind and o["_scope"] == wanted
        ]

    def balance_move(self, currency: str, amount: int, scope: str | None | bool = False) -> None:
        key = (self.where(scope), currency)
        self.platform.balances[key] = self.platform.balances.get(key, 0) + amount

    def balance(self, currency: str, scope: str | None | bool = False) -> int:
        return self.platform.balances.get((self.where(scope), currency), 0)

    def emit(
        self,
        type: str,
        obj: dict[str, Any],
        previous: dict[str, Any] | None = None,
        *,
        scope: str | None | bool = False,
    ) -> dict[str, Any]:
        return event_emit(self, type, obj, previous, scope=scope)

    def render(self, obj: dict[str, Any], paths: list[str] | None = None) -> dict[str, Any]:
        shown = public(obj)
        for path in paths if paths is not None else self.params.get("expand") or []:
            shown = expand(shown, str(path).split("."), self.find)
        return shown


class StripeCore(Sandbox):
    name = "stripe"

    def __init__(self) -> None:
        super().__init__()
        self.platforms: dict[str, Platform] = {}
        self.owners: dict[str, Platform] = {}  # any object id → its platform (for test hooks)
        self.api_routes: list[tuple[str, re.Pattern[str], View]] = []

    def api(self, method: str, pattern: str, view: View) -> None:
        self.api_routes.append((method, re.compile(f"^/v1/{pattern}$"), view))

    def dispatch(self, request: Request) -> Response:
        if not request.path.startswith("/v1/"):
            return super().dispatch(request)
        request_id = new_id("req", 14)
        try:
            return self._api_call(request, request_id)
        except StripeError as error:
            error.error.setdefault(
                "request_log_url", f"https://dashboard.stripe.com/test/logs/{request_id}"
            )
            return error.status, error.body(), {"Request-Id": request_id}
        except Exception:  # a sandbox bug answers as Stripe's own failures do, and is logged
            traceback.print_exc()
            failure = StripeError(500, "An unknown error occurred", type="api_error")
            return 500, failure.body(), {"Request-Id": request_id}

    def _platform(self, request: Request) -> Platform:
        header = request.headers.get("Authorization", "")
        if not header:
            raise StripeError(
                401,
                "You did not provide an API key. You need to provide your API "
                "key in the Authorization header, using Bearer auth (e.g. "
                "'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        key = header.removeprefix("Bearer ").strip()
        if not header.startswith("Bearer ") or not re.match(r"^sk_test_[A-Za-z0-9_]{4,}$", key):
            shown = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if len(key) > 12 else key
            raise StripeError(401, f"Invalid API Key provided: {shown}")
        return self.platforms.setdefault(key, Platform(key))

    def _api_call(self, request: Request, request_id: str) -> Response:
        raw = request.body.decode("utf-8", "replace") if request.method == "POST" else ""
        # stripe-python numbers list items (expand[0]=…), so the query's keys are distinct
        pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True) + list(request.query.items())
        found = [
            (match, view)
            for method, pattern, view in self.api_routes
            if method == request.method and (match := pattern.match(request.path))
        ]
        if not found:
            raise StripeError(
                404,
                f"Unrecognized request URL ({request.method}: {request.path})."
                " Please see https://stripe.com/docs or we can help at "
                "https://support.stripe.com/.",
            )
        with self.lock:
            platform = self._platform(request)
            scope = request.headers.get("Stripe-Account") or None
            if scope is not None and self._connected(platform, scope) is None:
                raise StripeError(
                    403,
                    f"The provided key '{platform.key[:8]}…' does not have "
                    f"access to account '{scope}' (or that account does not "
                    "exist). Application access may have been revoked.",
                    code="account_invalid",
                )
            self._fault(platform, request.path)
            key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
            fingerprint = f"{request.method} {request.path} {sorted(pairs)}"
            if key and (scope, key) in platform.idempotency:
                seen, (status, body, headers) = platform.idempotency[(scope, key)]
                if seen != fingerprint:
                    raise StripeError(
                        400,
                        "Keys for idempotent requests can only be used with "
                        "the same parameters they were first used with. Try using "
                        f"a key other than '{key}' if you meant to execute a "
                        "different request.",
                        type="idempotency_error",
                    )
                return status, body, {**headers, "Idempotent-Replayed": "true"}
            call = Call(
                self,
                platform,
                scope,
                decode_form(pairs),
                request.headers.get("Host", "127.0.0.1"),
                request_id,
                key,
            )
            headers = {"Request-Id": request_id}
            if key:
                headers["Idempotency-Key"] = key
            try:
                match, view = found[0]
                answer = view(call, **match.groupdict())
                response: Response = (200, call.render(answer), headers)
            except StripeError as error:
                if error.status != 402:  # a refused card is a result; bad input is not kept
                    raise
                response = (402, error.body(), headers)
            if key:
                platform.idempotency[(scope, key)] = (fingerprint, response)
            return response

    @staticmethod
    def _fault(platform: Platform, path: str) -> None:
        """Answer a failure the test asked for (POST /__sandbox/faults): a 5xx, or a 429."""
        for fault in platform.faults:
            if fault["count"] > 0 and path.startswith(fault["path"]):
                fault["count"] -= 1
                if fault["status"] == 429:
                    raise StripeError(429, "Request rate limit exceeded. Learn more about rate "
                                      "limits here https://stripe.com/docs/rate-limits.",
                                      code="rate_limit")  # fmt: skip
                raise StripeError(fault["status"], "An unknown error occurred", type="api_error")

    @staticmethod
    def _connected(platform: Platform, account: str) -> dict[str, Any] | None:
        found = platform.objects.get(account)
        return found if found and found["object"] == "account" else None

    def call_for(self, object_id: str, host: str = "127.0.0.1") -> tuple[Call, dict[str, Any]]:
        """A call acting where ``object_id`` lives (for test hooks and hosted pages)."""
        platform = self.owners.get(object_id)
        if platform is None:
            raise no_such("object", object_id)
        obj = platform.objects[object_id]
        return Call(self, platform, obj["_scope"], {}, host), obj

"""Stripe's shapes: ids, errors, form decoding with brackets, lists, expansion, test cards."""

from __future__ import annotations

import copy
import secrets
import string
import time
from typing import Any

ALPHABET = string.ascii_letters + string.digits
API_VERSION = "2026-08-26.dahlia"

# Stripe's presentment currencies (lower case, as Stripe writes them). IQD is not one of them.
CURRENCIES = frozenset(
    code
    for line in (
        "usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bif bmd bnd bob brl",
        "bsd bwp byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur",
        "fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jpy kes",
        "kgs khr kmf krw kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr",
        "mwk mxn myr mzn nad ngn nio nok npr nzd pab pen pgk php pkr pln pyg qar ron rsd",
        "rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs top try ttd twd tzs",
        "uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw",
    )
    for code in line.split()
)
# The smallest charge Stripe takes, in minor units (its documented minimums; others: 50).
MINIMUM_CHARGE = {"usd": 50, "eur": 50, "gbp": 30, "aed": 200, "jpy": 50, "chf": 50, "cad": 50}

# Stripe's test payment methods: brand, last4, and how a charge with them ends.
# behaviour: ok | auth_always (3DS on every payment, 4000002760003184) | auth_on_setup (3DS
# until set up for future use, 4000002500003155) | decline:<decline_code> (refused when
# attached or charged) | charge_fail:<decline_code> (attaches, then every charge is refused,
# 4000000000000341) | dispute (succeeds, then the cardholder disputes it, 4000000000000259).
CARDS = {
    "visa": ("visa", "4242", "ok"),
    "visa_debit": ("visa", "5556", "ok"),
    "mastercard": ("mastercard", "4444", "ok"),
    "amex": ("amex", "8431", "ok"),
    "chargeDeclined": ("visa", "0002", "decline:generic_decline"),
    "visa_chargeDeclined": ("visa", "0002", "decline:generic_decline"),
    "chargeCustomerFail": ("visa", "0341", "charge_fail:generic_decline"),
    "chargeDeclinedInsufficientFunds": ("visa", "9995", "decline:insufficient_funds"),
    "chargeDeclinedExpiredCard": ("visa", "0069", "decline:expired_card"),
    "authenticationRequired": ("visa", "3184", "auth_always"),
    "authenticationRequiredOnSetup": ("visa", "3155", "auth_on_setup"),
    "createDispute": ("visa", "0259", "dispute"),
}
DECLINE_MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "expired_card": "Your card has expired.",
}


def decline_code(behaviour: str) -> str | None:
    """The decline code a charge with this test card gets, or None when it goes through."""
    kind, _, code = behaviour.partition(":")
    return code if kind in ("decline", "charge_fail") else None


class StripeError(Exception):
    """An error answered in Stripe's shape: ``{"error": {type, code, message, param, ...}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        **extra: Any,
    ):
        super().__init__(message)
        self.status = status
        self.error: dict[str, Any] = {"message": message, "type": type}
        if code:
            self.error["code"] = code
            self.error["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            self.error["param"] = param
        self.error.update(extra)

    def body(self) -> dict[str, Any]:
        return {"error": self.error}


def new_id(prefix: str, length: int = 24) -> str:
    return f"{prefix}_{''.join(secrets.choice(ALPHABET) for _ in range(length))}"


def now() -> int:
    return int(time.time())


def missing(param: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def invalid(param: str, message: str, code: str = "parameter_invalid") -> StripeError:
    return StripeError(400, message, code=code, param=param)


def no_such(kind: str, object_id: str, param: str = "id") -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


# --- form bodies ----------------------------------------------------------------------------
def _path(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    parts = [head]
    while rest:
        inner, _, rest = rest.partition("]")
        parts.append(inner)
        rest = rest[1:] if rest.startswith("[") else ""
    return parts


def _listify(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _listify(value) for key, value in node.items()}
        if node and all(key.isdigit() or key == "" for key in node):
            return [node[key] for key in sorted(node, key=lambda k: int(k or 0))]
    return node


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0]=x&expand[]=y`` → ``{"a": {"b": ["x"]}, "expand": ["y"]}``, as Stripe reads it."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = _path(key)
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "":  # a[]=x appends
                part = str(sum(1 for k in node if k.isdigit() or k == ""))
            if last:
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise invalid(parts[0], f"Invalid hash: {parts[0]}", "parameter_invalid_hash")
                node = child
    return _listify(root)


def unknown_check(params: dict[str, Any], allowed: set[str]) -> None:
    for name in params:
        if name not in allowed and name != "expand":
            raise StripeError(
                400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name
            )


def as_int(params: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing(name)
        return None
    if not isinstance(value, str) or not value.lstrip("-").isdigit():
        raise invalid(name, f"Invalid integer: {value}", "parameter_invalid_integer")
    return int(value)


def as_bool(params: dict[str, Any], name: str, default: bool = False) -> bool:
    value = params.get(name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise invalid(name, f"Invalid boolean: {value}")
    return value == "true"


def as_str(params: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value in (None, ""):
        if required:
            raise missing(name)
        return None
    if not isinstance(value, str):
        raise invalid(name, f"Invalid string: {name} must be a string")
    return value


def as_map(params: dict[str, Any], name: str) -> dict[str, Any]:
    value = params.get(name) or {}
    if not isinstance(value, dict):
        raise invalid(name, f"Invalid hash: {name}", "parameter_invalid_hash")
    return value


def as_currency(params: dict[str, Any], name: str = "currency") -> str:
    currency = (as_str(params, name, required=True) or "").lower()
    if currency not in CURRENCIES:
        raise invalid(
            name,
            f"Invalid currency: {currency}. Stripe currently supports these "
            "currencies: " + ", ".join(sorted(CURRENCIES)),
        )
    return currency


def metadata(params: dict[str, Any], current: dict[str, str] | None = None) -> dict[str, str]:
    """Stripe merges metadata on update; an empty value removes a key."""
    merged = dict(current or {})
    for key, value in as_map(params, "metadata").items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return merged


def base(prefix: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": new_id(prefix), "object": kind, "created": now(), "livemode": False, **fields}


# --- rendering ------------------------------------------------------------------------------
def public(obj: Any) -> Any:
    """The object as Stripe shows it: our bookkeeping keys (``_…``) left out."""
    if isinstance(obj, dict):
        return {k: public(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, list):
        return [public(v) for v in obj]
    return copy.copy(obj)


def expand(obj: Any, path: list[str], lookup) -> Any:
    """Replace the id at ``path`` (``latest_charge``, ``data.payment_intent``…) by its object."""
    if not path or not isinstance(obj, dict):
        return obj
    head, rest = path[0], path[1:]
    if head == "data" and obj.get("object") == "list":
        obj["data"] = [expand(item, rest, lookup) for item in obj["data"]]
        return obj
    value = obj.get(head)
    if isinstance(value, str):
        found = lookup(value)
        if found is not None:
            obj[head] = value = public(found)
    if isinstance(value, dict):
        obj[head] = expand(value, rest, lookup)
    return obj


COMPARE = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}


def _created_matches(created: int, wanted: Any) -> bool:
    """``created=<unix>`` or ``created[gte]=…&created[lt]=…``, as Stripe's list filters."""
    if wanted is None:
        return True
    if isinstance(wanted, str):
        return wanted.isdigit() and created == int(wanted)
    if not isinstance(wanted, dict) or not set(wanted) <= set(COMPARE):
        raise invalid("created", "Invalid created: use created[gt|gte|lt|lte]=<unix time>")
    bounds = {op: as_int(wanted, op) for op in wanted}
    return all(COMPARE[op](created, bound) for op, bound in bounds.items() if bound is not None)


def matching(
    items: list[dict[str, Any]], params: dict[str, Any], fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The ``items`` whose ``fields`` equal the list filters ``params`` names (Stripe's
    ``?customer=cus_…&transfer_group=…``)."""
    for name in fields:
        wanted = as_str(params, name)
        if wanted:
            items = [item for item in items if item[name] == wanted]
    return items


def list_of(items: list[dict[str, Any]], url: str, params: dict[str, Any]) -> dict[str, Any]:
    """A page of ``items`` (newest first) with Stripe's cursor parameters."""
    items = sorted(items, key=lambda o: (o.get("created", 0), o.get("_seq", 0)), reverse=True)
    items = [
        item for item in items if _created_matches(item.get("created", 0), params.get("created"))
    ]
    limit = as_int(params, "limit") or 10
    if not 1 <= limit <= 100:
        raise invalid("limit", "This value must be between 1 and 100.")
    ids = [item["id"] for item in items]
    after, before = as_str(params, "starting_after"), as_str(params, "ending_before")
    if after:
        if after not in ids:
            raise no_such("object", after, "starting_after")
        items = items[ids.index(after) + 1 :]
    elif before:
        if before not in ids:
            raise no_such("object", before, "ending_before")
        items = items[: ids.index(before)][-limit:]
    page = items[:limit]
    return {"object": "list", "data": page, "has_more": len(items) > limit, "url": url}

"""Connect accounts: Express accounts and their onboarding links. An account can take
transfers and pay out only once onboarded (its ``transfers`` capability active,
``payouts_enabled``), as at Stripe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandboxes.stripe.objects import (
    StripeError,
    as_map,
    as_str,
    base,
    invalid,
    list_of,
    metadata,
    missing,
    new_id,
    no_such,
    now,
    unknown_check,
)

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

DUE = [
    "business_profile.url",
    "external_account",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
    "tos_acceptance.ip",
]
CURRENCY_OF = {
    "GB": "gbp",
    "FR": "eur",
    "DE": "eur",
    "IE": "eur",
    "NL": "eur",
    "ES": "eur",
    "IT": "eur",
    "AE": "aed",
    "CA": "cad",
    "AU": "aud",
    "CH": "chf",
    "JP": "jpy",
}
ACCOUNT_FIELDS = {
    "type",
    "country",
    "email",
    "capabilities",
    "business_type",
    "metadata",
    "business_profile",
    "controller",
    "settings",
    "tos_acceptance",
    "default_currency",
    "individual",
    "company",
}


def _requirements(due: list[str]) -> dict[str, Any]:
    return {
        "currently_due": list(due),
        "eventually_due": list(due),
        "past_due": list(due),
        "pending_verification": [],
        "errors": [],
        "alternatives": [],
        "current_deadline": None,
        "disabled_reason": "requirements.past_due" if due else None,
    }


# --- /v1/accounts ---------------------------------------------------------------------------
def accounts_create(call: Call) -> dict[str, Any]:
    unknown_check(call.params, ACCOUNT_FIELDS)
    if call.scope:
        raise StripeError(400, "Only a platform can create connected accounts.")
    controller = as_map(call.params, "controller")
    dashboard = (controller.get("stripe_dashboard") or {}).get("type")
    kind = as_str(call.params, "type") or {
        "express": "express",
        "full": "standard",
        "none": "custom",
    }.get(dashboard or "")
    if kind not in ("express", "standard", "custom"):
        raise missing("type") if kind is None else invalid("type", f"Invalid type: {kind}")
    requested = {
        name
        for name, spec in as_map(call.params, "capabilities").items()
        if isinstance(spec, dict) and spec.get("requested") == "true"
    }
    if kind != "standard" and not requested:
        raise invalid(
            "capabilities",
            "You must request at least one capability (transfers "
            "or card_payments) for an account of this type.",
        )
    country = (as_str(call.params, "country") or "US").upper()
    profile = as_map(call.params, "business_profile")
    account = base(
        "acct",
        "account",
        type=kind,
        country=country,
        email=as_str(call.params, "email"),
        business_type=as_str(call.params, "business_type"),
        default_currency=CURRENCY_OF.get(country, "usd"),
        capabilities={name: "inactive" for name in sorted(requested)},
        charges_enabled=False,
        payouts_enabled=False,
        details_submitted=False,
        requirements=_requirements(DUE),
        future_requirements=_requirements([]),
        business_profile={
            "name": profile.get("name"),
            "url": profile.get("url"),
            "mcc": profile.get("mcc"),
            "product_description": profile.get("product_description"),
            "support_email": None,
        },
        controller={
            "type": "application",
            "is_controller": True,
            "stripe_dashboard": {
                "type": dashboard
                or {"express": "express", "standard": "full", "custom": "none"}[kind]
            },
        },
        external_accounts={
            "object": "list",
            "data": [],
            "has_more": False,
            "total_count": 0,
            "url": "",
        },
        settings={
            "payouts": {
                "schedule": {"interval": "daily", "delay_days": 2},
                "statement_descriptor": None,
            }
        },
        tos_acceptance={"date": None},
        metadata=metadata(call.params),
    )
    account["id"] = new_id("acct", 16)
    account["external_accounts"]["url"] = f"/v1/accounts/{account['id']}/external_accounts"
    return call.add(account, None)


def account_onboard(call: Call, account: dict[str, Any]) -> dict[str, Any]:
    """The account holder finished onboarding: enabled, and account.updated sent (Connect)."""
    if account["details_submitted"] and account["charges_enabled"]:
        return account
    keys = (
        "charges_enabled",
        "payouts_enabled",
        "details_submitted",
        "capabilities",
        "requirements",
    )
    previous = {key: account[key] for key in keys}
    bank = {
        "id": new_id("ba"),
        "object": "bank_account",
        "account": account["id"],
        "bank_name": "STRIPE TEST BANK",
        "country": account["country"],
        "currency": account["default_currency"],
        "last4": "6789",
        "status": "new",
        "default_for_currency": True,
    }
    account.update(
        charges_enabled=True,
        payouts_enabled=True,
        details_submitted=True,
        capabilities={name: "active" for name in account["capabilities"]},
        requirements=_requirements([]),
        tos_acceptance={"date": now()},
    )
    account["external_accounts"].update(data=[bank], total_count=1)
    call.emit("account.updated", account, previous, scope=account["id"])
    return account


def connected(call: Call, account_id: str) -> dict[str, Any] | None:
    found = call.platform.objects.get(account_id)
    return found if found is not None and found["object"] == "account" else None


def accounts_retrieve(call: Call, id: str) -> dict[str, Any]:
    """The platform sees its connected accounts; a connected account (Stripe-Account) itself."""
    account = connected(call, id)
    if account is None or (call.scope and id != call.scope):
        raise no_such("account", id, "account")
    return account


def account_own(call: Call) -> dict[str, Any]:
    if call.scope:
        return accounts_retrieve(call, call.scope)
    return {
        "id": call.platform.account_id,
        "object": "account",
        "type": "standard",
        "country": "US",
        "default_currency": "usd",
        "charges_enabled": True,
        "payouts_enabled": True,
        "details_submitted": True,
        "email": None,
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "metadata": {},
    }


def accounts_update(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, ACCOUNT_FIELDS - {"type", "country", "controller"})
    account = accounts_retrieve(call, id)
    previous: dict[str, Any] = {}
    if "email" in call.params:
        previous["email"], account["email"] = account["email"], as_str(call.params, "email")
    if "metadata" in call.params:
        previous["metadata"] = account["metadata"]
        account["metadata"] = metadata(call.params, account["metadata"])
    call.emit("account.updated", account, previous, scope=account["id"])
    return account


def accounts_list(call: Call) -> dict[str, Any]:
    unknown_check(call.params, {"limit", "starting_after", "ending_before", "created"})
    return list_of(call.all("account", None), "/v1/accounts", call.params)


def account_links_create(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {"account", "type", "refresh_url", "return_url", "collect", "collection_options"},
    )
    account = accounts_retrieve(call, as_str(call.params, "account", required=True) or "")
    kind = as_str(call.params, "type", required=True)
    if kind not in ("account_onboarding", "account_update"):
        raise invalid("type", f"Invalid type: {kind}")
    if kind == "account_update" and account["type"] != "custom":
        raise invalid("type", "account_update links are for custom accounts only.")
    refresh = as_str(call.params, "refresh_url", required=True)
    back = as_str(call.params, "return_url", required=True)
    link = {
        "id": new_id("link", 32),
        "object": "_account_link",
        "account": account["id"],
        "refresh_url": refresh,
        "return_url": back,
        "used": False,
        "expires_at": now() + 300,
    }
    call.add(link, None)
    return {
        "object": "account_link",
        "created": now(),
        "expires_at": link["expires_at"],
        "url": f"{call.base_url}/setup/e/{account['id']}/{link['id']}",
    }


def register(sandbox: StripeCore) -> None:
    sandbox.api("POST", "accounts", accounts_create)
    sandbox.api("GET", "accounts", accounts_list)
    sandbox.api("GET", "account", account_own)
    sandbox.api("GET", "accounts/(?P<id>[^/]+)", accounts_retrieve)
    sandbox.api("POST", "accounts/(?P<id>[^/]+)", accounts_update)
    sandbox.api("POST", "account_links", account_links_create)

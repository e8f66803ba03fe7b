"""Money on Connect: Transfers and their reversals, Payouts and the balance. Balances are
simplified: what a charge brings is available at once (Stripe holds it pending for days)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandboxes.stripe.objects import (
    StripeError,
    as_currency,
    as_int,
    as_str,
    base,
    invalid,
    list_of,
    matching,
    metadata,
    new_id,
    now,
    unknown_check,
)

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

from sandboxes.stripe.accounts import connected

INSUFFICIENT = (
    "You have insufficient available funds in your Stripe account. Try adding funds "
    "directly to your available balance by creating Charges using the "
    "4000000000000077 test card."
)


# --- /v1/transfers --------------------------------------------------------------------------
def transfers_create(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "amount",
            "currency",
            "destination",
            "transfer_group",
            "source_transaction",
            "description",
            "metadata",
            "source_type",
        },
    )
    amount = as_int(call.params, "amount", required=True) or 0
    if amount <= 0:
        raise invalid("amount", "Invalid positive integer", "parameter_invalid_integer")
    currency = as_currency(call.params)
    target = as_str(call.params, "destination", required=True) or ""
    destination = call.find(target, None)
    if destination is None or destination["object"] != "account":
        raise StripeError(
            400, f"No such destination: '{target}'", code="resource_missing", param="destination"
        )
    if destination["capabilities"].get("transfers") != "active":
        raise StripeError(
            400,
            "Your destination account needs to have at least one of the "
            "following capabilities enabled: transfers, crypto_transfers, "
            "legacy_payments",
            code="insufficient_capabilities_for_transfer",
            param="destination",
        )
    source = as_str(call.params, "source_transaction")
    if source:
        charge = call.get("charge", source, "source_transaction")
        if charge["status"] != "succeeded":
            raise invalid("source_transaction", f"Charge {source} has not succeeded.")
        if charge["currency"] != currency:
            raise invalid(
                "currency",
                f"The currency of source_transaction's balance "
                f"transaction ({charge['currency']}) must be the same as the "
                f"transfer currency ({currency})",
            )
        sent = sum(
            t["amount"] - t["amount_reversed"]
            for t in call.all("transfer", None)
            if t["source_transaction"] == source
        )
        if amount + sent > charge["amount"] - charge["amount_refunded"]:
            raise StripeError(
                400,
                f"The transfer amount exceeds what is left of the source transaction {source}.",
                code="balance_insufficient",
                param="amount",
            )
    elif call.balance(currency) < amount:
        raise StripeError(400, INSUFFICIENT, code="balance_insufficient")
    return transfer_make(call, destination["id"], amount, currency, source)


def transfer_make(
    call: Call, destination: str, amount: int, currency: str, source: str | None
) -> dict[str, Any]:
    transfer = base(
        "tr",
        "transfer",
        amount=amount,
        amount_reversed=0,
        currency=currency,
        destination=destination,
        destination_payment=new_id("py"),
        reversed=False,
        source_transaction=source,
        source_type="card",
        transfer_group=as_str(call.params, "transfer_group"),
        description=as_str(call.params, "description"),
        metadata=metadata(call.params),
        balance_transaction=new_id("txn"),
    )
    transfer["reversals"] = {
        "object": "list",
        "data": [],
        "has_more": False,
        "total_count": 0,
        "url": f"/v1/transfers/{transfer['id']}/reversals",
    }
    call.add(transfer, None)
    call.balance_move(currency, -amount, None)
    call.balance_move(currency, amount, destination)
    call.emit("transfer.created", transfer, scope=None)
    return transfer


def transfer_reverse(
    call: Call, transfer: dict[str, Any], amount: int, *, check_balance: bool = True
) -> dict[str, Any]:
    left = transfer["amount"] - transfer["amount_reversed"]
    if amount <= 0 or amount > left:
        raise StripeError(
            400,
            f"Transfer reversal amount ({amount}) is greater than the "
            f"amount left on the transfer ({left}).",
            code="amount_too_large",
            param="amount",
        )
    currency, destination = transfer["currency"], transfer["destination"]
    if check_balance and call.balance(currency, destination) < amount:
        raise StripeError(
            400,
            "The destination account has insufficient funds to cover the reversal.",
            code="balance_insufficient",
        )
    reversal = base(
        "trr",
        "transfer_reversal",
        amount=amount,
        currency=currency,
        transfer=transfer["id"],
        destination_payment_refund=new_id("pyr"),
        source_refund=None,
        metadata=metadata(call.params),
        balance_transaction=new_id("txn"),
    )
    call.add(reversal, None)
    previous = {"amount_reversed": transfer["amount_reversed"], "reversed": transfer["reversed"]}
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] >= transfer["amount"]
    transfer["reversals"]["data"].insert(0, reversal)
    transfer["reversals"]["total_count"] += 1
    call.balance_move(currency, amount, None)
    call.balance_move(currency, -amount, destination)
    call.emit("transfer.reversed", transfer, previous, scope=None)
    return reversal


def reversals_create(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"amount", "description", "metadata", "refund_application_fee"})
    transfer = call.get("transfer", id)
    amount = as_int(call.params, "amount")
    return transfer_reverse(
        call,
        transfer,
        transfer["amount"] - transfer["amount_reversed"] if amount is None else amount,
    )


def reversals_list(call: Call, id: str) -> dict[str, Any]:
    transfer = call.get("transfer", id)
    return list_of(transfer["reversals"]["data"], transfer["reversals"]["url"], call.params)


def transfers_retrieve(call: Call, id: str) -> dict[str, Any]:
    return call.get("transfer", id)


def transfers_update(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"metadata", "description"})
    transfer = call.get("transfer", id)
    transfer["metadata"] = metadata(call.params, transfer["metadata"])
    return transfer


def transfers_list(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {"destination", "transfer_group", "limit", "starting_after", "ending_before", "created"},
    )
    found = matching(call.all("transfer"), call.params, ("destination", "transfer_group"))
    return list_of(found, "/v1/transfers", call.params)


# --- /v1/payouts and /v1/balance ------------------------------------------------------------
def payouts_create(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "amount",
            "currency",
            "description",
            "metadata",
            "method",
            "statement_descriptor",
            "destination",
            "source_type",
        },
    )
    amount = as_int(call.params, "amount", required=True) or 0
    if amount <= 0:
        raise invalid("amount", "Invalid positive integer", "parameter_invalid_integer")
    currency = as_currency(call.params)
    bank = new_id("ba")
    if call.scope:
        account = connected(call, call.scope)
        if not account or not account["payouts_enabled"]:
            raise StripeError(
                400, "Payouts are not enabled for this account.", code="payouts_not_allowed"
            )
        bank = account["external_accounts"]["data"][0]["id"]
    if call.balance(currency) < amount:
        raise StripeError(400, INSUFFICIENT, code="balance_insufficient", param="amount")
    method = as_str(call.params, "method") or "standard"
    payout = base(
        "po",
        "payout",
        amount=amount,
        currency=currency,
        arrival_date=now() + 172800,
        automatic=False,
        description=as_str(call.params, "description"),
        destination=bank,
        failure_code=None,
        failure_message=None,
        method=method,
        metadata=metadata(call.params),
        status="pending",
        type="bank_account",
        statement_descriptor=as_str(call.params, "statement_descriptor"),
        balance_transaction=new_id("txn"),
        source_type="card",
    )
    call.add(payout)
    call.balance_move(currency, -amount)
    call.emit("payout.created", payout)
    return payout


def payout_settle(call: Call, payout: dict[str, Any], outcome: str) -> dict[str, Any]:
    """The bank paid the payout (or returned it): payout.paid / payout.failed."""
    if payout["status"] != "pending" or outcome not in ("paid", "failed"):
        raise invalid("outcome", f"A {payout['status']} payout cannot become {outcome}.")
    previous = {"status": payout["status"]}
    payout["status"] = outcome
    if outcome == "failed":
        payout.update(
            failure_code="account_closed", failure_message="The bank account has been closed."
        )
        call.balance_move(payout["currency"], payout["amount"])
    call.emit(f"payout.{outcome}", payout, previous)
    return payout


def payouts_retrieve(call: Call, id: str) -> dict[str, Any]:
    return call.get("payout", id)


def payouts_list(call: Call) -> dict[str, Any]:
    unknown_check(call.params, {"status", "limit", "starting_after", "ending_before", "created"})
    return list_of(call.all("payout"), "/v1/payouts", call.params)


def balance_retrieve(call: Call) -> dict[str, Any]:
    held = {c: a for (scope, c), a in call.platform.balances.items() if scope == call.scope}
    available = [
        {"amount": amount, "currency": currency, "source_types": {"card": amount}}
        for currency, amount in sorted(held.items())
    ] or [{"amount": 0, "currency": "usd", "source_types": {"card": 0}}]
    pending = [{**row, "amount": 0, "source_types": {"card": 0}} for row in available]
    return {"object": "balance", "available": available, "pending": pending, "livemode": False}


def register(sandbox: StripeCore) -> None:
    sandbox.api("POST", "transfers", transfers_create)
    sandbox.api("GET", "transfers", transfers_list)
    sandbox.api("GET", "transfers/(?P<id>[^/]+)", transfers_retrieve)
    sandbox.api("POST", "transfers/(?P<id>[^/]+)", transfers_update)
    sandbox.api("POST", "transfers/(?P<id>[^/]+)/reversals", reversals_create)
    sandbox.api("GET", "transfers/(?P<id>[^/]+)/reversals", reversals_list)
    sandbox.api("POST", "payouts", payouts_create)
    sandbox.api("GET", "payouts", payouts_list)
    sandbox.api("GET", "payouts/(?P<id>[^/]+)", payouts_retrieve)
    sandbox.api("GET", "balance", balance_retrieve)

"""Charges (made by PaymentIntents), Refunds and Disputes.

Balances are simplified: a charge's money is available on the platform at once (Stripe holds
it pending for days), a refund or a lost dispute takes it back, fees are not deducted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandboxes.stripe.objects import (
    StripeError,
    as_bool,
    as_int,
    as_str,
    base,
    invalid,
    list_of,
    matching,
    metadata,
    new_id,
    unknown_check,
)
from sandboxes.stripe.transfers import transfer_reverse

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

REASONS = {"duplicate", "fraudulent", "requested_by_customer"}


def charge_make(
    call: Call, pi: dict[str, Any], pm: dict[str, Any], failure: tuple[str, str] | None = None
) -> dict[str, Any]:
    """The charge of one attempt: succeeded, or failed with ``(code, message)``."""
    card = {
        k: pm["card"][k]
        for k in ("brand", "last4", "exp_month", "exp_year", "country", "funding", "fingerprint")
    }
    card.update(network=pm["card"]["brand"], three_d_secure=None)
    amount = pi["amount"]
    charge = base(
        "ch",
        "charge",
        amount=amount,
        amount_captured=0 if failure else amount,
        amount_refunded=0,
        currency=pi["currency"],
        customer=pi["customer"],
        description=pi["description"],
        payment_intent=pi["id"],
        payment_method=pm["id"],
        billing_details=pm["billing_details"],
        payment_method_details={"type": "card", "card": card},
        status="failed" if failure else "succeeded",
        paid=not failure,
        captured=not failure,
        refunded=False,
        disputed=False,
        failure_code=failure[0] if failure else None,
        failure_message=failure[1] if failure else None,
        outcome={
            "network_status": "declined_by_network" if failure else "approved_by_network",
            "type": "issuer_declined" if failure else "authorized",
            "risk_level": "normal",
            "reason": None,
            "seller_message": "The bank did not return any further details with this decline."
            if failure
            else "Payment complete.",
        },
        transfer_group=pi["transfer_group"],
        transfer_data=pi["transfer_data"],
        transfer=None,
        application_fee_amount=pi["application_fee_amount"],
        on_behalf_of=pi["on_behalf_of"],
        source_transfer=None,
        balance_transaction=None if failure else new_id("txn"),
        metadata=dict(pi["metadata"]),
        receipt_email=pi["receipt_email"],
        receipt_number=None,
        statement_descriptor=pi["statement_descriptor"],
        receipt_url=f"{call.base_url}/receipts/{pi['id']}",
    )
    return call.add(charge)


# --- /v1/charges ----------------------------------------------------------------------------
def charges_retrieve(call: Call, id: str) -> dict[str, Any]:
    return call.get("charge", id)


def charges_list(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "payment_intent",
            "customer",
            "transfer_group",
            "limit",
            "starting_after",
            "ending_before",
            "created",
        },
    )
    found = matching(
        call.all("charge"), call.params, ("payment_intent", "customer", "transfer_group")
    )
    return list_of(found, "/v1/charges", call.params)


# --- /v1/refunds ----------------------------------------------------------------------------
def _refunded_charge(call: Call) -> dict[str, Any]:
    intent, charge_id = as_str(call.params, "payment_intent"), as_str(call.params, "charge")
    if not intent and not charge_id:
        raise StripeError(
            400,
            "One of the following params should be provided for this "
            "request: payment_intent or charge.",
            code="parameter_missing",
        )
    if charge_id:
        return call.get("charge", charge_id, "charge")
    pi = call.get("payment_intent", intent or "", "payment_intent")
    if pi["status"] != "succeeded" or not pi["latest_charge"]:
        raise StripeError(
            400,
            f"This PaymentIntent ({pi['id']}) does not have a successful charge to refund.",
            code="charge_not_refundable",
            param="payment_intent",
        )
    return call.get("charge", pi["latest_charge"])


def refunds_create(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {
            "payment_intent",
            "charge",
            "amount",
            "reason",
            "metadata",
            "reverse_transfer",
            "refund_application_fee",
            "instructions_email",
            "origin",
        },
    )
    charge = _refunded_charge(call)
    left = charge["amount_captured"] - charge["amount_refunded"]
    if charge["status"] != "succeeded":
        raise StripeError(
            400,
            f"Charge {charge['id']} has not succeeded; it cannot be refunded.",
            code="charge_not_refundable",
        )
    if charge["disputed"] and call.find(charge["_dispute"])["status"] != "won":  # type: ignore[index]
        raise StripeError(
            400,
            f"Charge {charge['id']} has been charged back; cannot issue a refund.",
            code="charge_disputed",
        )
    if left <= 0:
        raise StripeError(
            400, f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded"
        )
    amount = as_int(call.params, "amount")
    amount = left if amount is None else amount
    if amount <= 0:
        raise invalid("amount", "Invalid positive integer", "parameter_invalid_integer")
    if amount > left:
        raise StripeError(
            400,
            f"Refund amount ({amount} {charge['currency']}) is greater than "
            f"unrefunded amount on charge ({left} {charge['currency']})",
            code="amount_too_large",
            param="amount",
        )
    reason = as_str(call.params, "reason")
    if reason is not None and reason not in REASONS:
        raise invalid("reason", "Invalid reason: must be one of " + ", ".join(sorted(REASONS)))
    reversal = None
    if as_bool(call.params, "reverse_transfer"):
        if not charge["transfer"]:
            raise invalid(
                "reverse_transfer",
                "This charge has no transfer to reverse: "
                "reverse_transfer is for destination charges (transfer_data). Reverse "
                "a separate transfer with POST /v1/transfers/{id}/reversals.",
            )
        transfer = call.get("transfer", charge["transfer"])
        share = amount * transfer["amount"] // charge["amount"]  # proportionally, as Stripe
        reversal = transfer_reverse(call, transfer, share, check_balance=False)["id"]
    refund = base(
        "re",
        "refund",
        amount=amount,
        charge=charge["id"],
        currency=charge["currency"],
        payment_intent=charge["payment_intent"],
        reason=reason,
        metadata=metadata(call.params),
        status="succeeded",
        balance_transaction=new_id("txn"),
        receipt_number=None,
        source_transfer_reversal=None,
        transfer_reversal=reversal,
        destination_details={
            "type": "card",
            "card": {
                "reference_status": "pending",
                "reference_type": "acquirer_reference_number",
                "type": "refund",
            },
        },
    )
    call.add(refund)
    previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    call.balance_move(charge["currency"], -amount)
    call.emit("refund.created", refund)
    call.emit("charge.refunded", charge, previous)
    return refund


def refund_fail(call: Call, refund: dict[str, Any]) -> None:
    """The bank gave the refund back (test hook): the money returns to the balance."""
    if refund["status"] == "failed":
        return
    charge = call.get("charge", refund["charge"])
    previous = {"status": refund["status"]}
    refund.update(
        status="failed",
        failure_reason="expired_or_canceled_card",
        failure_balance_transaction=new_id("txn"),
    )
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    call.balance_move(charge["currency"], refund["amount"])
    call.emit("refund.updated", refund, previous)
    call.emit("refund.failed", refund, previous)


def refunds_retrieve(call: Call, id: str) -> dict[str, Any]:
    return call.get("refund", id)


def refunds_update(call: Call, id: str) -> dict[str, Any]:
    unknown_check(call.params, {"metadata"})
    refund = call.get("refund", id)
    refund["metadata"] = metadata(call.params, refund["metadata"])
    call.emit("refund.updated", refund, {})
    return refund


def refunds_list(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {"payment_intent", "charge", "limit", "starting_after", "ending_before", "created"},
    )
    found = matching(call.all("refund"), call.params, ("payment_intent", "charge"))
    return list_of(found, "/v1/refunds", call.params)


# --- disputes (opened and closed by test hooks) ---------------------------------------------
def dispute_open(
    call: Call, charge: dict[str, Any], reason: str = "fraudulent", amount: int | None = None
) -> dict[str, Any]:
    if charge["status"] != "succeeded" or charge["disputed"]:
        raise invalid("charge", f"Charge {charge['id']} cannot be disputed now.")
    amount = amount or charge["amount"] - charge["amount_refunded"]
    withdrawal = {
        "id": new_id("txn"),
        "object": "balance_transaction",
        "amount": -amount,
        "currency": charge["currency"],
        "type": "adjustment",
    }
    dispute = base(
        "dp",
        "dispute",
        amount=amount,
        currency=charge["currency"],
        charge=charge["id"],
        payment_intent=charge["payment_intent"],
        reason=reason,
        status="needs_response",
        is_charge_refundable=False,
        metadata={},
        balance_transactions=[withdrawal],
        evidence={},
        evidence_details={
            "due_by": charge["created"] + 7 * 86400,
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
    )
    call.add(dispute)
    charge.update(disputed=True, _dispute=dispute["id"])
    call.balance_move(charge["currency"], -amount)
    call.emit("charge.dispute.created", dispute)
    call.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def dispute_close(call: Call, dispute: dict[str, Any], outcome: str) -> dict[str, Any]:
    if outcome not in ("won", "lost"):
        raise invalid("outcome", "outcome is won or lost")
    if dispute["status"] in ("won", "lost"):
        raise invalid("dispute", f"Dispute {dispute['id']} is already closed.")
    previous = {"status": dispute["status"]}
    dispute["status"] = outcome
    if outcome == "won":
        dispute["balance_transactions"].append(
            {
                "id": new_id("txn"),
                "object": "balance_transaction",
                "amount": dispute["amount"],
                "currency": dispute["currency"],
                "type": "adjustment",
            }
        )
        call.balance_move(dispute["currency"], dispute["amount"])
        call.emit("charge.dispute.funds_reinstated", dispute)
    call.emit("charge.dispute.closed", dispute, previous)
    return dispute


def disputes_retrieve(call: Call, id: str) -> dict[str, Any]:
    return call.get("dispute", id)


def disputes_list(call: Call) -> dict[str, Any]:
    unknown_check(
        call.params,
        {"charge", "payment_intent", "limit", "starting_after", "ending_before", "created"},
    )
    found = matching(call.all("dispute"), call.params, ("charge", "payment_intent"))
    return list_of(found, "/v1/disputes", call.params)


def register(sandbox: StripeCore) -> None:
    sandbox.api("GET", "charges", charges_list)
    sandbox.api("GET", "charges/(?P<id>[^/]+)", charges_retrieve)
    sandbox.api("POST", "refunds", refunds_create)
    sandbox.api("GET", "refunds", refunds_list)
    sandbox.api("GET", "refunds/(?P<id>[^/]+)", refunds_retrieve)
    sandbox.api("POST", "refunds/(?P<id>[^/]+)", refunds_update)
    sandbox.api("GET", "disputes", disputes_list)
    sandbox.api("GET", "disputes/(?P<id>[^/]+)", disputes_retrieve)

"""The hosted pages a payer or an account holder visits: Checkout (``/c/pay/<session>``), the
3-D Secure challenge (``/3ds/<intent>``) and Express onboarding (``/setup/e/<acct>/<link>``).
Plain HTML forms; submitting one runs the same outcome logic as the test hooks."""

from __future__ import annotations

import html
import urllib.parse
from typing import TYPE_CHECKING, Any

from sandboxes.server import Request, Response
from sandboxes.stripe.accounts import account_onboard
from sandboxes.stripe.checkout import session_get, session_pay
from sandboxes.stripe.objects import CARDS, StripeError, now
from sandboxes.stripe.payment_intents import pi_attempt, pi_fail
from sandboxes.stripe.setup_intents import si_attempt

if TYPE_CHECKING:
    from sandboxes.stripe.server import Call, StripeCore

HTML = {"Content-Type": "text/html; charset=utf-8"}


def _page(title: str, body: str, status: int = 200) -> Response:
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return status, page, HTML


def _redirect(url: str) -> Response:
    return 303, b"", {"Location": url}


def _money(amount: int | None, currency: str | None) -> str:
    return f"{amount or 0} {(currency or '').upper()} (minor units)"


def _session_done(session: dict[str, Any]) -> Response:
    url = (session["success_url"] or "").replace("{CHECKOUT_SESSION_ID}", session["id"])
    return _redirect(url) if url else _page("Payment complete", "<p>Thank you.</p>")


def checkout_page(sandbox: StripeCore, request: Request) -> Response:
    host = request.headers.get("Host", "127.0.0.1")
    with sandbox.lock:
        try:
            call, found = sandbox.call_for(request.params["id"], host)
            session = session_get(call, found["id"])
        except StripeError:
            return _page("Checkout", "<p>This page is not found.</p>", 404)
        if session["status"] != "open":
            return _page("Checkout", f"<p>This Checkout Session is {session['status']}.</p>")
        if request.method == "GET":
            return _checkout_form(session)
        form = request.form()
        if form.get("action") == "cancel":
            return _redirect(session["cancel_url"] or "/")
        try:
            session_pay(call, session, form.get("card", "visa"))
        except StripeError as error:
            return _checkout_form(session, str(error), 402)
        if session["status"] == "complete":
            return _session_done(session)
        return _redirect(f"/3ds/{session['payment_intent'] or session['setup_intent']}")


def _checkout_form(session: dict[str, Any], error: str = "", status: int = 200) -> Response:
    cards = "".join(
        f"<label><input type='radio' name='card' value='{name}'{' checked' * (name == 'visa')}>"
        f" {brand} •••• {last4} ({name})</label><br>"
        for name, (brand, last4, _) in CARDS.items()
    )
    due = _money(session["amount_total"], session["currency"])
    body = (
        f"<p>Pay {html.escape(due)}</p>"
        + (f"<p role='alert'>{html.escape(error)}</p>" if error else "")
        + f"<form method='post'>{cards}<button name='action' value='pay'>Pay</button> "
        "<button name='action' value='cancel'>Cancel</button></form>"
    )
    return _page("Stripe Checkout (sandbox)", body, status)


def challenge_page(sandbox: StripeCore, request: Request) -> Response:
    host = request.headers.get("Host", "127.0.0.1")
    with sandbox.lock:
        try:
            call, intent = sandbox.call_for(request.params["id"], host)
        except StripeError:
            return _page("3-D Secure", "<p>This page is not found.</p>", 404)
        if intent["status"] != "requires_action":
            return _page("3-D Secure", f"<p>Nothing to authenticate ({intent['status']}).</p>")
        if request.method == "GET":
            form = (
                "<form method='post'><button name='action' value='complete'>Complete "
                "authentication</button> <button name='action' value='fail'>Fail "
                "authentication</button></form>"
            )
            return _page("3-D Secure authentication (sandbox)", form)
        passed = request.form().get("action") == "complete"
        return _challenge_answer(call, intent, passed)


def _challenge_answer(call: Call, intent: dict[str, Any], passed: bool) -> Response:
    session_id = intent.get("_session")
    try:
        if intent["object"] == "setup_intent":
            if passed:
                si_attempt(call, intent, authenticated=True)
        elif session_id:
            session = call.get("checkout.session", session_id)
            if passed:
                session_pay(call, session, authenticated=True)
                return _session_done(session)
            pm = call.get("payment_method", intent["payment_method"])
            pi_fail(
                call,
                intent,
                pm,
                "payment_intent_authentication_failure",
                "",
                "The provided PaymentMethod has failed authentication.",
            )
        elif passed:
            pi_attempt(call, intent, off_session=False, authenticated=True)
        else:
            pm = call.get("payment_method", intent["payment_method"])
            pi_fail(
                call,
                intent,
                pm,
                "payment_intent_authentication_failure",
                "",
                "The provided PaymentMethod has failed authentication.",
            )
    except StripeError as error:
        if session_id:
            return _redirect(call.base_url + f"/c/pay/{session_id}")
        status = "failed"
        message = str(error)
    else:
        status, message = "succeeded" if passed else "failed", ""
    back = intent.get("_return_url")
    if back:
        query = urllib.parse.urlencode({intent["object"]: intent["id"], "redirect_status": status})
        return _redirect(back + ("&" if "?" in back else "?") + query)
    return _page("3-D Secure", f"<p>Authentication {status}. {html.escape(message)}</p>")


def onboarding_page(sandbox: StripeCore, request: Request) -> Response:
    host = request.headers.get("Host", "127.0.0.1")
    with sandbox.lock:
        try:
            call, link = sandbox.call_for(request.params["link"], host)
        except StripeError:
            return _page("Onboarding", "<p>This link is not valid.</p>", 404)
        if link["account"] != request.params["account"]:
            return _page("Onboarding", "<p>This link is not valid.</p>", 404)
        if link["used"] or link["expires_at"] < now():
            return _redirect(link["refresh_url"])  # a link is single-use, as at Stripe
        if request.method == "GET":
            form = (
                "<p>Account " + html.escape(link["account"]) + "</p><form method='post'>"
                "<button name='action' value='submit'>Agree and submit</button> "
                "<button name='action' value='leave'>Return later</button></form>"
            )
            return _page("Stripe Express onboarding (sandbox)", form)
        link["used"] = True
        if request.form().get("action") == "submit":
            account_onboard(call, call.platform.objects[link["account"]])
        return _redirect(link["return_url"])


def register(sandbox: StripeCore) -> None:
    for method in ("GET", "POST"):
        sandbox.route(method, "/c/pay/(?P<id>[^/]+)", lambda r: checkout_page(sandbox, r))
        sandbox.route(method, "/3ds/(?P<id>[^/]+)", lambda r: challenge_page(sandbox, r))
        sandbox.route(
            method,
            "/setup/e/(?P<account>[^/]+)/(?P<link>[^/]+)",
            lambda r: onboarding_page(sandbox, r),
        )

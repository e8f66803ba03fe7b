"""Payment links: a signed, expiring address on the marketplace's host that pays what is due
now for one subject.

The token signs the marketplace's schema and the subject (``booking:12``) with SECRET_KEY, so
it cannot be forged, names one subject only, and is not found on another marketplace's host.
Whoever holds it can pay (a relative may pay for the customer); the payment is the subject's
payer's all the same. Opening it again for the same amount due resumes the payment it started
(its idempotency key is the subject, what is due and the provider); an attempt that failed or
expired is followed by a new one. What is due is the subject's app's answer
(billing.hooks.payment_due), so billing still knows nothing of bookings.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext as _

from billing.hooks import Due, payment_due
from billing.models import Payment, ProviderAccount
from billing.providers.base import PaymentState
from billing.providers.registry import DRIVERS
from billing.services.payments import payment_create
from config.errors import NotFound, StateConflict
from tenants.db import connection

SALT = "billing.payment_link"
# Long enough for a balance's grace period and a reminder; a later link is sent anew.
LINK_LIFETIME = timedelta(days=30)
# Attempts one link may start for the same amount due (failed or expired ones make room).
MAX_ATTEMPTS = 20
RESUMABLE = frozenset({PaymentState.PENDING, PaymentState.PAID})


def payment_link_url(*, subject: str) -> str:
    token = signing.dumps({"m": connection.schema_name, "s": subject}, salt=SALT, compress=True)
    return connection.tenant.absolute_url(f"/pay/{token}/")


def payment_link_subject(*, token: str) -> str:
    """The subject a token names; 404 when it is not ours, expired, or another marketplace's."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.BadSignature as exc:  # SignatureExpired included
        raise NotFound(_("This payment link is not valid."), code="payment_link_not_found") from exc
    if not isinstance(data, dict) or data.get("m") != connection.schema_name:
        raise NotFound(_("This payment link is not valid."), code="payment_link_not_found")
    return str(data.get("s", ""))


def payment_link_due(*, token: str) -> Due | None:
    return payment_due(payment_link_subject(token=token))


def payment_link_providers() -> list[str]:
    """The providers the marketplace takes payments through now."""
    enabled = ProviderAccount.objects.filter(enabled=True, code__in=DRIVERS)
    return sorted(enabled.values_list("code", flat=True))


def payment_link_pay(*, token: str, provider: str, return_url: str) -> Payment:
    """Start, or resume, the payment of what the link's subject owes now through
    ``provider``; 409 ``nothing_due`` when nothing is."""
    subject = payment_link_subject(token=token)
    due = payment_due(subject)
    if due is None:
        raise StateConflict(_("Nothing is due on this link now."), code="nothing_due")
    base = f"link:{subject}:{due.amount.amount_minor}:{due.version}:{provider}"
    keys = (f"{base}:{attempt}" for attempt in range(MAX_ATTEMPTS))
    used = dict(
        Payment.objects.filter(idempotency_key__startswith=f"{base}:").values_list(
            "idempotency_key", "state"
        )
    )
    key = next((k for k in keys if k not in used or used[k] in RESUMABLE), None)
    if key is None:
        raise StateConflict(
            _("Too many attempts on this link; ask for a new one."), code="too_many_attempts"
        )
    return payment_create(
        payer=due.payer,
        subject=subject,
        purpose=due.purpose,
        amount=due.amount,
        provider=provider,
        allocations=due.allocations,
        idempotency_key=key,
        return_url=return_url,
        description=due.description,
    )

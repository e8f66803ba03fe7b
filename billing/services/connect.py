"""Stripe Connect: providers' connected accounts, and releases paid out as transfers to them.

Separate charges and transfers: a customer's payment lands on the marketplace's own Stripe
balance (``gateway_clearing`` for "stripe"), and stays there through the booking. The release
(``subject_release``, after completion and the marketplace's release delay) moves the
provider's share from pending to available earnings and queues ``release_transfers``: one
Transfer per release, Stripe payment of the subject (its charge is the transfer's
``source_transaction``) and provider, in proportion to what is left of each payment, with the
subject as ``transfer_group`` and our transfer reference as the idempotency key. Each transfer
posts ``payout``: the provider's available earnings → Stripe clearing (the money has left the
platform's balance). A provider's paid-out total is the sum of their payouts.

A refund decided after the release first reverses the transfers' share of it
(``subject_transfers_reverse``: the money comes back to the platform and to the provider's
pending earnings for the subject, where the refund takes it; what is left pending is released
again by the settlement that follows).

A provider with no connected account that can take transfers yet keeps the share in available
earnings; when ``account.updated`` says the account can (``charges_enabled``),
``connected_account_transfers_due`` transfers every release of theirs not transferred yet.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import (
    ConnectedAccount,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    ProviderAccount,
    StripeTransfer,
)
from billing.money import Money
from billing.providers.base import PaymentState
from billing.providers.registry import stripe_driver
from billing.services.ledger import credit, debit, ledger_account, ledger_post
from billing.services.refunds import held_for
from config.errors import NotAllowed
from tenants.db import connection

logger = logging.getLogger(__name__)
Kind = LedgerAccount.Kind
TRANSFERABLE = (PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED)
WEBHOOK_EVENTS = [
    "checkout.session.completed", "checkout.session.expired",
    "checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed",
    "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
    "charge.dispute.created", "charge.dispute.closed",
]  # fmt: skip
CONNECT_WEBHOOK_EVENTS = ["account.updated"]


def connected_account_onboard(*, user) -> str:
    """A fresh onboarding link for ``user``'s Express account, created on first call (once:
    the creation's idempotency key is the provider's)."""
    if user.role != user.Role.PROVIDER:
        raise NotAllowed(_("Only providers receive payouts."), code="wrong_actor")
    driver = stripe_driver()
    account = ConnectedAccount.objects.filter(user=user).first()
    if account is None:
        account_ref = driver.account_create(
            email=user.email, idempotency_key=f"connect:{connection.schema_name}:{user.pk}"
        )
        account, _created = ConnectedAccount.objects.get_or_create(
            user=user, defaults={"account_ref": account_ref}
        )
    tenant = connection.tenant
    return driver.account_link(
        account_ref=account.account_ref,
        refresh_url=tenant.absolute_url("/payouts/stripe/onboarding/refresh/"),
        return_url=tenant.absolute_url("/payouts/stripe/onboarding/done/"),
    )


def connected_account_refresh(*, account_ref: str) -> ConnectedAccount | None:
    """Read the account's flags from Stripe (never from the notification) and keep them; the
    releases waiting for it are transferred once it can take transfers."""
    account = ConnectedAccount.objects.filter(account_ref=account_ref).first()
    if account is None:
        return None
    fetched = stripe_driver().account_get(account_ref)
    flags = {name: bool(fetched.get(name)) for name in
             ("charges_enabled", "payouts_enabled", "details_submitted")}  # fmt: skip
    with transaction.atomic():
        account = ConnectedAccount.objects.select_for_update().get(pk=account.pk)
        could = account.can_receive
        for name, value in flags.items():
            setattr(account, name, value)
        account.save(update_fields=[*flags, "updated_at"])
    if account.can_receive and not could:
        connected_account_transfers_due(user_id=account.user_id)
    return account


def _released_to(release: LedgerTransaction) -> dict[int, int]:
    """Per provider (user id), what ``release`` made available to them."""
    moved: dict[int, int] = defaultdict(int)
    rows = release.entries.filter(account__kind=Kind.PROVIDER_AVAILABLE).values_list(
        "account__owner_id", "amount_minor"
    )
    for owner_id, amount in rows:
        moved[owner_id] -= amount
    return {owner: amount for owner, amount in moved.items() if amount > 0}


def release_transfers(*, subject: str, release_reference: str) -> list[StripeTransfer]:
    """Transfer what ``release_reference`` made available to each provider of ``subject`` to
    their connected account (skipping those without one), and post each once."""
    release = LedgerTransaction.objects.filter(reference=release_reference).first()
    payments = list(
        Payment.objects.filter(subject=subject, provider="stripe", state__in=TRANSFERABLE)
        .exclude(provider_ref=None)
        .order_by("pk")
    )
    if release is None or not payments:
        return []
    driver = stripe_driver()
    made = []
    for owner_id, amount_minor in sorted(_released_to(release).items()):
        account = ConnectedAccount.objects.filter(user_id=owner_id).first()
        if account is None or not account.can_receive:
            logger.info("%s: provider %s has no account to transfer to yet", subject, owner_id)
            continue
        amount = Money(amount_minor, release.currency)
        weights = [p.amount_minor - p.refunded_minor for p in payments]
        for payment, part in zip(payments, amount.split(weights), strict=True):
            if part.amount_minor:
                made.append(_transfer(driver, release, payment, account, part))
    return made


def _transfer(driver, release, payment: Payment, account: ConnectedAccount, part: Money):
    reference = f"transfer:{release.reference}:{payment.reference}:{account.user_id}"
    done = StripeTransfer.objects.filter(reference=reference).first()
    if done is not None:
        return done
    result = driver.payout(
        account.account_ref, part, reference,
        transfer_group=release.subject, source_ref=payment.provider_ref,
    )  # fmt: skip
    with transaction.atomic():
        made, _created = StripeTransfer.objects.get_or_create(
            reference=reference,
            defaults={"transfer_ref": result.payout_ref, "subject": release.subject,
                      "payment": payment, "owner_id": account.user_id,
                      "account_ref": account.account_ref, "amount_minor": part.amount_minor,
                      "currency": part.currency},
        )  # fmt: skip
        _transfer_post(
            owner=account.user, part=part, earnings=Kind.PROVIDER_AVAILABLE, sign=1,
            reference=reference, subject=release.subject,
            memo=f"stripe transfer {result.payout_ref} to {account.account_ref}",
        )  # fmt: skip
    return made


def _transfer_post(
    *, owner, part: Money, earnings: str, sign: int, reference: str, subject: str, memo: str
) -> None:
    """A transfer (``sign`` 1) takes ``part`` of the provider's ``earnings`` out through Stripe
    clearing and grows their paid-out total against the platform's ``payouts_sent`` (as every
    payout posts it, billing.services.payouts); its reversal (-1) brings it back the same way."""
    money = [
        (ledger_account(kind=earnings, currency=part.currency, owner=owner), -sign),
        (ledger_account(kind=Kind.GATEWAY_CLEARING, currency=part.currency,
                        provider="stripe"), sign),
        (ledger_account(kind=Kind.PROVIDER_PAID_OUT, currency=part.currency, owner=owner), sign),
        (ledger_account(kind=Kind.PAYOUTS_SENT, currency=part.currency,
                        provider="stripe"), -sign),
    ]  # fmt: skip
    ledger_post(
        kind=LedgerTransaction.Kind.PAYOUT, reference=reference, subject=subject, memo=memo,
        lines=[credit(account, part) if side > 0 else debit(account, part)
               for account, side in money],
    )  # fmt: skip


def subject_transfers_reverse(*, subject: str, amount: Money, reference: str) -> int:
    """Before a refund of ``amount`` decided after the release: bring back from the providers'
    connected accounts the share of it their transfers carried (in proportion to what they
    were transferred and what billing still holds for ``subject``), each transfer in
    proportion. Each reversal posts Stripe clearing → the provider's pending earnings for the
    subject, where the refund then takes it. Returns the minor units brought back."""
    transfers = [
        (transfer, transfer.amount_minor - transfer.reversed_minor)
        for transfer in StripeTransfer.objects.filter(
            subject=subject, currency=amount.currency
        ).order_by("pk")
    ]
    transfers = [(transfer, left) for transfer, left in transfers if left > 0]
    out = sum(left for _transfer, left in transfers)
    if not out:
        return 0
    held = sum(held_for(subject, currency=amount.currency).values())
    take = Money(min(out, amount.amount_minor * out // (out + held)), amount.currency)
    driver = stripe_driver()
    for (transfer, _left), part in zip(
        transfers, take.split([left for _transfer, left in transfers]), strict=True
    ):
        if part.amount_minor:
            _transfer_reverse(driver, transfer, part, f"reversal:{reference}:{transfer.pk}")
    return take.amount_minor


def _transfer_reverse(driver, transfer: StripeTransfer, part: Money, key: str) -> None:
    if LedgerTransaction.objects.filter(reference=key).exists():
        return
    driver.transfer_reverse(transfer.transfer_ref, part, key)
    with transaction.atomic():
        locked = StripeTransfer.objects.select_for_update().get(pk=transfer.pk)
        if LedgerTransaction.objects.filter(reference=key).exists():
            return
        _transfer_post(
            owner=locked.owner, part=part, earnings=Kind.PROVIDER_PENDING, sign=-1,
            reference=key, subject=locked.subject,
            memo=f"stripe transfer {locked.transfer_ref} reversed",
        )  # fmt: skip
        locked.reversed_minor += part.amount_minor
        locked.save(update_fields=["reversed_minor"])


def connected_account_transfers_due(*, user_id: int) -> int:
    """Transfer every release to ``user_id`` of money Stripe took that has no transfer yet;
    returns how many releases were looked at."""
    releases = (
        LedgerTransaction.objects.filter(
            kind=LedgerTransaction.Kind.RELEASE,
            entries__in=LedgerEntry.objects.filter(
                account__kind=Kind.PROVIDER_AVAILABLE, account__owner_id=user_id
            ),
        )
        .distinct()
        .order_by("pk")
    )
    count = 0
    for release in releases:
        if Payment.objects.filter(subject=release.subject, provider="stripe").exists():
            release_transfers(subject=release.subject, release_reference=release.reference)
            count += 1
    return count


def stripe_webhook_register(*, url: str | None = None) -> list[str]:
    """Register this marketplace's webhook endpoints (at ``url``, by default its own webhook
    URL) with its Stripe platform — its own events, and its connected accounts' — keeping the
    signing secrets Stripe answers (shown only then) with the credentials; returns the
    endpoints' ids."""
    from billing.credentials import credentials_open, credentials_seal

    url = url or connection.tenant.absolute_url("/api/v1/payments/webhooks/stripe/")
    driver = stripe_driver()
    platform_ref, secret = driver.webhook_endpoint_create(url=url, events=WEBHOOK_EVENTS)
    connect_ref, connect_secret = driver.webhook_endpoint_create(
        url=url, events=CONNECT_WEBHOOK_EVENTS, connect=True
    )
    with transaction.atomic():
        account = ProviderAccount.objects.select_for_update().get(code="stripe")
        values = credentials_open(account.credentials_encrypted) | {
            "webhook_secret": secret, "connect_webhook_secret": connect_secret,
        }  # fmt: skip
        account.credentials_encrypted = credentials_seal(values)
        account.save(update_fields=["credentials_encrypted", "updated_at"])
    return [platform_ref, connect_ref]


def stripe_webhooks_ensure() -> bool:
    """Register this marketplace's endpoints again when its Stripe platform no longer has both
    (deleted at Stripe; a demo sandbox started after the marketplace was configured); whether
    it did. Asked by the periodic reconciliation."""
    url = connection.tenant.absolute_url("/api/v1/payments/webhooks/stripe/")
    if stripe_driver().webhook_endpoint_urls().count(url) >= 2:
        return False
    stripe_webhook_register(url=url)
    return True

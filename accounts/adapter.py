from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.utils import build_absolute_uri
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from api.throttles import client_address
from config.errors import RateLimited
from tenants.db import connection


@dataclass(frozen=True)
class MarketplaceSite:
    """What allauth's mail templates call ``current_site``."""

    name: str
    domain: str


def _current_marketplace():
    from django_tenants.utils import get_public_schema_name

    from tenants.models import Marketplace

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Marketplace):
        return tenant
    # set_schema() (as when a task restores the schema it found) leaves only a stand-in.
    if connection.schema_name == get_public_schema_name():
        return None
    return Marketplace.objects.filter(schema_name=connection.schema_name).first()


def marketplace_url(path: str) -> str:
    """An absolute URL on the current marketplace's primary domain.

    Works without a request (Celery tasks); links in mail always name the primary domain,
    whichever of the marketplace's host names the request came in on.
    """
    marketplace = _current_marketplace()
    if marketplace is None:
        return build_absolute_uri(allauth_context.request, path)
    return marketplace.absolute_url(path)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's flows, sending mail in the marketplace's name with links to its primary domain.

    Also where allauth's web pages meet our limits: the client's address is the project's one
    (``api.throttles.client_address``), password log-ins go through the same limiter as the
    API's, account mails are capped per address, and a password set here revokes API tokens.
    (accounts.services imports this module, so the methods import the services they call.)
    """

    def get_client_ip(self, request) -> str:
        address = client_address(request)
        if not address:
            raise PermissionDenied(_("Unable to determine the client's address."))
        return address

    def authenticate(self, request, **credentials):
        from accounts.services.login_limits import login_guarded

        try:
            return login_guarded(
                email=credentials.get("email") or "",
                client=client_address(request),
                check=lambda: super(AccountAdapter, self).authenticate(request, **credentials),
            )
        except RateLimited as exc:
            raise self.validation_error("too_many_login_attempts") from exc

    def set_password(self, user, password) -> None:
        from accounts.services import token_revoke_all

        with transaction.atomic():
            super().set_password(user, password)
            token_revoke_all(user=user)

    def format_email_subject(self, subject):
        marketplace = _current_marketplace()
        name = marketplace.name if marketplace else "Souk"
        return f"[{name}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from accounts.services.mail_limits import auth_mail_allowed

        if not auth_mail_allowed(template_prefix=template_prefix, email=email):
            return
        # allauth's own version needs a request (for the sites framework); this one also
        # runs in a Celery task.
        ctx = {"request": allauth_context.request, "email": email, "current_site": self._site()}
        ctx.update(context)
        from accounts.languages import recipient_language

        # In the recipient's language, whichever language the request (if any) was in.
        user = context.get("user")
        language = recipient_language(
            user=user if getattr(user, "pk", None) else None,
            email=email,
            marketplace=_current_marketplace(),
        )
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        message.extra_headers["Content-Language"] = language
        message.send()

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return marketplace_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return marketplace_url(path.replace("UID-KEY", quote(key)))

    def _site(self) -> MarketplaceSite:
        marketplace = _current_marketplace()
        if marketplace is not None:
            domain = marketplace.get_primary_domain()
            return MarketplaceSite(name=marketplace.name, domain=domain.domain if domain else "")
        request = allauth_context.request
        return MarketplaceSite(name="Souk", domain=request.get_host() if request else "")

from celery import shared_task
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import services
from accounts.languages import recipient_language
from accounts.models import User
from tenants.db import connection


@shared_task(ignore_result=True)
def owner_welcome_send(*, user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    marketplace = connection.tenant
    language = recipient_language(user=user, marketplace=marketplace)
    names = {
        "marketplace": marketplace.name,
        "url": marketplace.absolute_url(),
        "email": user.email,
        "reset_url": marketplace.absolute_url("/accounts/password/reset/"),
    }
    with translation.override(language):
        subject = _("Your marketplace is ready")
        message = (
            _(
                "Hello,\n\n%(marketplace)s is live at %(url)s.\nYou are its administrator "
                "(%(email)s). Set your password at %(reset_url)s or log in with a code sent by "
                "e-mail.\n"
            )
            % names
        )
    EmailMessage(
        subject=f"[{marketplace.name}] {subject}",
        body=message,
        to=[user.email],
        headers={"Content-Language": language},
    ).send()


# Each task runs in the schema named by its "_schema_name" header (tenant-schemas-celery).


@shared_task(ignore_result=True)
def email_verification_send(*, user_id: int, signup: bool = False) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        services.email_verification_send(user=user, signup=signup)


# Named as the services they run: one name per feature in every layer.
@shared_task(ignore_result=True)
def password_reset_send(*, email: str) -> None:
    services.password_reset_send(email=email)


@shared_task(ignore_result=True)
def magic_link_send(*, email: str) -> None:
    services.magic_link_send(email=email)

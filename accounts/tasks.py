from celery import shared_task
from django.core.mail import send_mail

from accounts import services
from accounts.models import User
from tenants.db import connection


@shared_task(ignore_result=True)
def owner_welcome_send(*, user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    marketplace = connection.tenant
    send_mail(
        subject=f"[{marketplace.name}] Your marketplace is ready",
        message=(
            f"Hello,\n\n{marketplace.name} is live at {marketplace.absolute_url()}.\n"
            f"You are its administrator ({user.email}). Set your password at "
            f"{marketplace.absolute_url('/accounts/password/reset/')} or log in with a code "
            "sent by e-mail.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


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

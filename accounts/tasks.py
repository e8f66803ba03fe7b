from celery import shared_task
from django.core.mail import send_mail
from django.db import connection

from accounts.models import User


@shared_task(ignore_result=True)
def send_owner_welcome(*, user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    marketplace = connection.tenant
    host = marketplace.get_primary_domain().domain
    send_mail(
        subject=f"[{marketplace.name}] Your marketplace is ready",
        message=(
            f"Hello,\n\n{marketplace.name} is live at http://{host}/.\n"
            f"You are its administrator ({user.email}). Set your password at "
            f"http://{host}/accounts/password/reset/ or log in with a code sent by e-mail.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )

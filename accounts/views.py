from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.services import magic_link_check, magic_link_consume
from config.errors import ServiceError

TEMPLATE = "accounts/magic_link.html"


@require_http_methods(["GET", "POST"])
def magic_link_login(request, token: str):
    """Log the browser in with a magic link from a log-in mail.

    GET only shows a button that POSTs back: mail scanners that fetch every link in a mail
    would otherwise use the single-use link up before its owner clicks it.
    """
    try:
        if request.method == "GET":
            user = magic_link_check(token=token)
            return render(request, TEMPLATE, {"email": user.email})
        user = magic_link_consume(token=token)
    except ServiceError as exc:
        return render(request, TEMPLATE, {"error": exc.message, "code": exc.code}, status=400)
    login(request, user, backend="accounts.backends.LimitedModelBackend")
    return redirect(settings.LOGIN_REDIRECT_URL)

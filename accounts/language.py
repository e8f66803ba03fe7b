"""The language of the API's answers (error messages included).

Django's LocaleMiddleware picks it first from the request: the language cookie, else
Accept-Language, else ``LANGUAGE_CODE`` (English). A logged-in user's own choice
(``User.language``, set with ``PATCH /api/v1/me/``) then wins once the user is known:
for a session, in ``UserLanguageMiddleware`` right after Django's authentication; for an API
token, when ``BearerTokenAuthentication`` accepts it (DRF reads tokens inside the view).
Answers given before a user is known (a refused token, an unknown address) follow the request.

The branded site's pages follow the same choice, unless the visitor picked a language with the
site's switcher (the language cookie), which is the more recent word.
"""

from django.conf import settings
from django.utils import translation

API_PREFIX = "/api/"
# The API follows the request and the user; the admin is the staff's tool, not the site.
NOT_THE_SITE = (API_PREFIX, "/admin/")


def is_site_page(request) -> bool:
    """A page of a marketplace's branded site (not its API, not its admin)."""
    return getattr(request, "tenant", None) is not None and not request.path_info.startswith(
        NOT_THE_SITE
    )


def language_unpicked(request) -> bool:
    """A site page whose visitor has not picked a language with the site's switcher (the
    language cookie): the user's own, else the marketplace's default, applies."""
    return is_site_page(request) and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES


def activate_user_language(request, user) -> None:
    """Switch the rest of this request to ``user``'s language, if they chose one we have."""
    try:
        language = translation.get_supported_language_variant(getattr(user, "language", ""))
    except LookupError:  # none chosen, or not one of settings.LANGUAGES
        return
    translation.activate(language)
    getattr(request, "_request", request).LANGUAGE_CODE = language


class UserLanguageMiddleware:
    """For session users of the API and of a marketplace's pages (the admin excepted: it is
    the staff's tool and follows the request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wanted = request.path_info.startswith(API_PREFIX) or language_unpicked(request)
        if wanted and request.user.is_authenticated:
            activate_user_language(request, request.user)
        return self.get_response(request)

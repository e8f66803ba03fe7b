"""The site's language: the visitor's choice (the language cookie, set by the switcher), else
a logged-in user's own language (accounts.language, further in), else the marketplace's own
default language (talent-iq is Arabic first), on every page of the site; the API's answers
follow Accept-Language and the user's choice (accounts.language)."""

import contextlib

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The API follows the request and the user; the admin is the staff's tool, not the site.
NOT_THE_SITE = ("/api/", "/admin/")


class MarketplaceLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        chosen = translation.get_language()
        language = None
        if (
            tenant is not None
            and not request.path_info.startswith(NOT_THE_SITE)
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            with contextlib.suppress(LookupError):
                language = translation.get_supported_language_variant(tenant.default_language)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if tenant is not None and not request.path_info.startswith(NOT_THE_SITE):
            patch_vary_headers(response, ("Cookie",))
        if language:
            # LocaleMiddleware only sets it when it is not set already. The page's language:
            # the marketplace's, or the user's own (accounts.language, activated further in).
            response.headers.setdefault("Content-Language", translation.get_language())
            # The page is rendered: leave the thread in the language the request chose, as
            # LocaleMiddleware left it. (Only here: on the API, the user's own choice made
            # further in, accounts.language, must reach LocaleMiddleware's answer.)
            translation.activate(chosen)
        return response

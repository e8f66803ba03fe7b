"""The site's language: the visitor's choice (the language cookie, set by the switcher), else
a logged-in user's own language (accounts.language, further in), else the marketplace's own
default language (talent-iq is Arabic first), on every page of the site; the API's answers
follow Accept-Language and the user's choice (accounts.language)."""

import contextlib

from django.utils import translation
from django.utils.cache import patch_vary_headers

from accounts.language import is_site_page, language_unpicked


class MarketplaceLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = translation.get_language()
        language = None
        if language_unpicked(request):
            with contextlib.suppress(LookupError):
                language = translation.get_supported_language_variant(
                    request.tenant.default_language
                )
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if is_site_page(request):
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

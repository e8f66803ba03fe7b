"""Request guards that run before any view."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


class RejectNulInAddress:
    """A NUL character in the path or the query string is a 400 in the API's error shape.

    PostgreSQL text cannot hold NUL, and psycopg refuses to send it, so a ``?q=%00`` or a
    slug ``/by-slug/a%00b/`` reaching a query was a 500. Form and JSON fields are checked by
    their own validators (Django's and DRF's CharField prohibit NUL); path segments and query
    parameters are read by hand in several views, so they are refused here, once, for every
    endpoint.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = sorted(
            name
            for name, values in request.GET.lists()
            if NUL in name or any(NUL in value for value in values)
        )
        if NUL in request.path_info:
            bad.insert(0, "path")
        if bad:
            return JsonResponse(
                {
                    "error": "invalid",
                    "message": _("The address may not contain NUL characters."),
                    "details": {name: [_("Contains a NUL character.")] for name in bad},
                },
                status=400,
            )
        return self.get_response(request)

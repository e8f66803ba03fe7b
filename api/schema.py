"""How the OpenAPI schema derives, for every operation, what the views do not spell out.

- **security** follows the view's permission classes: an operation lists ``{}`` (anonymous
  allowed) exactly when every permission lets an anonymous request with that method through,
  so ``ReadOnlyOrStaff`` reads are public and its writes are not. drf-spectacular itself only
  knows AllowAny and IsAuthenticatedOrReadOnly.
- **401** is possible wherever a credential can be sent: a refused token is a 401 even on a
  public operation, and an operation that needs a login answers 401 ``not_authenticated``
  to anonymous requests.
- **operation ids** of lists answered by ``api.pagination.page_of`` pages end in
  ``_list``, as drf-spectacular names lists of rows.
- **400 ``invalid``** for a NUL character in the address (``api.middleware.RejectNulInAddress``)
  on every operation that takes path or query parameters, and for a body that does not parse
  or validate on every operation that takes one.
- **403 ``forbidden``** on every operation that needs a login: services refuse by role and by
  relation (a customer asking for a provider's media, a stranger's booking), not only by
  permission class.
- **404 ``not_found``** on every operation with path parameters: an id of no row here (another
  marketplace's included) or a value the route does not match; and on every paged list, for a
  page past the last (or past the depth cap, ``page_too_deep``).

Views keep documenting their own answers; these are added only where a view did not already
document that status (a 400 of the view's own gets the NUL case appended to its description).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_mock_request

from api.responses import error

NUL_IN_ADDRESS = "`invalid`: a path or query value holds a NUL character (details name it)."
LOGIN_REQUIRED = (
    "`not_authenticated`: no credentials were sent; `authentication_failed`, "
    "`token_expired` or `token_revoked`: the token was refused."
)
INVALID_BODY = "`invalid` and more specific codes: the body does not parse or validate."
ROLE_REFUSED = "`forbidden`: your role or relation to the resource does not allow this."
NO_SUCH_RESOURCE = (
    "`not_found`: no such resource here (ids of another marketplace included), or a path "
    "value this address does not take."
)
PAGE_NOT_FOUND = (
    "`not_found`: a page past the last; `page_too_deep`: past the depth cap (narrow the query)."
)
CREDENTIALS_REFUSED = (
    "`authentication_failed`, `token_expired` or `token_revoked`: a token was sent and "
    "refused (send none to act anonymously)."
)


class SoukAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        schemes = [scheme for scheme in super().get_auth() if scheme != {}]
        if self.allows_anonymous():
            schemes.append({})
        return schemes

    def allows_anonymous(self) -> bool:
        probe = build_mock_request(self.method, self.path, self.view, None)
        probe.user = AnonymousUser()
        return all(
            permission.has_permission(probe, self.view)
            for permission in self.view.get_permissions()
        )

    def get_operation_id(self) -> str:
        # A page serializer is one object to drf-spectacular, which would call the list a
        # "retrieve" and clash with the detail's id; ids stay what they were (clients use them).
        operation_id = super().get_operation_id()
        if self.method == "GET" and self._answers_a_page():
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def _answers_a_page(self) -> bool:
        answers = self.get_response_serializers()
        if isinstance(answers, dict):
            answers = answers.get(200, answers.get("200"))
        return getattr(answers, "page_rows", None) is not None

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        if self.view.get_authenticators() and "401" not in responses:
            description = CREDENTIALS_REFUSED if self.allows_anonymous() else LOGIN_REQUIRED
            responses["401"] = self._error_response("401", description)
        if not self.allows_anonymous() and "403" not in responses:
            responses["403"] = self._error_response("403", ROLE_REFUSED)
        parameters = operation.get("parameters", [])
        if "404" not in responses:
            if any(parameter["in"] == "path" for parameter in parameters):
                responses["404"] = self._error_response("404", NO_SUCH_RESOURCE)
            elif any(parameter["name"] == "page" for parameter in parameters):
                responses["404"] = self._error_response("404", PAGE_NOT_FOUND)
        if operation.get("requestBody") and "400" not in responses:
            responses["400"] = self._error_response("400", INVALID_BODY)
        if parameters:
            if "400" in responses:
                own = responses["400"].get("description", "")
                responses["400"]["description"] = f"{own} Also {NUL_IN_ADDRESS}".strip()
            else:
                responses["400"] = self._error_response("400", NUL_IN_ADDRESS)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_response(self, code: str, description: str) -> dict[str, Any]:
        return self._get_response_for_code(error(description), code)

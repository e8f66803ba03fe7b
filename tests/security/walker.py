"""Walk every URL pattern of a URLconf with another marketplace's ids and look for its data.

Each pattern's converters are filled with the victim's values (the ids of the model a
parameter names, its slugs, ticket codes, tokens, media paths), each path is requested with
the methods its view has (GET everywhere; an empty JSON body for the API's writes, an empty
form elsewhere), and every response is searched, body (streamed too) and headers, for the
victim's secrets. Values the attacker put in the path are blanked out of the response first:
echoing them back leaks nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.apps import apps
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.victim import Victim
from tests.support.client import ApiClient

MAX_COMBINATIONS = 12  # paths per pattern
MAX_VALUES = 10  # ids per parameter: the newest, which carry the markers
FILE_TYPES = ("image/", "video/", "application/pdf", "application/octet-stream")
ADMIN_VALUES = 2  # object ids per admin model
API_WRITES = ("post", "put", "patch", "delete")
# Writes that end the requester's own log-in: the identity would be anonymous afterwards.
SELF_LOGOUT = re.compile(r"(^|/)(logout|password_change)/")

# Parameter name -> models whose victim ids fill it.
ID_MODELS: dict[str, tuple[str, ...]] = {
    "category_id": ("catalog.category",),
    "listing_type_id": ("catalog.listingtype",),
    "provider_id": ("catalog.providerprofile",),
    "listing_id": ("catalog.listing",),
    "target_id": ("catalog.providerprofile", "catalog.listing"),
    "media_id": ("catalog.mediaitem",),
    "booking_id": ("bookings.booking",),
    "file_id": ("bookings.deliveryfile",),
    "thread_id": ("bookings.thread",),
    "message_id": ("bookings.message",),
    "review_id": ("bookings.review",),
    "report_id": ("bookings.reviewreport",),
    "evidence_id": ("bookings.disputeevidence",),
    "stream_id": ("bookings.livestream",),
    "gift_id": ("bookings.gift",),
    "id": ("accounts.user",),
}
TRANSITIONS = ("accept", "cancel", "complete", "start", "quote")
# A named group, its body allowed one level of nested parentheses: (?P<kind>(?:png|svg)).
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)")


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, e.g. "api/v1/bookings/<int:booking_id>/"
    regex: str  # its regular expression, joined across includes
    callback: Callable


@dataclass(frozen=True)
class Finding:
    identity: str
    method: str
    route: str
    path: str
    status: int
    what: str

    def __str__(self) -> str:
        return (
            f"{self.identity} {self.method.upper()} {self.path} (pattern {self.route!r}) "
            f"-> {self.status}: {self.what}"
        )


def routes(urlconf: str) -> list[Route]:
    """Every URL pattern of ``urlconf``, includes (admin, allauth, docs) flattened."""

    def flatten(patterns, route: str, regex: str) -> Iterator[Route]:
        for pattern in patterns:
            piece = pattern.pattern
            own = piece.regex.pattern.removeprefix("^").removesuffix("\\Z").removesuffix("$")
            if isinstance(pattern, URLResolver):
                yield from flatten(pattern.url_patterns, route + str(piece), regex + own)
            elif isinstance(pattern, URLPattern):
                yield Route(route + str(piece), regex + own, pattern.callback)

    return list(flatten(get_resolver(urlconf).url_patterns, "", ""))


def _admin_object_ids(app_label: str, model_name: str, victim: Victim) -> list[str]:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return ["1"]
    if model is type(victim.marketplace):
        return [str(victim.marketplace.pk)]
    # Public rows of the victim: its domains, its audit events.
    owner = next(
        (f.name for f in model._meta.fields if f.related_model is type(victim.marketplace)), None
    )
    if owner:
        rows = model._default_manager.filter(**{owner: victim.marketplace}).order_by("-pk")
        return [str(pk) for pk in rows.values_list("pk", flat=True)[:ADMIN_VALUES]] or ["1"]
    ids = victim.ids.get(model._meta.label_lower, [])[-ADMIN_VALUES:]
    return [str(pk) for pk in ids] or ["1"]


def _group_values(name: str, body: str, route: Route, victim: Victim) -> list[str]:
    admin_model = re.match(r"admin/(\w+)/(\w+)/", route.route)
    if name == "object_id" and admin_model:
        app_label, model_name = admin_model.groups()
        return _admin_object_ids(app_label, model_name, victim)
    if name in ID_MODELS:
        ids = [pk for label in ID_MODELS[name] for pk in victim.ids.get(label, [])[-MAX_VALUES:]]
        return [str(pk) for pk in ids] or ["1"]
    uid, reset_key = victim.reset_uid_key.split("-", 1)
    named = {
        "slug": [victim.marketplace.slug, *victim.slugs],
        "code": victim.ticket_codes,
        "token": [victim.magic_token],
        "key": [victim.confirmation_key, reset_key],
        "uidb36": [uid],
        "path": [f"{victim.schema}/{path}" for path in victim.media_paths],
        "transition": list(TRANSITIONS),
        "kind": ["png", "svg"],
        "badge": ["insurance", "dbs"],
        "app_label": body.split("|"),
        "url": [f"tenants/marketplace/{victim.marketplace.pk}/change/"],
    }
    users = [str(pk) for pk in victim.ids.get("accounts.user", [1])[:2]]
    candidates = named.get(name) or users
    fitting = [value for value in candidates if re.fullmatch(body, value)]
    return fitting[: MAX_VALUES * 2] or candidates[:1]


def _fill(regex: str, values: tuple[str, ...]) -> str:
    filled = iter(values)
    return GROUP.sub(lambda _match: next(filled), regex)


def paths_of(route: Route, victim: Victim) -> list[tuple[str, tuple[str, ...]]]:
    """Concrete paths for ``route`` filled with the victim's values, and the values used."""
    groups = [(m["name"], m["body"]) for m in GROUP.finditer(route.regex)]
    names = tuple(name for name, _ in groups)
    if names in victim.pairs:
        # A child in its own parent's path: pairs that belong together reach real rows.
        combinations = [tuple(str(pk) for pk in pair) for pair in victim.pairs[names]]
    else:
        choices = [_group_values(name, body, route, victim) for name, body in groups]
        combinations = list(itertools.product(*choices))
    made = []
    for values in combinations[:MAX_COMBINATIONS]:
        text = _fill(route.regex, values)
        # What remains of the regular expression is escaped literals, e.g. "qr\.".
        text = re.sub(r"\\(.)", r"\1", text).replace("^", "").replace("$", "")
        made.append(("/" + text, tuple(values)))
    return made


def methods_of(route: Route) -> list[str]:
    view = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
    if route.route.startswith("api/") and view is not None:
        return [method for method in ("get", *API_WRITES) if hasattr(view, method)] or ["get"]
    return ["get", "post"]


def body_of(response) -> bytes:
    # Reading a streamed body to its end closes it the way the test client does; closing it
    # again here would fire request_finished and close the test's database connection.
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def leaks_in(text: str, secrets: set[str], echoed: tuple[str, ...]) -> list[str]:
    """The secrets ``text`` carries, once the values the requester sent are blanked out."""
    lowered = text.lower()
    # Ids are short and would cut digits out of the secrets; they are secrets of no one.
    for value in (value for value in echoed if len(value) >= 8 and not value.isdigit()):
        for form in {value, quote(value), quote(value, safe="")}:
            lowered = lowered.replace(form.lower(), "")
    return sorted(secret for secret in secrets if secret and secret.lower() in lowered)


def send(client: ApiClient, method: str, path: str, *, api: bool):
    """One request in a savepoint: a view that breaks the transaction breaks only itself."""
    sender = getattr(client, method)
    response = None
    try:
        with transaction.atomic():
            if method == "get":
                response = sender(path)
            elif api:
                response = sender(path, "{}", content_type="application/json")
            else:
                response = client.post_form(path, {})
    except Exception as error:  # noqa: BLE001 - reported as a finding, with its text
        return response if response is not None else error
    return response


def _failure(response) -> str:
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        return repr(exc_info[1])[:300]
    return body_of(response)[:300].decode("utf-8", "replace")


def _judge(identity: str, method: str, route: Route, path: str, values, response, victim):
    if isinstance(response, Exception):
        return Finding(identity, method, route.route, path, 500, repr(response)[:300])
    if response.status_code >= 500:
        return Finding(
            identity, method, route.route, path, response.status_code, _failure(response)
        )
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    leaked = leaks_in(headers + "\n" + body_of(response).decode("latin-1"), victim.secrets, values)
    if leaked:
        what = "carries " + ", ".join(leaked)
        return Finding(identity, method, route.route, path, response.status_code, what)
    kind = response.get("Content-Type", "")
    attachment = "attachment" in response.get("Content-Disposition", "")
    if values and response.status_code < 300 and (kind.startswith(FILE_TYPES) or attachment):
        # A QR code or a picture carries no readable marker: being served is the leak.
        what = f"serves a file ({kind}) for the values {values}"
        return Finding(identity, method, route.route, path, response.status_code, what)
    return None


def walk(
    urlconf: str,
    identities: dict[str, ApiClient],
    victim: Victim,
    *,
    only: tuple[str, ...] = ("get", *API_WRITES),
    routes_wanted: Callable[[Route], bool] = lambda route: True,
) -> tuple[list[Finding], int]:
    """Request every pattern as every identity (with the methods in ``only``); the findings
    and the number of requests."""
    findings: list[Finding] = []
    count = 0
    for route in filter(routes_wanted, routes(urlconf)):
        api = route.route.startswith("api/")
        for path, values in paths_of(route, victim):
            for method in methods_of(route):
                if method not in only or (method != "get" and SELF_LOGOUT.search(path)):
                    continue
                for identity, client in identities.items():
                    count += 1
                    response = send(client, method, path, api=api)
                    if connection.connection is None or connection.connection.closed:
                        # The test's transaction went with it: nothing after this is judged.
                        closed = f"the database connection was closed by {method} {path}"
                        findings.append(Finding(identity, method, route.route, path, 0, closed))
                        return findings, count
                    finding = _judge(identity, method, route, path, values, response, victim)
                    if finding:
                        findings.append(finding)
    return findings, count


def report(findings: list[Finding], limit: int = 80) -> str:
    lines = [f"{len(findings)} responses carry the other marketplace's data or failed:"]
    # Leaks first, then failures (5xx), each in the walk's order.
    ordered = sorted(findings, key=lambda finding: finding.status >= 500)
    lines += [str(finding) for finding in ordered[:limit]]
    if len(findings) > limit:
        lines.append(f"... and {len(findings) - limit} more")
    return "\n".join(lines)

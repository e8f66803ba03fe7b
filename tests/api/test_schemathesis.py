"""The API keeps the word its OpenAPI schema gives: schemathesis, against a live server.

Every preset's host and the operator host are tested, anonymously and with a customer's, a
provider's and staff's token (the operator host has only operators), with every check
schemathesis has but a response-time limit, a fixed seed and a bounded number of examples
per operation (the costly coverage phase once per role, see COVERAGE_FOR). The same seed gives
the same requests against the same demo data.

**Checks left off, and why** (each narrowly: per operation, for the status named):

- ``positive_data_acceptance`` accepts a 400 (or the 409/422 named) on the operations in
  ``RULES_BEYOND_THE_SCHEMA``: each has a rule OpenAPI 3.0 cannot state — one of two fields
  required, fields required together, a reference to a row that must exist or a key that must
  be current, a list that must name every item once. Each rule is written in the operation's
  description, and the 400 names it with a machine code. Every other operation must accept
  every schema-valid request (2xx, or 401/403/404/409/429 by the check's own defaults).

- ``max_response_time`` (which ``--checks all`` turns on at 10 s): a test asserts no
  wall-clock time; machines differ twofold. (It found one slow answer, a message page whose
  contact masking was cubic in a long word; fixed in bookings/selectors/messages.py.)

- ``use_after_free`` on the operator host: deleting a marketplace is soft. It stays readable
  (status ``deleted``, ``purge_after``) through the grace period so that it can be restored;
  tests/security/test_marketplace_deletion.py shows that its hosts answer nothing meanwhile.

Left out of the identities' runs, and why:

- ``POST auth/logout/``, ``DELETE auth/tokens/{id}/`` and the operator's twins revoke the very
  token the run authenticates with; after the first, every request would be anonymous. They
  run anonymously here, and with tokens in tests/accounts and tests/security.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from tests.support.contract import (
    Host,
    Identity,
    api_server,
    fleet_provision,
    fleet_remove,
    fleet_restore,
    fleet_state,
)
from tests.support.iraqi import start_areeba, start_nasswallet
from tests.support.sandboxes import start_fastpay, start_fib

SEED = 20261206
MAX_EXAMPLES = 2
# The coverage phase (boundary values, every type mutation and unexpected method of every
# operation: ~5,000 requests a run) costs most. It runs once per role, each on another
# preset's host; examples, fuzzing and stateful sequences run for every host and identity.
COVERAGE_FOR = {
    ("fire-performers", "staff"),
    ("freelancers", "customer"),
    ("psychic-readers", "provider"),
    ("talent-iq", "anonymous"),
    ("operator", "staff"),
}
PARALLEL_RUNS = 2
RUN_TIMEOUT_SECONDS = 600

# Operation -> (statuses positive_data_acceptance also accepts, the rule the schema cannot say).
RULES_BEYOND_THE_SCHEMA: dict[tuple[str, str], tuple[tuple[int, ...], str]] = {
    ("GET", "/api/v1/search/listings/"): ((400,), "sort=distance needs lat and lon together"),
    ("GET", "/api/v1/search/providers/"): (
        (400,),
        "sort=distance needs lat and lon; category must exist",
    ),
    ("GET", "/api/v1/providers/{provider_id}/availability/"): (
        (400,),
        "`to` not before `from`, at most 366 days",
    ),
    ("GET", "/api/v1/provider-profile/availability/"): (
        (400,),
        "`to` not before `from`, at most 366 days",
    ),
    ("DELETE", "/api/v1/provider-profile/availability/"): (
        (400,),
        "`to` not before `from`, at most 366 days",
    ),
    ("GET", "/api/v1/threads/{thread_id}/messages/"): ((400,), "before or after, not both"),
    ("POST", "/api/v1/streams/{stream_id}/gifts/"): (
        (422,),
        "the sender's prepaid balance covers the gift; a gift still offered; not to one's own "
        "stream",
    ),
    ("POST", "/api/v1/streams/{stream_id}/join/"): (
        (400,),
        "a viewer_token when the viewer is not signed in",
    ),
    ("POST", "/api/v1/streams/{stream_id}/leave/"): (
        (400,),
        "a viewer_token when the viewer is not signed in",
    ),
    ("POST", "/api/v1/threads/"): (
        (400, 422),
        "listing_id or provider_id, one of them; not one's own listing",
    ),
    ("POST", "/api/v1/threads/{thread_id}/messages/"): ((400,), "a body or an attachment"),
    ("POST", "/api/v1/notifications/read/"): ((400,), "ids or all, one of them"),
    ("POST", "/api/v1/bookings/{booking_id}/payments/"): (
        (400, 422),
        "an Idempotency-Key header of 8 to 64 characters; a provider this marketplace uses",
    ),
    ("POST", "/api/v1/wallet/top-ups/"): (
        (400, 422),
        "an Idempotency-Key header of 8 to 64 characters; a currency, amount and provider "
        "this marketplace takes",
    ),
    ("PUT", "/api/v1/wallet/auto-reload/{currency}/"): (
        (400, 422),
        "a known currency; enabling needs one of your saved methods, of a provider that "
        "charges it off-session",
    ),
    ("PATCH", "/api/v1/marketplace/"): ((400,), "the top-up minimum not above its maximum"),
    ("PUT", "/api/v1/payment-providers/{code}/"): (
        (400,),
        "an environment the provider has here; every required credential at the first set-up",
    ),
    ("PUT", "/api/v1/theme/"): (
        (400, 422),
        "text on its backgrounds at WCAG AA contrast (422 contrast_too_low); custom CSS that "
        "names nothing outside the site (400 unsafe_css)",
    ),
    ("POST", "/api/v1/theme/preview/"): (
        (400, 422),
        "the same rules as saving the theme: contrast and safe custom CSS",
    ),
    ("POST", "/api/v1/payouts/stripe/onboarding/"): (
        (422,),
        "a marketplace that takes payments through Stripe",
    ),
    ("POST", "/api/v1/bookings/{booking_id}/refunds/"): (
        (422,),
        "something paid through billing and still held, at most that",
    ),
    ("POST", "/api/v1/withdrawals/"): (
        (409, 422),
        "a currency the marketplace takes; at least its minimum, at most what is available",
    ),
    ("POST", "/api/v1/payouts/"): (
        (422,),
        "a currency the marketplace takes; at most the payee's available earnings",
    ),
    ("POST", "/api/v1/bookings/"): (
        (400, 422),
        "the fields a listing's pricing reads; tickets or ticket_tier_id, not both; times "
        "inside the provider's hours and the marketplace's horizon; a payout above the floor",
    ),
    ("POST", "/api/v1/bookings/{booking_id}/deliveries/"): ((400,), "a message or files"),
    ("POST", "/api/v1/bookings/{booking_id}/dispute/evidence/"): ((400,), "a text or a file"),
    ("POST", "/api/v1/bookings/{booking_id}/dispute/resolve/"): (
        (400, 422),
        "a refund within what was paid",
    ),
    ("POST", "/api/v1/listings/"): (
        (400,),
        "the fields the listing type's pricing takes; category and type must exist",
    ),
    ("PATCH", "/api/v1/listings/{listing_id}/"): (
        (400, 422),
        "the fields the listing type's pricing takes; category must exist; a published "
        "listing stays complete (422 `listing_incomplete`)",
    ),
    ("PUT", "/api/v1/provider-profile/weekly-hours/"): ((400,), "hours end after they start"),
    ("POST", "/api/v1/provider-profile/availability/"): ((400,), "times end after they start"),
    ("POST", "/api/v1/listings/{listing_id}/publish/"): ((422,), "a complete listing"),
    ("PATCH", "/api/v1/listings/{listing_id}/media/"): ((400,), "every media item once"),
    ("PATCH", "/api/v1/provider-profile/media/"): ((400,), "every media item once"),
    ("POST", "/api/v1/listings/{listing_id}/media/"): ((400,), "a readable image or video"),
    ("POST", "/api/v1/provider-profile/media/"): ((400,), "a readable image or video"),
    ("PATCH", "/api/v1/provider-profile/"): ((400,), "latitude and longitude together"),
    ("PUT", "/api/v1/provider-profile/"): ((400,), "latitude and longitude together"),
    ("POST", "/api/v1/listing-types/"): ((400,), "a config with what the process reads"),
    ("PATCH", "/api/v1/listing-types/{listing_type_id}/"): (
        (400,),
        "a config with what the process reads",
    ),
    ("POST", "/api/v1/categories/"): ((400,), "the parent must exist"),
    ("POST", "/api/v1/categories/{category_id}/move/"): ((400,), "the parent must exist"),
    ("POST", "/api/v1/categories/reorder/"): ((400,), "every subcategory once"),
    ("POST", "/api/v1/providers/{provider_id}/vouches/"): ((422,), "not for oneself"),
    ("POST", "/api/v1/auth/signup/"): ((400,), "an e-mail address not yet registered"),
    ("POST", "/api/v1/operator/marketplaces/"): ((400,), "a slug and domain not yet taken"),
    ("POST", "/api/v1/auth/email/verify/"): ((400,), "a key that was sent and is current"),
    ("POST", "/api/v1/auth/magic-link/confirm/"): ((400,), "a key that was sent and is current"),
    ("POST", "/api/v1/auth/password/reset/confirm/"): (
        (400,),
        "a token that was sent and is current",
    ),
}
# Every check schemathesis names; "all" would also time each answer against a 10 s limit.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
)
REVOKE_OWN_CREDENTIAL = (
    ("POST", "/api/v1/auth/logout/"),
    ("DELETE", "/api/v1/auth/tokens/{id}/"),
    ("POST", "/api/v1/operator/auth/logout/"),
    ("DELETE", "/api/v1/operator/auth/tokens/{id}/"),
)


def _toml(value) -> str:
    return json.dumps(value)  # TOML's basic strings, integers and arrays are JSON's


def config_text(*, authenticated: bool) -> str:
    lines = [
        "[auth]",
        "auto-signup = false",
        "",
        # JSON is UTF-8 text (RFC 8259): a lone surrogate is not Unicode, and PostgreSQL stores
        # no NUL; api/parsers.py refuses both anywhere in a body, documented and tested in
        # tests/test_api_bodies.py. Generated strings stay in what JSON can carry.
        "[generation]",
        'codec = "utf-8"',
        "allow-x00 = false",
        "",
    ]
    for (method, path), (statuses, _rule) in RULES_BEYOND_THE_SCHEMA.items():
        expected = ["2xx", "3xx", "401", "403", "404", "409", "429", *map(str, statuses)]
        lines += [
            "[[operations]]",
            # One filter: several in one entry would match operations that pass any of them.
            f"include-name = {_toml(f'{method} {path}')}",
            f"checks.positive_data_acceptance.expected-statuses = {_toml(expected)}",
            "",
        ]
    if authenticated:
        for method, path in REVOKE_OWN_CREDENTIAL:
            lines += [
                "[[operations]]",
                f"include-name = {_toml(f'{method} {path}')}",
                "enabled = false",
                "",
            ]
    return "\n".join(lines)


def _schema_of(base: str, host: Host, workdir: Path) -> Path:
    """The host's schema, fetched once for all of its identities (generating it takes seconds)."""
    request = urllib.request.Request(
        f"{base}/api/v1/schema/?format=json", headers={"Host": host.domain}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        path = workdir / f"{host.preset}-schema.json"
        path.write_bytes(answer.read())
    return path


def _run(base: str, host: Host, identity: Identity, workdir: Path) -> dict:
    name = f"{host.preset}-{identity.name}"
    config = workdir / f"{name}.toml"
    config.write_text(config_text(authenticated=identity.token is not None))
    report = workdir / f"{name}.json"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        str(workdir / f"{host.preset}-schema.json"),
        "--url",
        base,
        "--header",
        f"Host: {host.domain}",
        "--checks",
        ",".join(CHECKS),
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--output-truncate",
        "false",
        "--no-color",
    ]
    if identity.token:
        command += ["--header", f"Authorization: Bearer {identity.token}"]
    if (host.preset, identity.name) not in COVERAGE_FOR:
        command += ["--phases", "examples,fuzzing,stateful"]
    if host.preset == "operator":
        command += ["--exclude-checks", "use_after_free"]
    output = workdir / f"{name}.txt"
    with output.open("w") as out:
        result = subprocess.run(
            command,
            cwd=workdir,  # its example database (.schemathesis/) stays out of the tree
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=RUN_TIMEOUT_SECONDS,
            check=False,
        )
    summary = json.loads(report.read_text()) if report.exists() else {}
    return {"name": name, "exit": result.returncode, "summary": summary, "output": output}


def _findings(run: dict) -> list[str]:
    name, summary, text = run["name"], run["summary"], run["output"].read_text()
    if not summary:
        return [f"{name}: no report; exit {run['exit']}: {text[-3000:]}"]
    found = [
        f"{name}: {failure['code']} {failure['title']}: {', '.join(failure['operations'])}"
        for failure in summary.get("failures", [])
    ]
    found += [f"{name}: error {error}" for error in summary.get("errors", [])]
    if found:
        # The requests that failed, with their answers and a curl line to replay each.
        start = text.find("FAILURES")
        found.append(text[start : start + 12_000] if start >= 0 else text[-6000:])
    elif run["exit"] != 0:
        found.append(f"{name}: exit {run['exit']}: {text[-3000:]}")
    return found


@pytest.fixture(scope="module")
def fleet(django_db_setup, django_db_blocker, _settings_for_tests):
    """The hosts, committed (the server is another process); afterwards, what the operator
    run did to existing marketplaces is undone and the contract marketplaces are purged.
    Their files (photos, attachments, evidence) live in this run's own directories."""
    # Not under pytest's basetemp: another pytest session on this machine prunes old ones.
    media = Path(tempfile.mkdtemp(prefix="souk-contract-media-"))
    # talent-iq pays through them, for real
    sandboxes = {"fib": start_fib(), "fastpay": start_fastpay(),
                 "nasswallet": start_nasswallet(), "areeba": start_areeba()}  # fmt: skip
    with (
        django_db_blocker.unblock(),
        override_settings(
            SOUK_SANDBOX_URLS={code: sandbox.url for code, sandbox in sandboxes.items()},
            MEDIA_ROOT=str(media / "public"),
            # django-tenants caches MEDIA_ROOT with the schema pattern; setting it clears that.
            MULTITENANT_RELATIVE_MEDIA_ROOT="%s",
            SOUK_PRIVATE_MEDIA_ROOT=media / "private",
        ),
    ):
        # pytest-django sets up the test database only for a test that asks for `db`; the
        # server must never be pointed at a development database.
        assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict
        hosts = fleet_provision()
        before = fleet_state()
        yield hosts
        undone = fleet_restore(before)
        fleet_remove()
    for sandbox in sandboxes.values():
        sandbox.stop()
    shutil.rmtree(media, ignore_errors=True)
    print(f"\nAfter the operator run, put back: {undone or 'nothing'}")


@pytest.mark.slow
def test_every_host_keeps_the_word_of_its_schema(fleet, db):
    # The runs' reports stay after a failure, for reading; not under pytest's basetemp either.
    tmp_path = Path(tempfile.mkdtemp(prefix="souk-schemathesis-"))
    tenant_hosts = [host for host in fleet if host.preset != "operator"]
    (operator_host,) = [host for host in fleet if host.preset == "operator"]
    runs: list[dict] = []
    with api_server(tmp_path / "server.log") as base:
        for host in fleet:
            _schema_of(base, host, tmp_path)
        with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
            jobs = [
                pool.submit(_run, base, host, identity, tmp_path)
                for host in tenant_hosts
                for identity in host.identities
            ]
            runs += [job.result() for job in jobs]
        # Last and alone: an operator may suspend or delete the marketplaces the others use.
        for identity in operator_host.identities:
            runs.append(_run(base, operator_host, identity, tmp_path))

    generated = sum(run["summary"].get("test_cases", {}).get("generated", 0) for run in runs)
    print(f"\nschemathesis: {len(runs)} runs, {generated} requests")
    findings = [finding for run in runs for finding in _findings(run)]
    details = "\n".join(findings)
    assert not findings, f"{details}\n(full output of each run in {tmp_path})"
    assert len(runs) == 5 * 4 + 2
    shutil.rmtree(tmp_path, ignore_errors=True)

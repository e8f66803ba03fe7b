"""A marketplace's usage for the operator (tenants.selectors.usage): its apps' counts, the
money its ledger moved by month, its schema's size and its files, through the operator API
and the management command; another marketplace's rows and files count for nothing."""

import json

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.money import Money
from tenants.selectors.usage import schema_bytes, storage_bytes
from tenants.storage import private_storage
from tests.support.factories.catalog import make_listing, make_provider
from tests.support.payouts import earnings_available


def _usage(operator, slug: str, query: str = "") -> dict:
    answer = operator.get(f"/api/v1/operator/marketplaces/{slug}/usage/{query}")
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_usage_counts_what_the_marketplace_holds_and_nothing_of_anothers(
    operator, fire, talent, capsys
):
    before, other_before = _usage(operator, talent.slug), _usage(operator, fire.slug)
    with tenant_context(talent):
        profile = make_provider("usage-reader@example.com")
        make_listing(profile)
        private_storage().save("usage/evidence.bin", ContentFile(b"x" * 5000))
    earnings_available(talent, profile.user, Money(2_000_000, "IQD"), Money(200_000, "IQD"))

    after = _usage(operator, talent.slug, "?months=3")
    month = timezone.localdate(timezone=__import__("zoneinfo").ZoneInfo(talent.time_zone))
    assert after["marketplace"] == talent.slug and after["schema"] == talent.schema_name
    assert after["to"] == month.isoformat() and after["from"].endswith("-01")
    assert after["users"]["total"] == before["users"]["total"] + 1
    assert after["users"]["providers"] == before["users"]["providers"] + 1
    assert after["listings"]["total"] == before["listings"]["total"] + 1
    assert after["listings"]["published"] == before["listings"]["published"] + 1
    this_month = month.strftime("%Y-%m")
    joined = {row["month"]: row["count"] for row in after["users"]["joined_by_month"]}
    assert joined[this_month] >= 1
    money = [row for row in after["money"] if row["month"] == this_month]
    assert money and money[0]["currency"] == "IQD"
    assert money[0]["gmv_minor"] >= 2_200_000 and money[0]["platform_fees_minor"] >= 200_000
    assert after["storage_bytes"]["private"] == before["storage_bytes"]["private"] + 5000
    assert after["database_bytes"] > 0

    # Nothing of talent's counts for fire.
    other = _usage(operator, fire.slug)
    for part in ("users", "listings", "bookings"):
        assert other[part]["total"] == other_before[part]["total"]
    assert other["storage_bytes"] == other_before["storage_bytes"]

    # The management command says the same.
    call_command("marketplace_usage", talent.slug, "--months", "3")
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["users"] == after["users"] and printed["money"] == after["money"]


def test_sizes_are_of_the_schema_and_its_own_folder(fire, talent):
    with tenant_context(fire):
        private_storage().save("usage/size.bin", ContentFile(b"y" * 1234))
        fire_files = storage_bytes(private_storage())
    with tenant_context(talent):
        talent_files = storage_bytes(private_storage())
        private_storage().save("usage/size.bin", ContentFile(b"z" * 10))
        assert storage_bytes(private_storage()) == talent_files + 10
    assert fire_files >= 1234
    assert schema_bytes(schema_name=fire.schema_name) > 0
    assert schema_bytes(schema_name="no_such_schema") == 0

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import User
from catalog.models import Category, ListingType
from config.errors import InvalidInput
from tenants import schemas
from tenants.models import Domain, Marketplace, MarketplaceEvent
from tenants.presets import all_presets, get_preset
from tenants.services import marketplace_create
from tests.support import client as support


def count_nodes(nodes):
    return sum(1 + count_nodes(node.get("children", [])) for node in nodes)


def schema_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("preset_slug", sorted(all_presets()))
def test_every_preset_provisions_with_its_data(
    marketplaces, db, preset_slug, django_capture_on_commit_callbacks
):
    preset = get_preset(preset_slug)
    with django_capture_on_commit_callbacks(execute=True):
        marketplace = marketplace_create(
            preset=preset_slug, name=f"New {preset.name}", owner_email="Boss@Example.com"
        )

    assert marketplace.default_currency == preset.default_currency
    assert marketplace.commission_bps == preset.fees["commission_bps"]
    assert marketplace.payment_providers == list(preset.payment_providers)
    assert marketplace.get_primary_domain().domain == f"{marketplace.slug}.localhost"
    assert MarketplaceEvent.objects.filter(marketplace=marketplace, action="created").exists()
    with tenant_context(marketplace):
        from accounts.models import User
        from themes.models import Theme

        assert Category.objects.count() == count_nodes(preset.categories)
        assert ListingType.objects.count() == len(preset.listing_types)
        theme = Theme.objects.get()
        assert (theme.light, theme.dark) == (preset.theme["light"], preset.theme["dark"])
        owner = User.objects.get()
        assert (owner.email, owner.role, owner.is_staff) == ("boss@example.com", "staff", True)
    assert mail.outbox[-1].to == ["boss@example.com"]
    assert marketplace.name in mail.outbox[-1].subject

    body = support.api(marketplace).get("/api/v1/marketplace/").json()
    assert body["marketplace"]["preset"] == preset_slug


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"preset": "wizards"}, "preset"),
        ({"owner_email": "not-an-email"}, "owner_email"),
        ({"domain": "fire-test.localhost"}, "domain"),
        ({"slug": "fire-test"}, "slug"),
        ({"domain": "bad_host!"}, "domain"),
        ({"slug": "X"}, "slug"),
        ({"domain": "localhost"}, "domain"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(fire, kwargs, field):
    before = (Marketplace.objects.count(), Domain.objects.count(), schema_names())
    args = {"preset": "events", "name": "Gigs", "owner_email": "a@b.co", **kwargs}
    with pytest.raises(InvalidInput) as error:
        marketplace_create(**args)
    assert field in error.value.details
    assert (Marketplace.objects.count(), Domain.objects.count(), schema_names()) == before


def test_stale_template_is_refused_before_anything_is_made(fire):
    template = schemas.template_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {template}.django_migrations "
            "WHERE app = 'catalog' AND name = '0001_initial'"
        )
    before = (Marketplace.objects.count(), schema_names())
    with pytest.raises(schemas.TemplateOutOfDate, match="catalog.0001_initial"):
        marketplace_create(preset="events", name="Stale", owner_email="a@b.co")
    assert (Marketplace.objects.count(), schema_names()) == before


def test_spare_schema_is_handed_out_by_rename(fire):
    schemas.refill_spare_schemas(target=1)
    (spare,) = schemas.spare_schema_names()
    marketplace = marketplace_create(preset="events", name="Spare Events", owner_email="a@b.co")
    assert schema_exists(marketplace.schema_name)
    assert not schema_exists(spare)
    with tenant_context(marketplace):
        assert ListingType.objects.filter(slug="ticketed-event").exists()


def test_operator_api_lifecycle(operator, marketplaces, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = operator.post(
            "/api/v1/operator/marketplaces/",
            {
                "preset": "freelancers",
                "name": "Gig Hub",
                "owner_email": "me@gighub.io",
                "domain": "gighub.example.com",
            },
            content_type="application/json",
        )
    assert created.status_code == 201, created.content
    assert created.json()["domains"] == [{"domain": "gighub.example.com", "is_primary": True}]
    marketplace = Marketplace.objects.get(slug="gig-hub")
    client = support.api(marketplace)
    assert client.get("/api/v1/marketplace/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        suspended = operator.post("/api/v1/operator/marketplaces/gig-hub/suspend/")
    assert suspended.json()["status"] == "suspended"
    page = client.get("/")
    assert page.status_code == 503
    assert b"Gig Hub is temporarily unavailable" in page.content
    api = client.get("/api/v1/marketplace/")
    assert (api.status_code, api.json()["error"]) == (503, "marketplace_suspended")
    again = operator.post("/api/v1/operator/marketplaces/gig-hub/suspend/")
    assert (again.status_code, again.json()["error"]) == (409, "already_suspended")

    with django_capture_on_commit_callbacks(execute=True):
        operator.post("/api/v1/operator/marketplaces/gig-hub/resume/")
    assert client.get("/api/v1/marketplace/").status_code == 200

    # Deleting needs more than staff: the operator permission.
    refused = operator.delete("/api/v1/operator/marketplaces/gig-hub/")
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    User.objects.get(email="ops@souk.test").user_permissions.add(
        Permission.objects.get(content_type__app_label="tenants", codename="delete_marketplace")
    )
    with django_capture_on_commit_callbacks(execute=True):
        deleted = operator.delete("/api/v1/operator/marketplaces/gig-hub/")
    assert (deleted.status_code, deleted.json()["status"]) == (200, "deleted")
    assert schema_exists("gig_hub")  # until the purge
    assert client.get("/api/v1/marketplace/").status_code == 404
    assert MarketplaceEvent.objects.filter(marketplace_slug="gig-hub").count() == 4


def test_operator_api_bad_input_gives_400_and_creates_nothing(operator, marketplaces):
    before = Marketplace.objects.count()
    response = operator.post(
        "/api/v1/operator/marketplaces/",
        {"preset": "nope", "name": "X Market", "owner_email": "bad"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert set(body["details"]) == {"preset", "owner_email"}
    assert Marketplace.objects.count() == before

    taken = operator.post(
        "/api/v1/operator/marketplaces/",
        {
            "preset": "events",
            "name": "Other",
            "owner_email": "a@b.co",
            "domain": "fire-test.localhost",
        },
        content_type="application/json",
    )
    assert (taken.status_code, taken.json()["error"]) == (400, "taken")


def test_operator_api_refuses_anyone_but_operators(fire):
    anonymous = support.api().get("/api/v1/operator/marketplaces/")
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "not_authenticated")

    # A marketplace's staff token means nothing on the operator host.
    from accounts.models import User
    from tests.support.factories.accounts import api_token_for

    with tenant_context(fire):
        token = api_token_for(User.objects.get(email="owner@example.com"))
    foreign = support.api(token=token)
    response = foreign.get("/api/v1/operator/marketplaces/")
    assert (response.status_code, response.json()["error"]) == (401, "authentication_failed")
    # ... and the operator API does not exist on a marketplace host.
    assert support.api(fire).get("/api/v1/operator/marketplaces/").status_code == 404


def test_management_command_creates_and_suspends(marketplaces, db, capsys):
    from django.core.management import call_command

    call_command(
        "marketplace",
        "create",
        "--preset",
        "psychic-readers",
        "--name",
        "Moon Talk",
        "--owner-email",
        "moon@talk.com",
    )
    assert "created moon-talk at http://moon-talk.localhost/" in capsys.readouterr().out
    call_command("marketplace", "suspend", "moon-talk")
    assert Marketplace.objects.get(slug="moon-talk").status == "suspended"

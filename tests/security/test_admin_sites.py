"""The admin on each side of the schema boundary.

A marketplace's owner is a superuser in their marketplace's schema only. On their host they
administer their marketplace's models and nothing of the operator's side (marketplaces,
domains, audit rows, dj-stripe's shared tables); on the operator host their credentials open
nothing. Every model registered on any admin site is walked, so a model registered later on
the wrong site fails here.
"""

import secrets

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import all_sites
from django.contrib.contenttypes.models import ContentType
from django_tenants.utils import tenant_context

from accounts.models import User
from tenants.db import connection
from tenants.models import Domain, Marketplace, MarketplaceEvent
from tests.admin_forms import admin_form_data
from tests.support.client import api

OWNER_PASSWORD = "ember-juggler-4412"
OPERATOR_PASSWORD = "lantern-quay-2207"
CLOSED = (403, 404)


def _app_of(model) -> str:
    return model._meta.app_config.name


def _models() -> list:
    """Every model registered on any admin site (Django's default one included) and every
    other installed model, so one registered later on the wrong site is caught too."""
    models = {model for site in all_sites for model in site._registry} | set(apps.get_models())
    return sorted(models, key=lambda model: model._meta.label)


def _public_only_models() -> list:
    return [
        model
        for model in _models()
        if _app_of(model) in settings.SHARED_APPS and _app_of(model) not in settings.TENANT_APPS
    ]


def _marketplace_only_models() -> list:
    return [
        model
        for model in _models()
        if _app_of(model) in settings.TENANT_APPS and _app_of(model) not in settings.SHARED_APPS
    ]


def _admin_urls(model, pk) -> list[str]:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return [
        base,
        f"{base}add/",
        f"{base}{pk}/change/",
        f"{base}{pk}/delete/",
        f"{base}{pk}/history/",
    ]


def _public_pk(model, other: Marketplace):
    """A real row of the operator's side, the other marketplace's own where it has one."""
    connection.set_schema_to_public()
    if model is Marketplace:
        return other.pk
    if model is Domain:
        return other.get_primary_domain().pk
    if model is MarketplaceEvent:
        return MarketplaceEvent.objects.filter(marketplace=other).values_list("pk", flat=True)[0]
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first() or 1


def _relations_to_public_models() -> list[tuple]:
    """(model, field) for every relation whose target is an operator-side model: the admin's
    autocomplete answers with the target's rows."""
    public = set(_public_only_models())
    return [
        (model, field.name)
        for model in _models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model in public
    ]


def _operator_host() -> str:
    return settings.SOUK_OPERATOR_HOSTS[0]


def _owner_browser(marketplace):
    """A browser logged in through the admin's log-in page as the marketplace's owner."""
    with tenant_context(marketplace):
        owner = User.objects.get(email=marketplace.owner_email)
        owner.set_password(OWNER_PASSWORD)
        owner.save(update_fields=["password"])
    browser = api(marketplace, own_address=True, raise_request_exception=False)
    response = browser.post_form(
        "/admin/login/", {"username": owner.email, "password": OWNER_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302, response.content
    return browser


def _operator_browser(**fields):
    connection.set_schema_to_public()
    user = User.objects.create_user(
        email=f"staff-{secrets.token_hex(4)}@souk.test",
        password=OPERATOR_PASSWORD,
        is_staff=True,
        **fields,
    )
    browser = api(_operator_host(), own_address=True, raise_request_exception=False)
    response = browser.post_form(
        "/admin/login/", {"username": user.email, "password": OPERATOR_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302, response.content
    return browser, user


def test_a_marketplace_owner_reaches_no_operator_model_on_their_host(fire, talent):
    browser = _owner_browser(fire)
    public_models = _public_only_models()
    assert {Marketplace, Domain, MarketplaceEvent} <= set(public_models)

    opened = []
    for model in public_models:
        pk = _public_pk(model, talent)
        for url in _admin_urls(model, pk):
            status = browser.get(url).status_code
            if status not in CLOSED:
                opened.append(("GET", url, status))
        deleted = browser.post_form(_admin_urls(model, pk)[3], {"post": "yes"})
        if deleted.status_code not in CLOSED:
            opened.append(("POST", _admin_urls(model, pk)[3], deleted.status_code))
        with tenant_context(fire):
            content_type = ContentType.objects.filter(
                app_label=model._meta.app_label, model=model._meta.model_name
            ).first()
        if content_type is not None:
            status = browser.get(f"/admin/r/{content_type.pk}/{pk}/").status_code
            if status not in CLOSED:
                opened.append(("GET", f"view on site {model._meta.label}", status))
    for model, field in _relations_to_public_models():
        query = {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": "",
        }
        status = browser.get("/admin/autocomplete/", query).status_code
        if status not in CLOSED:
            opened.append(("GET", f"autocomplete {model._meta.label}.{field}", status))

    assert opened == []
    connection.set_schema_to_public()
    assert Marketplace.objects.filter(pk=talent.pk, status=Marketplace.Status.ACTIVE).exists()
    assert talent.get_primary_domain().domain == "talent-test.localhost"
    index = browser.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/tenants/" not in index.content and b"/admin/djstripe/" not in index.content


def test_a_marketplace_owner_administers_their_own_marketplace(fire, talent):
    with tenant_context(talent):
        User.objects.create_user(email="someone-at-talent@example.com", password=None)
    browser = _owner_browser(fire)

    users = browser.get("/admin/accounts/user/")
    assert users.status_code == 200
    assert fire.owner_email.encode() in users.content
    assert b"someone-at-talent@example.com" not in users.content
    assert browser.get("/admin/catalog/listing/").status_code == 200
    assert browser.get("/admin/auth/group/").status_code == 200


def test_a_marketplace_owners_credentials_open_nothing_on_the_operator_host(fire):
    browser = _owner_browser(fire)
    operator_host = _operator_host()

    # The session made on the marketplace's host is unknown on the operator's side.
    for model in _public_only_models():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = browser.get(base, HTTP_HOST=operator_host)
        assert response.status_code == 302, (base, response.status_code)
        assert response["Location"].startswith("/admin/login/")

    # And the owner's e-mail and password are not an account there.
    stranger = api(operator_host, own_address=True)
    response = stranger.post_form(
        "/admin/login/", {"username": fire.owner_email, "password": OWNER_PASSWORD}
    )
    assert response.status_code == 200
    assert b"errornote" in response.content
    assert stranger.get("/admin/").status_code == 302


def test_the_operator_host_serves_no_marketplace_model(fire):
    browser, _ = _operator_browser(is_superuser=True)
    marketplace_models = _marketplace_only_models()

    opened = []
    for model in marketplace_models:
        for url in _admin_urls(model, 1):
            status = browser.get(url).status_code
            if status not in CLOSED:
                opened.append((url, status))
    assert opened == []


def test_operator_staff_administer_marketplaces_on_the_operator_host(fire, talent):
    browser, user = _operator_browser(is_superuser=True)

    marketplaces = browser.get("/admin/tenants/marketplace/")
    assert marketplaces.status_code == 200
    assert fire.name.encode() in marketplaces.content
    assert talent.name.encode() in marketplaces.content
    assert browser.get(f"/admin/tenants/marketplace/{fire.pk}/change/").status_code == 200
    assert browser.get("/admin/tenants/marketplaceevent/").status_code == 200
    assert browser.get("/admin/djstripe/webhookendpoint/").status_code == 200
    users = browser.get("/admin/accounts/user/")
    assert users.status_code == 200
    assert user.email.encode() in users.content

    # Staff without permissions see the site but no marketplace; non-staff are not let in.
    limited, _ = _operator_browser()
    assert limited.get("/admin/").status_code == 200
    assert limited.get("/admin/tenants/marketplace/").status_code == 403
    connection.set_schema_to_public()
    User.objects.create_user(email="not-staff@souk.test", password=OPERATOR_PASSWORD)
    outsider = api(_operator_host(), own_address=True)
    outsider.post_form(
        "/admin/login/", {"username": "not-staff@souk.test", "password": OPERATOR_PASSWORD}
    )
    assert outsider.get("/admin/").status_code == 302


@pytest.mark.parametrize("how", ["single", "bulk"])
def test_deleting_a_marketplace_in_the_operator_admin_goes_through_the_service(
    make_marketplace, how
):
    doomed = make_marketplace("freelancers")
    browser, user = _operator_browser(is_superuser=True)

    if how == "single":
        response = browser.post_form(
            f"/admin/tenants/marketplace/{doomed.pk}/delete/", {"post": "yes"}
        )
    else:
        response = browser.post_form(
            "/admin/tenants/marketplace/",
            {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
        )

    assert response.status_code == 302, response.content
    connection.set_schema_to_public()
    assert MarketplaceEvent.objects.filter(
        marketplace_slug=doomed.slug, action=MarketplaceEvent.Action.DELETED, actor=user.email
    ).exists()


def test_the_operator_admin_never_saves_a_marketplace_without_its_schema(db):
    browser, _ = _operator_browser(is_superuser=True)
    assert browser.get("/admin/tenants/marketplace/add/").status_code == 403
    response = browser.post_form(
        "/admin/tenants/marketplace/add/", {"name": "Bare", "slug": "bare"}
    )
    assert response.status_code == 403
    connection.set_schema_to_public()
    assert not Marketplace.objects.filter(slug="bare").exists()


def _with_extra_domain(page: bytes, domain: str) -> dict[str, list[str]]:
    data = admin_form_data(page, "marketplace_form")
    index = int(data["domains-TOTAL_FORMS"][0])
    data["domains-TOTAL_FORMS"] = [str(index + 1)]
    data[f"domains-{index}-domain"] = [domain]
    return data


@pytest.mark.parametrize(
    "domain", ["localhost", settings.SOUK_OPERATOR_HOSTS[-1], "Not_A_Host!", "-bad.localhost"]
)
def test_the_domain_inline_refuses_operator_hosts_and_bad_names(fire, domain):
    browser, _ = _operator_browser(is_superuser=True)
    url = f"/admin/tenants/marketplace/{fire.pk}/change/"

    response = browser.post_form(url, _with_extra_domain(browser.get(url).content, domain))

    assert response.status_code == 200
    assert b"errorlist" in response.content
    connection.set_schema_to_public()
    assert list(Domain.objects.filter(tenant=fire).values_list("domain", flat=True)) == [
        "fire-test.localhost"
    ]


def test_a_domain_is_not_renamed_or_moved_silently_in_the_admin(fire, talent):
    browser, _ = _operator_browser(is_superuser=True)
    url = f"/admin/tenants/marketplace/{fire.pk}/change/"
    data = admin_form_data(browser.get(url).content, "marketplace_form")
    data["domains-0-domain"] = ["elsewhere.localhost"]

    response = browser.post_form(url, data)

    assert response.status_code == 200
    assert b"errorlist" in response.content
    taken = browser.post_form(
        url, _with_extra_domain(browser.get(url).content, "talent-test.localhost")
    )
    assert taken.status_code == 200
    connection.set_schema_to_public()
    assert talent.get_primary_domain().domain == "talent-test.localhost"
    assert fire.get_primary_domain().domain == "fire-test.localhost"


def test_a_second_domain_is_added_beside_the_primary_one(fire):
    browser, _ = _operator_browser(is_superuser=True)
    url = f"/admin/tenants/marketplace/{fire.pk}/change/"
    data = _with_extra_domain(browser.get(url).content, "fire-alias.localhost")

    response = browser.post_form(url, data)

    assert response.status_code == 302, response.content
    connection.set_schema_to_public()
    assert dict(Domain.objects.filter(tenant=fire).values_list("domain", "is_primary")) == {
        "fire-test.localhost": True,
        "fire-alias.localhost": False,
    }


def test_each_admin_site_refuses_the_other_sides_schema_and_models(fire):
    """Defence in depth, should a URLconf ever mount a site on the wrong side."""
    from django.core.exceptions import ImproperlyConfigured
    from django.test import RequestFactory

    from catalog.models import Listing
    from tenants.admin_sites import marketplace_site, operator_site

    with tenant_context(fire):
        owner = User.objects.get(email=fire.owner_email)
        on_fire = RequestFactory().get("/admin/")
        on_fire.user, on_fire.tenant = owner, fire
        assert marketplace_site.has_permission(on_fire)
        assert not operator_site.has_permission(on_fire)
    connection.set_schema_to_public()
    operator = User.objects.create_user(
        email="root@souk.test", password=None, is_staff=True, is_superuser=True
    )
    on_operator = RequestFactory().get("/admin/")
    on_operator.user, on_operator.tenant = operator, None
    assert operator_site.has_permission(on_operator)
    assert not marketplace_site.has_permission(on_operator)

    with pytest.raises(ImproperlyConfigured):
        operator_site.register(Listing)
    with pytest.raises(ImproperlyConfigured):
        marketplace_site.register(Marketplace)
    assert Listing not in operator_site._registry and Marketplace not in marketplace_site._registry

"""Deleting a marketplace: only operators holding tenants.delete_marketplace may, it is soft
first (unreachable at once, restorable), and the purge after the grace period removes the
schema, its public media and its private files, and nothing else."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import User
from tenants.db import connection
from tenants.models import Domain, Marketplace, MarketplaceEvent
from tests.support import client as support


def operator_client(*, email="deleter@souk.test", permitted=True, **flags) -> support.ApiClient:
    connection.set_schema_to_public()
    user = User.objects.create_user(email=email, password="x", is_staff=True, **flags)
    if permitted:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="tenants", codename="delete_marketplace")
        )
    client = support.api()
    client.force_login(user)
    return client


def url(marketplace, action="") -> str:
    return f"/api/v1/operator/marketplaces/{marketplace.slug}/{action}"


def serves(marketplace) -> int:
    return support.api(marketplace).get("/api/v1/marketplace/").status_code


def test_plain_staff_may_not_delete(operator, make_marketplace, django_capture_on_commit_callbacks):
    marketplace = make_marketplace("events")
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.delete(url(marketplace))
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")
    marketplace.refresh_from_db()
    assert (marketplace.status, marketplace.deleted_at) == ("active", None)
    assert schema_exists(marketplace.schema_name)
    assert serves(marketplace) == 200
    assert not MarketplaceEvent.objects.filter(marketplace=marketplace, action="deleted").exists()


@pytest.mark.parametrize("flags", [{"permitted": True}, {"permitted": False, "is_superuser": True}])
def test_permitted_operator_deletes_softly_and_restores(
    make_marketplace, django_capture_on_commit_callbacks, flags
):
    marketplace = make_marketplace("events")
    domain = marketplace.get_primary_domain().domain
    client = operator_client(**flags)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(url(marketplace))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "deleted"
    marketplace.refresh_from_db()
    assert marketplace.status == "deleted" and marketplace.deleted_at is not None
    assert schema_exists(marketplace.schema_name)  # kept for the grace period
    assert MarketplaceEvent.objects.filter(
        marketplace=marketplace, action="deleted", actor="deleter@souk.test"
    ).exists()

    # Not served at once: as if there were no marketplace there (not "suspended").
    api = support.api(marketplace).get("/api/v1/marketplace/")
    assert (api.status_code, api.json()["error"]) == (404, "unknown_marketplace")
    assert support.api(marketplace).get("/").status_code == 404
    # Its domain and slug stay reserved until the purge.
    taken = client.post(
        "/api/v1/operator/marketplaces/",
        {"preset": "events", "name": "Squatter", "owner_email": "s@q.io", "domain": domain},
        content_type="application/json",
    )
    assert (taken.status_code, taken.json()["error"]) == (400, "taken")
    again = client.delete(url(marketplace))
    assert (again.status_code, again.json()["error"]) == (409, "already_deleted")
    resumed = client.post(url(marketplace, "resume/"))
    assert resumed.status_code == 409

    with django_capture_on_commit_callbacks(execute=True):
        restored = client.post(url(marketplace, "restore/"))
    assert restored.status_code == 200, restored.content
    assert restored.json()["status"] == "active"
    assert serves(marketplace) == 200
    assert MarketplaceEvent.objects.filter(marketplace=marketplace, action="restored").exists()


def test_plain_staff_may_not_restore(operator, make_marketplace):
    marketplace = make_marketplace("events")
    operator_client().delete(url(marketplace))
    response = operator.post(url(marketplace, "restore/"))
    assert response.status_code == 403
    marketplace.refresh_from_db()
    assert marketplace.status == "deleted"


def test_restore_after_the_grace_period_is_refused(make_marketplace, settings):
    marketplace = make_marketplace("events")
    client = operator_client()
    client.delete(url(marketplace))
    Marketplace.objects.filter(pk=marketplace.pk).update(
        deleted_at=timezone.now() - timedelta(days=settings.SOUK_DELETION_GRACE_DAYS, hours=1)
    )
    response = client.post(url(marketplace, "restore/"))
    assert (response.status_code, response.json()["error"]) == (409, "grace_period_over")


def test_a_suspended_marketplace_comes_back_suspended(make_marketplace):
    marketplace = make_marketplace("events")
    client = operator_client()
    client.post(url(marketplace, "suspend/"))
    client.delete(url(marketplace))
    assert client.post(url(marketplace, "restore/")).json()["status"] == "suspended"


@pytest.fixture
def file_roots(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # django-tenants caches MEDIA_ROOT + the schema pattern; re-setting the pattern clears it.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    settings.SOUK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


def store_files(marketplace) -> list:
    """A public media file and a private file in the marketplace's folders; their paths."""
    with tenant_context(marketplace):
        media = storages["default"].save("listings/7/photo.jpg", ContentFile(b"jpeg"))
        private = storages["private"].save("deliveries/3/work.zip", ContentFile(b"zip"))
        return [storages["default"].path(media), storages["private"].path(private)]


def exists(path) -> bool:
    try:
        with open(path, "rb"):
            return True
    except FileNotFoundError:
        return False


def test_purge_when_due_drops_schema_media_and_private_files(
    fire, make_marketplace, file_roots, settings
):
    from tenants.tasks import purge_deleted_marketplaces

    marketplace = make_marketplace("events")
    doomed = store_files(marketplace)
    kept = store_files(fire)
    operator_client().delete(url(marketplace))
    Marketplace.objects.filter(pk=marketplace.pk).update(
        deleted_at=timezone.now() - timedelta(days=settings.SOUK_DELETION_GRACE_DAYS, hours=1)
    )

    assert purge_deleted_marketplaces.apply().result == 1

    assert not schema_exists(marketplace.schema_name)
    assert not [path for path in doomed if exists(path)]
    assert not (file_roots / "media" / marketplace.schema_name).exists()
    assert not (file_roots / "private" / marketplace.schema_name).exists()
    assert all(exists(path) for path in kept)
    assert schema_exists(fire.schema_name)
    assert not Marketplace.objects.filter(pk=marketplace.pk).exists()
    assert not Domain.objects.filter(tenant_id=marketplace.pk).exists()
    assert MarketplaceEvent.objects.filter(
        marketplace_slug=marketplace.slug, action="purged"
    ).exists()
    assert "tenants.tasks.purge_deleted_marketplaces" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_nothing_is_purged_before_its_time(make_marketplace, file_roots):
    from tenants.tasks import purge_deleted_marketplaces

    marketplace = make_marketplace("events")
    files = store_files(marketplace)
    operator_client().delete(url(marketplace))

    assert purge_deleted_marketplaces.apply().result == 0

    assert schema_exists(marketplace.schema_name)
    assert all(exists(path) for path in files)
    assert Marketplace.objects.get(pk=marketplace.pk).status == "deleted"


def test_the_shell_command_deletes_softly_too(make_marketplace):
    marketplace = make_marketplace("events")
    call_command("marketplace", "delete", marketplace.slug)
    marketplace.refresh_from_db()
    assert marketplace.status == "deleted"
    assert schema_exists(marketplace.schema_name)
    call_command("marketplace", "restore", marketplace.slug)
    marketplace.refresh_from_db()
    assert marketplace.status == "active"


@pytest.fixture
def s3(settings):
    """Media and private files on S3 (settings as SOUK_MEDIA_STORAGE=s3 makes them), against
    moto's S3 server over HTTP; yields a boto3 client of the bucket."""
    import socket

    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"aws_access_key_id": "souk-test", "aws_secret_access_key": "souk-test-secret"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket="souk-purge-test")
    settings.AWS_STORAGE_BUCKET_NAME = "souk-purge-test"
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ACCESS_KEY_ID = credentials["aws_access_key_id"]
    settings.AWS_S3_SECRET_ACCESS_KEY = credentials["aws_secret_access_key"]
    settings.AWS_DEFAULT_ACL = "public-read"
    # Last: changing STORAGES drops the storage instances built from the settings before.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tenants.storage.TenantS3Storage"},
        "private": {
            "BACKEND": "tenants.storage.TenantS3Storage",
            "OPTIONS": {"location": "private", "default_acl": "private", "custom_domain": None},
        },
    }
    try:
        yield client
    finally:
        server.stop()


def test_purge_removes_the_marketplace_objects_on_s3_and_only_those(
    fire, make_marketplace, s3, settings
):
    from tenants.tasks import purge_deleted_marketplaces

    marketplace = make_marketplace("events")
    for owner in (marketplace, fire):
        with tenant_context(owner):
            storages["default"].save("listings/7/photo.jpg", ContentFile(b"jpeg"))
            storages["default"].save("listings/7/thumbs/small.webp", ContentFile(b"webp"))
            storages["private"].save("deliveries/3/work.zip", ContentFile(b"zip"))
    operator_client().delete(url(marketplace))
    Marketplace.objects.filter(pk=marketplace.pk).update(
        deleted_at=timezone.now() - timedelta(days=settings.SOUK_DELETION_GRACE_DAYS, hours=1)
    )

    assert purge_deleted_marketplaces.apply().result == 1

    listing = s3.list_objects_v2(Bucket="souk-purge-test").get("Contents", [])
    assert sorted(item["Key"] for item in listing) == [
        "fire_test/listings/7/photo.jpg",
        "fire_test/listings/7/thumbs/small.webp",
        "private/fire_test/deliveries/3/work.zip",
    ]
    assert not schema_exists(marketplace.schema_name)


def test_action_addresses_only_do_their_action(make_marketplace):
    """DELETE on …/suspend/ (or resume/, restore/) is not another door to deleting."""
    marketplace = make_marketplace("events")
    client = operator_client()
    for action in ("suspend/", "resume/", "restore/"):
        response = client.delete(url(marketplace, action))
        assert (response.status_code, response.json()["error"]) == (405, "method_not_allowed")
    marketplace.refresh_from_db()
    assert marketplace.status == "active"

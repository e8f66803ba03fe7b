"""Media on S3-compatible storage (SOUK_MEDIA_STORAGE=s3) against a real S3 endpoint over HTTP.

The endpoint is moto's S3 server, started on a free local port for this module: the storage,
boto3 and the URLs handed to clients all speak the S3 protocol to it, as they would to AWS,
MinIO or R2.
"""

import io
import json
import os
import socket
import subprocess
import sys
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context
from moto.server import ThreadedMotoServer
from PIL import Image

from tenants.storage import TenantS3Storage
from tests.support.files import image_bytes, upload

# Heavy (a real process, a server, threads or every URL): left out of `make test-fast`.
pytestmark = pytest.mark.slow

BUCKET = "souk-media-test"
CREDENTIALS = {"aws_access_key_id": "souk-test", "aws_secret_access_key": "souk-test-secret"}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint):
    """The settings SOUK_MEDIA_STORAGE=s3 makes (config/settings.py), on an empty bucket."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ACCESS_KEY_ID = CREDENTIALS["aws_access_key_id"]
    settings.AWS_S3_SECRET_ACCESS_KEY = CREDENTIALS["aws_secret_access_key"]
    settings.AWS_QUERYSTRING_AUTH = False
    settings.AWS_DEFAULT_ACL = "public-read"
    # Last: changing STORAGES drops the storage instances built from the settings before.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tenants.storage.TenantS3Storage"},
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def _fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_listing_photos_live_under_the_marketplace_prefix_with_plain_public_urls(
    fire, fire_provider, bucket, s3_endpoint, django_capture_on_commit_callbacks
):
    _, listing, client = fire_provider
    photo = image_bytes(size=(1000, 800))

    # Too large to be processed in the request: the worker (eager here) writes to S3.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post_form(
            f"/api/v1/listings/{listing.pk}/media/", {"file": upload("show.jpg", photo)}
        )

    assert response.status_code == 202, response.content
    assert response.json()["url"] is None
    (body,) = client.get(f"/api/v1/listings/{listing.pk}/media/").json()
    assert body["status"] == "ready"
    prefix = f"fire_test/media/listings/{listing.pk}/"
    keys = _keys(bucket)
    assert len(keys) == 4 and all(key.startswith(prefix) for key in keys)
    # Plain URLs on the bucket: no signature that would expire in a client's cache.
    assert body["url"].startswith(f"{s3_endpoint}/{BUCKET}/{prefix}")
    assert "Signature" not in body["url"] and "X-Amz" not in body["url"]
    status, content_type, stored = _fetch(body["url"])
    assert (status, content_type, len(stored)) == (200, "image/jpeg", body["size_bytes"])
    assert Image.open(io.BytesIO(stored)).size == (1000, 800)
    small_status, small_type, _ = _fetch(body["thumbnails"]["small"])
    assert (small_status, small_type) == (200, "image/webp")
    original = next(key for key in keys if "/thumbs/" not in key)
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=original)["Grants"]
    assert {"Type": "Group", "URI": ALL_USERS} in [grant["Grantee"] for grant in grants]

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(f"/api/v1/listings/{listing.pk}/media/{body['id']}/")

    assert deleted.status_code == 204
    assert _keys(bucket) == []


def test_private_files_sit_under_private_with_a_private_acl(fire, bucket, s3_endpoint):
    # The "private" storage SOUK_MEDIA_STORAGE=s3 configures (deliverables, attachments,
    # evidence), built with the same options.
    storage = TenantS3Storage(
        location="private", default_acl="private", querystring_auth=True, custom_domain=None
    )
    with tenant_context(fire):
        name = storage.save("deliveries/1/final.pdf", ContentFile(b"%PDF-1.4 final"))

    key = f"private/fire_test/{name}"
    assert _keys(bucket) == [key]
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert ALL_USERS not in [grant["Grantee"].get("URI") for grant in grants]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{key}")
    assert refused.value.code == 403


def test_souk_media_storage_s3_makes_these_settings(s3_endpoint):
    """What the two tests above set by hand is what the environment makes."""
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'storages': s.STORAGES, 'bucket': s.AWS_STORAGE_BUCKET_NAME, "
        "'endpoint': s.AWS_S3_ENDPOINT_URL, 'acl': s.AWS_DEFAULT_ACL, "
        "'signed': s.AWS_QUERYSTRING_AUTH}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SOUK_MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
    }

    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )

    made = json.loads(out.stdout)
    assert made["storages"]["default"] == {"BACKEND": "tenants.storage.TenantS3Storage"}
    assert made["storages"]["private"] == {
        "BACKEND": "tenants.storage.TenantS3Storage",
        "OPTIONS": {
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
    assert (made["bucket"], made["endpoint"]) == (BUCKET, s3_endpoint)
    assert (made["acl"], made["signed"]) == ("public-read", False)

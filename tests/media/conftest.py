"""Media tests: real images made with Pillow, files written to a temporary MEDIA_ROOT."""

import io
import itertools
import struct
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.authtoken.models import Token

from accounts.models import User
from catalog.models import Category, Listing, ListingType, ProviderProfile
from tests.conftest import host_client
from tests.factories import UserFactory, tenant_context

_slugs = itertools.count(1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    # django-tenants caches MEDIA_ROOT + the schema pattern; re-setting the pattern clears it.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def image_bytes(fmt="JPEG", size=(640, 480), color=(200, 80, 20), **save) -> bytes:
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def minimal_mp4() -> bytes:
    """ftyp (isom, compatible isom/iso2/avc1/mp41) + free + a small mdat: a real file's start."""
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    return ftyp + box(b"free", b"") + box(b"mdat", bytes(range(256)) * 4)


def make_provider(email: str) -> ProviderProfile:
    user = UserFactory(email=email, role=User.Role.PROVIDER, display_name=email.split("@")[0])
    return ProviderProfile.objects.create(user=user, display_name=user.display_name)


def make_listing(profile: ProviderProfile, *, status=Listing.Status.PUBLISHED) -> Listing:
    return Listing.objects.create(
        provider=profile,
        category=Category.objects.order_by("pk").first(),
        listing_type=ListingType.objects.order_by("pk").first(),
        title="Fire show",
        slug=f"fire-show-{next(_slugs)}",
        price_minor=25000,
        currency="GBP",
        status=status,
    )


def token_client(marketplace, user):
    token = Token.objects.create(user=user)
    return host_client(marketplace, HTTP_AUTHORIZATION=f"Bearer {token.key}")


@pytest.fixture
def fire_provider(fire):
    with tenant_context(fire):
        profile = make_provider("kat@example.com")
        listing = make_listing(profile)
        client = token_client(fire, profile.user)
    return profile, listing, client

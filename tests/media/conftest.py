"""Media tests: real images made with Pillow, files written to a temporary MEDIA_ROOT."""

from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from tests.support.client import api
from tests.support.factories.catalog import make_listing, make_provider


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    # django-tenants caches MEDIA_ROOT + the schema pattern; re-setting the pattern clears it.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path_factory) -> Path:
    """Where uploads wait for the worker (the private storage), apart from MEDIA_ROOT."""
    root = tmp_path_factory.mktemp("private")
    settings.SOUK_PRIVATE_MEDIA_ROOT = root
    return root


@pytest.fixture
def fire_provider(fire):
    with tenant_context(fire):
        profile = make_provider("kat@example.com")
        listing = make_listing(profile)
        client = api(fire, profile.user)
    return profile, listing, client

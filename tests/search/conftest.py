"""Search tests build their rows in a marketplace's schema (tests.support.factories.search)."""

import pytest
from django_tenants.utils import tenant_context

from tests.support.factories.search import LONDON, Catalog


@pytest.fixture
def in_fire(fire):
    with tenant_context(fire):
        yield Catalog()


@pytest.fixture
def in_talent(talent):
    with tenant_context(talent):
        yield Catalog()


@pytest.fixture
def performer(in_fire):
    return in_fire.provider("Blaze Collective", lat=LONDON[0], lon=LONDON[1])

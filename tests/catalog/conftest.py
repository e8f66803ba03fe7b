import pytest

from tests.support.factories.accounts import staff_in, user_in
from tests.support.factories.catalog import provider_in


@pytest.fixture
def fire_provider(fire):
    return provider_in(fire)


@pytest.fixture
def fire_staff(fire):
    return staff_in(fire)


@pytest.fixture
def fire_customer(fire):
    return user_in(fire)

import pytest

from tests.support.stripe_sandbox import stripe_sandbox, webhook_inbox  # noqa: F401


@pytest.fixture
def key(stripe_sandbox):  # noqa: F811
    """A platform of its own for this test."""
    return stripe_sandbox.new_key()


@pytest.fixture
def client(stripe_sandbox, key):  # noqa: F811
    return stripe_sandbox.client(key)

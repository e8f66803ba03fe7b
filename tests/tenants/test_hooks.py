"""tenants' hooks: accounts provisions a new marketplace's owner, and no other app may too."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.services import owner_provision
from tenants.hooks import owner_provisioner, register_owner_provisioner


def test_accounts_provisions_the_owner():
    assert owner_provisioner() is owner_provision
    register_owner_provisioner(owner_provision)  # ready() running again changes nothing
    assert owner_provisioner() is owner_provision


def test_a_second_owner_provisioner_is_refused():
    def another(*, email: str, password: str | None, schema_name: str) -> None:
        raise AssertionError("never called")

    with pytest.raises(ImproperlyConfigured):
        register_owner_provisioner(another)
    assert owner_provisioner() is owner_provision

from django_tenants.utils import tenant_context

from accounts.models import User
from tests.support.client import api
from tests.support.factories.accounts import VerifiedUserFactory


def staff_browser(marketplace, **fields):
    with tenant_context(marketplace):
        staff = VerifiedUserFactory(role=User.Role.STAFF, is_staff=True, **fields)
        browser = api(marketplace, own_address=True)
        browser.force_login(staff)
    return browser


def test_marketplace_staff_see_only_their_marketplaces_users(fire, talent):
    with tenant_context(fire):
        VerifiedUserFactory(email="fire-customer@example.com")
    with tenant_context(talent):
        VerifiedUserFactory(email="talent-customer@example.com")

    page = staff_browser(fire, is_superuser=True).get("/admin/accounts/user/")
    assert page.status_code == 200
    assert b"fire-customer@example.com" in page.content
    assert b"talent-customer@example.com" not in page.content


def test_staff_add_a_user_in_the_admin(fire):
    browser = staff_browser(fire, is_superuser=True)
    assert browser.get("/admin/accounts/user/add/").status_code == 200
    response = browser.post_form(
        "/admin/accounts/user/add/",
        {
            "email": "Added@Example.com",
            "display_name": "Added",
            "role": "provider",
            "usable_password": "true",
            "password1": "saffron-lantern-87",
            "password2": "saffron-lantern-87",
        },
    )
    assert response.status_code == 302, response.content
    with tenant_context(fire):
        user = User.objects.get(email="added@example.com")
        assert user.role == User.Role.PROVIDER
        assert user.password.startswith("argon2")


def test_staff_without_superuser_rights_cannot_grant_them(fire):
    from django.contrib.auth.models import Permission

    with tenant_context(fire):
        customer = VerifiedUserFactory()
        staff = VerifiedUserFactory(role=User.Role.STAFF, is_staff=True)
        staff.user_permissions.set(
            Permission.objects.filter(codename__in=["view_user", "change_user"])
        )
        browser = api(fire, own_address=True)
        browser.force_login(staff)

    page = browser.get(f"/admin/accounts/user/{customer.pk}/change/")
    assert page.status_code == 200
    assert b'name="display_name"' in page.content
    for field in (b"is_superuser", b"user_permissions", b"groups"):
        assert b'name="' + field + b'"' not in page.content

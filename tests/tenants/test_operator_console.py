"""The operator console ("/" on operator hosts) lists every marketplace: operators only."""

from accounts.models import User
from tenants.db import connection
from tests.support.client import api


def console_as(user=None):
    client = api()
    if user is not None:
        client.force_login(user)
    return client.get("/")


def public_user(email: str, **flags) -> User:
    connection.set_schema_to_public()
    return User.objects.create_user(email=email, password="x", **flags)


def test_anonymous_visitors_are_sent_to_the_operator_log_in(fire):
    response = console_as(None)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/"
    assert fire.name.encode() not in response.content


def test_a_public_user_who_is_not_staff_is_sent_to_the_log_in_too(fire):
    response = console_as(public_user("someone@souk.test"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_operator_staff_see_the_marketplaces(fire, talent):
    response = console_as(public_user("ops-console@souk.test", is_staff=True))
    assert response.status_code == 200
    assert fire.name.encode() in response.content
    assert talent.name.encode() in response.content

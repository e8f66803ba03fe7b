import secrets

import factory
from django_tenants.utils import tenant_context

from accounts.models import User

PASSWORD = "correct-horse-battery"  # the password UserFactory gives


def api_token_for(user: User, *, name: str = "test client") -> str:
    """A new API token key for ``user`` (run inside their schema)."""
    from accounts.services import token_create

    return token_create(user=user, name=name).key


def unique_email(name: str) -> str:
    """An address no earlier test run used: allauth's own flows rate-limit per address in Redis."""
    return f"{name}-{secrets.token_hex(4)}@example.com"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    role = User.Role.CUSTOMER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class VerifiedUserFactory(UserFactory):
    """A user whose e-mail address is verified (allauth's EmailAddress row), able to log in.

    Pass ``email_address=False`` for a user who has not verified yet.
    """

    @factory.post_generation
    def email_address(obj, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            verified = True if extracted is None else bool(extracted)
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=verified)


class ProviderUserFactory(VerifiedUserFactory):
    role = User.Role.PROVIDER


class StaffUserFactory(VerifiedUserFactory):
    role = User.Role.STAFF
    is_staff = True


def user_in(marketplace, factory=VerifiedUserFactory, **fields):
    with tenant_context(marketplace):
        return factory(**fields)


def staff_in(marketplace, **fields):
    return user_in(marketplace, StaffUserFactory, **fields)

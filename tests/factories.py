from dataclasses import dataclass

import factory
from django_tenants.utils import tenant_context  # noqa: F401  (re-exported for tests)

from accounts.models import User


@dataclass(frozen=True)
class MarketplaceSpec:
    preset: str
    name: str
    domain: str
    schema: str

    @property
    def slug(self) -> str:
        return self.schema.replace("_", "-")


def api_token_for(user: User, *, name: str = "test client") -> str:
    """A new API token key for ``user`` (run inside their schema)."""
    from accounts.services import token_create

    return token_create(user=user, name=name).key


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    role = User.Role.CUSTOMER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

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

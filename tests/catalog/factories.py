import factory

from accounts.models import User
from catalog.models import ProviderProfile
from tests.factories import VerifiedUserFactory, api_token_for


class ProviderUserFactory(VerifiedUserFactory):
    role = User.Role.PROVIDER


class StaffUserFactory(VerifiedUserFactory):
    role = User.Role.STAFF
    is_staff = True


class ProviderProfileFactory(factory.django.DjangoModelFactory):
    """A profile straight in the table (for tests about others' profiles); the profile API
    and services are tested through provider_profile_save."""

    class Meta:
        model = ProviderProfile

    user = factory.SubFactory(ProviderUserFactory)
    display_name = factory.Faker("name")
    tagline = "Performer"


def token_for(user) -> str:
    return api_token_for(user)

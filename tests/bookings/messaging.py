"""What the message tests share: a provider's listing, a customer's question about it, and a
message sent as a form (with files); the rate counters of users to forget."""

import time

from django.core.cache import cache
from django_tenants.utils import tenant_context

from bookings.services.messages import message_rate_keys
from tests.support.factories.bookings import provider_party
from tests.support.factories.catalog import listing_of


def provider_listing(marketplace, type_slug, **fields):
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of(type_slug, provider=profile, **fields)
    return provider, profile, listing


def ask(customer, listing, body="Are you free on 12 June?"):
    return customer.api.post("/api/v1/threads/", {"listing_id": listing.pk, "body": body})


def post_with_files(who, thread_id, **fields):
    return who.api.post_form(f"/api/v1/threads/{thread_id}/messages/", fields)


def rate_counters_forget(marketplace, users):
    with tenant_context(marketplace):
        for user in users:
            # The current minute and day, and the windows around them a test may travel to.
            for moment in (time.time() + step for step in (-60, 0, 60, 120)):
                cache.delete_many(message_rate_keys(user_id=user.pk, now=moment))

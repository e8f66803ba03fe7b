"""The narrow reads of the live path (thread_to_write, thread_to_render, message_to_render,
unread_counts) answer as thread_get and the count selectors do: the same parties, the same
read marks and counts, nothing for strangers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from bookings.api.messages_serializers import MessageSerializer
from bookings.models import Message
from bookings.selectors.message_reads import message_to_render, thread_to_render, thread_to_write
from bookings.selectors.messages import thread_get, thread_unread_total
from bookings.selectors.notifications import notification_unread_count
from bookings.selectors.unread import unread_counts
from bookings.services.messages import thread_mark_read
from config.errors import NotFound
from tests.bookings.messaging import ask, provider_listing
from tests.support.factories.bookings import party, staff_party


class _Request:
    def __init__(self, user):
        self.user = user

    def build_absolute_uri(self, path):
        return path


def test_the_narrow_reads_agree_with_thread_get(fire, clear_rates):
    provider, _, listing = provider_listing(fire, "performance")
    customer, stranger, staff = party(fire), party(fire), staff_party(fire)
    clear_rates(fire, customer.user)
    thread_id = ask(customer, listing, "Call me on 07700 900123").json()["thread"]["id"]
    ask(customer, listing, "Are you free?")
    reply = provider.api.post(f"/api/v1/threads/{thread_id}/messages/", {"body": "Yes"})
    assert reply.status_code == 201, reply.content

    with tenant_context(fire):
        messages = list(Message.objects.filter(thread_id=thread_id).order_by("id"))
        for viewer in (customer.user, provider.user):
            full, role = thread_get(viewer=viewer, thread_id=thread_id)
            assert thread_to_write(viewer=viewer, thread_id=thread_id)[1] == role
            narrow, narrow_role = thread_to_render(viewer=viewer, thread_id=thread_id)
            assert narrow_role == role
            for message in messages:
                found = message_to_render(viewer=viewer, thread_id=thread_id, message_id=message.pk)
                assert found is not None
                rendered_message, thread = found
                assert (thread.my_read_up_to, thread.read_by_other_up_to) == (
                    full.my_read_up_to,
                    full.read_by_other_up_to,
                )
                request = _Request(viewer)
                # Rendered from the narrow rows, a message is what the API renders.
                expected = MessageSerializer(message, context={"request": request, "thread": full})
                with CaptureQueriesContext(connection) as queries:
                    got = MessageSerializer(
                        rendered_message, context={"request": request, "thread": thread}
                    ).data
                assert got == expected.data
                assert len(queries) == 0  # nothing deferred is read after all

        # The badge counts in one statement, as their own selectors count them; then again
        # after the customer read the provider's reply.
        counts = unread_counts(viewer=customer.user)
        assert counts["unread_messages"] == 1
        # Sockets send them as JSON: integers, not the Decimal a SQL sum() gives.
        assert {type(count) for count in counts.values()} == {int}
        for _round in range(2):
            for viewer in (customer.user, provider.user, stranger.user, staff.user):
                assert unread_counts(viewer=viewer) == {
                    "unread_notifications": notification_unread_count(viewer=viewer),
                    "unread_messages": thread_unread_total(viewer=viewer),
                }
            thread_mark_read(actor=customer.user, thread_id=thread_id)
        assert unread_counts(viewer=customer.user)["unread_messages"] == 0

        for viewer in (stranger.user, staff.user):
            first = messages[0].pk
            assert message_to_render(viewer=viewer, thread_id=thread_id, message_id=first) is None
        with pytest.raises(NotFound):
            thread_to_write(viewer=stranger.user, thread_id=thread_id)
        with pytest.raises(NotFound):
            thread_to_render(viewer=stranger.user, thread_id=thread_id)
        # A message named with another thread's id is not found through it.
        assert (
            message_to_render(
                viewer=customer.user, thread_id=thread_id + 1_000, message_id=messages[0].pk
            )
            is None
        )

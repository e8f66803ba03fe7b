"""Where a reconnecting socket resumes (realtime.selectors.events), on real Redis streams."""

from __future__ import annotations

import secrets

import pytest
from django_tenants.utils import tenant_context

from accounts.services.live_events import live_event_publish
from realtime.selectors.events import START, live_events_after, live_stream_resume


@pytest.fixture
def stream(fire, settings, django_capture_on_commit_callbacks):
    """publish(n) appends n events to the stream of a user id no other test uses."""
    settings.SOUK_LIVE_EVENTS_MAX_LEN = 5
    user_id = 10**9 + secrets.randbelow(10**9)

    def publish(count: int) -> list[str]:
        with tenant_context(fire), django_capture_on_commit_callbacks(execute=True):
            for number in range(count):
                live_event_publish(user_ids=[user_id], kind="test", data={"n": number})
        return [
            e.id for e in live_events_after(schema=fire.schema_name, user_id=user_id, after=START)
        ]

    def resume(last_event_id):
        return live_stream_resume(
            schema=fire.schema_name, user_id=user_id, last_event_id=last_event_id
        )

    return (
        publish,
        resume,
        lambda after: live_events_after(schema=fire.schema_name, user_id=user_id, after=after),
    )


def test_a_fresh_start_begins_at_the_newest_event(stream):
    publish, resume, _after = stream
    assert resume(None) == resume(START)  # nothing yet: nothing missed
    assert not resume(START).resync
    ids = publish(2)
    assert resume(None).cursor == ids[-1]
    assert not resume(None).resync


def test_resuming_within_the_stream_gives_the_rest_in_order(stream):
    publish, resume, after = stream
    ids = publish(4)
    start = resume(ids[1])
    assert (start.cursor, start.resync) == (ids[1], False)
    assert [e.data["n"] for e in after(start.cursor)] == [2, 3]


@pytest.mark.parametrize("last_event_id", ["1-0", "garbage", "99999999999999-0"])
def test_an_id_past_the_retention_or_not_ours_gets_a_resync(stream, last_event_id):
    publish, resume, _after = stream
    ids = publish(1)
    assert resume(last_event_id).resync
    assert resume(last_event_id).cursor == ids[-1]


def test_an_id_whose_successors_were_trimmed_gets_a_resync(stream):
    publish, resume, _after = stream
    first = publish(1)[0]
    publish(6)  # the stream keeps 5: the event right after ``first`` is gone
    assert resume(first).resync


def test_a_start_id_once_events_exist_gets_a_resync(stream):
    publish, resume, _after = stream
    publish(1)
    assert resume(START).resync

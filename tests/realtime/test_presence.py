"""Presence decided from shared state (realtime.services.presence), without a socket server:
the grace period, several sockets, and the sweep that settles what a dead process left."""

from __future__ import annotations

import secrets

from django_tenants.utils import tenant_context

from catalog.models import ProviderProfile
from realtime.services.presence import (
    presence_settle,
    presence_socket_close,
    presence_socket_open,
    presence_sweep,
)
from tests.support.factories.catalog import provider_in


def _online(profile) -> bool:
    return ProviderProfile.objects.get(pk=profile.pk).is_online


def _socket() -> str:
    return f"socket-{secrets.token_hex(6)}"


def test_the_last_socket_closing_takes_a_provider_offline_only_after_the_grace(fire, settings):
    profile = provider_in(fire)
    with tenant_context(fire):
        one, two = _socket(), _socket()
        assert presence_socket_open(user=profile.user, socket_id=one)
        assert presence_socket_open(user=profile.user, socket_id=two)
        assert _online(profile)
        presence_socket_close(user_id=profile.user.pk, socket_id=one)
        assert presence_settle(user=profile.user)  # the other socket is open
        presence_socket_close(user_id=profile.user.pk, socket_id=two)
        settings.SOUK_PRESENCE_GRACE_SECONDS = 3600
        assert presence_settle(user=profile.user)  # within the grace period
        assert _online(profile)
        settings.SOUK_PRESENCE_GRACE_SECONDS = 0
        assert not presence_settle(user=profile.user)
        assert not _online(profile)


def test_a_customer_socket_is_not_counted(fire):
    profile = provider_in(fire)
    with tenant_context(fire):
        ProviderProfile.objects.filter(pk=profile.pk).delete()
        assert not presence_socket_open(user=profile.user, socket_id=_socket())


def test_the_sweep_settles_sockets_of_a_dead_process(fire, settings):
    lapsed, alive = provider_in(fire), provider_in(fire)
    with tenant_context(fire):
        settings.SOUK_PRESENCE_GRACE_SECONDS = 0
        settings.SOUK_PRESENCE_SOCKET_TTL = 0  # its entry lapses at once: never renewed
        presence_socket_open(user=lapsed.user, socket_id=_socket())
        settings.SOUK_PRESENCE_SOCKET_TTL = 60
        presence_socket_open(user=alive.user, socket_id=_socket())
        assert _online(lapsed) and _online(alive)
        assert presence_sweep() >= 1
        assert not _online(lapsed)
        assert _online(alive)


def test_beat_sends_the_sweep_to_every_marketplace(fire, talent, settings):
    from realtime.tasks import presence_sweep_everywhere

    assert "realtime.tasks.presence_sweep_everywhere" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert presence_sweep_everywhere.apply().result >= 2

import pytest

from tests.support.client import api


@pytest.fixture
def fire_api(fire):
    return api(fire, own_address=True)


@pytest.fixture
def talent_api(talent):
    return api(talent, own_address=True)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent():`` runs the mail tasks a block queues on commit (the test never commits)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(autouse=True)
def _no_mail_cap_for_recurring_addresses(settings):
    """Tests here mail fixed addresses on every run, and the per-address cap counts in Redis
    for an hour: lifted here, set and tested with fresh addresses in test_throttling."""
    settings.SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR = 1000


@pytest.fixture(autouse=True)
def _eager_tasks_raise():
    """A failing mail task fails the test instead of vanishing into an eager result."""
    from config.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_eager_propagates = before

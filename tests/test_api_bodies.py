"""JSON bodies no field can store are a 400 from the parser (api.parsers), never a 500."""

from django_tenants.utils import tenant_context

from catalog.models import AvailabilityEntry, Category
from tests.support.client import api, assert_error
from tests.support.factories.accounts import staff_in
from tests.support.factories.catalog import provider_in


def test_a_lone_surrogate_is_400_even_where_the_value_would_be_echoed(fire):
    staff = api(fire, staff_in(fire))
    provider = api(fire, provider_in(fire).user)

    # ChoiceField's message repeats the value: the surrogate broke the error response itself.
    blocked = provider.post(
        "/api/v1/provider-profile/availability/",
        '[{"date": "2031-01-05", "status": "\\ud800x"}]',
        content_type="application/json",
    )
    named = staff.post(
        "/api/v1/categories/",
        '{"name": "Fans", "names": {"ar": "\\udfff"}}',
        content_type="application/json",
    )

    assert "(at [0].status)" in assert_error(blocked, 400, "malformed_request")["message"]
    assert "(at names.ar)" in assert_error(named, 400, "malformed_request")["message"]
    with tenant_context(fire):
        assert not AvailabilityEntry.objects.exists()
        assert not Category.objects.filter(name="Fans").exists()


def test_nesting_past_the_parser_is_400(fire):
    staff = api(fire, staff_in(fire))
    deep = '{"a":' * 5000 + "1" + "}" * 5000

    response = staff.post("/api/v1/categories/", deep, content_type="application/json")

    assert assert_error(response, 400, "malformed_request")["message"] == (
        "The JSON body is nested too deeply."
    )

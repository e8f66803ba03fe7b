"""Transaction processes are data; the loader refuses unsound ones."""

import copy
import json

import pytest

from bookings.processes import PROCESS_DIR, ProcessError, _parse, all_processes, get_process
from bookings.services.pricing_kinds import PRICING_KINDS
from bookings.services.steps import STEPS
from catalog.models import ListingType
from tenants.presets import all_presets


def definition(name):
    return json.loads((PROCESS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def test_every_preset_listing_type_names_a_sound_process():
    processes = all_processes()
    for preset in all_presets().values():
        for listing_type in preset.listing_types:
            process = processes[listing_type["process"]]
            for timer in process.timers:
                if timer.delay_config_key:
                    assert timer.delay_config_key in listing_type["config"], (
                        f"{preset.slug}/{listing_type['slug']} lacks {timer.delay_config_key}"
                    )


def test_actors_and_states_decide_what_may_happen():
    booking = get_process("date_booking")
    assert booking.can(state="requested", transition="accept", actor="provider")
    assert not booking.can(state="requested", transition="accept", actor="customer")
    assert not booking.can(state="inquiry", transition="accept", actor="provider")
    assert booking.available(state="requested", actor="provider") == ["accept", "cancel", "decline"]
    assert get_process("tickets").timers[0].delay_for({"hold_minutes": 10}).total_seconds() == 600
    assert get_process("quote").timers[0].delay.total_seconds() == 72 * 3600


def _broken(change):
    data = copy.deepcopy(definition("date_booking"))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["states"].append("limbo"), "unreachable states"),
        (lambda d: d["transitions"][0].update(actors=["robot"]), "actors must be among"),
        (lambda d: d["transitions"][0].update(to="nowhere"), "unknown states"),
        (lambda d: d["transitions"][0].update(guards=["vibes"]), "unknown guards"),
        (
            lambda d: d["transitions"].append(
                {"name": "revive", "from": ["cancelled"], "to": "requested", "actors": ["staff"]}
            ),
            "leaves a final state",
        ),
        (
            lambda d: d["timers"].append(
                {"state": "requested", "after_hours": 1, "transition": "accept"}
            ),
            "system may not take",
        ),
        (lambda d: d["final"].remove("reviewed"), "without a way out"),
        (
            lambda d: d["timers"].append({"state": "requested", "transition": "expire"}),
            "positive delay",
        ),
    ],
)
def test_unsound_processes_are_refused(change, message):
    with pytest.raises(ProcessError, match=message):
        _parse(_broken(change))


def test_unknown_process_is_an_error():
    with pytest.raises(ProcessError, match="Unknown process"):
        get_process("barter")


def test_every_step_of_the_processes_is_defined():
    names = {name for process in all_processes().values() for name in process.transitions}
    assert names - set(STEPS) == set()


def test_every_pricing_has_a_kind():
    assert set(PRICING_KINDS) == set(ListingType.Pricing.values)

"""Transaction processes as data: each ``<name>.json`` beside this module is one process.

A process lists its states, the initial and final ones, its transitions (from which states,
to which, which actors may take it, which named guards must pass) and its timers (a
transition the system takes when a booking has sat in a state for a while). A listing type
names its process; a new way of selling is a new file, validated here when loaded.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

PROCESS_DIR = Path(__file__).resolve().parent
ACTORS = frozenset({"customer", "provider", "staff", "system"})
# The guard vocabulary: each name is a business check the bookings engine evaluates under
# the booking's row lock before the transition.
GUARDS = frozenset({"revisions_left", "balance_covers_a_minute", "within_hold_limit"})


class ProcessError(ValueError):
    pass


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    guards: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timer:
    state: str
    transition: str
    # Fixed delay, or the listing type's config key holding a number of minutes.
    delay: timedelta | None
    delay_config_key: str | None = None

    def delay_for(self, listing_type_config: dict[str, Any]) -> timedelta:
        if self.delay is not None:
            return self.delay
        assert self.delay_config_key is not None  # _timer gives each timer one or the other
        return timedelta(minutes=int(listing_type_config[self.delay_config_key]))


@dataclass(frozen=True)
class Process:
    name: str
    description: str
    initial: str
    states: frozenset[str]
    final: frozenset[str]
    transitions: dict[str, Transition]
    timers: tuple[Timer, ...]
    # States in which the booking has been fulfilled and may be reviewed; the first is the
    # one entered on completion, which starts the review window.
    reviewable: tuple[str, ...] = ()

    def transition(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise ProcessError(f"{self.name} has no transition {name!r}.") from None

    def can(self, *, state: str, transition: str, actor: str) -> bool:
        """Whether ``actor`` may take ``transition`` from ``state`` (guards aside)."""
        move = self.transitions.get(transition)
        return bool(move and state in move.sources and actor in move.actors)

    def available(self, *, state: str, actor: str) -> list[str]:
        return sorted(
            name
            for name, move in self.transitions.items()
            if state in move.sources and actor in move.actors
        )


def _timer(data: dict[str, Any]) -> Timer:
    if "after_minutes_from_config" in data:
        return Timer(data["state"], data["transition"], None, data["after_minutes_from_config"])
    minutes = data.get("after_minutes", 0) + 60 * data.get("after_hours", 0)
    if minutes <= 0:
        raise ProcessError(f"timer on {data['state']!r} needs a positive delay")
    return Timer(data["state"], data["transition"], timedelta(minutes=minutes))


def _check_transition(process: Process, move: Transition) -> None:
    name = process.name
    unknown = (move.sources | {move.target}) - process.states
    if unknown:
        raise ProcessError(f"{name}.{move.name}: unknown states {sorted(unknown)}")
    if not move.actors or not move.actors <= ACTORS:
        raise ProcessError(f"{name}.{move.name}: actors must be among {sorted(ACTORS)}")
    if set(move.guards) - GUARDS:
        raise ProcessError(
            f"{name}.{move.name}: unknown guards {sorted(set(move.guards) - GUARDS)}"
        )
    if move.sources & process.final:
        raise ProcessError(f"{name}.{move.name}: leaves a final state")


def _check_ways(process: Process) -> None:
    """Every state is reached from the initial one, and every non-final one has a way out."""
    name = process.name
    reachable, queue = {process.initial}, deque([process.initial])
    while queue:
        state = queue.popleft()
        for move in process.transitions.values():
            if state in move.sources and move.target not in reachable:
                reachable.add(move.target)
                queue.append(move.target)
    if reachable != process.states:
        raise ProcessError(f"{name}: unreachable states {sorted(process.states - reachable)}")
    dead_ends = {
        state
        for state in process.states - process.final
        if not any(state in move.sources for move in process.transitions.values())
    }
    if dead_ends:
        raise ProcessError(f"{name}: non-final states without a way out {sorted(dead_ends)}")


def _check(process: Process) -> None:
    name = process.name
    if process.initial not in process.states:
        raise ProcessError(f"{name}: initial state {process.initial!r} is not a state")
    if not process.final <= process.states:
        raise ProcessError(f"{name}: final states {sorted(process.final - process.states)} unknown")
    for move in process.transitions.values():
        _check_transition(process, move)
    if not set(process.reviewable) <= process.states:
        raise ProcessError(f"{name}: reviewable states must be states")
    for timer in process.timers:
        if not process.can(state=timer.state, transition=timer.transition, actor="system"):
            raise ProcessError(
                f"{name}: timer on {timer.state!r} takes {timer.transition!r}, "
                "which the system may not take from that state"
            )
    _check_ways(process)


def _parse(data: dict[str, Any]) -> Process:
    transitions = {}
    for item in data["transitions"]:
        if item["name"] in transitions:
            raise ProcessError(f"{data['name']}: transition {item['name']!r} twice")
        transitions[item["name"]] = Transition(
            name=item["name"],
            sources=frozenset(item["from"]),
            target=item["to"],
            actors=frozenset(item["actors"]),
            guards=tuple(item.get("guards", ())),
        )
    process = Process(
        name=data["name"],
        description=data.get("description", ""),
        initial=data["initial"],
        states=frozenset(data["states"]),
        final=frozenset(data["final"]),
        transitions=transitions,
        timers=tuple(_timer(item) for item in data.get("timers", ())),
        reviewable=tuple(data.get("reviewable", ())),
    )
    _check(process)
    return process


@cache
def all_processes() -> dict[str, Process]:
    processes = {}
    for path in sorted(PROCESS_DIR.glob("*.json")):
        process = _parse(json.loads(path.read_text(encoding="utf-8")))
        if process.name != path.stem:
            raise ProcessError(f"{path.name}: name {process.name!r} must match the file name")
        processes[process.name] = process
    return processes


def get_process(name: str) -> Process:
    try:
        return all_processes()[name]
    except KeyError:
        raise ProcessError(f"Unknown process {name!r}.") from None

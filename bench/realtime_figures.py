"""bench/realtime.py's tallies: what was sent and heard, and the figures made of them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@dataclass
class Sent:
    due: float  # perf_counter time the message was scheduled for
    recipients: tuple[int, int]  # user ids of the two parties (the sender first)
    measured: bool
    answered: float | None = None  # when the sender's socket said ok
    refused: str | None = None


@dataclass
class Tally:
    sent: dict[str, Sent] = field(default_factory=dict)  # by body
    by_ref: dict[str, str] = field(default_factory=dict)  # ref -> body
    received: dict[tuple[str, int], float] = field(default_factory=dict)  # (body, user) -> time
    duplicates: int = 0
    other_frames: dict[str, int] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=dict)  # "<who closed> <code>" -> sockets


@dataclass
class Figures:
    offered: int
    deliveries: list[float]  # seconds, every measured delivery
    to_other: list[float]
    echoes: list[float]
    answers: list[float]
    lost: int
    refused: int
    duplicates: int


def figures(tally: Tally, *, measured: bool) -> Figures:
    deliveries, to_other, echoes, answers = [], [], [], []
    lost = refused = 0
    offered = 0
    for body, sent in tally.sent.items():
        if sent.measured != measured:
            continue
        offered += 1
        refused += sent.refused is not None
        if sent.answered is not None:
            answers.append(sent.answered - sent.due)
        for position, user_id in enumerate(sent.recipients):
            at = tally.received.get((body, user_id))
            if at is None:
                lost += 1
                continue
            deliveries.append(at - sent.due)
            (echoes if position == 0 else to_other).append(at - sent.due)
    return Figures(offered, deliveries, to_other, echoes, answers, lost, refused, tally.duplicates)


def ms(values: list[float], pct: float) -> str:
    return f"{percentile(values, pct) * 1000:.1f}"


def spread_ms(values: list[float]) -> str:
    return f"p50_ms={ms(values, 50)} p95_ms={ms(values, 95)} p99_ms={ms(values, 99)}"

"""Print the transaction processes as Markdown: ``python -m bookings.processes.describe``.

docs/bookings.md embeds this output, so the documentation is made from the same files the
engine runs.
"""

from __future__ import annotations

from bookings.processes import Process, all_processes


def _delay(timer) -> str:
    if timer.delay is None:
        return f"listing type config `{timer.delay_config_key}` minutes"
    minutes = int(timer.delay.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def describe(process: Process) -> str:
    lines = [
        f"### `{process.name}`",
        "",
        process.description,
        "",
        f"Initial state `{process.initial}`; final states "
        + ", ".join(f"`{s}`" for s in sorted(process.final))
        + ".",
        "",
        "Reviewable in: " + (", ".join(f"`{s}`" for s in process.reviewable) or "–") + ".",
        "",
        "| transition | from | to | actors | guards |",
        "|---|---|---|---|---|",
    ]
    for move in process.transitions.values():
        lines.append(
            f"| `{move.name}` | {', '.join(sorted(move.sources))} | {move.target} | "
            f"{', '.join(sorted(move.actors))} | {', '.join(move.guards) or '–'} |"
        )
    if process.timers:
        lines += ["", "Timers (taken by the system from Celery beat):", ""]
        lines += [f"- in `{t.state}` for {_delay(t)} → `{t.transition}`" for t in process.timers]
    return "\n".join(lines) + "\n"


def main() -> None:
    print("\n".join(describe(p) for p in all_processes().values()))


if __name__ == "__main__":
    main()

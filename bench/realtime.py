"""Realtime messages: many open sockets, messages sent through them at a fixed rate, the time
from each send to its delivery at every socket that must hear it.

    eval "$(.venv/bin/python scripts/devenv.py up)"
    export DATABASE_URL=${DATABASE_URL%/souk}/souk_realtime     # a database of your own
    .venv/bin/python bench/realtime.py [--sockets 1000] [--room-size 10] [--rate 100]
                                       [--seconds 60] [--ws-workers <2 per core>]

Sets up (once; later runs reuse them) the marketplace "bench-realtime" (talent-iq preset),
``--sockets`` users and their rooms. A message thread has two parties, a customer and a
provider, so a room is what the product can make of ten people: one provider and
``--room-size`` - 1 customers, each customer with an inquiry thread with that provider (made
through ``thread_inquiry_start``). Every member of a room has one socket. A message goes from a
random member of a random room: a customer writes in their thread, the provider in one of
their threads chosen at random. Each message makes two deliveries that are measured: the
``message.new`` frame at the other party's socket and at the sender's own socket (the echo the
product sends to both parties); the other party also gets a ``notification`` and a ``counts``
frame, counted but not timed. A room's members hear only their own threads: a customer never
sees another customer's messages (that is the product's rule, not a limit of the bench).
Nobody reads what they receive, so before each run everyone reads their threads and
notifications (``thread_mark_read``, ``notifications_mark_read``): every run starts with no
unread messages, and the unread counts each delivery reads do not grow from run to run.

Starts production's websocket server, platform/Procfile's ``ws`` process (uvicorn
``config.asgi:application``, DEBUG off), as a child with ``--ws-workers`` processes (default
two per core; the client, PostgreSQL and Redis share the same cores). Two per core, not one:
a process's event loop shares its GIL with the threads doing its sockets' database work, and
with one process per core its queue, not the cores, set the tail (at 100 messages/s, same
machine, same CPU per message: p95 627 ms with 2 processes, 69 ms with 4). The server's
message rate limits (SOUK_MESSAGE_RATE_PER_MINUTE / _PER_DAY, 10 and 200 by default) are
raised in its environment to 100,000: a random sender at 100 messages/s over 1,000 users
sends ~6 a minute on average but more than 10 now and then, and the bench reruns on the same
users every day. The limits are still checked (and counted in Redis) for every message.

One asyncio client process opens the sockets, each with its own single-use ticket from
``POST /api/v1/realtime/tickets/`` (an API token per user, made at start), at most
``--connect-concurrency`` at a time. Then messages are offered at ``--rate`` per second on a
fixed schedule (open loop: nobody waits for an answer; each latency is taken from the
message's scheduled time, so a sender that falls behind counts its lag, no coordinated
omission): first ``--warmup`` seconds not measured, then ``--seconds`` measured. Each message
carries a unique body (letters only, so masking leaves it alone) by which deliveries are
matched. ``--deadline`` seconds after the last send, an expected delivery not received is
lost (a refused message, e.g. rate limited, loses both of its deliveries); one received twice
is a duplicate.

Printed: the machine line, the setup, the connect phase (wall time, per-socket p50/p95/p99),
the warm-up and measured phases (delivery p50/p95/p99/max, deliveries/s, lost, duplicates, the
answer ``ok`` latency, how late the sender was), and where the measured phase's CPU went:
the uvicorn processes, this client, Redis (INFO cpu), PostgreSQL (transactions and rows of
the bench database). Progress goes to stderr; the last line on stdout is the
machine-readable result, ``p95_ms`` over all measured deliveries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import socket
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_environ, log, machine_line, setup_django  # noqa: E402
from bench.realtime_figures import Sent, Tally, figures, ms, percentile, spread_ms  # noqa: E402
from bench.realtime_world import (  # noqa: E402
    DOMAIN,
    ORIGIN,
    RAISED_RATE_LIMIT,
    SLUG,
    Member,
    Meters,
    Server,
    ensure_marketplace,
    ensure_rooms,
    letters,
    rooms_read,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument(
        "--room-size", type=int, default=10, help="one provider, the rest customers"
    )
    parser.add_argument("--rate", type=float, default=100.0, help="messages offered per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds offered, not measured")
    parser.add_argument("--deadline", type=float, default=10.0, help="seconds to wait at the end")
    parser.add_argument(
        "--ws-workers", type=int, default=2 * (os.cpu_count() or 1), help="uvicorn processes"
    )
    parser.add_argument("--connect-concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.room_size < 2 or args.sockets < args.room_size:
        parser.error("a room needs a provider and a customer; --sockets at least --room-size")
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The client -------------------------------------------------------------------------------------


class Client:
    def __init__(self, port: int, tally: Tally) -> None:
        self.port = port
        self.tally = tally
        self.sockets: dict[int, object] = {}
        self.readers: list[asyncio.Task] = []

    def _ticket(self, token: str) -> str:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/realtime/tickets/", method="POST", data=b"",
            headers={"Host": DOMAIN, "Authorization": f"Bearer {token}"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())["ticket"]

    async def open(self, member: Member) -> float:
        """Ticket, handshake, ``ready``: the seconds it took."""
        from websockets.asyncio.client import connect

        started = time.perf_counter()
        ticket = await asyncio.to_thread(self._ticket, member.token)
        ws = await connect(
            f"ws://{DOMAIN}:{self.port}/ws/live/?ticket={ticket}",
            host="127.0.0.1", port=self.port, origin=ORIGIN,  # type: ignore[arg-type]
            open_timeout=60, max_queue=None,
        )  # fmt: skip
        ready = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if ready.get("type") != "ready" or ready.get("user_id") != member.user_id:
            raise SystemExit(f"bench: socket of user {member.user_id} opened with {ready}")
        self.sockets[member.user_id] = ws
        self.readers.append(asyncio.create_task(self._read(member.user_id, ws)))
        return time.perf_counter() - started

    async def _read(self, user_id: int, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        tally = self.tally
        try:
            async for raw in ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message.new":
                    key = (frame["data"]["message"]["body"], user_id)
                    if key in tally.received:
                        tally.duplicates += 1
                    else:
                        tally.received[key] = now
                elif kind in ("ok", "error"):
                    body = tally.by_ref.get(frame.get("ref"))
                    if body is not None:
                        sent = tally.sent[body]
                        sent.answered = now
                        if kind == "error":
                            sent.refused = frame.get("error")
                else:
                    tally.other_frames[kind] = tally.other_frames.get(kind, 0) + 1
        except ConnectionClosed as closed:
            # Who closed first and why: the server (rcvd), this client (sent: e.g. 1011 when
            # its keepalive ping went unanswered), or neither (the connection dropped).
            first = closed.rcvd if closed.rcvd_then_sent or closed.sent is None else closed.sent
            who = "none" if first is None else "server" if first is closed.rcvd else "client"
            name = f"{who} {first.code if first else ''}".strip()
            tally.closed[name] = tally.closed.get(name, 0) + 1

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets.values()))  # type: ignore[attr-defined]


async def connect_all(client: Client, members: list[Member], concurrency: int) -> list[float]:
    gate = asyncio.Semaphore(concurrency)
    done = 0

    async def one(member: Member) -> float:
        nonlocal done
        async with gate:
            seconds = await client.open(member)
        done += 1
        if done % 100 == 0:
            log(f"  sockets open: {done}/{len(members)}")
        return seconds

    return list(await asyncio.gather(*(one(member) for member in members)))


async def offer(
    client: Client, rooms: list[list[Member]], *, rate: float, seconds: float, measured: bool,
    rng: random.Random, run: str, first: int,
) -> tuple[int, list[float]]:  # fmt: skip
    """Send ``rate`` messages a second for ``seconds`` on a fixed schedule. Returns how many
    were sent and how late each send was against its schedule (seconds)."""
    from websockets.exceptions import ConnectionClosed

    count = int(rate * seconds)
    lags: list[float] = []
    started = time.perf_counter() + 0.05
    for index in range(count):
        due = started + index / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        room = rng.choice(rooms)
        sender = rng.choice(room)
        thread_id = rng.choice(sender.threads)
        other = (
            next(m for m in room if thread_id in m.threads and m is not sender)
            if sender.is_provider
            else room[0]
        )
        number = first + index
        body = f"bench {run} {letters(number)}"
        ref = letters(number)
        client.tally.sent[body] = Sent(due, (sender.user_id, other.user_id), measured)
        client.tally.by_ref[ref] = body
        frame = {"type": "message.send", "thread_id": thread_id, "body": body, "ref": ref}
        try:
            await client.sockets[sender.user_id].send(json.dumps(frame))  # type: ignore[attr-defined]
        except ConnectionClosed:
            client.tally.sent[body].refused = "socket closed"
        lags.append(time.perf_counter() - due)
    return count, lags


async def drive(args: argparse.Namespace, port: int, rooms: list[list[Member]], meters: Meters):
    rng = random.Random(args.seed)
    run = letters(random.SystemRandom().randrange(26**6))
    tally = Tally()
    client = Client(port, tally)
    members = [member for room in rooms for member in room]
    log(f"opening {len(members)} sockets, {args.connect_concurrency} at a time…")
    started = time.perf_counter()
    connects = await connect_all(client, members, args.connect_concurrency)
    wall = time.perf_counter() - started
    print(
        f"connect sockets={len(connects)} wall_s={wall:.1f} per_s={len(connects) / wall:.0f} "
        f"{spread_ms(connects)} (ticket + handshake + ready, {args.connect_concurrency} at a time)",
        flush=True,
    )
    tally.other_frames.clear()

    log(f"warming up: {args.warmup:.0f} s at {args.rate:.0f} messages/s…")
    warm_count, warm_lags = await offer(
        client, rooms, rate=args.rate, seconds=args.warmup, measured=False, rng=rng, run=run,
        first=0,
    )  # fmt: skip
    await asyncio.sleep(1.0)
    log(f"measuring: {args.seconds:.0f} s at {args.rate:.0f} messages/s…")
    before = meters.read()
    count, lags = await offer(
        client, rooms, rate=args.rate, seconds=args.seconds, measured=True, rng=rng, run=run,
        first=warm_count,
    )  # fmt: skip
    offered_for = time.perf_counter() - before["wall_s"]
    expected = 2 * (warm_count + count)
    deadline = time.perf_counter() + args.deadline
    while time.perf_counter() < deadline and len(tally.received) < expected:
        await asyncio.sleep(0.1)
    after = meters.read()
    await client.close()
    return tally, offered_for, lags, warm_lags, before, after


def main() -> None:
    args = parse_args()
    setup_django()
    from django.conf import settings
    from django_tenants.utils import tenant_context

    print(machine_line(), flush=True)
    market = ensure_marketplace()
    with tenant_context(market):
        log(f"setting up {args.sockets} users in rooms of {args.room_size}…")
        rooms = ensure_rooms(args.sockets, args.room_size)
        log("everyone reads their threads and notifications…")
        rooms_read(rooms)
    threads = sum(len(room) - 1 for room in rooms)
    environ = bench_environ()
    environ.update(
        SOUK_URL_SCHEME="http", SOUK_SPARE_SCHEMAS="0", SOUK_SPARE_SCHEMAS_MAX="0",
        REDIS_URL=settings.REDIS_URL,
        SOUK_MESSAGE_RATE_PER_MINUTE=RAISED_RATE_LIMIT, SOUK_MESSAGE_RATE_PER_DAY=RAISED_RATE_LIMIT,
    )  # fmt: skip
    print(
        f"setup marketplace={SLUG} sockets={sum(map(len, rooms))} rooms={len(rooms)} "
        f"room=1 provider + {args.room_size - 1} customers threads={threads} "
        f"deliveries_per_message=2 (message.new at both parties) ws_workers={args.ws_workers} "
        f"message_rate_limits={RAISED_RATE_LIMIT}/min,{RAISED_RATE_LIMIT}/day "
        "(raised for the bench); every thread and notification read at the start",
        flush=True,
    )
    server = Server(free_port(), args.ws_workers, environ)
    log(f"uvicorn's log: {server.log}")
    try:
        server.wait_serving()
        meters = Meters(server)
        tally, offered_for, lags, warm_lags, before, after = asyncio.run(
            drive(args, server.port, rooms, meters)
        )
    finally:
        server.stop()

    warm = figures(tally, measured=False)
    print(
        f"warmup messages={warm.offered} deliveries={len(warm.deliveries)} "
        f"{spread_ms(warm.deliveries)} lost={warm.lost}",
        flush=True,
    )
    got = figures(tally, measured=True)
    used = {name: after[name] - before[name] for name in after}
    per_message = {name: used[name] / max(1, got.offered) for name in used}
    delivered_per_s = len(got.deliveries) / used["wall_s"]
    print(
        f"measured messages={got.offered} offered_per_s={got.offered / offered_for:.1f} "
        f"deliveries={len(got.deliveries)} deliveries_per_s={delivered_per_s:.0f} "
        f"{spread_ms(got.deliveries)} max_ms={max(got.deliveries, default=math.nan) * 1000:.1f}",
        flush=True,
    )
    print(f"  to the other party: {spread_ms(got.to_other)}", flush=True)
    print(f"  echo to the sender: {spread_ms(got.echoes)}", flush=True)
    print(f"  ok answer to the sender: {spread_ms(got.answers)}", flush=True)
    print(
        f"  sender lag behind schedule: p95_ms={ms(lags, 95)} max_ms={max(lags) * 1000:.1f}; "
        f"other frames={dict(sorted(tally.other_frames.items()))}; "
        f"sockets closed={dict(sorted(tally.closed.items()))}",
        flush=True,
    )
    print(
        f"  lost={got.lost} refused={got.refused} duplicates={got.duplicates} "
        f"(deadline {args.deadline:.0f} s after the last send)",
        flush=True,
    )
    each = per_message
    print(
        f"cpu over {used['wall_s']:.0f} s: uvicorn {used['server_cpu_s']:.1f} s "
        f"({each['server_cpu_s'] * 1000:.1f} ms/message), client {used['client_cpu_s']:.1f} s, "
        f"redis {used['redis_cpu_s']:.1f} s, postgres {used['postgres_cpu_s']:.1f} s "
        f"({each['postgres_cpu_s'] * 1000:.1f} ms/message); machine busy "
        f"{used['machine_busy_s'] / used['wall_s']:.2f} of {os.cpu_count()} cores; "
        f"postgres {used['pg_commits']:.0f} commits "
        f"({each['pg_commits']:.1f}/message), rows read {each['pg_rows_read']:.0f}/message, "
        f"written {each['pg_rows_written']:.1f}/message",
        flush=True,
    )
    problems = server.log.read_text().count("Traceback")
    print(f"server log {server.log}: {problems} tracebacks", flush=True)
    print(
        f"realtime sockets={sum(map(len, rooms))} msgs_per_s={args.rate:.0f} "
        f"p95_ms={percentile(got.deliveries, 95) * 1000:.0f} lost={got.lost}"
    )


if __name__ == "__main__":
    main()

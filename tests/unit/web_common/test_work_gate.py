"""The fair work gate: slots per process and per client, turns by start-time fair queuing on
the seconds a slot was held, a bounded queue (429) and a bounded wait (503)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from web_common.strikes import record_strike
from web_common.work_gate import FairGate, GateRefusedError, WorkGateMiddleware


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


T = TypeVar("T")


def run(make: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await make()

    return asyncio.run(main())


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_one_client_holds_at_most_its_share_and_another_gets_the_free_slot() -> None:
    async def scenario() -> list[int]:
        gate = FairGate(slots=2, per_client=1, queue_per_client=4)
        first = await gate.enter("attacker")
        second = asyncio.create_task(gate.enter("attacker"))
        await _settle()
        assert not second.done()  # a slot is free, but not for this client
        honest = await asyncio.wait_for(gate.enter("honest"), 1)
        assert gate.active() == 2
        gate.leave(first)
        admitted = await asyncio.wait_for(second, 1)
        gate.leave(admitted)
        gate.leave(honest)
        return [gate.active(), gate.waiting()]

    assert run(scenario) == [0, 0]


def test_an_idle_client_goes_before_everything_a_busy_client_queued() -> None:
    async def scenario() -> list[str]:
        clock = Clock()
        gate = FairGate(slots=1, per_client=1, queue_per_client=8, clock=clock)
        order: list[str] = []
        holding = await gate.enter("attacker")

        async def one(client: str) -> None:
            admitted = await gate.enter(client)
            order.append(client)
            clock.now += 1.0  # every turn holds its slot for a second
            gate.leave(admitted)

        tasks = [asyncio.create_task(one("attacker")) for _ in range(4)]
        await _settle()
        tasks.append(asyncio.create_task(one("honest")))  # arrives last
        await _settle()
        clock.now += 1.0
        gate.leave(holding)
        await asyncio.wait_for(asyncio.gather(*tasks), 1)
        return order

    assert run(scenario) == ["honest", "attacker", "attacker", "attacker", "attacker"]


def test_the_client_that_held_slots_longer_waits_behind_the_one_that_held_them_briefly() -> None:
    async def scenario() -> list[str]:
        clock = Clock()
        gate = FairGate(slots=1, per_client=1, queue_per_client=8, clock=clock)
        order: list[str] = []
        holding = await gate.enter("someone else")

        async def turn(client: str, seconds: float) -> None:
            admitted = await gate.enter(client)
            order.append(client)
            clock.now += seconds
            gate.leave(admitted)

        tasks = [asyncio.create_task(turn("costly", 1.0)) for _ in range(3)]
        tasks += [asyncio.create_task(turn("cheap", 0.1)) for _ in range(6)]
        await _settle()
        gate.leave(holding)
        await asyncio.wait_for(asyncio.gather(*tasks), 1)
        return order

    # one second of slot time buys the cheap client ten of its turns: all six come before the
    # costly client's second turn
    assert run(scenario) == ["costly", *["cheap"] * 6, "costly", "costly"]


def test_a_client_with_its_share_queued_gets_429_at_once() -> None:
    async def scenario() -> GateRefusedError:
        clock = Clock()
        gate = FairGate(slots=1, per_client=1, queue_per_client=2, clock=clock)
        held = await gate.enter("a")
        clock.now += 1.0
        queued = asyncio.create_task(gate.enter("a"))
        await _settle()
        with pytest.raises(GateRefusedError) as refused:
            await asyncio.wait_for(gate.enter("a"), 1)
        other = asyncio.create_task(gate.enter("b"))  # another client still queues
        await _settle()
        assert gate.waiting() == 2
        gate.leave(held)  # "a" has held a slot, "b" not yet: "b" goes first
        gate.leave(await asyncio.wait_for(other, 1))
        gate.leave(await asyncio.wait_for(queued, 1))
        return refused.value

    refused = run(scenario)
    assert refused.status == 429
    assert refused.retry_after >= 1


def test_waiting_longer_than_queue_seconds_gets_503_and_gives_the_place_back() -> None:
    async def scenario() -> tuple[GateRefusedError, int, int]:
        gate = FairGate(slots=1, per_client=1, queue_per_client=4, queue_seconds=0.05)
        held = await gate.enter("a")
        with pytest.raises(GateRefusedError) as refused:
            await gate.enter("b")
        waiting = gate.waiting()
        gate.leave(held)
        gate.leave(held)  # a second leave does nothing
        return refused.value, waiting, gate.active()

    refused, waiting, active = run(scenario)
    assert refused.status == 503
    assert (waiting, active) == (0, 0)


def test_a_cancelled_waiter_leaves_the_queue() -> None:
    async def scenario() -> tuple[int, int]:
        gate = FairGate(slots=1, per_client=1, queue_per_client=4)
        held = await gate.enter("a")
        waiter = asyncio.create_task(gate.enter("b"))
        await _settle()
        waiter.cancel()
        await _settle()
        waiting = gate.waiting()
        gate.leave(held)
        return waiting, gate.active()

    assert run(scenario) == (0, 0)


def test_settings_that_cannot_work_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FairGate(slots=0, per_client=1, queue_per_client=1)
    with pytest.raises(ValueError, match="at least per_client"):
        FairGate(slots=1, per_client=2, queue_per_client=1)


# --- the middleware ---------------------------------------------------------------------------


def _echo_app(release: asyncio.Event) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if scope["path"] == "/slow":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app


def test_the_middleware_replays_the_body_and_refuses_a_full_queue_with_problem_json() -> None:
    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response, int]:
        release = asyncio.Event()
        gate = FairGate(slots=1, per_client=1, queue_per_client=1)
        app = WorkGateMiddleware(_echo_app(release), gate=gate, paths=[r"/slow", r"/echo"])
        transport = httpx.ASGITransport(app=app, client=("192.0.2.1", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            echoed = await client.post("/echo", content=b"x" * 100_000)
            holding = asyncio.create_task(client.post("/slow", content=b"first"))
            await _settle()
            refused = await client.post("/echo", content=b"second")
            ungated = await client.get("/echo")  # GETs and other paths pass untouched
            release.set()
            first = await holding
            assert first.content == b"first"
        return echoed, refused, ungated, gate.active()

    echoed, refused, ungated, active = run(scenario)
    assert echoed.status_code == 200
    assert echoed.content == b"x" * 100_000
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "1"
    assert json.loads(refused.content)["status"] == 429
    assert ungated.status_code == 200
    assert active == 0


# --- strikes ----------------------------------------------------------------------------------


def test_a_client_spends_its_burst_of_strikes_then_regains_one_per_strike_seconds() -> None:
    clock = Clock()
    gate = FairGate(
        slots=1, per_client=1, queue_per_client=2, strike_burst=3, strike_seconds=2.0, clock=clock
    )
    for _ in range(2):
        gate.strike("attacker")
        assert gate.penalty("attacker") == 0.0  # strikes left
    gate.strike("attacker")
    assert gate.penalty("attacker") == pytest.approx(2.0)  # none left: one more in 2 s
    assert gate.penalty("honest") == 0.0  # per client
    clock.now += 1.5
    assert gate.penalty("attacker") == pytest.approx(0.5)
    clock.now += 0.5
    assert gate.penalty("attacker") == 0.0
    gate.strike("attacker")  # the regained one spent at once: 2 s again
    assert gate.penalty("attacker") == pytest.approx(2.0)
    clock.now += 60
    for _ in range(2):  # the whole burst is back after a quiet minute, and no more than that
        gate.strike("attacker")
    assert gate.penalty("attacker") == 0.0
    gate.strike("attacker")
    assert gate.penalty("attacker") > 0


def test_strike_settings_that_cannot_work_are_refused() -> None:
    with pytest.raises(ValueError, match="strike_burst"):
        FairGate(slots=1, per_client=1, queue_per_client=1, strike_burst=0)
    with pytest.raises(ValueError, match="strike_seconds"):
        FairGate(slots=1, per_client=1, queue_per_client=1, strike_seconds=0)


def _striking_app(seen: list[bytes]) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Reads the body; ``/hostile`` records a strike from a worker thread (as a plain ``def``
    route runs), ``/verdict`` answers 400 without one."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        seen.append(message.get("body", b""))
        status = 400
        if scope["path"] == "/hostile":
            status = 422
            await asyncio.to_thread(record_strike, "budget")
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def test_a_client_out_of_strikes_gets_429_late_with_its_body_unread_and_others_are_served() -> None:
    async def scenario() -> tuple[list[int], float, httpx.Response, list[int], list[bytes]]:
        seen: list[bytes] = []
        gate = FairGate(
            slots=1, per_client=1, queue_per_client=2, strike_burst=2, strike_seconds=0.3
        )
        app = WorkGateMiddleware(_striking_app(seen), gate=gate, paths=[r"/"])

        def client_at(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(address, 1234))
            return httpx.AsyncClient(transport=transport, base_url="http://test")

        async with client_at("192.0.2.66") as attacker, client_at("192.0.2.1") as honest:
            burst = [(await attacker.post("/hostile", content=b"a")).status_code for _ in range(2)]
            started = time.monotonic()
            held = await attacker.post("/hostile", content=b"unread")
            waited = time.monotonic() - started
            others = [(await honest.post("/hostile", content=b"h")).status_code]
            verdicts = [(await attacker.post("/verdict", content=b"v")).status_code]
        return burst, waited, held, others + verdicts, seen

    burst, waited, held, others, seen = run(scenario)
    assert burst == [422, 422]
    assert held.status_code == 429
    assert held.headers["content-type"] == "application/problem+json"
    assert int(held.headers["retry-after"]) >= 1
    assert "refused" in json.loads(held.content)["detail"]
    assert 0.2 < waited < 1.0  # answered when the client may send again, not at once
    assert b"unread" not in seen
    # the honest client has its own strikes; after the wait the attacker has one again
    assert others == [422, 400]


def test_a_verdict_is_not_a_strike() -> None:
    async def scenario() -> list[int]:
        gate = FairGate(slots=1, per_client=1, queue_per_client=2, strike_burst=1)
        app = WorkGateMiddleware(_striking_app([]), gate=gate, paths=[r"/"])
        transport = httpx.ASGITransport(app=app, client=("192.0.2.1", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [(await client.post("/verdict", content=b"v")).status_code for _ in range(5)]

    assert run(scenario) == [400] * 5

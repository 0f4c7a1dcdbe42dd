"""A fair gate in front of the routes that put documents from outside through the engine.

:class:`credentials.fair_share.FairLock` shares the engine's JSON-LD work fairly, but a
request does more than that under the GIL: parsing, data-model checks, signatures, status
lists. A client with many connections open would get that many threads competing for one
interpreter, and an honest client's request, one thread among them, only its small slice.

:class:`WorkGateMiddleware` bounds that by construction, for the paths a service names:

* **slots**: at most ``slots`` such requests do their work at once in the process
  (``*_WORK_SLOTS``, default 2: pure Python gains nothing from more, and two keep one
  request that waits on the network from holding everyone up);
* **per client**: at most ``per_client`` of them belong to one client (the address after
  trusted proxies, :mod:`web_common.proxies`; default 1), so one address never holds every
  slot;
* **fair turns**: a free slot goes to the waiting client that has held slots the least
  (start-time fair queuing on the seconds each request held its slot, the same rule as
  ``FairLock``): an honest client that was idle waits for at most the requests in progress,
  however many an attacker has queued;
* **bounded queue**: a client with ``queue_per_client`` requests already waiting or in
  progress gets ``429`` at once (problem+json, ``Retry-After``), and a request that waited
  ``queue_seconds`` for a slot gets ``503`` (the same), so waiting is never unbounded;
* **strikes**: a request refused for a reason only a hostile or broken client gives (a
  document over its work budget, a wrong code: :mod:`web_common.strikes`) is a strike for
  its client. A client has ``strike_burst`` strikes to spend, and one more each
  ``strike_seconds``; a client with none left gets its next requests' ``429`` only when it
  could have one again (at most ``strike_seconds`` later), its body unread and no work done.
  Holding an answer costs an asyncio timer, not a thread or CPU, so a client that sends
  refused requests as fast as it can gets one of them worked on every ``strike_seconds``,
  however many it sends: its load on the service stays what one slow client's is.

The body is read *before* the request queues (under :mod:`web_common.limits`'s size and
time limits, which sit outside this middleware), so a slow body holds no slot: a slot is
for work only. Waiting costs no thread and no CPU (an asyncio future on the event loop).

    >>> gate = FairGate(slots=2, per_client=1, queue_per_client=4)
    >>> gate.waiting()
    0
    >>> gate.penalty("127.0.66.1")  # no strikes: no wait
    0.0
"""

from __future__ import annotations

import asyncio
import itertools
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem_bytes
from .strikes import recording

__all__ = ["FairGate", "GateRefusedError", "WorkGateMiddleware"]

_FORGET_AFTER = 1024
"""Clients whose finish tags are kept before those that are not ahead are forgotten."""


class GateRefusedError(Exception):
    """The gate will not run this request now: ``status`` 429 (the client has its share
    queued already) or 503 (no slot came free in time); retry after ``retry_after`` s."""

    def __init__(self, status: int, detail: str, retry_after: float) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


@dataclass(eq=False, slots=True)
class _Waiter:
    client: str
    arrival: int
    granted: asyncio.Future[Pass]


@dataclass(slots=True)
class _Strikes:
    """A client's strikes left (a token bucket) when last counted, at ``counted``."""

    left: float
    counted: float


@dataclass(slots=True)
class Pass:
    """One admitted request: give it back with :meth:`FairGate.leave`."""

    client: str
    start_tag: float
    since: float
    left: bool = field(default=False)


class FairGate:
    """Slots granted by start-time fair queuing per client (see the module text).

    Not thread-safe: used from one event loop. ``clock`` measures how long a slot is held
    (default :func:`time.monotonic`)."""

    def __init__(
        self,
        *,
        slots: int,
        per_client: int,
        queue_per_client: int,
        queue_seconds: float = 10.0,
        strike_burst: int = 10,
        strike_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if (
            slots < 1
            or per_client < 1
            or queue_per_client < per_client
            or queue_seconds <= 0
            or strike_burst < 1
            or strike_seconds <= 0
        ):
            raise ValueError(
                "slots, per_client and strike_burst are at least 1, queue_per_client at least "
                "per_client, queue_seconds and strike_seconds positive"
            )
        self.slots = slots
        self.per_client = per_client
        self.queue_per_client = queue_per_client
        self.queue_seconds = queue_seconds
        self.strike_burst = strike_burst
        self.strike_seconds = strike_seconds
        self._clock = clock
        self._strikes: dict[str, _Strikes] = {}
        self._active: Counter[str] = Counter()
        self._queued: Counter[str] = Counter()
        self._waiting: list[_Waiter] = []
        self._arrivals = itertools.count()
        self._virtual_time = 0.0
        self._finish: dict[str, float] = {}

    def waiting(self) -> int:
        """How many requests wait for a slot."""
        return len(self._waiting)

    def active(self, client: str | None = None) -> int:
        """Slots in use (by ``client``, if given)."""
        return self._active[client] if client is not None else sum(self._active.values())

    def check_room(self, client: str) -> None:
        """Raise 429 when ``client`` has its whole share waiting or in progress already
        (asked on arrival, before its body is read)."""
        if self._active[client] + self._queued[client] >= self.queue_per_client:
            raise GateRefusedError(
                429,
                f"This client has {self.queue_per_client} requests of this kind waiting or "
                "in progress already; send the next one when one is answered.",
                1.0,
            )

    def strike(self, client: str) -> None:
        """Count a strike for ``client`` (see the module text)."""
        now = self._clock()
        self._strikes[client] = _Strikes(max(0.0, self._strikes_left(client, now) - 1), now)
        if len(self._strikes) > _FORGET_AFTER:
            self._strikes = {
                c: s for c, s in self._strikes.items() if self._strikes_left(c, now) < 1
            }

    def penalty(self, client: str) -> float:
        """Seconds until ``client`` has a strike to spend again (0.0: it has one now)."""
        left = self._strikes_left(client, self._clock())
        return 0.0 if left >= 1 else (1 - left) * self.strike_seconds

    def _strikes_left(self, client: str, now: float) -> float:
        counted = self._strikes.get(client)
        if counted is None:
            return float(self.strike_burst)
        regained = max(0.0, now - counted.counted) / self.strike_seconds
        return min(float(self.strike_burst), counted.left + regained)

    async def hold_back(self, client: str, seconds: float) -> None:
        """Keep ``client``'s request waiting ``seconds`` (a place in its queue, no slot)."""
        self._queued[client] += 1
        try:
            await asyncio.sleep(seconds)
        finally:
            _take_one(self._queued, client)

    async def enter(self, client: str) -> Pass:
        """Wait for a slot as ``client``; :class:`GateRefusedError` when the client has its
        share queued already (429) or no slot came free within ``queue_seconds`` (503)."""
        self.check_room(client)
        if self._may_start(client) and not self._eligible_waiters():
            return self._begin(client)
        waiter = _Waiter(client, next(self._arrivals), asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        self._queued[client] += 1
        try:
            async with asyncio.timeout(self.queue_seconds):
                return await asyncio.shield(waiter.granted)
        except TimeoutError:
            if waiter.granted.done():  # granted in the same instant
                return waiter.granted.result()
            self._drop(waiter)
            raise GateRefusedError(
                503,
                f"No slot came free within {self.queue_seconds:g} s; the service is busy.",
                self.queue_seconds,
            ) from None
        except BaseException:  # cancelled (the client went away): give the place back
            if waiter.granted.done():
                self.leave(waiter.granted.result())
            else:
                self._drop(waiter)
            raise

    def leave(self, admitted: Pass) -> None:
        """Give the slot of ``admitted`` back (once; later calls do nothing)."""
        if admitted.left:
            return
        admitted.left = True
        _take_one(self._active, admitted.client)
        held = max(0.0, self._clock() - admitted.since)
        self._finish[admitted.client] = max(
            self._finish.get(admitted.client, 0.0), admitted.start_tag + held
        )
        self._forget_idle_clients()
        self._hand_over()

    def _may_start(self, client: str) -> bool:
        return self.active() < self.slots and self._active[client] < self.per_client

    def _eligible_waiters(self) -> list[_Waiter]:
        return [w for w in self._waiting if self._active[w.client] < self.per_client]

    def _start_tag(self, client: str) -> float:
        return max(self._virtual_time, self._finish.get(client, 0.0))

    def _begin(self, client: str) -> Pass:
        start = self._start_tag(client)
        self._virtual_time = max(self._virtual_time, start)
        self._active[client] += 1
        return Pass(client, start, self._clock())

    def _drop(self, waiter: _Waiter) -> None:
        if waiter in self._waiting:
            self._waiting.remove(waiter)
            _take_one(self._queued, waiter.client)

    def _hand_over(self) -> None:
        """Grant free slots to the eligible waiters with the lowest start tags."""
        while self.active() < self.slots:
            eligible = self._eligible_waiters()
            if not eligible:
                return
            chosen = min(eligible, key=lambda w: (self._start_tag(w.client), w.arrival))
            self._drop(chosen)
            chosen.granted.set_result(self._begin(chosen.client))

    def _forget_idle_clients(self) -> None:
        if len(self._finish) > _FORGET_AFTER:
            now = self._virtual_time
            self._finish = {c: f for c, f in self._finish.items() if f > now}


def _take_one(counts: Counter[str], client: str) -> None:
    """One fewer for ``client``, forgetting it at zero (so the counters stay small)."""
    counts[client] -= 1
    if counts[client] <= 0:
        del counts[client]


class WorkGateMiddleware:
    """Pure ASGI: requests whose path matches one of ``paths`` (regular expressions, matched
    from the start) and whose method sends a body pass through ``gate`` (see the module
    text); other requests are untouched."""

    def __init__(self, app: ASGIApp, *, gate: FairGate, paths: Sequence[str]) -> None:
        self.app = app
        self.gate = gate
        self._paths = [re.compile(p) for p in paths]

    def _gated(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            return False
        path = scope.get("path", "")
        return any(p.match(path) for p in self._paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._gated(scope):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else ""
        try:
            self.gate.check_room(client)
        except GateRefusedError as refused:
            await _refuse(scope, send, refused)
            return
        wait = self.gate.penalty(client)
        if wait > 0:
            await self.gate.hold_back(client, wait)
            await _refuse(
                scope,
                send,
                GateRefusedError(
                    429,
                    f"This client's last {self.gate.strike_burst} requests of this kind or more "
                    "were refused (a document over its work budget, a wrong code); it may send "
                    f"one every {self.gate.strike_seconds:g} s until it sends fewer of those.",
                    self.gate.penalty(client),
                ),
            )
            return
        # the body first (its size and time limits apply outside): a slot is for work only
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        try:
            admitted = await self.gate.enter(client)
        except GateRefusedError as refused:
            await _refuse(scope, send, refused)
            return
        try:
            with recording() as record:
                await self.app(scope, _replay(messages, receive), send)
        finally:
            self.gate.leave(admitted)
        if record.reasons:  # one strike per request, whatever it did
            self.gate.strike(client)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


async def _refuse(scope: Scope, send: Send, refused: GateRefusedError) -> None:
    too_many = refused.status == 429
    body = problem_bytes(
        refused.status,
        "Too many requests" if too_many else "Service unavailable",
        refused.detail,
        slug="too-many-requests" if too_many else "busy",
        instance=scope.get("path", ""),
    )
    await send(
        {
            "type": "http.response.start",
            "status": refused.status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(max(1, math.ceil(refused.retry_after))).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

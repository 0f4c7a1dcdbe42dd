"""One lock, shared fairly: turns go to the owner that has used the least CPU, not by arrival.

The engine runs JSON-LD expansion and RDFC-1.0 canonicalisation one at a time per process
(pure Python under the GIL gains nothing from running them side by side). A plain lock would
let one client with many connections hold most turns: forty hostile requests queued ahead of
one honest request make it wait for all forty. Taking turns by client (round-robin) is not
enough either: a poisoner whose every turn burns its budget still gets as many turns as an
honest client whose turns cost a few milliseconds.

:class:`FairLock` therefore does *start-time fair queuing* (Goyal, Vin and Cheng, 1996) with
the CPU time a turn really took as its cost:

* every owner has a *finish tag*: the virtual time at which its work so far would end;
* a turn that starts gets the start tag ``max(virtual time, the owner's finish tag)``, and
  the virtual time becomes that start tag;
* when the turn ends, the owner's finish tag is its start tag plus the CPU seconds the
  turn used (the holding thread's own CPU clock, so waiting for the GIL costs nothing);
* the lock goes to the waiting owner with the lowest start tag (first come among equals).

An owner that was idle starts at the current virtual time, so an honest client waits for at
most the one turn in progress; an owner that keeps the engine busy runs ahead of the virtual
time by what it used and waits behind everyone who used less.

The owner is whatever :data:`work_owner` holds in the calling context; a service sets it per
request to the client's address (after trusted proxies), and the worker threads that run
plain ``def`` routes inherit it. Outside a request it is ``""``: all such work shares one
account.

    >>> lock = FairLock()
    >>> with lock:
    ...     lock.locked()
    True
    >>> lock.locked()
    False
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType

__all__ = ["FairLock", "work_owner"]

work_owner: ContextVar[str] = ContextVar("work_owner", default="")
"""Whose work the current context does (a client address); see the module text."""

_FORGET_AFTER = 1024
"""Owners whose finish tags are kept before those that are not ahead are forgotten."""


@dataclass(eq=False, slots=True)
class _Ticket:
    owner: str
    arrival: int


@dataclass(slots=True)
class _Turn:
    owner: str
    start: float
    cpu_at_start: float


class FairLock:
    """A non-reentrant lock granted by start-time fair queuing on the CPU each owner used.

    ``clock`` is the cost clock read by the holding thread at acquire and release (default
    :func:`time.thread_time`: the CPU time of that thread)."""

    def __init__(self, clock: Callable[[], float] = time.thread_time) -> None:
        self._clock = clock
        self._condition = threading.Condition(threading.Lock())
        self._turn: _Turn | None = None
        self._granted: _Ticket | None = None
        self._waiting: list[_Ticket] = []
        self._arrivals = itertools.count()
        self._virtual_time = 0.0
        self._finish: dict[str, float] = {}

    def locked(self) -> bool:
        with self._condition:
            return self._busy()

    def waiting(self) -> int:
        """How many callers wait for a turn."""
        with self._condition:
            return len(self._waiting)

    def used(self, owner: str) -> float:
        """How far ``owner``'s finish tag is ahead of the virtual time (CPU seconds)."""
        with self._condition:
            return max(0.0, self._finish.get(owner, 0.0) - self._virtual_time)

    def acquire(self, owner: str | None = None) -> None:
        """Wait for a turn as ``owner`` (default: :data:`work_owner`)."""
        owner = work_owner.get() if owner is None else owner
        with self._condition:
            if not self._busy() and not self._waiting:
                self._begin(owner)
                return
            ticket = _Ticket(owner, next(self._arrivals))
            self._waiting.append(ticket)
            try:
                while self._granted is not ticket:
                    self._condition.wait()
            except BaseException:
                self._abandon(ticket)
                raise
            self._granted = None
            self._begin(owner)

    def _busy(self) -> bool:
        """Held, or granted to a waiter that has not woken yet (condition held)."""
        return self._turn is not None or self._granted is not None

    def _start_tag(self, owner: str) -> float:
        return max(self._virtual_time, self._finish.get(owner, 0.0))

    def _begin(self, owner: str) -> None:
        start = self._start_tag(owner)
        self._virtual_time = start
        self._turn = _Turn(owner, start, self._clock())

    def _abandon(self, ticket: _Ticket) -> None:
        """A waiter interrupted while waiting gives its place (or its grant) away."""
        if self._granted is ticket:
            self._granted = None
            self._hand_over()
            return
        if ticket in self._waiting:
            self._waiting.remove(ticket)

    def release(self) -> None:
        used_until = self._clock()
        with self._condition:
            turn = self._turn
            if turn is None:
                raise RuntimeError("release of an unlocked FairLock")
            self._turn = None
            self._finish[turn.owner] = turn.start + max(0.0, used_until - turn.cpu_at_start)
            self._forget_idle_owners()
            self._hand_over()

    def _forget_idle_owners(self) -> None:
        """Drop the finish tags that are not ahead of the virtual time: such an owner starts
        at the virtual time anyway (keeps the table as small as the set of busy owners)."""
        if len(self._finish) > _FORGET_AFTER:
            now = self._virtual_time
            self._finish = {o: f for o, f in self._finish.items() if f > now}

    def _hand_over(self) -> None:
        """Grant the lock to the waiter with the lowest start tag, if any (condition held)."""
        if not self._waiting:
            return
        chosen = min(self._waiting, key=lambda t: (self._start_tag(t.owner), t.arrival))
        self._waiting.remove(chosen)
        self._granted = chosen
        self._condition.notify_all()

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

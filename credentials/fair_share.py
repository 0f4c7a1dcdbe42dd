"""One lock, shared fairly: whoever waits gets a turn in rotation by *owner*, not by arrival.

The engine runs JSON-LD expansion and RDFC-1.0 canonicalisation one at a time per process
(pure Python under the GIL gains nothing from running them side by side). A plain lock would
let one client with many connections hold most turns: forty hostile requests queued ahead of
one honest request make it wait for all forty. :class:`FairLock` instead keeps a queue per
owner and hands the lock to the owners in turn, so an honest client waits for at most one
turn of each other client that has work queued, however many requests that client sent.

The owner is whatever :data:`work_owner` holds in the calling context; a service sets it per
request to the client's address (after trusted proxies), and the worker threads that run
plain ``def`` routes inherit it. Outside a request it is ``""``: all such work shares one
queue.

    >>> lock = FairLock()
    >>> with lock:
    ...     lock.locked()
    True
    >>> lock.locked()
    False
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from contextvars import ContextVar
from types import TracebackType

__all__ = ["FairLock", "work_owner"]

work_owner: ContextVar[str] = ContextVar("work_owner", default="")
"""Whose work the current context does (a client address); see the module text."""


class _Ticket:
    __slots__ = ()


class FairLock:
    """A non-reentrant lock granted round-robin between the owners that wait for it."""

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._held = False
        self._granted: _Ticket | None = None
        self._waiting: OrderedDict[str, deque[_Ticket]] = OrderedDict()

    def locked(self) -> bool:
        with self._condition:
            return self._held

    def waiting(self) -> int:
        """How many callers wait for a turn."""
        with self._condition:
            return sum(len(queue) for queue in self._waiting.values())

    def acquire(self, owner: str | None = None) -> None:
        """Wait for a turn as ``owner`` (default: :data:`work_owner`)."""
        owner = work_owner.get() if owner is None else owner
        with self._condition:
            if not self._held and not self._waiting:
                self._held = True
                return
            ticket = _Ticket()
            self._waiting.setdefault(owner, deque()).append(ticket)
            try:
                while self._granted is not ticket:
                    self._condition.wait()
            except BaseException:
                self._abandon(owner, ticket)
                raise
            self._granted = None

    def _abandon(self, owner: str, ticket: _Ticket) -> None:
        """A waiter interrupted while waiting gives its place (or its grant) away."""
        if self._granted is ticket:
            self._granted = None
            self._hand_over()
            return
        queue = self._waiting.get(owner)
        if queue is not None and ticket in queue:
            queue.remove(ticket)
            if not queue:
                del self._waiting[owner]

    def release(self) -> None:
        with self._condition:
            if not self._held:
                raise RuntimeError("release of an unlocked FairLock")
            self._hand_over()

    def _hand_over(self) -> None:
        """Give the lock to the next owner in rotation, or mark it free (condition held)."""
        if not self._waiting:
            self._held = False
            return
        owner, queue = next(iter(self._waiting.items()))
        self._granted = queue.popleft()
        if queue:
            self._waiting.move_to_end(owner)  # its next request waits for everyone else's
        else:
            del self._waiting[owner]
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

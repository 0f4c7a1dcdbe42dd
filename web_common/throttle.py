"""Throttling failed logins per client, for every service's login (in memory, per process).

Behind several processes an attacker gets ``limit`` tries per process; account lockout in
the database (where a service has accounts) is the stronger guard.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["LoginThrottle"]


class LoginThrottle:
    """Failed logins per client key (address), in memory, bounded; thread-safe."""

    def __init__(
        self,
        *,
        limit: int = 5,
        window: float = 15 * 60,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window
        self._max_keys = max_keys
        self._clock = clock
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        recent = [t for t in self._failures.get(key, []) if now - t < self._window]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return recent

    def locked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self._clock())) >= self._limit

    def failed(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._failures[key] = [*self._recent(key, now), now]
            self._failures.move_to_end(key)
            while len(self._failures) > self._max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

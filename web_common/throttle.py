"""Throttling failed logins (in memory, per process).

:class:`LoginGuard` is for logins with accounts (issuer staff, wallet): exponential backoff
per client address and per account name, never a hard lock an outsider controls.

- **Per address**: ``address_free`` failures, then each next attempt waits twice as long
  (1 s, 2 s, 4 s … up to ``address_cap``). Password spraying across many accounts from one
  address slows to a crawl. A successful login does not reset it (an attacker could log in to
  an account of their own to start afresh).
- **Per account name**, known or not (so the answers and their timing do not tell whether an
  account exists): ``account_free`` failures, then backoff up to ``account_cap`` — a
  minute, not fifteen: someone who knows a staff member's e-mail address can slow their
  login down, not lock them out.
- **A known client is not punished**: an address that logged in to the account before
  (within ``remember``) is exempt from the account's backoff and has its own; an attacker
  elsewhere cannot make the owner wait.

A refused attempt is not counted (waiting is the only way on), so the delays stay bounded.
Behind several processes an attacker gets each allowance per process.

:class:`LoginGuard` also guards the verifier's single admin password (one account name).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["TOO_MANY_ATTEMPTS", "Backoff", "LoginGuard", "retry_after"]

TOO_MANY_ATTEMPTS = "Te veel mislukte pogingen. Wacht even en probeer het dan opnieuw."
"""What a login says while :class:`LoginGuard` makes it wait: the same for every account name,
existing or not (English in ``web_common/ui/en.json``)."""


def retry_after(wait: float) -> str:
    """A ``Retry-After`` header value (whole seconds, at least 1) for ``wait`` seconds."""
    return str(max(1, math.ceil(wait)))


class Backoff:
    """Exponential backoff per key, bounded in memory; thread-safe.

    After ``free`` failures, the next attempt for a key waits ``base * 2**(n - free)``
    seconds after its last failure (``n`` failures so far), at most ``cap``. A key with no
    failure for ``forget_after`` seconds starts afresh.
    """

    def __init__(
        self,
        *,
        free: int,
        cap: float,
        base: float = 1.0,
        forget_after: float = 15 * 60,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._free = free
        self._cap = cap
        self._base = base
        self._forget_after = max(forget_after, cap)
        self._max_keys = max_keys
        self._clock = clock
        self._state: OrderedDict[str, tuple[int, float]] = OrderedDict()  # failures, last
        self._lock = threading.Lock()

    def _current(self, key: str, now: float) -> tuple[int, float]:
        failures, last = self._state.get(key, (0, 0.0))
        if failures and now - last >= self._forget_after:
            self._state.pop(key, None)
            return 0, 0.0
        return failures, last

    def _delay(self, failures: int) -> float:
        if failures < self._free:
            return 0.0
        return float(min(self._cap, self._base * 2 ** min(failures - self._free, 32)))

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may try again (0: now)."""
        with self._lock:
            now = self._clock()
            failures, last = self._current(key, now)
            return max(0.0, last + self._delay(failures) - now) if failures else 0.0

    def failed(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            failures, _ = self._current(key, now)
            self._state[key] = (failures + 1, now)
            self._state.move_to_end(key)
            while len(self._state) > self._max_keys:
                self._state.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._state.pop(key, None)


class LoginGuard:
    """Backoff per address and per account name for a login form (see the module text).

    wait = guard.wait(address, email)
    if wait: answer 429 with Retry-After: ceil(wait), the same for every account
    ... check the password ...
    guard.failed(address, email) or guard.succeeded(address, email)
    """

    def __init__(
        self,
        *,
        address_free: int = 10,
        address_cap: float = 15 * 60,
        account_free: int = 5,
        account_cap: float = 60,
        remember: float = 30 * 24 * 3600,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._addresses = Backoff(
            free=address_free, cap=address_cap, max_keys=max_keys, clock=clock
        )
        self._accounts = Backoff(free=account_free, cap=account_cap, max_keys=max_keys, clock=clock)
        self._pairs = Backoff(free=account_free, cap=account_cap, max_keys=max_keys, clock=clock)
        self._remember = remember
        self._max_keys = max_keys
        self._known: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _account(account: str) -> str:
        return account.strip().lower()

    def _is_known(self, address: str, account: str) -> bool:
        with self._lock:
            since = self._known.get((address, account))
            if since is None:
                return False
            if self._clock() - since > self._remember:
                self._known.pop((address, account), None)
                return False
            return True

    def wait(self, address: str, account: str) -> float:
        """Seconds before this address may try this account again (0: now)."""
        account = self._account(account)
        pair = f"{address}\0{account}"
        waits = [self._addresses.wait(address), self._pairs.wait(pair)]
        if not self._is_known(address, account):
            waits.append(self._accounts.wait(account))
        return max(waits)

    def failed(self, address: str, account: str) -> None:
        account = self._account(account)
        self._addresses.failed(address)
        self._pairs.failed(f"{address}\0{account}")
        if not self._is_known(address, account):
            self._accounts.failed(account)

    def succeeded(self, address: str, account: str) -> None:
        """The address knows the password: forget its failures on this account and exempt
        it from the account's backoff from now on (not from the per-address backoff)."""
        account = self._account(account)
        self._pairs.succeeded(f"{address}\0{account}")
        with self._lock:
            self._known[(address, account)] = self._clock()
            self._known.move_to_end((address, account))
            while len(self._known) > self._max_keys:
                self._known.popitem(last=False)

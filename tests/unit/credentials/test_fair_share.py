"""The engine's fair lock: start-time fair queuing by the CPU each owner used."""

from __future__ import annotations

import contextvars
import threading
import time

import pytest

from credentials.fair_share import FairLock, work_owner


def _wait_until(condition: object, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < end, "timed out"
        time.sleep(0.001)


class _SpentClock:
    """A cost clock per thread that the test advances by hand: each turn "uses" the CPU
    seconds the test says, so the order of turns does not depend on the machine."""

    def __init__(self) -> None:
        self._spent: dict[int, float] = {}

    def __call__(self) -> float:
        return self._spent.get(threading.get_ident(), 0.0)

    def spend(self, seconds: float) -> None:
        ident = threading.get_ident()
        self._spent[ident] = self._spent.get(ident, 0.0) + seconds


def _queue(
    lock: FairLock,
    owners: list[str],
    order: list[str],
    clock: _SpentClock | None = None,
    costs: dict[str, float] | None = None,
) -> list[threading.Thread]:
    """Start one waiter per owner, in this order, each queued before the next starts; each
    turn spends ``costs[owner]`` on ``clock``."""
    threads = []
    for number, owner in enumerate(owners):

        def work(owner: str = owner) -> None:
            lock.acquire(owner)
            order.append(owner)
            if clock is not None and costs is not None:
                clock.spend(costs[owner])
            lock.release()

        thread = threading.Thread(target=work)
        thread.start()
        _wait_until(lambda n=number: lock.waiting() == n + 1)
        threads.append(thread)
    return threads


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()


def test_one_owners_many_requests_do_not_go_ahead_of_another_owner() -> None:
    clock = _SpentClock()
    lock, order = FairLock(clock), list[str]()
    lock.acquire("first")
    costs = {"flood": 0.01, "honest": 0.01}
    threads = _queue(lock, ["flood", "flood", "flood", "flood", "honest"], order, clock, costs)
    lock.release()
    _join(threads)
    # A plain lock would serve the honest caller last (fifth); here it is second.
    assert order == ["flood", "honest", "flood", "flood", "flood"]


def test_owners_with_equal_costs_take_turns() -> None:
    clock = _SpentClock()
    lock, order = FairLock(clock), list[str]()
    lock.acquire("x")
    costs = {"a": 0.01, "b": 0.01, "c": 0.01}
    threads = _queue(lock, ["a", "a", "b", "b", "c"], order, clock, costs)
    lock.release()
    _join(threads)
    assert order == ["a", "b", "c", "a", "b"]


def test_an_owner_that_burns_cpu_waits_behind_one_that_uses_little() -> None:
    """Start-time fair queuing by CPU used: the poisoner's first turn cost 10 times an honest
    turn, so all four honest turns go before its next one (round-robin would alternate)."""
    clock = _SpentClock()
    lock, order = FairLock(clock), list[str]()
    lock.acquire("x")
    costs = {"poison": 0.100, "honest": 0.010}
    owners = ["poison"] * 4 + ["honest"] * 4
    threads = _queue(lock, owners, order, clock, costs)
    lock.release()
    _join(threads)
    assert order == ["poison"] + ["honest"] * 4 + ["poison"] * 3


def test_an_owner_that_was_idle_goes_next_however_much_others_used() -> None:
    clock = _SpentClock()
    lock, order = FairLock(clock), list[str]()
    lock.acquire("poison")
    clock.spend(5.0)
    lock.release()
    assert lock.used("poison") == pytest.approx(5.0)
    lock.acquire("other")
    threads = _queue(lock, ["poison", "poison", "late"], order, clock, {"poison": 1.0, "late": 0})
    lock.release()
    _join(threads)
    assert order == ["late", "poison", "poison"]
    assert lock.used("late") == 0.0


def test_the_cost_is_the_cpu_time_of_the_holding_thread_by_default() -> None:
    lock = FairLock()
    with lock:  # work_owner is "" here
        end = time.thread_time() + 0.02
        while time.thread_time() < end:
            pass
    assert lock.used("") >= 0.02
    assert lock.used("someone else") == 0.0


def test_mutual_exclusion_under_contention() -> None:
    lock, inside, most = FairLock(), [0], [0]
    guard = threading.Lock()

    def work(owner: str) -> None:
        for _ in range(200):
            with guard:
                pass
            lock.acquire(owner)
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            with guard:
                inside[0] -= 1
            lock.release()

    threads = [threading.Thread(target=work, args=(f"o{n % 3}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most[0] == 1
    assert not lock.locked()
    assert lock.waiting() == 0


def test_the_owner_comes_from_the_context_and_is_inherited_by_copied_contexts() -> None:
    clock = _SpentClock()
    lock, order = FairLock(clock), list[str]()
    lock.acquire("holder")

    def work() -> None:
        with lock:
            order.append(work_owner.get())
            clock.spend(0.01)

    threads = []
    for number, owner in enumerate(["client-a", "client-a", "client-b"]):
        token = work_owner.set(owner)
        context = contextvars.copy_context()  # what a thread pool worker runs in
        work_owner.reset(token)
        thread = threading.Thread(target=context.run, args=(work,))
        thread.start()
        _wait_until(lambda n=number: lock.waiting() == n + 1)
        threads.append(thread)
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == ["client-a", "client-b", "client-a"]


def test_release_of_an_unlocked_lock_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        FairLock().release()

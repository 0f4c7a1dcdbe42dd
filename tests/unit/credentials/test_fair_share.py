"""The engine's fair lock: turns go round the owners that wait, not by arrival."""

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


def _queue(lock: FairLock, owners: list[str], order: list[str]) -> list[threading.Thread]:
    """Start one waiter per owner, in this order, each queued before the next starts."""
    threads = []
    for number, owner in enumerate(owners):

        def work(owner: str = owner) -> None:
            lock.acquire(owner)
            order.append(owner)
            lock.release()

        thread = threading.Thread(target=work)
        thread.start()
        _wait_until(lambda n=number: lock.waiting() == n + 1)
        threads.append(thread)
    return threads


def test_one_owners_many_requests_do_not_go_ahead_of_another_owner() -> None:
    lock, order = FairLock(), list[str]()
    lock.acquire("first")
    threads = _queue(lock, ["flood", "flood", "flood", "flood", "honest"], order)
    lock.release()
    for thread in threads:
        thread.join(5)
    # A plain lock would serve the honest caller last (fifth); here it is second.
    assert order == ["flood", "honest", "flood", "flood", "flood"]


def test_owners_take_turns() -> None:
    lock, order = FairLock(), list[str]()
    lock.acquire("x")
    threads = _queue(lock, ["a", "a", "b", "b", "c"], order)
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == ["a", "b", "c", "a", "b"]


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
    lock, order = FairLock(), list[str]()
    lock.acquire("holder")

    def work() -> None:
        with lock:
            order.append(work_owner.get())

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

"""Strikes: a request marks itself as refused for a reason that only a hostile or broken
client gives, so that :mod:`web_common.work_gate` can hold back that client's next ones.

A strike is a refusal that costs the service work and that an honest client hardly ever
causes: a document over its work budget (``credentials.budget``), a wrong, used or unknown
pre-authorized code or ``tx_code`` at the token endpoint. A plain verdict (a credential that
is revoked, expired or badly signed) is not a strike: an employer who checks such a
credential gets the answer, as often as they ask.

The gate opens a :func:`recording` around each request it admits; the code that decides on
the refusal calls :func:`record_strike`. That works from a route run in the threadpool too
(the worker thread runs in a copy of the request's context, which holds the same record).
Outside a recording (a command line, a test of a service) :func:`record_strike` does
nothing.

    >>> with recording() as record:
    ...     record_strike("budget")
    >>> record.reasons
    ['budget']
    >>> record_strike("budget")  # no recording: nothing happens
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["StrikeRecord", "record_strike", "recording"]


@dataclass(slots=True)
class StrikeRecord:
    """The strikes one request earned (in the order they were recorded)."""

    reasons: list[str] = field(default_factory=list)


_current: ContextVar[StrikeRecord | None] = ContextVar("web_common_strikes", default=None)


def record_strike(reason: str) -> None:
    """Mark the request in progress as refused for ``reason`` (a short code for logs)."""
    record = _current.get()
    if record is not None:
        record.reasons.append(reason)


@contextmanager
def recording() -> Iterator[StrikeRecord]:
    """The record of the strikes of the request run inside this block."""
    record = StrikeRecord()
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)

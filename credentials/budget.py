"""Work budgets for documents from outside: how much JSON-LD and RDFC-1.0 work one may cost.

An honest credential costs milliseconds; a hostile one can cost minutes. RDFC-1.0 (W3C RDF
Dataset Canonicalization, §4.4 and "Dangerous inputs" under Security Considerations) warns
that *poison graphs* — blank nodes that cannot be told apart by their first-degree quads, e.g.
a clique of blank nodes all pointing at each other — make the Hash N-Degree Quads step
recurse through every permutation of their neighbours (8 such nodes: ~150 CPU-seconds in
pyld), and tells implementations to bound that work. JSON-LD expansion has the same problem
with repeated or nested ``@context`` entries and huge arrays.

:class:`Budget` holds every limit in one place, with defaults an honest credential never
comes near; callers override single limits per call (``Budget(max_cpu_seconds=1.0)``).
:func:`check_document` applies the structural limits to the JSON before any JSON-LD work;
a :class:`Meter` counts the work done while expanding and canonicalising (a work counter
checked inside Hash N-Degree Quads) and the CPU time spent. Going over any limit raises
:class:`~credentials.errors.BudgetExceededError` naming the limit and its value.

    >>> try:
    ...     check_document({"@context": ["https://www.w3.org/ns/credentials/v2"] * 40})
    ... except BudgetExceededError as exc:
    ...     print(exc.limit, exc.value)
    max_contexts 32
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from .errors import BudgetExceededError
from .results import CheckResult, Outcome

__all__ = [
    "BUDGET_CODE_PREFIX",
    "DEFAULT_BUDGET",
    "Budget",
    "BudgetExceededError",
    "Meter",
    "budget_code",
    "budget_failure",
    "check_document",
    "exceeded_limit",
]

BUDGET_CODE_PREFIX = "budget_exceeded:"
# How often (in charged work units) the meter reads the CPU clock.
_CLOCK_EVERY = 64


@dataclass(frozen=True, slots=True)
class Budget:
    """The limits for one document (a credential, a presentation with what it carries, or a
    proof configuration). Override single limits per call: ``Budget(max_blank_nodes=64)``."""

    max_bytes: int = 1_048_576
    """Serialised JSON size (UTF-8 bytes)."""
    max_depth: int = 48
    """Nesting of objects and arrays."""
    max_nodes: int = 100_000
    """JSON values of all kinds (objects, arrays, strings, numbers, …)."""
    max_array_items: int = 1_000
    """Items in any one array."""
    max_proofs: int = 16
    """Proofs on one document (a proof set or chain)."""
    max_contexts: int = 32
    """``@context`` entries in the whole document, nested and scoped ones included."""
    max_expansion_steps: int = 25_000
    """Elements visited, contexts processed and terms defined during JSON-LD expansion."""
    max_blank_nodes: int = 2_000
    """Distinct blank nodes in the RDF dataset to canonicalise."""
    max_ndegree_calls: int = 1_000
    """Runs of RDFC-1.0 Hash N-Degree Quads (recursions included)."""
    max_permutations: int = 600
    """Permutations of related blank nodes tried inside Hash N-Degree Quads (four blank nodes
    that all point at each other need 556; five are refused within ~5 ms of CPU)."""
    max_cpu_seconds: float = 10.0
    """CPU time of the calling thread spent on JSON-LD and canonicalisation work."""

    def value(self, limit: str) -> int | float:
        """The value of the limit named ``limit`` (a field name)."""
        if limit not in _LIMIT_NAMES:
            raise ValueError(f"unknown budget limit {limit!r}")
        value: int | float = getattr(self, limit)
        return value


_LIMIT_NAMES = frozenset(f.name for f in fields(Budget))
DEFAULT_BUDGET = Budget()


def budget_code(exc: BudgetExceededError) -> str:
    """The stable check code for a budget failure: ``budget_exceeded:<limit>``."""
    return BUDGET_CODE_PREFIX + exc.limit


def exceeded_limit(code: str) -> str | None:
    """The limit named by a check code from :func:`budget_code`, else None."""
    if code.startswith(BUDGET_CODE_PREFIX):
        limit = code.removeprefix(BUDGET_CODE_PREFIX)
        return limit if limit in _LIMIT_NAMES else None
    return None


def budget_failure(checks: Iterable[CheckResult]) -> CheckResult | None:
    """The first failed check among ``checks`` whose code names a budget limit, else None.

    For service edges that answer a refused document with a 4xx instead of a verdict."""
    return next((c for c in checks if c.outcome is Outcome.FAILED and exceeded_limit(c.code)), None)


def _exceeded(budget: Budget, limit: str, what: str) -> BudgetExceededError:
    value = budget.value(limit)
    return BudgetExceededError(limit, value, f"{what} (limit {limit} = {value})")


def check_document(document: Any, budget: Budget = DEFAULT_BUDGET) -> None:
    """Apply the structural limits (depth, values, array items, contexts) to ``document``.

    Linear in the size of the document and iterative (no recursion), so it is safe to run on
    anything ``json.loads`` produced. Raises :class:`BudgetExceededError` for the first limit
    crossed.
    """
    nodes = 0
    contexts = 0
    level: list[Any] = [document]
    depth = 1
    while level:  # breadth first, one level of nesting at a time
        if depth > budget.max_depth:
            raise _exceeded(
                budget, "max_depth", f"the document is nested more than {budget.max_depth} levels"
            )
        nodes += len(level)
        if nodes > budget.max_nodes:
            raise _exceeded(budget, "max_nodes", "the document has too many JSON values")
        below: list[Any] = []
        for node in level:
            if isinstance(node, Mapping):
                if "@context" in node:
                    ctx = node["@context"]
                    contexts += len(ctx) if isinstance(ctx, list) else 1
                    if contexts > budget.max_contexts:
                        raise _exceeded(
                            budget,
                            "max_contexts",
                            f"the document has more than {budget.max_contexts} @context entries",
                        )
                below.extend(node.values())
            elif isinstance(node, list):
                if len(node) > budget.max_array_items:
                    raise _exceeded(budget, "max_array_items", f"an array has {len(node)} items")
                below.extend(node)
        level = below
        depth += 1


class Meter:
    """Counts the work spent on one document against a :class:`Budget`.

    Not thread-safe: one meter per document and thread (the CPU clock is the thread's).
    """

    __slots__ = ("_cpu_deadline", "_exceeded", "_left", "_ticks", "budget")

    def __init__(self, budget: Budget = DEFAULT_BUDGET) -> None:
        self.budget = budget
        self._left: dict[str, int] = {name: int(budget.value(name)) for name in _UNITS}
        self._ticks = 0
        self._cpu_deadline = time.thread_time() + budget.max_cpu_seconds
        self._exceeded: BudgetExceededError | None = None

    @property
    def exceeded(self) -> BudgetExceededError | None:
        """The first limit this meter went over, if any; a spent meter stays spent."""
        return self._exceeded

    def count(self, limit: str) -> int:
        """How much of ``limit`` has been charged so far."""
        return int(self.budget.value(limit)) - self._left[limit]

    def charge(self, limit: str, amount: int = 1) -> None:
        """Add ``amount`` to the counter of ``limit`` (one of the counted limits:
        expansion steps, blank nodes, N-degree runs, permutations); raise when it goes over."""
        left = self._left[limit] - amount
        self._left[limit] = left
        if left < 0:
            self._spend(
                _exceeded(
                    self.budget, limit, f"the document needs more {_UNITS[limit]} than allowed"
                )
            )
        self._ticks += amount
        if self._ticks >= _CLOCK_EVERY:
            self._ticks = 0
            self.check()

    def require(self, limit: str, amount: int) -> None:
        """Raise now when ``amount`` more of ``limit`` would go over, for work that is certain
        to be charged once it starts (refused before it is done, not after); charges
        nothing."""
        if amount > self._left[limit]:
            self._spend(
                _exceeded(
                    self.budget, limit, f"the document needs more {_UNITS[limit]} than allowed"
                )
            )

    def check(self) -> None:
        """Raise when this meter is spent: a limit was crossed before, or the CPU time is up."""
        if self._exceeded is not None:
            raise self._exceeded
        if time.thread_time() > self._cpu_deadline:
            self._spend(
                _exceeded(
                    self.budget,
                    "max_cpu_seconds",
                    f"checking the document took more than {self.budget.max_cpu_seconds} s of CPU",
                )
            )

    def _spend(self, exc: BudgetExceededError) -> None:
        self._exceeded = exc
        raise exc


_UNITS = {
    "max_expansion_steps": "JSON-LD expansion steps",
    "max_blank_nodes": "blank nodes",
    "max_ndegree_calls": "runs of Hash N-Degree Quads",
    "max_permutations": "blank node permutations",
}

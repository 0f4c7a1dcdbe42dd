"""One rule for the three services: use cases commit, routes do not.

A route reads input, calls one use case and renders; the use case (a service step made one
by ``web_common.db.committed``, in each service's use-case module) owns the transaction.
This test reads every module under ``<service>/routes/`` and counts the ``.commit()`` calls
in it. Each that is left is listed in ``ALLOWED`` with its reason; a new one fails the test,
and so does an allowance that is no longer used (lower the number, or drop the line).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("issuer", "wallet", "verifier")

ALLOWED: dict[str, tuple[int, str]] = {}
"""Route modules that still commit: how often, and why (none today: the last, the issuer's
first-run setup and offer mails, went into ``issuer/services/staff_actions.py``)."""


def commits_in(source: str) -> int:
    """How many ``<anything>.commit()`` calls the module's source holds."""
    return sum(
        1
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    )


def route_commits() -> dict[str, int]:
    counts: dict[str, int] = {}
    for service in SERVICES:
        for path in sorted((ROOT / service / "routes").rglob("*.py")):
            found = commits_in(path.read_text(encoding="utf-8"))
            if found:
                counts[path.relative_to(ROOT).as_posix()] = found
    return counts


def test_the_counter_finds_commits() -> None:
    source = (
        "def route(uow):\n"
        "    uow.commit()\n"
        "    if True:\n"
        "        request.state.uow.session.commit()\n"
        "    committed(step)(uow)\n"  # a use case: not a commit in the route
        "    commit = 1\n"
    )
    assert commits_in(source) == 2


def test_every_service_has_route_modules() -> None:
    for service in SERVICES:
        assert list((ROOT / service / "routes").glob("*.py")), service


@pytest.mark.parametrize("service", SERVICES)
def test_routes_leave_commits_to_use_cases(service: str) -> None:
    counts = {k: v for k, v in route_commits().items() if k.startswith(f"{service}/")}
    allowed = {k: v[0] for k, v in ALLOWED.items() if k.startswith(f"{service}/")}
    assert counts == allowed, (
        "a route commits: move the transaction into a use case in "
        f"{service}/services (web_common.db.committed), or list it in ALLOWED with a reason"
    )


def test_totals() -> None:
    per_service = {s: 0 for s in SERVICES}
    for module, count in route_commits().items():
        per_service[module.split("/", 1)[0]] += count
    assert per_service == {"issuer": 0, "wallet": 0, "verifier": 0}

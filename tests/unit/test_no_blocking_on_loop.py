"""One rule for the three services: nothing that blocks runs on the event loop.

Routes and route dependencies that touch the database, Argon2, signing, canonicalisation or
outbound HTTP are plain ``def`` (FastAPI runs them in its threadpool). This test builds each
service's app with its own ``create_app``, walks every route's endpoint and its whole
dependency tree (``route.dependant``) and fails on any coroutine function that is not on the
short allow-list below, each with the reason it may stay ``async``. Middleware and exception
handlers are checked the same way: only reviewed ones are allowed.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

# Coroutine dependencies that only parse the request (no database, no crypto, no I/O
# beyond reading the request body from the client).
ALLOWED_ASYNC: dict[str, str] = {
    "web_common.ui.csrf.verify_csrf": "compares the form's token with the session's (HMAC)",
    "web_common.ui.forms.read_form": "parses the request's form, nothing else",
    "web_common.bodies.body_of_type.<locals>.body_bytes": "reads the raw body (size bound)",
    "verifier.routes.pages.read_page_form": "parses the form with the page's limits",
    "verifier.routes.oid4vp.read_response_form": "parses the wallet's form body",
    "web_common.health.health_router.<locals>.healthz": "answers a constant, touches nothing",
    # Dependencies that only hand over what ``create_app`` put on ``app.state`` (or read the
    # clock): run on the loop, they cost no threadpool trip (a trip waits for the GIL twice,
    # which under CPU load costs milliseconds each; see THREADPOOL_TRIPS below).
    "web_common.deps.get_now": "reads the app's clock",
    "verifier.deps._settings": "reads app.state",
    "verifier.deps._resolver": "reads app.state",
    "verifier.deps._fetcher": "reads app.state",
    "verifier.deps._resource_fetcher": "reads app.state",
    "verifier.deps._sd_jwt": "reads app.state",
    "verifier.deps._catalog": "reads app.state",
    "verifier.deps._identity": "reads app.state",
    "verifier.deps._box": "reads app.state",
    "issuer.deps._settings": "reads app.state",
    "issuer.deps._box": "reads app.state",
    "issuer.deps._catalog": "reads app.state",
    "wallet.deps._settings": "reads app.state",
    "wallet.deps._catalog": "reads app.state",
    "wallet.deps._box": "reads app.state",
    "wallet.deps._checker": "reads app.state",
    "wallet.deps._http": "reads app.state",
    "wallet.deps._account": "refuses a request without an account (no lookup of its own)",
}

# Threadpool trips per request of the hot routes: each plain ``def`` dependency is one trip,
# a plain generator two (enter and exit), the endpoint one. Each trip hands the request from
# the event loop to a worker thread and back; with a CPU-bound thread in the process (the
# engine at work on someone's document) each hand-over waits for the GIL, so the trips of an
# honest request, not its own work, made most of its latency under attack.
THREADPOOL_TRIPS: dict[tuple[str, str], int] = {
    ("verifier", "['POST'] /credentials/verify"): 3,  # unit of work (2) + the route
    ("verifier", "['POST'] /presentations/verify"): 3,
    ("issuer", "['POST'] /credentials/issue"): 4,  # unit of work (2) + token + the route
    ("issuer", "['GET'] /{slug}/status/{purpose}/{number}"): 3,
}

# Middleware that runs on the event loop for every request; each only looks at headers,
# cookies (HMAC) and body sizes, none reaches the database or the network.
REVIEWED_MIDDLEWARE: dict[str, str] = {
    "web_common.limits.BodySizeLimitMiddleware": "counts body bytes",
    "web_common.logs.RequestIdMiddleware": "request ids and one access log line",
    "web_common.work_gate.WorkGateMiddleware": "reads the body, waits on an asyncio future",
    "web_common.ui.sessions.UiMiddleware": "signed cookie session, no server-side lookup",
    "starlette.middleware.trustedhost.TrustedHostMiddleware": "compares the Host header",
    "starlette.middleware.cors.CORSMiddleware": "headers only",
}


def _name(call: Any) -> str:
    target = call if inspect.isfunction(call) or inspect.isclass(call) else type(call)
    return f"{target.__module__}.{target.__qualname__}"


def _is_async(call: Any) -> bool:
    if inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call):
        return True
    method = getattr(call, "__call__", None)  # noqa: B004 - a callable instance
    return not inspect.isfunction(call) and (
        inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(method)
    )


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _routes(app: FastAPI) -> Iterator[tuple[str, Dependant]]:
    """``(method path, dependant)`` of every API route, router dependencies included."""
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if isinstance(dependant, Dependant):
            yield f"{sorted(context.methods or ())} {context.path}", dependant


def _apps(tmp_path: Path) -> dict[str, FastAPI]:
    from issuer.app import create_app as issuer_app
    from issuer.settings import IssuerSettings
    from verifier.app import create_app as verifier_app
    from verifier.settings import VerifierSettings
    from wallet.app import create_app as wallet_app
    from wallet.settings import WalletSettings

    def url(name: str) -> str:
        return f"sqlite:///{tmp_path / name}.db"

    return {
        "issuer": issuer_app(IssuerSettings(environment="test", database_url=url("i"))),
        "wallet": wallet_app(WalletSettings(environment="test", database_url=url("w"))),
        "verifier": verifier_app(VerifierSettings(environment="test", database_url=url("v"))),
    }


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FastAPI]:
    return _apps(tmp_path_factory.mktemp("apps"))


def test_every_route_and_dependency_that_may_block_is_a_plain_def(
    apps: dict[str, FastAPI],
) -> None:
    offending: list[str] = []
    seen_routes = 0
    for service, app in apps.items():
        for route, dependant in _routes(app):
            seen_routes += 1
            for call in _calls(dependant):
                if _is_async(call) and _name(call) not in ALLOWED_ASYNC:
                    offending.append(f"{service} {route}: {_name(call)}")
    assert seen_routes > 60  # all three services' routes were really walked
    assert not offending, "async routes/dependencies on the event loop:\n" + "\n".join(offending)


def test_the_allow_list_names_real_coroutines(apps: dict[str, FastAPI]) -> None:
    """An entry that is no longer used (or no longer async) is removed, not kept by habit."""
    found = {
        _name(call)
        for app in apps.values()
        for _, dependant in _routes(app)
        for call in _calls(dependant)
        if _is_async(call)
    }
    assert found == set(ALLOWED_ASYNC)


def test_the_scan_catches_an_async_route_and_an_async_dependency() -> None:
    from fastapi import Depends

    app = FastAPI()

    async def lookup() -> int:
        return 1

    @app.get("/a")
    async def endpoint() -> None:
        return None

    @app.get("/b")
    def endpoint_b(value: int = Depends(lookup)) -> int:
        return value

    names = {
        route: [_name(c) for c in _calls(dependant) if _is_async(c)]
        for route, dependant in _routes(app)
    }
    assert names["['GET'] /a"][0].endswith("endpoint")
    assert names["['GET'] /b"][0].endswith("lookup")


def _threadpool_trips(dependant: Dependant) -> int:
    """The threadpool trips FastAPI makes for one request of this route (a dependency used
    twice in the tree is solved once)."""
    trips, seen = 0, set[Any]()
    for call in _calls(dependant):
        if call in seen or _is_async(call):
            continue
        seen.add(call)
        trips += 2 if inspect.isgeneratorfunction(call) else 1
    return trips


def test_hot_routes_take_few_threadpool_trips(apps: dict[str, FastAPI]) -> None:
    trips = {
        (service, route): _threadpool_trips(dependant)
        for service, app in apps.items()
        for route, dependant in _routes(app)
    }
    assert {key: trips.get(key) for key in THREADPOOL_TRIPS} == THREADPOOL_TRIPS


def test_dependencies_that_only_read_app_state_are_coroutines(apps: dict[str, FastAPI]) -> None:
    """A plain ``def`` whose whole body is ``x = request.app.state.x; return x`` would cost a
    threadpool trip for nothing."""
    plain_readers = []
    for app in apps.values():
        for _, dependant in _routes(app):
            for call in _calls(dependant):
                if _is_async(call) or not inspect.isfunction(call):
                    continue
                lines = [
                    line.strip()
                    for line in inspect.getsource(call).splitlines()[1:]
                    if line.strip() and not line.strip().startswith(('"""', "#"))
                ]
                if (
                    len(lines) == 2
                    and "= request.app.state." in lines[0]
                    and re.fullmatch(r"return \w+", lines[1])
                ):
                    plain_readers.append(_name(call))
    assert not sorted(set(plain_readers)), plain_readers


def test_only_reviewed_middleware_runs_on_the_loop(apps: dict[str, FastAPI]) -> None:
    for app in apps.values():
        for middleware in app.user_middleware:
            assert _name(middleware.cls) in REVIEWED_MIDDLEWARE, _name(middleware.cls)

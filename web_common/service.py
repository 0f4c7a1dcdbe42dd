"""What every service's ``create_app`` does alike: the database for the app's lifetime, and
the common middleware, error handlers and health routes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from fastapi import FastAPI

from .db import check_database, make_engine, make_session_factory
from .health import health_router
from .limits import BodySizeLimitMiddleware
from .logs import RequestIdMiddleware
from .problems import install_problem_handlers
from .settings import ServiceSettings

__all__ = ["database", "install_common", "run_server"]


@contextmanager
def database(app: FastAPI, url: str) -> Iterator[None]:
    """Open the engine and session factory on ``app.state``; dispose of them on exit."""
    engine = make_engine(url)
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    try:
        yield
    finally:
        engine.dispose()


def install_common(
    app: FastAPI,
    settings: ServiceSettings,
    *,
    body_limit_overrides: Mapping[str, int] | None = None,
) -> None:
    """Body size limits, request ids, problem+json handlers, ``/healthz`` and ``/readyz``."""
    app.add_middleware(
        BodySizeLimitMiddleware, limit=settings.max_body_bytes, overrides=body_limit_overrides
    )
    app.add_middleware(RequestIdMiddleware)
    install_problem_handlers(app)
    app.include_router(health_router({"database": lambda: check_database(app.state.engine)}))


def run_server(
    app: FastAPI,
    settings: ServiceSettings,
    *,
    host: str,
    port: int,
    ssl_keyfile: str | None = None,
    ssl_certfile: str | None = None,
) -> None:
    """Serve ``app`` with uvicorn: https when a key and certificate are given (the options,
    else the ``ssl_keyfile`` / ``ssl_certfile`` settings), plain http otherwise."""
    import uvicorn

    keyfile = ssl_keyfile or settings.ssl_keyfile
    certfile = ssl_certfile or settings.ssl_certfile
    if bool(keyfile) != bool(certfile):
        raise ValueError("--ssl-keyfile and --ssl-certfile go together: give both or neither")
    uvicorn.run(
        app, host=host, port=port, log_config=None, ssl_keyfile=keyfile, ssl_certfile=certfile
    )

"""What every service's ``create_app`` does alike: the database for the app's lifetime, and
the common middleware, error handlers and health routes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI

from credentials.canonicalization import use_operator_contexts
from credentials.contexts import load_context_dir

from .db import check_database, make_engine, make_session_factory
from .health import health_router
from .limits import BodySizeLimitMiddleware
from .logs import RequestIdMiddleware
from .problems import install_problem_handlers
from .settings import ServiceSettings

__all__ = ["database", "install_common", "run_server", "tls_files"]


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


def _operator_contexts(
    settings: ServiceSettings,
) -> tuple[dict[str, dict[str, Any]], dict[str, bytes]]:
    if not settings.extra_contexts_dir:
        return {}, {}
    return load_context_dir(settings.extra_contexts_dir)


def install_common(
    app: FastAPI,
    settings: ServiceSettings,
    *,
    body_limit_overrides: Mapping[str, int] | None = None,
) -> None:
    """Body size limits, request ids, problem+json handlers, ``/healthz`` and ``/readyz``;
    the operator's pinned contexts (``extra_contexts_dir``), refused here if a hash differs."""
    use_operator_contexts(*_operator_contexts(settings))
    app.add_middleware(
        BodySizeLimitMiddleware, limit=settings.max_body_bytes, overrides=body_limit_overrides
    )
    app.add_middleware(RequestIdMiddleware)
    install_problem_handlers(app)
    app.include_router(health_router({"database": lambda: check_database(app.state.engine)}))


def tls_files(
    settings: ServiceSettings, ssl_keyfile: str | None, ssl_certfile: str | None
) -> tuple[str | None, str | None]:
    """The key and certificate ``serve`` uses: the options, else the ``ssl_keyfile`` /
    ``ssl_certfile`` settings; both or neither (ValueError)."""
    keyfile = ssl_keyfile or settings.ssl_keyfile
    certfile = ssl_certfile or settings.ssl_certfile
    if bool(keyfile) != bool(certfile):
        raise ValueError("--ssl-keyfile and --ssl-certfile go together: give both or neither")
    return keyfile, certfile


def run_server(
    app: FastAPI, *, host: str, port: int, tls: tuple[str | None, str | None] = (None, None)
) -> None:
    """Serve ``app`` with uvicorn: https when ``tls`` names a key and a certificate."""
    import uvicorn

    keyfile, certfile = tls
    uvicorn.run(
        app, host=host, port=port, log_config=None, ssl_keyfile=keyfile, ssl_certfile=certfile
    )

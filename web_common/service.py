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
from .proxies import install_trusted_proxies
from .settings import ServiceSettings

__all__ = ["database", "install_common", "run"]


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
    """Body size limits, request ids, problem+json handlers, ``/healthz`` and ``/readyz``,
    and the client address from trusted proxies only (outermost, so logs see it too)."""
    app.add_middleware(
        BodySizeLimitMiddleware, limit=settings.max_body_bytes, overrides=body_limit_overrides
    )
    app.add_middleware(RequestIdMiddleware)
    install_trusted_proxies(app, settings.trusted_proxies)
    install_problem_handlers(app)
    app.include_router(health_router({"database": lambda: check_database(app.state.engine)}))


def run(app: FastAPI, *, host: str, port: int) -> None:
    """Serve ``app`` with uvicorn, the same way for every service: our own logging, and no
    ``X-Forwarded-For`` trust of uvicorn's own (it trusts loopback by default); proxies are
    trusted only through the ``trusted_proxies`` setting (:mod:`web_common.proxies`)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_config=None, proxy_headers=False)

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

__all__ = ["database", "install_common"]


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

"""What every service's ``create_app`` does alike: the database for the app's lifetime, and
the common middleware, error handlers and health routes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI

from credentials.canonicalization import use_operator_contexts
from credentials.contexts import load_context_dir

from .db import check_database, make_engine, make_session_factory
from .head_timeout import DEFAULT_HEAD_TIMEOUT_SECONDS, head_timeout_protocol
from .health import health_router
from .limits import BodySizeLimitMiddleware
from .logs import RequestIdMiddleware
from .problems import ProblemMapping, install_problem_handlers
from .proxies import install_trusted_proxies
from .settings import ServiceSettings
from .ui import problem_or_page
from .work_gate import FairGate, WorkGateMiddleware

__all__ = [
    "KEEP_ALIVE_SECONDS",
    "MAX_HEADER_BYTES",
    "database",
    "install_common",
    "run_server",
    "tls_files",
]

KEEP_ALIVE_SECONDS = 5
"""An idle keep-alive connection is closed after this long."""
MAX_HEADER_BYTES = 16 * 1024
"""The request line and headers together; more is refused by h11 and the connection closed."""


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
    problems: Mapping[type[Exception], ProblemMapping] | None = None,
    engine_paths: Sequence[str] = (),
) -> None:
    """Body size limits, request ids, the one error handler (every error a problem, the
    service's own errors by ``problems``; problem+json, or an HTML page for pages once
    ``install_ui`` has put a renderer on the app), ``/healthz`` and ``/readyz``, the client
    address from trusted proxies only (outermost, so logs see it too), and the operator's
    pinned contexts (``extra_contexts_dir``), refused here if a hash differs.

    ``engine_paths`` (regular expressions) name the routes that put documents from outside
    through the engine: they pass the fair work gate (:mod:`web_common.work_gate`, inside
    the body limits, so their bodies are read before they queue)."""
    use_operator_contexts(*_operator_contexts(settings))
    if engine_paths:
        gate = FairGate(
            slots=settings.work_slots,
            per_client=settings.work_per_client,
            queue_per_client=max(settings.work_queue_per_client, settings.work_per_client),
            queue_seconds=settings.work_queue_seconds,
            strike_burst=settings.work_strike_burst,
            strike_seconds=settings.work_strike_seconds,
        )
        app.state.work_gate = gate
        app.add_middleware(WorkGateMiddleware, gate=gate, paths=engine_paths)
    app.add_middleware(
        BodySizeLimitMiddleware,
        limit=settings.max_body_bytes,
        overrides=body_limit_overrides,
        read_timeout=settings.body_read_timeout_seconds,
    )
    app.add_middleware(RequestIdMiddleware)
    install_trusted_proxies(app, settings.trusted_proxies)
    install_problem_handlers(app, problems, respond=problem_or_page)
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
    app: FastAPI,
    *,
    host: str,
    port: int,
    tls: tuple[str | None, str | None] = (None, None),
    head_timeout: float = DEFAULT_HEAD_TIMEOUT_SECONDS,
) -> None:
    """Serve ``app`` with uvicorn, the same way for every service: https when ``tls`` names
    a key and a certificate, our own logging, and no ``X-Forwarded-For`` trust of uvicorn's
    own (it trusts loopback by default): proxies are trusted only through the
    ``trusted_proxies`` setting (:mod:`web_common.proxies`).

    The HTTP limits are set here rather than left to defaults: h11 (pure Python, the same
    everywhere), an idle keep-alive connection closed after 5 s, request headers at most
    16 KiB (uvicorn answers a longer header block 400 and closes), a request head that
    takes longer than ``head_timeout`` seconds answered 408 and closed
    (:mod:`web_common.head_timeout`), and at most 10 s to finish open requests on stop.
    Slow bodies are cut off by :class:`web_common.limits.BodySizeLimitMiddleware`."""
    import uvicorn

    keyfile, certfile = tls
    uvicorn.run(
        app, host=host, port=port, log_config=None, ssl_keyfile=keyfile, ssl_certfile=certfile,
        proxy_headers=False, http=head_timeout_protocol(head_timeout),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES, timeout_graceful_shutdown=10,
    )  # fmt: skip

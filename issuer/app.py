"""The issuer service: ``create_app(settings)`` builds it; nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from qualifications import load_catalog
from web_common.logs import configure_logging
from web_common.problems import budget_exceeded, problem_response
from web_common.secrets import SecretBox
from web_common.service import database, install_common
from web_common.throttle import LoginGuard

from .routes import batches, oid4vci, pages_batches, public, token_status, type_metadata, vc_api
from .services.errors import ConflictError, IssuanceBudgetError, IssuanceError, NotFoundError
from .settings import IssuerSettings
from .web import install_pages
from .worker import in_process_worker

__all__ = ["ENGINE_PATHS", "create_app"]

ENGINE_PATHS = (r"/credentials/issue$", r"/[^/]+/credential$")
"""The API routes that sign documents an API client or wallet sends (VC-API issue,
OpenID4VCI credential): they pass the fair work gate (:mod:`web_common.work_gate`)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: IssuerSettings | None = None, *, clock: Callable[[], datetime] = _utc_now
) -> FastAPI:
    settings = settings or IssuerSettings()
    configure_logging(settings.log_level, json_lines=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with database(app, settings.database_url):
            async with in_process_worker(app):  # the batch worker thread, unless turned off
                yield

    app = FastAPI(
        title="mbo-wallet issuer",
        summary="Issues, delivers and revokes W3C Verifiable Credentials for mbo.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.login_guard = LoginGuard(clock=lambda: clock().timestamp())
    app.state.catalog = load_catalog(Path(settings.catalog_path))
    app.state.box = SecretBox.from_setting(
        settings.data_encryption_keys.get_secret_value(),
        fallback_secret=settings.secret_key.get_secret_value(),
    )
    # CSV uploads may be larger; the batch routes enforce their own (configured) limit
    upload_limit = 25 * 1024 * 1024
    install_common(
        app,
        settings,
        body_limit_overrides={"/batches": upload_limit, batches.PREFIX: upload_limit},
        engine_paths=ENGINE_PATHS,
    )
    _install_domain_errors(app)
    app.include_router(vc_api.router)
    app.include_router(public.router)
    app.include_router(token_status.router)
    app.include_router(type_metadata.router)
    app.include_router(oid4vci.router)
    app.include_router(pages_batches.router)
    app.include_router(batches.router)
    install_pages(app, settings)
    return app


def _install_domain_errors(app: FastAPI) -> None:
    @app.exception_handler(IssuanceError)
    async def _invalid(request: Request, exc: IssuanceError) -> JSONResponse:
        if isinstance(exc, IssuanceBudgetError):
            problem = budget_exceeded(exc.limit, exc.problems[0][1])
            return problem_response(
                request, problem.status, problem.title, problem.detail, slug=problem.slug,
                extra=problem.extra,
            )  # fmt: skip
        return problem_response(
            request,
            400,
            "Cannot issue",
            "The credential or request is not valid; see errors.",
            slug="invalid-credential",
            errors=[
                {"pointer": pointer, "detail": detail} | ({"code": code} if code else {})
                for (pointer, detail), code in zip(exc.problems, exc.codes, strict=True)
            ],
        )

    @app.exception_handler(NotFoundError)
    async def _missing(request: Request, exc: NotFoundError) -> JSONResponse:
        return problem_response(request, 404, "Not found", str(exc), slug="not-found")

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> JSONResponse:
        return problem_response(request, 409, "Conflict", str(exc), slug="conflict")

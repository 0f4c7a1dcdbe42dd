"""``/healthz`` (the process is up) and ``/readyz`` (its database answers) for every service."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

__all__ = ["health_router"]


def health_router(ready_checks: dict[str, Callable[[], None]]) -> APIRouter:
    """Routes for orchestrators; each ready check raises when its dependency is not ready."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        # On the event loop, never in the thread pool: "is the process up" must not wait for
        # a free worker thread while every one of them is busy with someone's request.
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in ready_checks.items():
            try:
                check()
            except Exception as exc:  # a readiness probe reports, it never raises
                results[name] = f"failed: {type(exc).__name__}"
            else:
                results[name] = "ok"
        ready = all(v == "ok" for v in results.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": results},
            status_code=200 if ready else 503,
        )

    return router

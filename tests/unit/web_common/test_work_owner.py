"""Each request's engine work is queued under its client's address (credentials.fair_share)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from credentials.fair_share import work_owner
from web_common.logs import RequestIdMiddleware


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestIdMiddleware)

    @app.get("/owner")
    def owner() -> dict[str, str]:  # plain def: runs in the thread pool, like engine work
        return {"owner": work_owner.get()}

    return app


def test_a_thread_pool_route_sees_its_clients_address() -> None:
    with TestClient(_app(), client=("192.0.2.7", 50000)) as client:
        assert client.get("/owner").json() == {"owner": "192.0.2.7"}
    with TestClient(_app(), client=("198.51.100.9", 50000)) as client:
        assert client.get("/owner").json() == {"owner": "198.51.100.9"}
    assert work_owner.get() == ""  # reset after the request

"""Shared plumbing: problem+json, settings guards, secrets at rest, unit of work, logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, SecretStr, ValidationError
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from web_common.db import (
    UnitOfWork,
    check_database,
    make_engine,
    make_session_factory,
    new_metadata,
)
from web_common.health import health_router
from web_common.logs import JsonFormatter, RequestIdMiddleware, request_id_var
from web_common.problems import (
    PROBLEM_JSON,
    ProblemError,
    install_problem_handlers,
    problem_bytes,
)
from web_common.secrets import SecretBox, SecretBoxError
from web_common.settings import ServiceSettings

_TYPE = "https://w3id.org/mbo-wallet/problems/"


class Item(BaseModel):
    name: str
    count: int


def _app(ready: bool = True) -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestIdMiddleware)
    install_problem_handlers(app)

    def db_check() -> None:
        if not ready:
            raise ConnectionError("down")

    app.include_router(health_router({"database": db_check}))

    @app.post("/items")
    def create(item: Item) -> dict[str, str]:
        if item.name == "taken":
            raise ProblemError(409, "Conflict", "that name is taken", slug="name-taken")
        return {"name": item.name}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    return app


def test_validation_errors_are_problem_json_with_pointers() -> None:
    client = TestClient(_app())
    response = client.post("/items", json={"name": "x", "count": "many"})
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["title"] == "Invalid request"
    assert body["errors"][0]["pointer"] == "/count"
    assert body["instance"] == "/items"


def test_problem_error_and_unknown_route() -> None:
    client = TestClient(_app())
    conflict = client.post("/items", json={"name": "taken", "count": 1})
    assert conflict.status_code == 409
    assert conflict.json()["type"].endswith("/name-taken")
    missing = client.get("/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM_JSON


def test_unexpected_errors_leak_nothing() -> None:
    client = TestClient(_app(), raise_server_exceptions=False)
    response = client.get("/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert response.json()["requestId"] == "req-42"


class _ShopError(Exception):
    pass


class _SoldOutError(_ShopError):
    pass


def test_service_errors_become_problems_by_their_class_and_bases() -> None:
    app = FastAPI()
    install_problem_handlers(
        app,
        {
            _ShopError: lambda exc: ProblemError(400, "Shop", str(exc), slug="shop"),
            _SoldOutError: lambda exc: ProblemError(409, "Sold out", str(exc), slug="sold-out"),
        },
    )

    @app.get("/shop/{what}")
    def shop(what: str) -> None:
        raise _SoldOutError("none left") if what == "sold" else _ShopError("closed")

    client = TestClient(app)
    sold, closed = client.get("/shop/sold"), client.get("/shop/other")
    assert (sold.status_code, sold.json()["type"]) == (409, _TYPE + "sold-out")
    assert (closed.status_code, closed.json()["detail"]) == (400, "closed")
    assert closed.headers["content-type"] == PROBLEM_JSON
    assert client.get("/nope").json()["title"] == "Not found"


def test_request_id_is_echoed_or_made() -> None:
    client = TestClient(_app())
    assert client.get("/healthz", headers={"X-Request-ID": "abc-1"}).headers["x-request-id"] == (
        "abc-1"
    )
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces"
    assert len(made.headers["x-request-id"]) == 16


def test_readiness_reports_failed_dependencies() -> None:
    assert TestClient(_app()).get("/readyz").json()["status"] == "ready"
    down = TestClient(_app(ready=False)).get("/readyz")
    assert down.status_code == 503
    assert down.json()["checks"] == {"database": "failed: ConnectionError"}


def test_production_refuses_placeholders() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY must be set"):
        ServiceSettings(environment="production", public_base_url="https://school.example")
    with pytest.raises(ValidationError, match="https"):
        ServiceSettings(
            environment="production",
            public_base_url="http://school.example",
            secret_key="s" * 40,  # type: ignore[arg-type]
            data_encryption_keys=Fernet.generate_key().decode(),  # type: ignore[arg-type]
        )
    ok = ServiceSettings(
        environment="production",
        public_base_url="https://school.example/",
        secret_key="s" * 40,  # type: ignore[arg-type]
        data_encryption_keys=Fernet.generate_key().decode(),  # type: ignore[arg-type]
    )
    assert ok.public_base_url == "https://school.example"
    assert "s" * 40 not in repr(ok)


def test_secret_box_round_trip_rotation_and_tamper() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = SecretBox.from_setting(old).encrypt(b"seed-bytes")
    assert b"seed-bytes" not in sealed
    rotated_box = SecretBox.from_setting(f"{new},{old}")
    assert rotated_box.decrypt(sealed) == b"seed-bytes"
    resealed = rotated_box.rotate(sealed)
    assert SecretBox.from_setting(new).decrypt(resealed) == b"seed-bytes"
    with pytest.raises(SecretBoxError):
        SecretBox.from_setting(new).decrypt(sealed)
    derived = SecretBox.from_setting("", fallback_secret="dev")
    assert SecretBox.from_setting("", fallback_secret="dev").decrypt(derived.encrypt(b"x")) == b"x"


def test_settings_give_the_box_of_their_keys_or_one_derived_in_development() -> None:
    key = Fernet.generate_key().decode()
    configured = ServiceSettings(data_encryption_keys=SecretStr(key)).secret_box()
    assert SecretBox.from_setting(key).decrypt(configured.encrypt(b"x")) == b"x"
    dev = ServiceSettings(secret_key=SecretStr("dev-secret")).secret_box()
    same = SecretBox.from_setting("", fallback_secret="dev-secret")
    assert same.decrypt(dev.encrypt(b"y")) == b"y"
    with pytest.raises(SecretBoxError):  # the derived key is not the configured one
        configured.decrypt(dev.encrypt(b"y"))


def test_problem_bytes_are_a_problem_document_in_a_fixed_member_order() -> None:
    body = problem_bytes(408, "Request timeout", "Too slow.", slug="request-timeout")
    assert body == (
        b'{"type": "https://w3id.org/mbo-wallet/problems/request-timeout", '
        b'"title": "Request timeout", "status": 408, "detail": "Too slow."}'
    )
    with_instance = json.loads(
        problem_bytes(413, "Content too large", "Big.", slug="content-too-large", instance="")
    )
    assert list(with_instance) == ["type", "title", "status", "detail", "instance"]
    assert with_instance["instance"] == ""


class _Base(DeclarativeBase):
    metadata = new_metadata()


class Note(_Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(100))


def _uow_roundtrip(url: str) -> None:
    engine = make_engine(url)
    _Base.metadata.create_all(engine)
    check_database(engine)
    factory = make_session_factory(engine)
    with UnitOfWork(factory) as uow:
        uow.session.add(Note(text="kept"))
        uow.commit()
    with UnitOfWork(factory) as uow:
        uow.session.add(Note(text="rolled back"))  # no commit

    def fail_midway() -> None:
        with UnitOfWork(factory) as uow:
            uow.session.add(Note(text="failed"))
            uow.flush()
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail_midway()
    with UnitOfWork(factory) as uow:
        texts = uow.session.scalars(select(Note.text)).all()
    assert texts == ["kept"]
    engine.dispose()


def test_unit_of_work_rolls_back_unless_committed_sqlite(tmp_path: Path) -> None:
    _uow_roundtrip(f"sqlite:///{tmp_path / 'sub' / 'db.sqlite'}")


@pytest.mark.postgres
def test_unit_of_work_rolls_back_unless_committed_postgres(postgres_url: str) -> None:
    _uow_roundtrip(postgres_url)


def test_json_log_lines_carry_request_id_and_extras() -> None:
    record = logging.makeLogRecord({"msg": "issued %s", "args": ("x",), "levelname": "INFO"})
    record.credentialId = "urn:uuid:1"
    token = request_id_var.set("rid-7")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "issued x"
    assert line["requestId"] == "rid-7"
    assert line["credentialId"] == "urn:uuid:1"


def test_body_size_limit_refuses_large_and_chunked_bodies() -> None:
    from web_common.limits import BodySizeLimitMiddleware

    app = FastAPI()

    @app.post("/small")
    async def small(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @app.post("/uploads/file")
    async def upload(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    app.add_middleware(BodySizeLimitMiddleware, limit=1000, overrides={"/uploads": 5000})
    client = TestClient(app)
    assert client.post("/small", content=b"x" * 1000).json() == {"size": 1000}
    too_large = client.post("/small", content=b"x" * 1001)
    assert too_large.status_code == 413
    assert too_large.headers["content-type"] == "application/problem+json"
    assert client.post("/uploads/file", content=b"x" * 4000).status_code == 200

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(20):
            yield b"x" * 100

    assert client.post("/small", content=chunks()).status_code == 413
    page = client.post("/small", content=b"x" * 2000, headers={"Accept": "text/html"})
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert "te groot" in page.text


def test_a_chunked_body_over_the_limit_is_413_problem_json_where_fastapi_parses_it() -> None:
    """FastAPI reads a JSON model or a form itself; a chunked body over the limit still gets
    413 problem+json (FastAPI makes other errors while reading the body a 400)."""
    from fastapi import Form

    from web_common.limits import BodySizeLimitMiddleware

    app = _app()
    app.add_middleware(BodySizeLimitMiddleware, limit=1000)

    @app.post("/form")
    def form(name: str = Form()) -> dict[str, int]:
        return {"size": len(name)}

    def chunks(first: bytes) -> Iterator[bytes]:
        yield first
        for _ in range(20):
            yield b"x" * 100

    client = TestClient(app)
    small = client.post("/items", json={"name": "a", "count": 1})
    assert small.status_code == 200
    for path, first, content_type in [
        ("/items", b'{"name": "', "application/json"),
        ("/form", b"name=", "application/x-www-form-urlencoded"),
    ]:
        response = client.post(path, content=chunks(first), headers={"content-type": content_type})
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["status"] == 413
        assert "1000 bytes" in response.json()["detail"]


def test_keyed_digests_check_under_rotated_keys_and_never_under_others() -> None:
    old, new, other = (Fernet.generate_key() for _ in range(3))
    before = SecretBox([old])
    stored = before.keyed_digest("tx", "123456")
    assert stored.startswith("hmac-sha256$")
    rotated = SecretBox([new, old])
    assert rotated.check_keyed_digest("tx", "123456", stored)
    assert not rotated.check_keyed_digest("tx", "123457", stored)
    assert not rotated.check_keyed_digest("other purpose", "123456", stored)
    assert not SecretBox([other]).check_keyed_digest("tx", "123456", stored)
    assert not rotated.check_keyed_digest("tx", "123456", "$argon2id$v=19$whatever")
    assert rotated.keyed_digest("tx", "123456") != stored  # new digests use the newest key


def test_backoff_doubles_after_the_free_failures_up_to_the_cap_and_forgets() -> None:
    from web_common.throttle import Backoff

    now = [1000.0]
    backoff = Backoff(free=2, cap=8, forget_after=100, clock=lambda: now[0])
    waits = []
    for _ in range(6):
        waits.append(backoff.wait("k"))
        backoff.failed("k")
    assert waits == [0, 0, 1, 2, 4, 8]  # the clock stands still: each failure is "now"
    assert backoff.wait("k") == 8  # 2**(6-2) = 16, capped at 8
    now[0] += 8
    assert backoff.wait("k") == 0
    now[0] += 100
    backoff.failed("k")
    assert backoff.wait("k") == 0  # forgotten: a fresh start


def test_login_guard_exempts_known_addresses_from_the_account_backoff() -> None:
    from web_common.throttle import LoginGuard

    now = [0.0]
    guard = LoginGuard(account_free=3, account_cap=60, clock=lambda: now[0])
    guard.succeeded("10.0.0.1", "Anna@School.nl")
    for i in range(3):
        guard.failed(f"203.0.113.{i}", "anna@school.nl")
    assert guard.wait("198.51.100.1", "anna@school.nl") == 1  # unknown address waits
    assert guard.wait("10.0.0.1", "ANNA@school.nl") == 0  # the owner's address does not
    assert guard.wait("203.0.113.0", "someone@else.nl") == 0

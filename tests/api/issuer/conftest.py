"""An issuer app on a migrated database (SQLite, and PostgreSQL where marked), with an
organisation and API tokens made through the real services."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from issuer.app import create_app
from issuer.db.tables import IssuedCredential
from issuer.services.organisations import create_organisation
from issuer.services.tokens import create_api_token
from issuer.settings import IssuerSettings
from tests.databases import migrated
from web_common.db import UnitOfWork

BASE_URL = "http://issuer.test"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Issuer:
    client: TestClient
    clock: Clock
    did: str
    issue_token: str
    status_token: str
    database_url: str

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.issue_token}"}


def _issuer(database_url: str) -> Iterator[Issuer]:
    migrated("issuer", database_url)
    settings = IssuerSettings(
        environment="test",
        database_url=database_url,
        public_base_url=BASE_URL,
        status_list_entries=131_072,
        log_json=False,
    )
    clock = Clock()
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:
        with UnitOfWork(app.state.sessions) as uow:
            org = create_organisation(
                uow,
                slug="roc-midden",
                name="ROC Midden Nederland",
                kind="school",
                identifier="25PZ",
                public_base_url=BASE_URL,
                box=app.state.box,
                now=clock(),
                actor="test",
            )
            issue_token = create_api_token(
                uow, org, name="sis", scopes=["credentials:issue"], now=clock(), actor="test"
            )
            status_token = create_api_token(
                uow, org, name="admin", scopes=["credentials:status"], now=clock(), actor="test"
            )
            did = org.did
            uow.commit()
        yield Issuer(client, clock, did, issue_token, status_token, database_url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def issuer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Issuer]:
    if request.param == "sqlite":
        yield from _issuer(f"sqlite:///{tmp_path / 'issuer.db'}")
    else:
        url = request.getfixturevalue("new_postgres_url")
        yield from _issuer(url)


# --------------------------------------------------------------------------- staff pages

STAFF_PASSWORD = "correct horse battery"
HTML = {"Accept": "text/html"}


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def login_client(issuer: Issuer, email: str, password: str = STAFF_PASSWORD) -> TestClient:
    """A separate browser (own cookies) on the same app, logged in as ``email``."""
    client = TestClient(issuer.client.app, base_url=BASE_URL, headers=HTML)
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def staff(issuer: Issuer) -> Issuer:
    """The issuer with three staff members: admin@, issuer@ and viewer@roc-midden.nl."""
    from issuer.db.tables import Organisation
    from issuer.services.staff import create_staff

    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        org = uow.session.query(Organisation).filter_by(slug="roc-midden").one()
        for role in ("admin", "issuer", "viewer"):
            create_staff(
                uow,
                org,
                email=f"{role}@roc-midden.nl",
                name=f"{role.title()} Jansen",
                role=role,
                password=STAFF_PASSWORD,
                now=issuer.clock(),
                actor="test",
            )
        uow.commit()
    return issuer


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_issuer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """An issuer app on an empty, migrated database (no organisation yet)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url = request.getfixturevalue("new_postgres_url")
    migrated("issuer", url)
    settings = IssuerSettings(
        environment="test",
        database_url=url,
        public_base_url=BASE_URL,
        log_json=False,
        batch_worker_in_process=False,
    )
    with TestClient(create_app(settings, clock=Clock()), base_url=BASE_URL, headers=HTML) as c:
        yield c


def run_batch(issuer: Issuer, batch_id: int) -> dict[str, Any]:
    """Confirm a previewed batch through the API and wait (at most 30 s) until it is done."""
    response = issuer.client.post(f"/api/batches/{batch_id}/confirm", headers=issuer.auth())
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + 30
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = issuer.client.get(f"/api/batches/{batch_id}", headers=issuer.auth()).json()
        if body["status"] == "done":
            return body
        time.sleep(0.05)
    raise AssertionError(f"batch {batch_id} did not finish: {body}")


def issued_credentials(issuer: Issuer) -> list[IssuedCredential]:
    """Every credential record of the issuer's database, oldest first (detached)."""
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        rows = list(uow.session.scalars(select(IssuedCredential).order_by(IssuedCredential.id)))
        uow.session.expunge_all()
        return rows

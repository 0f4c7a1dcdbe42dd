"""An issuer app on a migrated database (SQLite, and PostgreSQL where marked), with an
organisation and API tokens made through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from issuer.app import create_app
from issuer.services.organisations import create_organisation
from issuer.services.tokens import create_api_token
from issuer.settings import IssuerSettings
from web_common.db import UnitOfWork
from web_common.migrations import upgrade

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
    upgrade("issuer", database_url)
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
        url = request.getfixturevalue("postgres_url")
        yield from _issuer(url)

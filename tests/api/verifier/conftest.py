"""A verifier app on a migrated database (SQLite, and PostgreSQL where marked)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.databases import migrated
from verifier.app import create_app
from verifier.settings import VerifierSettings


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Verifier:
    client: TestClient
    clock: Clock


def _verifier(database_url: str) -> Iterator[Verifier]:
    migrated("verifier", database_url)
    settings = VerifierSettings(environment="test", database_url=database_url, log_json=False)
    clock = Clock()
    with TestClient(create_app(settings, clock=clock)) as client:
        yield Verifier(client, clock)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def verifier(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Verifier]:
    if request.param == "sqlite":
        yield from _verifier(f"sqlite:///{tmp_path / 'verifier.db'}")
    else:
        yield from _verifier(request.getfixturevalue("new_postgres_url"))

"""A wallet app on a migrated database (SQLite, and PostgreSQL where marked), people with
their own browsers (cookie jars), and credentials signed by a did:key issuer."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from credentials.data_integrity import add_proof
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from tests.databases import migrated
from wallet.app import create_app
from wallet.settings import WalletSettings

BASE_URL = "http://wallet.test"
PASSWORD = "correct horse battery"
ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(1, 33)))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Person:
    """One person with their own browser on the wallet."""

    client: TestClient
    email: str
    did: str
    csrf: str

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers={"X-CSRF-Token": self.csrf}, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self.client.put(url, headers={"X-CSRF-Token": self.csrf}, **kwargs)

    def delete(self, url: str) -> Any:
        return self.client.delete(url, headers={"X-CSRF-Token": self.csrf})

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def login(self) -> None:
        """Log in again (after the clock passed the session's lifetime)."""
        response = self.client.post(
            "/api/session", json={"email": self.email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        self.csrf = response.json()["csrf_token"]


@dataclass
class Wallet:
    app: FastAPI
    client: TestClient
    clock: Clock
    database_url: str

    def browser(self, address: str = "testclient") -> TestClient:
        """A client whose connections come from ``address``."""
        return TestClient(self.app, base_url=BASE_URL, client=(address, 50000))

    def person(self, email: str = "sanne@example.nl", name: str = "Sanne de Vries") -> Person:
        client = self.browser()
        response = client.post(
            "/api/accounts", json={"email": email, "name": name, "password": PASSWORD}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return Person(client, email, body["holder_did"], body["csrf_token"])


def make_wallet(
    database_url: str,
    *,
    http_client: httpx.Client | None = None,
    resolve_host: Callable[[str, int], list[str]] | None = None,
    allow_hosts: frozenset[str] = frozenset(),
    clock: Clock | None = None,
    trusted_proxies: tuple[str, ...] = (),
) -> Iterator[Wallet]:
    migrated("wallet", database_url)
    settings = WalletSettings(
        environment="test",
        database_url=database_url,
        public_base_url=BASE_URL,
        log_json=False,
        dev_allow_hosts=allow_hosts,
        trusted_proxies=trusted_proxies,
    )
    clock = clock or Clock()
    extra: dict[str, Any] = {}
    if resolve_host is not None:
        extra["resolve_host"] = resolve_host
    app = create_app(settings, clock=clock, http_client=http_client, **extra)
    with TestClient(app, base_url=BASE_URL) as client:
        yield Wallet(app, client, clock, database_url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def wallet(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Wallet]:
    if request.param == "sqlite":
        yield from make_wallet(f"sqlite:///{tmp_path / 'wallet.db'}")
    else:
        yield from make_wallet(request.getfixturevalue("new_postgres_url"))


def signed_credential(
    subject_did: str,
    *,
    number: int = 1,
    valid_until: str | None = None,
    key: Ed25519KeyPair = ISSUER_KEY,
    mutate: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """An mbo-certificaat for kerntaak B1-K1 (dossier 23189) signed by a did:key issuer."""
    credential = mbo_certificaat(
        issuer_id=key.did_key,
        subject_id=subject_did,
        credential_id=f"urn:uuid:6b7a0f44-0000-4000-8000-{number:012d}",
    )
    # the catalog's version of dossier 23189, so the passport can place it
    credential["credentialSubject"]["achievement"]["dossierVersion"] = "sbb-2755"
    if valid_until is not None:
        credential["validUntil"] = valid_until
    if mutate is not None:
        mutate(credential)
    return add_proof(
        credential, key, key.did_key_verification_method, created="2026-07-01T00:00:00Z"
    )


def tampered(credential: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["name"] = "Iemand Anders"
    return changed

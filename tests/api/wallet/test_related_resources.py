"""The wallet checks ``relatedResource`` digests on receipt and on every re-check, by the
engine's one check, through its guarded fetcher (size and time limited); without a fetcher
the engine says "not checked", never "ok"."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from credentials.did import StaticDidResolver
from credentials.results import Outcome
from wallet.services.checking import Checker

from .conftest import Wallet, make_wallet, signed_credential

RULES_URL = "https://school.example/examenreglement.pdf"
RULES = b"%PDF-1.7 examenreglement 2026-2027"


def _with_rules(credential: dict[str, Any]) -> None:
    digest = base64.b64encode(hashlib.sha256(RULES).digest()).decode()
    credential["relatedResource"] = [{"id": RULES_URL, "digestSRI": f"sha256-{digest}"}]


class School:
    def __init__(self) -> None:
        self.rules = RULES
        self.fetched = 0
        self.app = FastAPI()

        @self.app.get("/examenreglement.pdf")
        def rules() -> Response:
            self.fetched += 1
            return Response(self.rules, media_type="application/pdf")


@pytest.fixture
def school() -> School:
    return School()


@pytest.fixture
def wallet_online(school: School, tmp_path: Path) -> Iterator[Wallet]:
    yield from make_wallet(
        f"sqlite:///{tmp_path / 'wallet.db'}",
        http_client=cast(httpx.Client, TestClient(school.app)),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )


def _related(checks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(c for c in checks if c["check"] == "related_resources")


def test_upload_and_recheck_check_the_resource(wallet_online: Wallet, school: School) -> None:
    person = wallet_online.person()
    credential = signed_credential(person.did, mutate=_with_rules)
    uploaded = person.post("/api/credentials", json={"credential": credential})
    assert uploaded.status_code == 201, uploaded.text
    assert school.fetched == 1  # on receipt
    shown = person.get(f"/api/credentials/{uploaded.json()['id']}").json()
    assert _related(shown["checks"])["outcome"] == "passed"
    assert school.fetched == 2  # the credential page checks again
    school.rules = b"%PDF-1.7 rules changed after issuing"
    again = person.get(f"/api/credentials/{uploaded.json()['id']}").json()
    assert school.fetched == 3
    assert _related(again["checks"])["code"] == "related_resource_mismatch"


def test_a_checker_without_a_fetcher_says_not_checked() -> None:
    credential = signed_credential("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                                   mutate=_with_rules)  # fmt: skip
    now = datetime(2026, 9, 1, tzinfo=UTC)
    offline = Checker(StaticDidResolver(), None).check(credential, now=now)
    check = offline.check("related_resources")
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.WARNING, "related_resource_not_checked")
    online_checker = Checker(StaticDidResolver(), None, fetch_resource=lambda url: RULES)
    online = online_checker.check(credential, now=now)
    check = online.check("related_resources")
    assert check is not None
    assert check.outcome is Outcome.PASSED

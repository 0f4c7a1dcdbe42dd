"""The wallet refuses a poison graph or a context bomb, uploaded or delivered by an issuer,
with a 4xx naming the limit, quickly, and stores nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import select

from credentials.keys import Ed25519KeyPair
from tests.hostile import context_bomb, poison_credential
from wallet.db.tables import Account
from wallet.services import receive
from wallet.services.errors import ReceiveError
from web_common.db import UnitOfWork

from .conftest import Wallet

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(32)))
HOSTILE = {"poison": poison_credential(SCHOOL), "context-bomb": context_bomb(SCHOOL)}
LIMITS = {"poison": "max_permutations", "context-bomb": "max_contexts"}
KINDS = ["poison", "context-bomb"]
HANG_GUARD_S = 30.0  # a hang guard only


def _timed(call: Any) -> Any:
    start = time.monotonic()
    result = call()
    assert time.monotonic() - start < HANG_GUARD_S
    return result


def _assert_refused(response: Any, kind: str) -> None:
    assert response.status_code == 422, response.text[:1000]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://w3id.org/mbo-wallet/problems/budget-exceeded"
    assert problem["code"] == "budget_exceeded"
    assert problem["limit"] == LIMITS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_api_upload_as_json_and_as_file(wallet: Wallet, kind: str) -> None:
    person = wallet.person()
    as_json = _timed(lambda: person.post("/api/credentials", json={"credential": HOSTILE[kind]}))
    _assert_refused(as_json, kind)
    content = json.dumps(HOSTILE[kind]).encode()
    as_file = _timed(
        lambda: person.post("/api/credentials/upload", files={"file": ("x.json", content)})
    )
    _assert_refused(as_file, kind)
    assert person.get("/api/credentials").json() == []


@pytest.mark.parametrize("kind", KINDS)
def test_upload_page_shows_a_readable_refusal(wallet: Wallet, kind: str) -> None:
    person = wallet.person()
    content = json.dumps(HOSTILE[kind]).encode()
    page = _timed(
        lambda: person.client.post(
            "/receive/upload",
            files={"file": ("x.json", content, "application/json")},
            data={"csrf_token": person.csrf},
            headers={"accept": "text/html", "X-CSRF-Token": person.csrf},
        )
    )
    assert page.status_code == 400, page.text[:1000]
    assert "Dit bewijs vraagt te veel rekenwerk om te controleren" in page.text
    assert person.get("/api/credentials").json() == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_credential_delivered_by_an_issuer_is_refused(wallet: Wallet, kind: str) -> None:
    """What OpenID4VCI delivers goes through the same receive step as an upload."""
    person = wallet.person()
    app = wallet.app
    with UnitOfWork(app.state.sessions) as uow:
        account = uow.session.scalar(select(Account).where(Account.email == person.email))
        assert account is not None
        with pytest.raises(ReceiveError) as caught:
            _timed(
                lambda: receive.receive_document(
                    uow,
                    account,
                    HOSTILE[kind],
                    "ldp_vc",
                    source="oid4vci",
                    checker=app.state.checker,
                    now=wallet.clock(),
                    max_credentials=100,
                )
            )
    assert caught.value.code == "budget_exceeded"
    assert caught.value.extra["limit"] == LIMITS[kind]
    assert person.get("/api/credentials").json() == []

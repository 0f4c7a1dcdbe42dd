"""Every way a document reaches the verifier's engine answers a poison graph or a context bomb
with a 4xx naming the limit, quickly: VC-API, share check, employer pages, OpenID4VP."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from credentials.contexts import VC_V2
from credentials.keys import Ed25519KeyPair
from credentials.oid4vp import build_response_form, parse_authorization_request
from tests.databases import migrated
from tests.hostile import context_bomb, fake_proof, poison_credential
from verifier.app import create_app
from verifier.settings import VerifierSettings

from .conftest import Verifier

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(32)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
BUDGET_TYPE = "https://w3id.org/mbo-wallet/problems/budget-exceeded"
HANG_GUARD_S = 30.0  # a hang guard only; each request takes well under a second


def _hostile_credentials() -> dict[str, Any]:
    return {"poison": poison_credential(SCHOOL), "context-bomb": context_bomb(SCHOOL)}


HOSTILE = _hostile_credentials()
LIMITS = {"poison": "max_permutations", "context-bomb": "max_contexts"}


def _presentation(kind: str, *, challenge: str = "c-1", domain: str = "d") -> dict[str, Any]:
    vp: dict[str, Any] = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": STUDENT.did_key,
        "verifiableCredential": [HOSTILE["poison"]] if kind == "poison" else [],
        "proof": fake_proof(STUDENT, "authentication", challenge=challenge, domain=domain),
    }
    if kind == "context-bomb":
        vp["@context"] = [VC_V2] * 200
    return vp


def _timed(call: Callable[[], Any]) -> Any:
    start = time.monotonic()
    response = call()
    assert time.monotonic() - start < HANG_GUARD_S
    return response


def _assert_budget_problem(response: Any, limit: str) -> None:
    assert response.status_code == 422, response.text[:1000]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == BUDGET_TYPE
    assert problem["limit"] == limit
    assert limit in problem["detail"]


@pytest.mark.parametrize("kind", ["poison", "context-bomb"])
def test_vc_api_credentials_verify(verifier: Verifier, kind: str) -> None:
    response = _timed(
        lambda: verifier.client.post(
            "/credentials/verify", json={"verifiableCredential": HOSTILE[kind]}
        )
    )
    _assert_budget_problem(response, LIMITS[kind])


@pytest.mark.parametrize("kind", ["poison", "context-bomb"])
def test_vc_api_presentations_verify(verifier: Verifier, kind: str) -> None:
    body = {
        "verifiablePresentation": _presentation(kind),
        "options": {"challenge": "c-1", "domain": "d"},
    }
    response = _timed(lambda: verifier.client.post("/presentations/verify", json=body))
    _assert_budget_problem(response, LIMITS[kind])


@pytest.mark.parametrize("kind", ["poison", "context-bomb"])
def test_openid4vp_direct_post_is_refused_without_using_up_the_request(
    verifier: Verifier, kind: str
) -> None:
    info = verifier.client.post(
        "/oid4vp/requests", json={"target": "25498", "profile": "by_value"}
    ).json()
    request = parse_authorization_request(info["link"])
    vp = _presentation(kind, challenge=request.nonce, domain=request.client_id)
    form = build_response_form(request, {"mbo_credentials": [vp]})
    path = request.response_uri.removeprefix("http://localhost:8003")
    answer = _timed(lambda: verifier.client.post(path, data=form))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_request"
    assert LIMITS[kind] in answer.json()["error_description"]
    status = verifier.client.get(info["status"].removeprefix("http://localhost:8003")).json()
    assert status["status"] == "pending"


def _share_world(kind: str) -> FastAPI:
    world = FastAPI()

    @world.get("/s/{token}")
    def share(token: str) -> dict[str, Any]:
        return _presentation(kind, challenge="wallet-chosen", domain="https://wallet.example")

    return world


@pytest.fixture(params=["poison", "context-bomb"])
def hostile_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    kind = str(request.param)
    url = f"sqlite:///{tmp_path / 'v.db'}"
    migrated("verifier", url)
    app = create_app(
        VerifierSettings(environment="test", database_url=url, log_json=False),
        clock=lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        http_client=cast(httpx.Client, TestClient(_share_world(kind))),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )
    with TestClient(app) as client:
        yield kind, client


def test_share_check_api(hostile_world: tuple[str, TestClient]) -> None:
    kind, client = hostile_world
    response = _timed(
        lambda: client.post("/shares/check", json={"url": "https://wallet.example/s/abc"})
    )
    _assert_budget_problem(response, LIMITS[kind])


def _csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert found
    return found.group(1)


@pytest.mark.parametrize("mode", ["paste", "upload", "share"])
def test_employer_pages_show_a_readable_refusal(
    hostile_world: tuple[str, TestClient], mode: str
) -> None:
    kind, client = hostile_world
    document = json.dumps(HOSTILE[kind] if mode != "share" else _presentation(kind))
    data = {"csrf_token": _csrf(client), "mode": mode}
    files = None
    if mode == "paste":
        data["text"] = document
    elif mode == "upload":
        files = {"file": ("credential.json", document.encode(), "application/json")}
    else:
        data["share"] = "https://wallet.example/s/abc"
    submitted = client.post("/check", data=data, files=files, follow_redirects=False)
    assert submitted.status_code == 303, submitted.text[:1000]
    page = _timed(
        lambda: client.get(submitted.headers["location"], headers={"accept": "text/html"})
    )
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "Dit bewijs is te zwaar om te controleren" in page.text
    english = client.get(
        submitted.headers["location"], headers={"accept": "text/html", "accept-language": "en"}
    )
    assert english.status_code == 422

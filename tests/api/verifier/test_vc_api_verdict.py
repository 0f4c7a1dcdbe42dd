"""The VC-API verdict (VC-API verify, VC Data Model 2.0 §7.1): by default an expired,
not-yet-valid, revoked or suspended credential is not ``verified``; ``options.genuineOnly``
asks only whether it is genuine. Status lists come from an in-process issuer."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import httpx2
import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient

from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.status_list import StatusList, build_status_entry, build_status_list_credential
from credentials.verification import sign_presentation
from tests.databases import migrated
from tests.vc11 import signed_v11, v11_jwt
from tests.vcdm_cases import RESOURCE_BYTES, RESOURCE_SRI, RESOURCE_URL
from verifier.app import create_app
from verifier.settings import VerifierSettings

from .conftest import Clock

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(50, 82)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(51, 83)))
REVOCATION_URL = "https://school.example/status/revocation/1"
SUSPENSION_URL = "https://school.example/status/suspension/1"
REVOKED, SUSPENDED, CLEAN = 11, 22, 33
CREATED = "2026-07-01T09:00:00Z"


def _list(url: str, purpose: str, index: int) -> dict[str, Any]:
    unsigned = build_status_list_credential(
        list_id=url, issuer=SCHOOL.did_key, purpose=purpose,
        encoded_list=StatusList.new().set(index, True).encode(),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    return add_proof(unsigned, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)


def _issuer_site() -> FastAPI:
    site = FastAPI()
    lists = {
        "/status/revocation/1": _list(REVOCATION_URL, "revocation", REVOKED),
        "/status/suspension/1": _list(SUSPENSION_URL, "suspension", SUSPENDED),
    }

    @site.get("/status/{purpose}/1")
    def status(purpose: str) -> dict[str, Any]:
        return lists[f"/status/{purpose}/1"]

    @site.get("/regulations.pdf")
    def regulations() -> Response:
        return Response(RESOURCE_BYTES, media_type="application/pdf")

    return site


def _credential(index: int = CLEAN, **changes: Any) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    credential["validFrom"] = "2026-07-01T00:00:00Z"
    credential["credentialStatus"] = [
        build_status_entry(list_credential_url=REVOCATION_URL, index=index, purpose="revocation"),
        build_status_entry(list_credential_url=SUSPENSION_URL, index=index, purpose="suspension"),
    ]
    credential.update(changes)
    return add_proof(credential, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    url = (
        f"sqlite:///{tmp_path / 'verifier.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("new_postgres_url")
    )
    migrated("verifier", url)
    settings = VerifierSettings(environment="test", database_url=url, log_json=False)
    app = create_app(
        settings, clock=Clock(), http_client=cast(httpx.Client, TestClient(_issuer_site())),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )  # fmt: skip
    with TestClient(app) as test_client:
        yield test_client


def _verify(client: TestClient, credential: Any, **options: Any) -> httpx2.Response:
    body: dict[str, Any] = {"verifiableCredential": credential}
    if options:
        body["options"] = options
    return client.post("/credentials/verify", json=body)


NOT_CURRENT = [
    pytest.param({"validUntil": "2026-10-01T00:00:00Z"}, CLEAN, "expired", "RANGE_ERROR",
                 id="expired"),
    pytest.param({"validFrom": "2027-01-01T00:00:00Z"}, CLEAN, "not_yet_valid", "RANGE_ERROR",
                 id="not-yet-valid"),
    pytest.param({}, REVOKED, "revoked", "STATUS_VERIFICATION_ERROR", id="revoked"),
    pytest.param({}, SUSPENDED, "suspension", "STATUS_VERIFICATION_ERROR", id="suspended"),
]  # fmt: skip


def test_a_current_genuine_credential_is_verified_either_way(client: TestClient) -> None:
    for options in ({}, {"genuineOnly": True}, {"genuineOnly": False}):
        response = _verify(client, _credential(), **options)
        assert response.status_code == 200, response.text
        assert response.json()["verified"] is True
        assert response.json()["problemDetails"] == []


@pytest.mark.parametrize(("changes", "index", "code", "error_type"), NOT_CURRENT)
def test_not_current_is_not_verified_by_default(
    client: TestClient, changes: dict[str, Any], index: int, code: str, error_type: str
) -> None:
    response = _verify(client, _credential(index, **changes))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["verified"] is False
    assert [(p["title"], p["type"].rsplit("#", 1)[1]) for p in body["problemDetails"]] == [
        (code, error_type)
    ]
    assert code not in {w["title"] for w in body["warnings"]}


@pytest.mark.parametrize(("changes", "index", "code", "error_type"), NOT_CURRENT)
def test_genuine_only_reports_it_as_a_warning(
    client: TestClient, changes: dict[str, Any], index: int, code: str, error_type: str
) -> None:
    response = _verify(client, _credential(index, **changes), genuineOnly=True)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["problemDetails"] == []
    assert code in {w["title"] for w in body["warnings"]}


def test_genuine_only_still_refuses_what_is_not_genuine(client: TestClient) -> None:
    tampered = copy.deepcopy(_credential())
    tampered["credentialSubject"]["name"] = "Iemand Anders"
    response = _verify(client, tampered, genuineOnly=True)
    assert response.status_code == 400
    assert response.json()["problemDetails"][0]["title"] == "invalid_signature"
    assert _verify(client, _credential(), genuineOnly="yes please").status_code == 400


def _presentation(*credentials: dict[str, Any]) -> dict[str, Any]:
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": STUDENT.did_key,
          "verifiableCredential": list(credentials)}  # fmt: skip
    return sign_presentation(vp, STUDENT, STUDENT.did_key_verification_method,
                             challenge="c-1", domain="https://werkgever.example",
                             created="2026-11-24T11:59:00Z")  # fmt: skip


@pytest.mark.parametrize(("changes", "index", "code", "error_type"), NOT_CURRENT)
def test_presentations_follow_the_same_rule(
    client: TestClient, changes: dict[str, Any], index: int, code: str, error_type: str
) -> None:
    vp = _presentation(_credential(), _credential(index, **changes))
    base = {"challenge": "c-1", "domain": "https://werkgever.example"}
    strict = client.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": base}
    )
    assert strict.status_code == 400, strict.text
    assert strict.json()["verified"] is False
    assert [c["verified"] for c in strict.json()["credentials"]] == [True, False]
    assert strict.json()["credentials"][1]["problemDetails"][0]["title"] == code
    relaxed = client.post(
        "/presentations/verify",
        json={"verifiablePresentation": vp, "options": base | {"genuineOnly": True}},
    )
    assert relaxed.status_code == 200, relaxed.text
    assert [c["verified"] for c in relaxed.json()["credentials"]] == [True, True]


def test_the_option_is_documented_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    option = schema["components"]["schemas"]["VerifyOptions"]["properties"]["genuineOnly"]
    assert option["type"] == "boolean"
    assert option["default"] is False
    assert "expired" in option["description"]


def test_vc_1_1_credentials_are_read_with_the_1_1_rules(client: TestClient) -> None:
    current = signed_v11(SCHOOL, STUDENT.did_key, expirationDate="2030-01-01T00:00:00Z")
    ok = _verify(client, current)
    assert ok.status_code == 200, ok.text
    checks = {c["check"]: c for c in ok.json()["checks"]}
    assert checks["format"]["detail"] == "the credential follows the VC Data Model 1.1"
    assert _verify(client, v11_jwt(SCHOOL, STUDENT.did_key)).status_code == 200
    expired = signed_v11(SCHOOL, STUDENT.did_key, expirationDate="2025-01-01T00:00:00Z")
    refused = _verify(client, expired)
    assert refused.status_code == 400
    assert refused.json()["problemDetails"][0]["title"] == "expired"
    assert _verify(client, expired, genuineOnly=True).status_code == 200


def test_related_resource_digests_are_checked_through_the_guarded_fetcher(
    client: TestClient,
) -> None:
    good = _credential(relatedResource=[{"id": RESOURCE_URL, "digestSRI": RESOURCE_SRI}])
    ok = _verify(client, good)
    assert ok.status_code == 200, ok.text
    checks = {c["check"]: c for c in ok.json()["checks"]}
    assert checks["related_resources"]["outcome"] == "passed"
    other = "sha256-" + "A" * 43 + "="
    changed = _credential(relatedResource=[{"id": RESOURCE_URL, "digestSRI": other}])
    refused = _verify(client, changed)
    assert refused.status_code == 400
    problem = refused.json()["problemDetails"][0]
    assert problem["title"] == "related_resource_mismatch"
    assert problem["type"].endswith("#CRYPTOGRAPHIC_SECURITY_ERROR")
    missing = "https://school.example/gone.pdf"
    gone = _credential(relatedResource=[{"id": missing, "digestSRI": RESOURCE_SRI}])
    warned = _verify(client, gone)
    assert warned.status_code == 200
    assert "related_resource_not_checked" in {w["title"] for w in warned.json()["warnings"]}
    internal = _credential(
        relatedResource=[{"id": "http://127.0.0.1/x", "digestSRI": RESOURCE_SRI}]
    )
    guarded = _verify(client, internal)
    assert "related_resource_not_checked" in {w["title"] for w in guarded.json()["warnings"]}
    assert "plain http" in json.dumps(guarded.json()["warnings"])

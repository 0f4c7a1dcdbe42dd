"""VC-API issue and status endpoints, DID document and status lists, end to end in-process:
every issued credential is checked with the real verification engine."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from credentials.did import StaticDidResolver
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.results import Outcome, Verdict
from credentials.status_list import StatusList
from credentials.verification import verify_credential
from issuer.db.tables import Organisation
from issuer.services.organisations import rotate_key
from web_common.db import UnitOfWork

from .conftest import BASE_URL, Issuer

STUDENT = Ed25519KeyPair.from_seed(bytes(range(5, 37)))


def _request(issuer: Issuer, **changes: Any) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=issuer.did, subject_id=STUDENT.did_key)
    credential.update(changes)
    return {"credential": credential}


def _verify(issuer: Issuer, credential: dict[str, Any]) -> Any:
    doc = issuer.client.get("/roc-midden/did.json").json()

    def fetch(url: str) -> dict[str, Any]:
        assert url.startswith(BASE_URL)
        response = issuer.client.get(url.removeprefix(BASE_URL))
        response.raise_for_status()
        return dict(response.json())

    return verify_credential(
        credential,
        resolver=StaticDidResolver({issuer.did: doc}),
        now=issuer.clock() + timedelta(minutes=1),
        fetch_status_list=fetch,
    )


def test_did_document_is_served(issuer: Issuer) -> None:
    response = issuer.client.get("/roc-midden/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/did+json"
    doc = response.json()
    assert doc["id"] == issuer.did == "did:web:issuer.test:roc-midden"
    assert doc["assertionMethod"] == [f"{issuer.did}#key-1"]
    assert issuer.client.get("/nope/did.json").status_code == 404


def test_issue_returns_a_credential_that_verifies(issuer: Issuer) -> None:
    response = issuer.client.post(
        "/credentials/issue", json=_request(issuer), headers=issuer.auth()
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["issuer"]["id"] == issuer.did
    assert [p["verificationMethod"] for p in vc["proof"]] == [f"{issuer.did}#key-1"]
    status = vc["credentialStatus"]  # one entry: revocation and suspension in two bits
    assert (status["statusPurpose"], status["statusSize"]) == ("message", 2)
    assert [m["message"] for m in status["statusMessage"]] == [
        "valid", "suspended", "revoked", "revoked"
    ]  # fmt: skip
    sent = _request(issuer)["credential"]
    assert vc["credentialSubject"] == sent["credentialSubject"]  # never altered
    result = _verify(issuer, vc)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.check("status").outcome is Outcome.PASSED


def test_issuer_fills_in_issuer_id_and_valid_from(issuer: Issuer) -> None:
    credential = _request(issuer)["credential"]
    del credential["issuer"], credential["id"], credential["validFrom"]
    response = issuer.client.post(
        "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["issuer"] == issuer.did
    assert vc["id"].startswith("urn:uuid:")
    assert vc["validFrom"] == "2026-07-01T09:00:00Z"
    assert _verify(issuer, vc).verdict is Verdict.VALID


def test_same_request_twice_issues_once(issuer: Issuer) -> None:
    body = _request(issuer)
    first = issuer.client.post("/credentials/issue", json=body, headers=issuer.auth())
    second = issuer.client.post("/credentials/issue", json=body, headers=issuer.auth())
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    other = copy.deepcopy(body)
    other["credential"]["credentialSubject"]["achievement"]["niveau"] = 3
    conflict = issuer.client.post("/credentials/issue", json=other, headers=issuer.auth())
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    engine = create_engine(issuer.database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM issued_credential")).scalar() == 1
    engine.dispose()


def test_revoke_and_suspend_show_in_the_status_list(issuer: Issuer) -> None:
    vc = issuer.client.post(
        "/credentials/issue", json=_request(issuer), headers=issuer.auth()
    ).json()["verifiableCredential"]
    entry = vc["credentialStatus"]
    list_path = entry["statusListCredential"].removeprefix(BASE_URL)
    before = issuer.client.get(list_path)
    etag = before.headers["etag"]
    assert issuer.client.get(list_path, headers={"If-None-Match": etag}).status_code == 304

    def set_status(purpose: str, value: bool) -> Any:
        return issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": vc["id"],
                "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
                "status": value,
            },
            headers=issuer.auth(issuer.status_token),
        )

    def value() -> int:
        listed = issuer.client.get(list_path).json()["credentialSubject"]["encodedList"]
        return StatusList.decode(listed, status_size=2).get_value(int(entry["statusListIndex"]))

    assert value() == 0
    suspended = set_status("suspension", True)
    assert suspended.json() == {"credentialId": vc["id"], "revoked": False, "suspended": True}
    assert value() == 0b01
    assert _verify(issuer, vc).check("status").code == "suspension"
    assert set_status("suspension", False).status_code == 200
    assert value() == 0
    assert _verify(issuer, vc).verdict is Verdict.VALID
    assert set_status("suspension", True).status_code == 200
    assert set_status("revocation", True).status_code == 200
    assert value() == 0b11  # revoked wins: statusMessage 0x3 is "revoked"
    after = issuer.client.get(list_path)
    assert after.headers["etag"] != etag
    result = _verify(issuer, vc)
    assert result.check("status").code == "revoked"
    assert result.verdict is Verdict.INVALID
    undo = set_status("revocation", False)
    assert undo.status_code == 400
    assert "cannot be reinstated" in undo.text


def test_tokens_and_scopes(issuer: Issuer) -> None:
    body = _request(issuer)
    missing = issuer.client.post("/credentials/issue", json=body)
    assert missing.status_code == 401  # RFC 6750 §3.1: no token, no error code
    assert missing.headers["www-authenticate"] == 'Bearer scope="credentials:issue"'
    wrong = issuer.client.post(
        "/credentials/issue", json=body, headers=issuer.auth(issuer.status_token)
    )
    assert wrong.status_code == 403  # a known token without the scope: forbidden
    assert wrong.headers["content-type"] == "application/problem+json"
    assert wrong.json()["error"] == "insufficient_scope"
    assert wrong.headers["www-authenticate"] == (
        'Bearer error="insufficient_scope", scope="credentials:issue"'
    )
    forged = issuer.client.post("/credentials/issue", json=body, headers=issuer.auth("mbo_x"))
    assert forged.status_code == 401
    assert forged.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in forged.headers["www-authenticate"]
    revoke = issuer.client.post(
        "/credentials/status", json={}, headers=issuer.auth(issuer.issue_token)
    )
    assert revoke.status_code == 403


def _problem(issuer: Issuer, body: Any, **kwargs: Any) -> dict[str, Any]:
    response = issuer.client.post("/credentials/issue", headers=issuer.auth(), **kwargs)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return dict(response.json())


def test_malformed_credentials_are_refused_with_reasons(issuer: Issuer) -> None:
    undefined = _request(issuer)
    undefined["credential"]["credentialSubject"]["shoeSize"] = "8"
    problem = _problem(issuer, None, json=undefined)
    assert "shoeSize" in problem["errors"][0]["detail"]

    bad = _request(issuer, validFrom="1 juli 2026", type=["OpenBadgeCredential"])
    bad["credential"]["issuer"] = "did:web:other.example"
    bad["credential"]["credentialStatus"] = {"type": "BitstringStatusListEntry"}
    pointers = {e["pointer"] for e in _problem(issuer, None, json=bad)["errors"]}
    assert pointers == {
        "/credential/validFrom",
        "/credential/type",
        "/credential/issuer",
        "/credential/credentialStatus",
    }
    wrong_context = _request(issuer)
    wrong_context["credential"]["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    assert _problem(issuer, None, json=wrong_context)["errors"][0]["pointer"] == (
        "/credential/@context"
    )
    unknown_context = _request(issuer)
    unknown_context["credential"]["@context"].append("https://evil.example/ctx")
    assert "not bundled" in json.dumps(_problem(issuer, None, json=unknown_context))
    not_json = _problem(issuer, None, content=b"{not json")
    assert not_json["title"] == "Invalid request"
    assert _problem(issuer, None, json={"credential": "text"})["errors"][0]["pointer"] == (
        "/credential"
    )
    assert _problem(issuer, None, json={"credential": {}, "extra": 1})["title"] == (
        "Invalid request"
    )


def test_nothing_half_issued_after_a_refusal(issuer: Issuer) -> None:
    undefined = _request(issuer)
    undefined["credential"]["credentialSubject"]["shoeSize"] = "8"
    issuer.client.post("/credentials/issue", json=undefined, headers=issuer.auth())
    engine = create_engine(issuer.database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM issued_credential")).scalar() == 0
        allocated = connection.execute(text("SELECT sum(allocated_count) FROM status_list"))
        assert (allocated.scalar() or 0) == 0
    engine.dispose()


def test_status_update_for_unknown_credential_is_404(issuer: Issuer) -> None:
    response = issuer.client.post(
        "/credentials/status",
        json={
            "credentialId": "urn:uuid:00000000-0000-4000-8000-000000000000",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=issuer.auth(issuer.status_token),
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_key_rotation_keeps_old_credentials_verifying(issuer: Issuer) -> None:
    old = issuer.client.post(
        "/credentials/issue", json=_request(issuer), headers=issuer.auth()
    ).json()["verifiableCredential"]
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        from issuer.services.organisations import get_organisation

        org = get_organisation(uow, "roc-midden")
        rotate_key(uow, org, app.state.box, issuer.clock(), "test")  # type: ignore[attr-defined]
        uow.commit()
    new_request = _request(issuer, id="urn:uuid:3f0b7a5e-0000-4000-8000-000000000001")
    new = issuer.client.post("/credentials/issue", json=new_request, headers=issuer.auth()).json()[
        "verifiableCredential"
    ]
    assert old["proof"][0]["verificationMethod"].endswith("#key-1")
    assert new["proof"][0]["verificationMethod"].endswith("#key-2")
    doc = issuer.client.get("/roc-midden/did.json").json()
    assert doc["assertionMethod"] == [f"{issuer.did}#key-1", f"{issuer.did}#key-2"]
    assert _verify(issuer, old).verdict is Verdict.VALID
    assert _verify(issuer, new).verdict is Verdict.VALID


def test_secrets_are_not_stored_in_clear(issuer: Issuer) -> None:
    engine = create_engine(issuer.database_url)
    with engine.connect() as connection:
        hashes = [r[0] for r in connection.execute(text("SELECT token_hash FROM api_token"))]
        seeds = [r[0] for r in connection.execute(text("SELECT encrypted_seed FROM signing_key"))]
    engine.dispose()
    assert issuer.issue_token not in hashes
    assert all(len(h) == 64 for h in hashes)
    assert all(bytes(seed).startswith(b"gAAAAA") for seed in seeds)  # Fernet tokens


def test_health_and_readiness(issuer: Issuer) -> None:
    assert issuer.client.get("/healthz").json() == {"status": "ok"}
    assert issuer.client.get("/readyz").json()["status"] == "ready"


def test_the_registered_profile_is_signed_not_the_clients_issuer_object(issuer: Issuer) -> None:
    credential = _request(issuer)["credential"]
    credential["issuer"] = {
        "id": issuer.did,
        "type": ["Profile"],
        "name": "Universiteit van Nergens (officieel)",
        "url": "https://phishing.example/",
        "image": {"id": "https://phishing.example/logo.png", "type": "Image"},
        "brin": "99XX",
    }
    response = issuer.client.post(
        "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        org = uow.session.scalars(select(Organisation).where(Organisation.did == issuer.did)).one()
        registered = {"name": org.name, "brin": org.identifier}
    assert vc["issuer"] == {"id": issuer.did, "type": ["Profile"], **registered}
    assert "phishing" not in json.dumps(vc)
    assert _verify(issuer, vc).verdict is Verdict.VALID


def test_without_open_badges_context_the_issuer_object_keeps_only_vc_terms(
    issuer: Issuer,
) -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": issuer.did, "name": "Iemand anders"},
        "credentialSubject": {"id": STUDENT.did_key},
    }
    response = issuer.client.post(
        "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
    )
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["issuer"]["id"] == issuer.did
    assert vc["issuer"]["name"] != "Iemand anders"
    assert set(vc["issuer"]) == {"id", "name"}
    assert _verify(issuer, vc).verdict is Verdict.VALID


@pytest.mark.parametrize(
    ("accept", "served"),
    [
        (None, "application/vc"),
        ("*/*", "application/vc"),
        ("application/vc", "application/vc"),
        ("application/vc+ld+json", "application/vc+ld+json"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/json"),
        ('application/ld+json;profile="https://www.w3.org/ns/json-ld#compacted"',
         "application/ld+json"),
        ("application/json;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/vc"),
    ],
)  # fmt: skip
def test_status_list_media_type_follows_accept(
    issuer: Issuer, accept: str | None, served: str
) -> None:
    vc = issuer.client.post(
        "/credentials/issue", json=_request(issuer), headers=issuer.auth()
    ).json()["verifiableCredential"]
    path = vc["credentialStatus"]["statusListCredential"].removeprefix(BASE_URL)
    response = issuer.client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"] == served
    assert response.headers["vary"] == "Accept"
    assert response.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    etag = response.headers["etag"]
    again = issuer.client.get(path, headers={"If-None-Match": etag, "Accept": accept or "*/*"})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    assert "max-age=" in again.headers["cache-control"]


def test_status_list_refuses_media_types_it_cannot_serve(issuer: Issuer) -> None:
    vc = issuer.client.post(
        "/credentials/issue", json=_request(issuer), headers=issuer.auth()
    ).json()["verifiableCredential"]
    path = vc["credentialStatus"]["statusListCredential"].removeprefix(BASE_URL)
    for accept in ("application/vc+jwt", "application/json;q=0", "image/png"):
        response = issuer.client.get(path, headers={"Accept": accept})
        assert response.status_code == 406, accept
        assert response.headers["content-type"] == "application/problem+json"
    page = issuer.client.get(path, headers={"Accept": "text/html"})  # a person: a page
    assert page.status_code == 406
    assert page.headers["content-type"].startswith("text/html")

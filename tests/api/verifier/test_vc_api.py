"""VC-API verify endpoints: 200 when verified, 400 with per-check results when not, JSON
always; trust list; hostile inputs never give a 500."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof
from credentials.jose import sign_vc_jwt
from credentials.keys import Ed25519KeyPair
from credentials.verification import sign_presentation
from issuer.db.tables import Organisation
from issuer.services.templates import build_unsigned_credential
from qualifications import load_catalog
from qualifications.achievements import AchievementRequest, CredentialKind, build_achievement
from verifier.services.trust import TrustEntry, add_trusted_issuer
from web_common.db import UnitOfWork

from .conftest import Verifier

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(40, 72)))
LEERBEDRIJF = Ed25519KeyPair.from_seed(bytes(range(41, 73)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(42, 74)))
CATALOG = load_catalog(Path(__file__).resolve().parents[3] / "schemas/catalog/sample.json")
CREATED = "2026-07-01T09:00:00Z"


def _credential(
    kind: CredentialKind, key: Ed25519KeyPair = SCHOOL, **fields: Any
) -> dict[str, Any]:
    achievement = build_achievement(CATALOG, AchievementRequest(kind, **fields)).achievement
    assert achievement is not None
    org = Organisation(slug="x", name="ROC Midden Nederland", kind="school", did=key.did_key)
    unsigned = build_unsigned_credential(
        kind, achievement, org=org, credential_id="urn:uuid:11111111-2222-4333-8444-555566667777",
        subject_name="Sanne de Vries", subject_id=STUDENT.did_key,
        valid_from=datetime(2026, 7, 1, tzinfo=UTC),
    )  # fmt: skip
    return add_proof(unsigned, key, key.did_key_verification_method, created=CREATED)


DIPLOMA: dict[str, Any] = {"qualification": "25498"}


def _trust(verifier: Verifier, key: Ed25519KeyPair, name: str, kind: str, *types: str) -> None:
    app = verifier.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        add_trusted_issuer(uow, TrustEntry(key.did_key, name, kind, types), source="test",
                           now=verifier.clock())  # fmt: skip
        uow.commit()


def _verify(verifier: Verifier, credential: Any) -> Any:
    return verifier.client.post("/credentials/verify", json={"verifiableCredential": credential})


def test_genuine_credential_from_unknown_issuer_is_200_with_a_warning(verifier: Verifier) -> None:
    response = _verify(verifier, _credential(CredentialKind.DIPLOMA, **DIPLOMA))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["verdict"] == "warning"
    assert [w["title"] for w in body["warnings"]] == ["unknown_issuer"]
    assert body["problemDetails"] == []
    assert {c["check"]: c["outcome"] for c in body["checks"]}["schema"] == "passed"


def test_recognised_issuer_is_valid_and_wrong_type_fails(verifier: Verifier) -> None:
    _trust(verifier, SCHOOL, "ROC Midden Nederland", "school", "*")
    _trust(verifier, LEERBEDRIJF, "Zorggroep De Linde", "leerbedrijf",
           "PraktijkverklaringCredential")  # fmt: skip
    ok = _verify(verifier, _credential(CredentialKind.DIPLOMA, **DIPLOMA))
    assert ok.json()["verdict"] == "valid"
    assert ok.json()["issuerName"] == "ROC Midden Nederland"
    fake_diploma = _credential(CredentialKind.DIPLOMA, key=LEERBEDRIJF, **DIPLOMA)
    refused = _verify(verifier, fake_diploma)
    assert refused.status_code == 400
    assert refused.json()["problemDetails"][0]["title"] == "not_authorised_for_type"
    praktijk = _credential(
        CredentialKind.PRAKTIJKVERKLARING,
        key=LEERBEDRIJF,
        qualification="25655",
        codes=("B1-K1-W1",),
        leerbedrijf="De Linde",
    )
    assert _verify(verifier, praktijk).json()["verdict"] == "valid"


def test_tampered_credential_is_400_with_problem_details(verifier: Verifier) -> None:
    tampered = copy.deepcopy(_credential(CredentialKind.DIPLOMA, **DIPLOMA))
    tampered["credentialSubject"]["achievement"]["niveau"] = 4
    response = _verify(verifier, tampered)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    problems = response.json()["problemDetails"]
    assert problems[0]["type"].endswith("#CRYPTOGRAPHIC_SECURITY_ERROR")
    assert problems[0]["title"] == "invalid_signature"


def test_vc_jwt_is_verified_too(verifier: Verifier) -> None:
    unsigned = _credential(CredentialKind.DIPLOMA, **DIPLOMA)
    del unsigned["proof"]
    token = sign_vc_jwt(unsigned, SCHOOL, SCHOOL.did_key_verification_method)
    assert _verify(verifier, token).json()["verified"] is True


def _presentation(challenge: str = "c-1") -> dict[str, Any]:
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": STUDENT.did_key,
          "verifiableCredential": [_credential(CredentialKind.DIPLOMA, **DIPLOMA)]}  # fmt: skip
    return sign_presentation(vp, STUDENT, STUDENT.did_key_verification_method,
                             challenge=challenge, domain="https://werkgever.example",
                             created="2026-11-24T11:59:00Z")  # fmt: skip


def test_presentation_with_challenge_and_domain(verifier: Verifier) -> None:
    options = {"challenge": "c-1", "domain": "https://werkgever.example"}
    ok = verifier.client.post(
        "/presentations/verify",
        json={"verifiablePresentation": _presentation(), "options": options},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["holder"] == STUDENT.did_key
    assert ok.json()["credentials"][0]["verified"] is True
    replay = verifier.client.post(
        "/presentations/verify",
        json={"verifiablePresentation": _presentation("old"), "options": options},
    )
    assert replay.status_code == 400
    assert replay.json()["problemDetails"][0]["title"] == "challenge_mismatch"
    wrong = verifier.client.post("/presentations/verify", json={"verifiablePresentation": "x"})
    assert wrong.status_code == 400
    assert wrong.json()["problemDetails"][0]["title"] == "not_a_presentation"


@pytest.mark.parametrize(
    "payload",
    [
        b"not json at all",
        b'{"verifiableCredential": ',
        json.dumps({"verifiableCredential": 42}).encode(),
        json.dumps(
            {
                "verifiableCredential": {
                    "@context": [VC_V2, "https://evil.example/c"],
                    "type": ["VerifiableCredential"],
                }
            }
        ).encode(),
        b'{"verifiableCredential": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        json.dumps({"verifiableCredential": {"x": "y" * 3_000_000}}).encode(),
    ],
    ids=["not-json", "truncated", "number", "unknown-context", "deep", "huge"],
)
def test_hostile_inputs_never_500(verifier: Verifier, payload: bytes) -> None:
    response = verifier.client.post(
        "/credentials/verify", content=payload, headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 413), response.text[:300]
    assert "json" in response.headers["content-type"]


def _post_raw(verifier: Verifier, body: str | bytes, media_type: str) -> Any:
    return verifier.client.post(
        "/credentials/verify", content=body, headers={"content-type": media_type}
    )


def test_a_vc_jwt_is_taken_as_the_body_itself(verifier: Verifier) -> None:
    unsigned = _credential(CredentialKind.DIPLOMA, **DIPLOMA)
    del unsigned["proof"]
    token = sign_vc_jwt(unsigned, SCHOOL, SCHOOL.did_key_verification_method)
    for media_type in ("application/vc+jwt", "application/vc+jwt; charset=utf-8"):
        ok = _post_raw(verifier, token + "\r\n", media_type)
        assert ok.status_code == 200, (media_type, ok.text)
        assert ok.json()["verified"] is True
        assert ok.json()["title"] == unsigned["name"]
    # one changed character in the payload: the signature no longer fits
    head, payload, signature = token.split(".")
    changed = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    tampered = _post_raw(verifier, f"{head}.{changed}.{signature}", "application/vc+jwt")
    assert tampered.status_code == 400, tampered.text
    assert tampered.json()["verified"] is False
    assert tampered.json()["problemDetails"], tampered.json()


def test_a_vc_1_1_jwt_is_taken_as_an_application_jwt_body(verifier: Verifier) -> None:
    from ...unit.credentials.test_vc11_jwt import claims, token

    current = _post_raw(verifier, token(claims(exp=None)), "application/jwt")
    assert current.status_code == 200, current.text
    proof = next(c for c in current.json()["checks"] if c["check"] == "proof")
    assert "VC Data Model 1.1" in proof["detail"]
    expired = _post_raw(verifier, token(claims()), "application/jwt")
    assert expired.status_code == 400
    assert [p["title"] for p in expired.json()["problemDetails"]] == ["expired"]


VERDICT, PROBLEM = "application/json", "application/problem+json"


@pytest.mark.parametrize(
    ("body", "media_type", "status", "answer"),
    [
        (b"not a jwt", "application/vc+jwt", 400, VERDICT),
        (b"\xff\xfe.\x00.x", "application/jwt", 400, VERDICT),
        (b"", "application/jwt", 400, VERDICT),
        (b"eyJ.eyJ.x~WyJhIiwiYiJd~", "application/vc+jwt", 400, PROBLEM),  # an SD-JWT
        (b"eyJ.eyJ.x", "text/plain", 415, PROBLEM),
        (b"eyJ.eyJ.x", "application/vc+ld+json+jwt", 415, PROBLEM),
        (b"eyJ.eyJ.x", "", 415, PROBLEM),
    ],
    ids=["garbage", "not-text", "empty", "sd-jwt", "text-plain", "unknown-type", "no-type"],
)
def test_raw_bodies_of_other_shapes_get_a_clear_4xx(
    verifier: Verifier, body: bytes, media_type: str, status: int, answer: str
) -> None:
    response = _post_raw(verifier, body, media_type)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == answer, response.text[:300]
    if status == 415:
        assert "application/vc+jwt" in response.json()["detail"]
        assert "application/jwt" in response.json()["detail"]

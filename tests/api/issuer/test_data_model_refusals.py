"""The issuer never signs a credential that breaks a VC Data Model 2.0 MUST: each rule of
tests/vcdm_cases.py is refused with 400 problem+json naming the rule, and nothing is stored."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from tests.vcdm_cases import CASES, RESOURCE_SRI, RESOURCE_URL

from .conftest import Issuer

STUDENT = Ed25519KeyPair.from_seed(bytes(range(6, 38)))


def test_every_rule_is_refused_with_its_code(issuer: Issuer) -> None:
    for case in (c for c in CASES if c.issuer_side):
        credential = mbo_certificaat(issuer_id=issuer.did, subject_id=STUDENT.did_key)
        case.change(credential)
        response = issuer.client.post(
            "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
        )
        assert response.status_code == 400, (case.id, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        errors = response.json()["errors"]
        named = [e for e in errors if e.get("code") == case.code]
        assert named, (case.id, errors)
        assert named[0]["pointer"] == "/credential" + case.pointer, case.id
        assert "VCDM 2.0 §" in named[0]["detail"], case.id
    engine = create_engine(issuer.database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM issued_credential")).scalar() == 0
    engine.dispose()


def test_a_conforming_related_resource_is_signed(issuer: Issuer) -> None:
    credential = mbo_certificaat(issuer_id=issuer.did, subject_id=STUDENT.did_key)
    credential["relatedResource"] = [{"id": RESOURCE_URL, "digestSRI": RESOURCE_SRI}]
    response = issuer.client.post(
        "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
    )
    assert response.status_code == 201, response.text
    assert response.json()["verifiableCredential"]["relatedResource"][0]["id"] == RESOURCE_URL

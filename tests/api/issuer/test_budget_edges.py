"""The issuer's VC-API refuses a hostile credential body (a poison graph, a context bomb) with
422 budget-exceeded naming the limit, quickly, and keeps issuing honest credentials."""

from __future__ import annotations

import time
from typing import Any

import pytest

from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from tests.hostile import context_bomb, poison_credential

from .conftest import Issuer

STUDENT = Ed25519KeyPair.from_seed(bytes(range(5, 37)))
LIMITS = {"poison": "max_permutations", "context-bomb": "max_contexts"}
HANG_GUARD_S = 30.0  # a hang guard only


def _hostile(kind: str, issuer: Issuer) -> dict[str, Any]:
    key = Ed25519KeyPair.from_seed(bytes(32))  # only its did names the issuer; replaced below
    document = (
        poison_credential(key, proof=False, well_formed=True)
        if kind == "poison"
        else context_bomb(key, proof=False)
    )
    return {**document, "issuer": issuer.did}


@pytest.mark.parametrize("kind", ["poison", "context-bomb"])
def test_issue_refuses_a_hostile_credential(issuer: Issuer, kind: str) -> None:
    start = time.monotonic()
    response = issuer.client.post(
        "/credentials/issue", json={"credential": _hostile(kind, issuer)}, headers=issuer.auth()
    )
    assert time.monotonic() - start < HANG_GUARD_S
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://w3id.org/mbo-wallet/problems/budget-exceeded"
    assert problem["limit"] == LIMITS[kind]
    assert LIMITS[kind] in problem["detail"]
    honest = mbo_certificaat(issuer_id=issuer.did, subject_id=STUDENT.did_key)
    ok = issuer.client.post(
        "/credentials/issue", json={"credential": honest}, headers=issuer.auth()
    )
    assert ok.status_code == 201, ok.text

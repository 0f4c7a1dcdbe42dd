"""A VC-JWT of the VC Data Model 1.1 (a ``vc`` claim) from another issuer: the wallet takes
it in, verifies it with the 1.1 rules and keeps it, its checks naming the older encoding."""

from __future__ import annotations

from typing import Any

from ...unit.credentials.test_vc11_jwt import claims, token
from .conftest import Wallet


def test_the_wallet_keeps_a_1_1_vc_jwt(wallet: Wallet) -> None:
    person = wallet.person()
    jwt = token(claims(sub=person.did, exp=None))  # without an expiry: still current
    uploaded = person.post("/api/credentials", json={"credential": jwt})
    assert uploaded.status_code == 201, uploaded.text
    shown: dict[str, Any] = person.get(f"/api/credentials/{uploaded.json()['id']}").json()
    proof = next(c for c in shown["checks"] if c["check"] == "proof")
    assert proof["outcome"] == "passed"
    assert "VC Data Model 1.1" in proof["detail"]
    assert shown["document"] == jwt  # kept as received

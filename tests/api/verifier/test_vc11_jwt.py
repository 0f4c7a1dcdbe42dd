"""The verifier's VC-API reads a VC-JWT of the VC Data Model 1.1 (a ``vc`` claim): verified
when genuine and current, the answer naming the older encoding; its ``exp`` is the
credential's expiration date, so an expired one is not verified by default."""

from __future__ import annotations

from ...unit.credentials.test_vc11_jwt import claims, token
from .conftest import Verifier
from .test_vc_api import _verify


def test_a_1_1_vc_jwt_is_read_and_says_so(verifier: Verifier) -> None:
    current = _verify(verifier, token(claims(exp=None)))
    body = current.json()
    assert (current.status_code, body["verified"]) == (200, True), body
    proof = next(c for c in body["checks"] if c["check"] == "proof")
    assert "VC Data Model 1.1" in proof["detail"]
    expired = _verify(verifier, token(claims()))  # exp: 2019-11-06
    assert (expired.status_code, expired.json()["verified"]) == (400, False)
    assert [p["title"] for p in expired.json()["problemDetails"]] == ["expired"]

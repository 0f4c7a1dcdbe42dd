"""ES256 over did:web: an organisation's DID document lists its P-256 credential key as a
``JsonWebKey`` verification method (``publicKeyJwk``), an SD-JWT VC signed with it names it
by ``kid`` = ``did:web:…#fragment``, and verifiers resolve it (``did_key_resolver``)."""

from __future__ import annotations

from typing import Any

import pytest

from credentials.did import StaticDidResolver, resolve_jws_key, resolve_verification_method
from credentials.did_web import JWK_V1, build_did_web_document
from credentials.errors import DidDocumentError, DidResolutionError
from credentials.jwk import P256KeyPair
from credentials.keys import Ed25519KeyPair
from credentials.results import Verdict
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import did_key_resolver, issue_sd_jwt_vc, verify_sd_jwt_vc

DID = "did:web:issuer.example:roc"
NOW = 1_780_000_000
VCT = "https://w3id.org/mbo-wallet/vct/diploma"
P256 = P256KeyPair.generate()
ED = Ed25519KeyPair.generate()


def _document() -> dict[str, Any]:
    return build_did_web_document(DID, [("key-1", ED)], jwk_keys=[("p256-1", P256.public_jwk)])


def test_document_lists_the_p256_key_as_a_json_web_key() -> None:
    doc = _document()
    assert JWK_V1 in doc["@context"]
    method = next(m for m in doc["verificationMethod"] if m["id"] == f"{DID}#p256-1")
    assert method == {
        "id": f"{DID}#p256-1",
        "type": "JsonWebKey",
        "controller": DID,
        "publicKeyJwk": P256.public_jwk,
    }
    assert f"{DID}#p256-1" in doc["assertionMethod"]
    assert f"{DID}#p256-1" not in doc["authentication"]
    resolver = StaticDidResolver({DID: doc})
    assert resolve_jws_key(f"{DID}#p256-1", "assertionMethod", resolver) == P256.public_key
    assert resolve_jws_key(f"{DID}#key-1", "assertionMethod", resolver) == ED.public_key
    with pytest.raises(DidResolutionError, match="not an Ed25519 Multikey"):
        resolve_verification_method(f"{DID}#p256-1", "assertionMethod", resolver)  # not for DI
    with pytest.raises(DidResolutionError, match="not authorised"):
        resolve_jws_key(f"{DID}#p256-1", "authentication", resolver)


def test_private_or_strange_keys_are_refused() -> None:
    with pytest.raises(DidDocumentError):
        build_did_web_document(DID, [], jwk_keys=[("p256-1", P256.private_jwk)])
    with pytest.raises(DidDocumentError):
        build_did_web_document(DID, [("k", ED)], jwk_keys=[("k", P256.public_jwk)])
    doc = _document()
    doc["verificationMethod"][1]["publicKeyJwk"] = P256.private_jwk
    with pytest.raises(DidResolutionError):
        resolve_jws_key(f"{DID}#p256-1", "assertionMethod", StaticDidResolver({DID: doc}))
    doc["verificationMethod"][1]["type"] = "EcdsaSecp256k1VerificationKey2019"
    with pytest.raises(DidResolutionError, match="neither"):
        resolve_jws_key(f"{DID}#p256-1", "assertionMethod", StaticDidResolver({DID: doc}))


def test_sd_jwt_vc_signed_es256_with_a_did_web_kid_verifies() -> None:
    resolver = did_key_resolver(StaticDidResolver({DID: _document()}))
    issued = issue_sd_jwt_vc(
        vct=VCT, iss=DID, claims={"kind": "Diploma", "crebo": Sd("25498")}, signer=P256,
        iat=NOW, kid=f"{DID}#p256-1",
    )  # fmt: skip
    result = verify_sd_jwt_vc(issued.compact, resolver, now=NOW)
    assert result.verdict is Verdict.VALID, result
    other = P256KeyPair.generate()
    forged = issue_sd_jwt_vc(
        vct=VCT, iss=DID, claims={}, signer=other, iat=NOW, kid=f"{DID}#p256-1"
    )
    assert verify_sd_jwt_vc(forged.compact, resolver, now=NOW).verdict is Verdict.INVALID
    elsewhere = issue_sd_jwt_vc(
        vct=VCT, iss="did:web:evil.example", claims={}, signer=P256, iat=NOW,
        kid=f"{DID}#p256-1",
    )  # fmt: skip
    check = verify_sd_jwt_vc(elsewhere.compact, resolver, now=NOW).check("proof")
    assert check is not None
    assert check.code == "iss_mismatch"

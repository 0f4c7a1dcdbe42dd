"""VC Data Model 1.1 credentials as an older issuer signs them (``issuanceDate`` /
``expirationDate``, the 2018 context), built from the 1.1 specification's text."""

from __future__ import annotations

from typing import Any

from credentials.contexts import DATA_INTEGRITY_V2, VC_V1
from credentials.data_integrity import add_proof
from credentials.jose import sign_vc_jwt
from credentials.keys import Ed25519KeyPair


def v11_credential(
    issuer: Ed25519KeyPair, subject: str, *, issued: str = "2020-03-01T08:00:00Z", **extra: Any
) -> dict[str, Any]:
    return {
        "@context": [VC_V1, DATA_INTEGRITY_V2],
        "id": "urn:uuid:0b1e6a3c-1111-4111-8111-000000000011",
        "type": ["VerifiableCredential"],
        "issuer": issuer.did_key,
        "issuanceDate": issued,
        "credentialSubject": {"id": subject},
        **extra,
    }


def signed_v11(issuer: Ed25519KeyPair, subject: str, **extra: Any) -> dict[str, Any]:
    """Signed with eddsa-rdfc-2022 (the Data Integrity context added, as 1.1 issuers do)."""
    unsigned = v11_credential(issuer, subject, **extra)
    return add_proof(unsigned, issuer, issuer.did_key_verification_method,
                     created="2020-03-01T08:00:00Z")  # fmt: skip


def v11_jwt(issuer: Ed25519KeyPair, subject: str, **extra: Any) -> str:
    """The same credential secured as a vc+jwt."""
    unsigned = v11_credential(issuer, subject, **extra)
    return sign_vc_jwt(unsigned, issuer, issuer.did_key_verification_method)

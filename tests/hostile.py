"""Hostile documents for budget tests: RDFC-1.0 poison graphs and JSON-LD context bombs.

Each is small and well-formed JSON-LD that an outsider can send; none needs a valid signature,
because canonicalisation (the expensive part) comes before the signature check. The proof has
the right shape (a resolvable did:key, a 64-byte ``proofValue``) so verification gets that far.
"""

from __future__ import annotations

from typing import Any

from credentials.contexts import VC_V2
from credentials.keys import Ed25519KeyPair
from credentials.multibase import encode_base58btc

__all__ = [
    "context_bomb",
    "fake_proof",
    "poison_credential",
    "poison_nodes",
    "poison_subject",
    "with_proof",
]

_KNOWS = {"knows": {"@id": "https://schema.org/knows", "@type": "@id"}}


def poison_nodes(n: int) -> list[dict[str, Any]]:
    """``n`` blank nodes that all point at each other (a clique): no first-degree hash tells
    them apart, so Hash N-Degree Quads tries every permutation (RDFC-1.0 "poison graph")."""
    return [{"id": f"_:b{i}", "knows": [f"_:b{j}" for j in range(n) if j != i]} for i in range(n)]


def poison_subject(n: int) -> dict[str, Any]:
    """A subject with a URL id that ``knows`` an ``n``-clique of blank nodes (keyword
    ``@id``): well-formed by the VC Data Model (only ``id`` values must be URLs), so an
    issuer's data-model checks let it through to canonicalisation."""
    nodes = [{"@id": node.pop("id"), **node} for node in poison_nodes(n)]
    return {"id": "did:example:learner", "knows": nodes}


def fake_proof(key: Ed25519KeyPair, purpose: str = "assertionMethod", **extra: Any) -> Any:
    """A Data Integrity proof of the right shape whose signature is 64 zero bytes."""
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-07-01T09:00:00Z",
        "verificationMethod": key.did_key_verification_method,
        "proofPurpose": purpose,
        "proofValue": encode_base58btc(bytes(64)),
        **extra,
    }


def with_proof(document: dict[str, Any], key: Ed25519KeyPair, **extra: Any) -> dict[str, Any]:
    return {**document, "proof": fake_proof(key, **extra)}


def poison_credential(
    issuer: Ed25519KeyPair, n: int = 8, *, proof: bool = True, well_formed: bool = False
) -> Any:
    """A credential of about 1 KiB whose subjects form an ``n``-clique of blank nodes (or,
    ``well_formed``, whose one subject knows such a clique: see :func:`poison_subject`)."""
    credential = {
        "@context": [VC_V2, _KNOWS],
        "type": ["VerifiableCredential"],
        "issuer": issuer.did_key,
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": poison_subject(n) if well_formed else poison_nodes(n),
    }
    return with_proof(credential, issuer) if proof else credential


def context_bomb(issuer: Ed25519KeyPair, repeats: int = 2000, *, proof: bool = True) -> Any:
    """A credential whose ``@context`` repeats the VC 2.0 context ``repeats`` times."""
    credential = {
        "@context": [VC_V2] * repeats,
        "type": ["VerifiableCredential"],
        "issuer": issuer.did_key,
        "validFrom": "2026-07-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    return with_proof(credential, issuer) if proof else credential

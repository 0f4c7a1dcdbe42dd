"""Deliver an issued credential record as an SD-JWT VC (``dc+sd-jwt``) over OpenID4VCI,
beside the ``ldp_vc`` delivery of :mod:`issuer.services.offers`.

The SAME record (one issuance, one status entry per mechanism) becomes: the flat claims of
:func:`qualifications.sd_jwt_vc_claims.sd_jwt_vc_claims`, each selectively disclosable
except ``kind``; ``vct`` per kind with ``vct#integrity`` over the published Type Metadata;
``cnf`` the holder key of the key proof; ``status.status_list`` the record's Token Status
List entry; signed ES256 with the organisation's X.509 credential key (``x5c`` header).

Key proofs (OpenID4VCI 1.0 §F.1) are JWTs with ``jwk`` (what the NL Wallet and most SD-JWT
wallets send) or ``kid`` (a did:key DID URL), ES256 or EdDSA.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from credentials.errors import CredentialsError
from credentials.jwk import (
    JwsPublicKey,
    alg_for_public_key,
    jwk_thumbprint_uri,
    public_jwk_of,
    public_key_from_jwk,
    verify_jws_signature,
)
from credentials.jws import parse_compact
from credentials.keys import public_key_from_multibase
from credentials.oid4vci import KeyProofError
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import SD_JWT_VC_TYP, issue_sd_jwt_vc
from credentials.token_status_list import StatusReference
from credentials.type_metadata import integrity_of
from qualifications.achievements import KINDS, CredentialKind
from qualifications.catalog import Catalog
from qualifications.sd_jwt_vc_claims import TYPE_METADATA_DIR, sd_jwt_vc_claims, vct_of

from ..db.tables import IssuedCredential, Organisation, StatusListRow
from .token_status import token_status_url
from .x509_keys import X509Signer

__all__ = [
    "PROOF_ALGS",
    "SD_JWT_SUFFIX",
    "HolderKey",
    "sd_jwt_configuration",
    "sd_jwt_configuration_id",
    "sd_jwt_configurations",
    "sd_jwt_credential",
    "type_metadata_document",
    "type_metadata_integrity",
    "verify_holder_key_proof",
]

SD_JWT_SUFFIX = "_dc_sd_jwt"
PROOF_ALGS = ("ES256", "EdDSA")
KEY_PROOF_TYP = "openid4vci-proof+jwt"
VISIBLE = frozenset({"kind"})
"""Claims left visible: the ``vct`` names the kind anyway."""
_MAX_PROOF_BYTES = 16 * 1024
_DID_KEY = "did:key:"


def sd_jwt_configuration_id(credential_type: str) -> str:
    return f"{credential_type}{SD_JWT_SUFFIX}"


@cache
def type_metadata_document(kind: str) -> bytes | None:
    """The published Type Metadata bytes of ``kind`` (schemas/sd-jwt-vc/<kind>.json)."""
    if kind not in {k.value for k in CredentialKind}:
        return None
    path = TYPE_METADATA_DIR / f"{kind}.json"
    return path.read_bytes() if path.is_file() else None


@cache
def type_metadata_integrity(kind: str) -> str | None:
    """``vct#integrity`` of ``kind``'s Type Metadata, computed once: the documents carry
    their logos as data URIs, so hashing them per credential cost as much as the signing."""
    metadata = type_metadata_document(kind)
    return integrity_of(metadata) if metadata is not None else None


def sd_jwt_configuration(kind: CredentialKind) -> dict[str, Any]:
    """A ``dc+sd-jwt`` entry of ``credential_configurations_supported`` (OpenID4VCI 1.0
    §A.3.2): ``vct``, holder binding by ``jwk``, ES256, ``jwt`` key proofs."""
    info = KINDS[kind]
    return {
        "format": SD_JWT_VC_TYP,
        "vct": vct_of(kind),
        "cryptographic_binding_methods_supported": ["jwk"],
        "credential_signing_alg_values_supported": ["ES256"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGS)}},
        "credential_metadata": {
            "display": [
                {"name": info.title_nl, "locale": "nl-NL"},
                {"name": info.title_en, "locale": "en-US"},
            ]
        },
    }


def sd_jwt_configurations() -> dict[str, dict[str, Any]]:
    return {
        sd_jwt_configuration_id(info.vc_type): sd_jwt_configuration(kind)
        for kind, info in KINDS.items()
    }


class HolderKey:
    """The holder key a verified key proof names: its public JWK (for ``cnf``) and an id
    to remember who redeemed (a did:key or the JWK thumbprint URI)."""

    def __init__(self, jwk: dict[str, str], holder_id: str, nonce: str | None) -> None:
        self.jwk = jwk
        self.holder_id = holder_id
        self.nonce = nonce


def _did_key_public(kid: str) -> JwsPublicKey:
    did, _, fragment = kid.partition("#")
    if not did.startswith(_DID_KEY) or fragment != did.removeprefix(_DID_KEY):
        raise KeyProofError("a kid must be a did:key DID URL (did:key:z...#z...)")
    try:
        return public_key_from_multibase(fragment)
    except (CredentialsError, ValueError):
        raise KeyProofError("the kid is not an Ed25519 did:key") from None


def verify_holder_key_proof(
    token: object,
    *,
    audience: str,
    now: datetime,
    max_age: timedelta = timedelta(minutes=10),
    leeway: timedelta = timedelta(minutes=5),
) -> HolderKey:
    """Verify a ``jwt`` key proof with a ``jwk`` (EC P-256 / OKP Ed25519) or a did:key
    ``kid``; raise :class:`KeyProofError` when refused. The caller checks the nonce."""
    if not isinstance(token, str) or len(token) > _MAX_PROOF_BYTES:
        raise KeyProofError("the key proof is not a JWT of reasonable size")
    try:
        proof = parse_compact(token, max_bytes=_MAX_PROOF_BYTES)
    except CredentialsError as exc:
        raise KeyProofError(f"the key proof is malformed: {exc}") from None
    header, claims = proof.header, proof.payload
    if header.get("typ") != KEY_PROOF_TYP:
        raise KeyProofError(f"the key proof typ must be {KEY_PROOF_TYP}")
    alg = header.get("alg")
    if alg not in PROOF_ALGS:
        raise KeyProofError(f"the key proof alg must be one of {', '.join(PROOF_ALGS)}")
    if "crit" in header or "x5c" in header:
        raise KeyProofError("crit and x5c are not supported in key proofs")
    if ("jwk" in header) == ("kid" in header):
        raise KeyProofError("name the key with exactly one of jwk and kid")
    if "jwk" in header:
        try:
            public_key = public_key_from_jwk(header["jwk"])
        except CredentialsError as exc:
            raise KeyProofError(f"the key proof jwk cannot be used: {exc}") from None
    else:
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise KeyProofError("the key proof kid must be a string")
        public_key = _did_key_public(kid)
    if alg != alg_for_public_key(public_key) or not verify_jws_signature(
        str(alg), public_key, proof.signature, proof.signing_input
    ):
        raise KeyProofError("the key proof signature does not verify with its key")
    aud = claims.get("aud")
    if audience not in (aud if isinstance(aud, list) else [aud]):
        raise KeyProofError(f"the key proof aud must be the credential issuer {audience}")
    iat = claims.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise KeyProofError("the key proof needs a numeric iat")
    moment = now.timestamp()
    if iat > moment + leeway.total_seconds():
        raise KeyProofError("the key proof iat lies in the future")
    if iat < moment - max_age.total_seconds():
        raise KeyProofError("the key proof is too old (iat); make a new one")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise KeyProofError("the key proof has no nonce; get a c_nonce from the nonce endpoint")
    jwk = public_jwk_of(public_key)
    holder_id = str(header["kid"]).partition("#")[0] if "kid" in header else jwk_thumbprint_uri(jwk)
    return HolderKey(jwk, holder_id, nonce)


def _claims(document: Mapping[str, Any], catalog: Catalog) -> tuple[CredentialKind, Any]:
    try:
        mapped = sd_jwt_vc_claims(document, catalog)
    except ValueError as exc:
        raise KeyProofError(f"this credential has no SD-JWT VC form: {exc}") from None
    return mapped.kind, mapped


def sd_jwt_credential(
    record: IssuedCredential,
    document: Mapping[str, Any],
    org: Organisation,
    token_list: StatusListRow | None,
    *,
    holder: HolderKey,
    signer: X509Signer,
    issuer_id: str,
    public_base_url: str,
    catalog: Catalog,
    now: datetime,
    key_reference: str = "x5c",
    status_entry: tuple[StatusListRow, int] | None = None,
) -> str:
    """The SD-JWT VC (compact, with every Disclosure, no KB-JWT) of ``record``.

    ``key_reference`` ``x5c`` (HAIP, the NL Wallet): ``iss`` the Credential Issuer
    Identifier and the certificate chain in the header. ``did`` (a did:web organisation):
    ``iss`` the organisation's DID and ``kid`` its ``JsonWebKey`` verification method
    (``{did}#p256-…``), for verifiers that resolve DIDs instead of trusting a CA.
    ``status_entry`` replaces the record's Token Status List entry (an extra batch copy's
    own entry, :func:`issuer.services.status.allocate_token_copy`)."""
    kind, mapped = _claims(document, catalog)
    claims = {
        name: value if name in VISIBLE else Sd(value) for name, value in mapped.claims.items()
    }
    status = None
    if status_entry is not None:  # an extra batch copy's own entry
        status = StatusReference(
            index=status_entry[1],
            uri=token_status_url(public_base_url, org, status_entry[0].number),
        )
    elif token_list is not None and record.token_status_index is not None:
        status = StatusReference(
            index=record.token_status_index,
            uri=token_status_url(public_base_url, org, token_list.number),
        )
    by_did = key_reference == "did" and org.did.startswith("did:web:")
    issued = issue_sd_jwt_vc(
        vct=mapped.vct, iss=org.did if by_did else issuer_id, claims=claims, signer=signer.key,
        iat=int(now.timestamp()), nbf=mapped.nbf, exp=mapped.exp, holder_jwk=holder.jwk,
        status=status, vct_integrity=type_metadata_integrity(kind.value),
        x5c=None if by_did else signer.x5c, kid=f"{org.did}#{signer.fragment}" if by_did else None,
    )  # fmt: skip
    return issued.compact

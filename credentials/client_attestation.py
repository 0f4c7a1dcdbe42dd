"""OAuth 2.0 Attestation-Based Client Authentication (draft-ietf-oauth-attestation-based-client-
auth): the wallet attestation a wallet sends with its token request, checked by the issuer.

Two HTTP headers carry two compact JWTs:

* ``OAuth-Client-Attestation`` — the Client Attestation JWT, signed by the wallet provider:
  ``typ`` ``oauth-client-attestation+jwt``; ``iss`` (the wallet provider), ``sub`` (the
  client_id), ``exp``, ``cnf.jwk`` (the wallet instance key) REQUIRED; ``iat``/``nbf``
  optional. The provider's key is named by ``x5c`` (a chain to a configured trust anchor) or
  is one of the configured provider keys (``kid`` or the only key).
* ``OAuth-Client-Attestation-PoP`` — the PoP JWT, signed by the ``cnf`` key: ``typ``
  ``oauth-client-attestation-pop+jwt``; ``aud`` (the authorization server's issuer
  identifier), ``jti`` and ``iat`` REQUIRED; ``challenge`` when the server handed one out.

:func:`verify_client_attestation` checks both, except ``jti`` replay (the caller keeps the
seen ``jti`` values). Pure: the clock and the trust list are parameters.

Refusals raise :class:`ClientAttestationError` with the OAuth error ``invalid_client``
(answered 401 at the token endpoint) and a readable ASCII description.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from .errors import CredentialsError
from .jwk import JwsPublicKey, alg_for_public_key, public_key_from_jwk, verify_jws_signature
from .jws import parse_compact
from .oid4vci import Oid4vciError
from .x509_trust import verify_x5c

__all__ = [
    "ATTESTATION_HEADER",
    "ATTESTATION_POP_HEADER",
    "ATTESTATION_POP_TYP",
    "ATTESTATION_TYP",
    "ClientAttestationError",
    "VerifiedAttestation",
    "WalletProvider",
    "load_wallet_providers",
    "verify_client_attestation",
]

ATTESTATION_HEADER: Final = "OAuth-Client-Attestation"
ATTESTATION_POP_HEADER: Final = "OAuth-Client-Attestation-PoP"
ATTESTATION_TYP: Final = "oauth-client-attestation+jwt"
ATTESTATION_POP_TYP: Final = "oauth-client-attestation-pop+jwt"
ALGS: Final = ("ES256",)
_MAX_BYTES = 16 * 1024


class ClientAttestationError(Oid4vciError):
    """A wallet attestation is refused (``invalid_client``)."""

    def __init__(self, description: str) -> None:
        super().__init__("invalid_client", description)


@dataclass(frozen=True, slots=True)
class WalletProvider:
    """A wallet provider the issuer trusts: its name (recorded with each redeemed offer),
    the ``iss`` its attestations carry (None: any), its signing keys and/or the trust anchors
    its ``x5c`` chains end in."""

    name: str
    issuer: str | None = None
    keys: tuple[tuple[str | None, JwsPublicKey], ...] = ()
    anchors: tuple[x509.Certificate, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class VerifiedAttestation:
    """What an accepted attestation says: the provider, the client_id (``sub``), the wallet
    instance key and the PoP's ``jti`` and expiry (to remember against replay)."""

    provider: str
    client_id: str
    instance_jwk: dict[str, Any]
    jti: str
    replay_until: datetime
    claims: dict[str, Any] = field(repr=False)


def load_wallet_providers(path: str | Path) -> tuple[WalletProvider, ...]:
    """Read the trust file (``ISSUER_WALLET_ATTESTATION_TRUST_FILE``): JSON
    ``{"wallet_providers": [{"name": ..., "iss": ..., "jwks": {"keys": [...]},
    "certificates": ["-----BEGIN CERTIFICATE-----..."]}]}``; ``iss`` optional, at least one of
    ``jwks`` and ``certificates``. Raises ValueError with a readable reason."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = data.get("wallet_providers") if isinstance(data, Mapping) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError("the trust file needs a non-empty wallet_providers array")
    providers = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise ValueError("each wallet provider needs a name")
        keys: list[tuple[str | None, JwsPublicKey]] = []
        for item in (entry.get("jwks") or {}).get("keys", []):
            try:
                keys.append((item.get("kid"), public_key_from_jwk(item)))
            except (CredentialsError, AttributeError) as exc:
                raise ValueError(f"{entry['name']}: unusable key: {exc}") from None
        anchors = tuple(
            cert
            for pem in entry.get("certificates", [])
            for cert in x509.load_pem_x509_certificates(str(pem).encode("ascii"))
        )
        if not keys and not anchors:
            raise ValueError(f"{entry['name']}: give jwks or certificates")
        issuer = entry.get("iss")
        if issuer is not None and not isinstance(issuer, str):
            raise ValueError(f"{entry['name']}: iss must be a string")
        providers.append(WalletProvider(entry["name"], issuer, tuple(keys), anchors))
    return tuple(providers)


def _parse(token: object, typ: str, what: str) -> Any:
    if not isinstance(token, str) or not token or len(token) > _MAX_BYTES:
        raise ClientAttestationError(f"the {what} is not a JWT of reasonable size")
    try:
        parsed = parse_compact(token.strip(), max_bytes=_MAX_BYTES)
    except CredentialsError as exc:
        raise ClientAttestationError(f"the {what} is malformed: {exc}") from None
    if parsed.header.get("typ") != typ:
        raise ClientAttestationError(f"the {what} typ must be {typ}")
    if parsed.header.get("alg") not in ALGS:
        raise ClientAttestationError(f"the {what} alg must be one of {', '.join(ALGS)}")
    if "crit" in parsed.header:
        raise ClientAttestationError(f"the {what} has critical header parameters")
    return parsed


def _signed_by(parsed: Any, key: JwsPublicKey) -> bool:
    alg = str(parsed.header["alg"])
    return alg == alg_for_public_key(key) and verify_jws_signature(
        alg, key, parsed.signature, parsed.signing_input
    )


def _provider_of(
    parsed: Any, providers: Sequence[WalletProvider], now: datetime
) -> WalletProvider | None:
    iss = parsed.payload.get("iss")
    header = parsed.header
    for provider in providers:
        if provider.issuer is not None and provider.issuer != iss:
            continue
        if "x5c" in header and provider.anchors:
            chain = verify_x5c(header["x5c"], list(provider.anchors), now=now)
            leaf_key = chain.leaf.public_key() if chain.ok and chain.leaf is not None else None
            if isinstance(leaf_key, ec.EllipticCurvePublicKey) and _signed_by(parsed, leaf_key):
                return provider
            continue
        kid = header.get("kid")
        for key_id, key in provider.keys:
            if (kid is None or key_id is None or key_id == kid) and _signed_by(parsed, key):
                return provider
    return None


def _number(claims: Mapping[str, Any], name: str, what: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ClientAttestationError(f"the {what} needs a numeric {name}")
    return float(value)


def verify_client_attestation(
    attestation: object,
    pop: object,
    *,
    audience: str,
    providers: Sequence[WalletProvider],
    now: datetime,
    client_id: str | None = None,
    challenge: str | None = None,
    max_pop_age: timedelta = timedelta(minutes=5),
    leeway: timedelta = timedelta(seconds=60),
) -> VerifiedAttestation:
    """Check a Client Attestation JWT and its PoP JWT (see the module docstring): the
    attestation's signature by a trusted wallet provider, ``exp`` (and ``nbf``/``iat`` not in
    the future), ``sub`` (equal to ``client_id`` when the request names one) and a public
    ``cnf.jwk``; the PoP signed by that key, ``aud`` = ``audience``, a ``jti``, ``iat`` within
    ``max_pop_age`` (freshness) and ``challenge`` when one is expected."""
    moment = now.timestamp()
    slack = leeway.total_seconds()
    parsed = _parse(attestation, ATTESTATION_TYP, "client attestation")
    claims = parsed.payload
    provider = _provider_of(parsed, providers, now)
    if provider is None:
        raise ClientAttestationError("the client attestation is not signed by a trusted wallet")
    exp = _number(claims, "exp", "client attestation", required=True)
    if exp is not None and exp <= moment - slack:
        raise ClientAttestationError("the client attestation has expired")
    for name in ("nbf", "iat"):
        value = _number(claims, name, "client attestation", required=False)
        if value is not None and value > moment + slack:
            raise ClientAttestationError(f"the client attestation {name} lies in the future")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise ClientAttestationError("the client attestation needs a sub (the client_id)")
    if client_id is not None and client_id != sub:
        raise ClientAttestationError("client_id is not the sub of the client attestation")
    cnf = claims.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    try:
        instance_key = public_key_from_jwk(jwk)
    except CredentialsError as exc:
        raise ClientAttestationError(f"the client attestation cnf.jwk is unusable: {exc}") from None

    proof = _parse(pop, ATTESTATION_POP_TYP, "client attestation PoP")
    if not _signed_by(proof, instance_key):
        raise ClientAttestationError("the PoP is not signed by the key in the attestation cnf")
    pop_claims = proof.payload
    aud = pop_claims.get("aud")
    if audience not in (aud if isinstance(aud, list) else [aud]):
        raise ClientAttestationError(f"the PoP aud must be {audience}")
    jti = pop_claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 200:
        raise ClientAttestationError("the PoP needs a jti string")
    iat = _number(pop_claims, "iat", "client attestation PoP", required=True)
    assert iat is not None
    if iat > moment + slack:
        raise ClientAttestationError("the PoP iat lies in the future")
    if iat < moment - max_pop_age.total_seconds():
        raise ClientAttestationError("the PoP is too old; make a fresh one")
    pop_exp = _number(pop_claims, "exp", "client attestation PoP", required=False)
    if pop_exp is not None and pop_exp <= moment - slack:
        raise ClientAttestationError("the PoP has expired")
    if challenge is not None and pop_claims.get("challenge") != challenge:
        raise ClientAttestationError("the PoP challenge is missing or wrong")
    replay_until = datetime.fromtimestamp(iat, tz=now.tzinfo) + max_pop_age + 2 * leeway
    return VerifiedAttestation(
        provider.name, sub, dict(jwk) if isinstance(jwk, Mapping) else {}, jti, replay_until,
        dict(claims),
    )  # fmt: skip

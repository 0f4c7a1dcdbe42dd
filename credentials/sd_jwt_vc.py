"""SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issue and verify ``dc+sd-jwt`` credentials.

    >>> from credentials.jwk import P256KeyPair
    >>> from credentials.sd_jwt_issuer import Sd
    >>> issuer, holder = P256KeyPair.generate(), P256KeyPair.generate()
    >>> issued = issue_sd_jwt_vc(
    ...     vct="https://issuer.example/vct/diploma", iss="https://issuer.example",
    ...     claims={"kind": Sd("diploma")}, signer=issuer, iat=1_700_000_000,
    ...     holder_jwk=holder.public_jwk)
    >>> result = verify_sd_jwt_vc(issued.compact, lambda h, p: issuer.public_key, now=1_700_000_000)
    >>> result.verdict.value, result.credential["kind"]
    ('valid', 'diploma')

Issuance: header ``typ`` ``dc+sd-jwt`` (with ``kid`` or ``x5c`` when given); payload
``iss``, ``iat``, ``nbf``, ``exp``, ``vct``, ``vct#integrity``, ``sub``, ``status`` visible
(§3.2.2.2 forbids disclosing ``iss``, ``nbf``, ``exp``, ``cnf``, ``vct``, ``vct#integrity``
and ``status`` selectively), then the claims (``Sd`` markers for selective disclosure),
``_sd_alg`` and ``cnf``.

Verification returns the project's :class:`~credentials.results.VerificationResult` with one
check per concern: ``format``, ``proof`` (issuer signature and every Disclosure),
``holder_binding`` (KB-JWT), ``validity`` (``iat``/``nbf``/``exp``), ``status`` (Token
Status List, through a caller-supplied lookup that fetches and verifies the list).
Issuer keys come from a resolver: :func:`x5c_key_resolver` (chain to trust anchors, leaf
naming ``iss``) or :func:`did_key_resolver` (``kid`` a DID URL of ``iss``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography import x509

from .did import DidResolver, resolve_jws_key
from .errors import DidResolutionError, SigningError, StatusListError
from .jwk import JwsPublicKey, JwsSigner
from .jws import JsonObject
from .results import CheckName, CheckResult, Outcome, VerificationResult
from .sd_jwt import DEFAULT_BUDGETS, Budgets, ClaimPath
from .sd_jwt_issuer import IssuedSdJwt, issue_sd_jwt
from .sd_jwt_verifier import (
    IssuerKeyResolver,
    KeyBindingPolicy,
    KeyResolutionError,
    verify_sd_jwt,
)
from .token_status_list import INVALID, SUSPENDED, VALID, StatusReference, status_reference
from .trust_decision import TrustDecider, TrustQuery, decide_trust, proof_of
from .x509_trust import leaf_names_issuer, verify_x5c

__all__ = [
    "LEGACY_TYP",
    "NEVER_DISCLOSABLE",
    "SD_JWT_VC_TYP",
    "StatusLookup",
    "did_key_resolver",
    "issue_sd_jwt_vc",
    "verify_sd_jwt_vc",
    "x5c_key_resolver",
]

SD_JWT_VC_TYP = "dc+sd-jwt"
LEGACY_TYP = "vc+sd-jwt"
"""The media type of drafts before -06; accepted on verification only when asked for."""
NEVER_DISCLOSABLE = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
_PARAMETERS = NEVER_DISCLOSABLE | {"iat", "sub"}
"""Registered claims that :func:`issue_sd_jwt_vc` takes as parameters, never in ``claims``."""

StatusLookup = Callable[[StatusReference], int | None]
"""``reference -> status value`` from a fetched and verified Status List Token, or None when
the list could not be obtained."""


def issue_sd_jwt_vc(
    *,
    vct: str,
    iss: str,
    claims: Mapping[str, Any],
    signer: JwsSigner,
    iat: int,
    exp: int | None = None,
    nbf: int | None = None,
    sub: str | None = None,
    holder_jwk: Mapping[str, Any] | None = None,
    status: StatusReference | None = None,
    vct_integrity: str | None = None,
    kid: str | None = None,
    x5c: Sequence[str] | None = None,
    salt: Callable[[], str] | None = None,
    decoys: int | Callable[[ClaimPath], int] = 0,
) -> IssuedSdJwt:
    """Issue one SD-JWT VC. ``claims`` must not repeat the registered claims above."""
    if not _PARAMETERS.isdisjoint(claims):
        clash = sorted(_PARAMETERS.intersection(claims))
        raise SigningError(f"registered claims {clash} are parameters, not claims")
    payload: dict[str, Any] = {"iss": iss, "iat": iat}
    if nbf is not None:
        payload["nbf"] = nbf
    if exp is not None:
        payload["exp"] = exp
    payload["vct"] = vct
    if vct_integrity is not None:
        payload["vct#integrity"] = vct_integrity
    if sub is not None:
        payload["sub"] = sub
    if status is not None:
        payload["status"] = {"status_list": {"idx": status.index, "uri": status.uri}}
    payload.update(claims)
    header: dict[str, Any] = {"typ": SD_JWT_VC_TYP}
    if kid is not None:
        header["kid"] = kid
    if x5c is not None:
        header["x5c"] = list(x5c)
    return issue_sd_jwt(
        payload, signer, header=header, holder_jwk=holder_jwk, salt=salt, decoys=decoys
    )


def x5c_key_resolver(
    trust_anchors: Sequence[x509.Certificate], *, now: datetime | None = None
) -> IssuerKeyResolver:
    """Issuer key from the ``x5c`` header: the chain must lead to a trust anchor and, for an
    ``https`` ``iss``, the leaf must name it (SAN URI, or SAN DNS of its host)."""

    def resolve(header: JsonObject, payload: JsonObject) -> JwsPublicKey:
        if "x5c" not in header:
            raise KeyResolutionError("key_missing", "the SD-JWT VC header has no x5c")
        chain = verify_x5c(header["x5c"], trust_anchors, now=now or datetime.now(UTC))
        if not chain.ok or chain.public_key is None or chain.leaf is None:
            raise KeyResolutionError(f"x509_{chain.code}", chain.reason)
        iss = payload.get("iss")
        https_iss = isinstance(iss, str) and iss.startswith("https://")
        if https_iss and not leaf_names_issuer(chain.leaf, str(iss)):
            raise KeyResolutionError("iss_mismatch", "the certificate does not name iss")
        return chain.public_key

    return resolve


def did_key_resolver(resolver: DidResolver) -> IssuerKeyResolver:
    """Issuer key from a ``kid`` that is a DID URL of the ``iss`` DID (``assertionMethod``):
    an Ed25519 Multikey (EdDSA) or a ``JsonWebKey`` with a P-256 ``publicKeyJwk`` (ES256),
    as an organisation's did:web document lists its X.509 credential keys."""

    def resolve(header: JsonObject, payload: JsonObject) -> JwsPublicKey:
        kid, iss = header.get("kid"), payload.get("iss")
        if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
            raise KeyResolutionError("key_missing", "kid is not a DID URL")
        if kid.split("#", 1)[0] != iss:
            raise KeyResolutionError("iss_mismatch", "kid is not a key of the iss DID")
        try:
            return resolve_jws_key(kid, "assertionMethod", resolver)
        except DidResolutionError as exc:
            raise KeyResolutionError("did_resolution", str(exc)) from None

    return resolve


def _check(name: str, outcome: Outcome, code: str, detail: str) -> CheckResult:
    return CheckResult(CheckName(name), outcome, code, detail)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _validity(claims: JsonObject, now: int, leeway: int) -> CheckResult:
    for name in ("iat", "nbf", "exp"):
        if name in claims and not _number(claims[name]):
            return _check("validity", Outcome.FAILED, "time_malformed", f"{name} is not a number")
    if "iat" in claims and claims["iat"] > now + leeway:
        return _check("validity", Outcome.FAILED, "issued_in_future", "iat lies in the future")
    if "nbf" in claims and claims["nbf"] > now + leeway:
        return _check("validity", Outcome.WARNING, "not_yet_valid", "not valid yet (nbf)")
    if "exp" in claims and claims["exp"] <= now - leeway:
        return _check("validity", Outcome.WARNING, "expired", "the credential has expired")
    return _check("validity", Outcome.PASSED, "valid_period", "within its validity period")


def _status(claims: JsonObject, lookup: StatusLookup | None) -> CheckResult:
    try:
        reference = status_reference(claims)
    except StatusListError as exc:
        return _check("status", Outcome.FAILED, "status_malformed", str(exc))
    if reference is None:
        return _check("status", Outcome.SKIPPED, "no_status", "the credential has no status")
    if lookup is None:
        return _check("status", Outcome.WARNING, "status_unchecked", "status was not checked")
    try:
        value = lookup(reference)
    except StatusListError as exc:
        return _check("status", Outcome.FAILED, "status_index", str(exc))
    if value is None:
        return _check("status", Outcome.WARNING, "status_unavailable", "status list unavailable")
    if value == VALID:
        return _check("status", Outcome.PASSED, "status_valid", "not revoked or suspended")
    if value == INVALID:
        return _check("status", Outcome.FAILED, "revoked", "the issuer has revoked it")
    if value == SUSPENDED:
        return _check("status", Outcome.FAILED, "suspended", "the issuer has suspended it")
    return _check("status", Outcome.WARNING, "status_other", f"status value {value:#04x}")


def verify_sd_jwt_vc(
    token: object,
    resolve_key: IssuerKeyResolver,
    *,
    now: int,
    key_binding: KeyBindingPolicy | None = None,
    status_lookup: StatusLookup | None = None,
    vct_values: Sequence[str] | None = None,
    accept_legacy_typ: bool = False,
    leeway: int = 60,
    budgets: Budgets = DEFAULT_BUDGETS,
    trust: TrustDecider | None = None,
) -> VerificationResult:
    """Verify an SD-JWT VC (issuance form, or a presentation with ``key_binding``).

    With ``trust`` the result has a ``trust`` check (:mod:`.trust_decision`; before
    ``status``), asked with ``iss``, ``vct`` and the disclosed claims once the issuer's
    signature holds, else skipped."""
    checks = _checks(token, resolve_key, now, key_binding, status_lookup, vct_values,
                     accept_legacy_typ, leeway, budgets)  # fmt: skip
    if trust is None:
        return checks
    claims = checks.credential or {}
    vct = claims.get("vct")
    query = TrustQuery(checks.issuer, (vct,) if isinstance(vct, str) else (), checks.credential)
    decided = decide_trust(trust, query, proof_of(checks.checks))
    before_status = [c for c in checks.checks if c.name is not CheckName.STATUS]
    status = [c for c in checks.checks if c.name is CheckName.STATUS]
    return VerificationResult(
        (*before_status, decided, *status), credential=checks.credential, issuer=checks.issuer
    )


def _checks(
    token: object,
    resolve_key: IssuerKeyResolver,
    now: int,
    key_binding: KeyBindingPolicy | None,
    status_lookup: StatusLookup | None,
    vct_values: Sequence[str] | None,
    accept_legacy_typ: bool,
    leeway: int,
    budgets: Budgets,
) -> VerificationResult:
    typs = {SD_JWT_VC_TYP, LEGACY_TYP} if accept_legacy_typ else {SD_JWT_VC_TYP}
    outcome = verify_sd_jwt(token, resolve_key, key_binding=key_binding, typ=typs, budgets=budgets)
    signed = outcome.payload
    iss = signed.get("iss") if isinstance(signed.get("iss"), str) else None
    checks: list[CheckResult] = []
    if not outcome.ok and outcome.code.startswith(("kb_", "cnf_")):
        checks.append(_check("proof", Outcome.PASSED, "signature", "issuer signature valid"))
        checks.append(_check("holder_binding", Outcome.FAILED, outcome.code, outcome.reason))
        return VerificationResult(tuple(checks), credential=outcome.claims or None, issuer=iss)
    if not outcome.ok:
        name = "format" if outcome.code in {"format", "too_large", "typ"} else "proof"
        checks.append(_check(name, Outcome.FAILED, outcome.code, outcome.reason))
        return VerificationResult(tuple(checks), issuer=iss)
    claims = outcome.claims
    vct = claims.get("vct")
    if not isinstance(vct, str) or not vct or not isinstance(claims.get("iss"), str):
        checks.append(_check("format", Outcome.FAILED, "claims", "vct and iss are required"))
        return VerificationResult(tuple(checks), credential=claims, issuer=iss)
    if vct_values is not None and vct not in vct_values:
        checks.append(_check("format", Outcome.FAILED, "vct", f"vct {vct!r} is not accepted"))
        return VerificationResult(tuple(checks), credential=claims, issuer=iss)
    checks.append(_check("format", Outcome.PASSED, "dc+sd-jwt", "an SD-JWT VC"))
    checks.append(_check("proof", Outcome.PASSED, "signature", "issuer signature and disclosures"))
    if outcome.key_binding is not None:
        checks.append(_check("holder_binding", Outcome.PASSED, "kb_jwt", "bound to the holder"))
    else:
        checks.append(
            _check("holder_binding", Outcome.SKIPPED, "not_requested", "no key binding asked for")
        )
    checks.append(_validity(claims, now, leeway))
    checks.append(_status(claims, status_lookup))
    return VerificationResult(tuple(checks), credential=claims, issuer=iss)

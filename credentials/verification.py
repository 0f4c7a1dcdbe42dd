"""Verify credentials and presentations into structured results.

:func:`verify_credential` and :func:`verify_presentation` never raise for bad input: every
check that can run, runs, and reports ``passed``, ``failed``, ``warning`` or ``skipped`` with a
stable code and a reason a person can read. A failed proof skips the checks that depend on it.

Nothing here touches the network: DID resolution goes through the ``resolver`` passed in, and
status lists through ``fetch_status_list`` (a callable that returns the status list credential
for a URL, or raises). Time is the ``now`` parameter.

    >>> result = verify_credential(signed, resolver=StaticDidResolver(), now=now)  # doctest: +SKIP
    >>> result.verdict, [c.code for c in result.failures]  # doctest: +SKIP
    (<Verdict.VALID: 'valid'>, [])
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jsonschema

from .budget import DEFAULT_BUDGET, Budget, Meter, budget_code, check_document
from .canonicalization import JsonLdEngine, default_engine
from .data_integrity import ProofResult, add_proof, verify_proofs
from .data_model import Finding, credential_findings, data_model_version, presentation_findings
from .did import DidResolver
from .errors import BudgetExceededError, JwtFormatError, StatusListError
from .jose import VC11_JWT, JwtVerification, unwrap_enveloped_credential, verify_vc_jwt
from .keys import Ed25519KeyPair
from .related_resources import ResourceFetcher, related_resources_check
from .results import (
    CheckName,
    CheckResult,
    Outcome,
    PresentationResult,
    Verdict,
    VerificationResult,
)
from .status_fetching import CachingStatusFetcher, StatusListCache
from .status_list import check_entry, check_status
from .timestamps import parse_datetime_stamp
from .trust_decision import TrustDecider, decide_trust, proof_of, query_of

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "SD_JWT_ENVELOPE",
    "EnvelopeContext",
    "EnvelopedSdJwtVerifier",
    "SchemaLookup",
    "StatusFetcher",
    "StatusListCache",
    "issuer_id",
    "sign_presentation",
    "validity_period",
    "verify_credential",
    "verify_presentation",
]

JsonObject = dict[str, Any]
StatusFetcher = Callable[[str], Mapping[str, Any]]
SchemaLookup = Callable[[str], Mapping[str, Any] | None]

MAX_DOCUMENT_BYTES = DEFAULT_BUDGET.max_bytes
MAX_DEPTH = DEFAULT_BUDGET.max_depth
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)

PASSED, FAILED, WARNING, SKIPPED = Outcome.PASSED, Outcome.FAILED, Outcome.WARNING, Outcome.SKIPPED

SD_JWT_ENVELOPE = "data:application/dc+sd-jwt,"
"""How an ``EnvelopedVerifiableCredential`` id carries an SD-JWT VC (presentation)."""


@dataclass(frozen=True, slots=True)
class EnvelopeContext:
    """What a presentation tells about an SD-JWT VC enveloped in it.

    ``nonce`` and ``audience`` are what its KB-JWT must name: the verifier's ``challenge``
    and ``domain`` when given, else the values the presentation's (verified) proof names (a
    wallet's share link binds both to the share). ``interactive`` is True when the verifier
    gave its own challenge (a fresh answer is due; a share link's KB-JWT is as old as the
    link). ``signer`` is the DID that signed the presentation (None when that failed)."""

    nonce: str | None
    audience: str | None
    signer: str | None
    interactive: bool


EnvelopedSdJwtVerifier = Callable[[str, EnvelopeContext], VerificationResult]
"""``(compact SD-JWT presentation, context) -> its result``: the caller's SD-JWT VC checks
(issuer keys, trust anchors and status lists are the caller's; see
:func:`credentials.sd_jwt_vc.verify_sd_jwt_vc`)."""


def _list_cache(given: StatusListCache | None, fetcher: StatusFetcher | None) -> StatusListCache:
    """The cache to use: the caller's, else a caching fetcher's own, else one for this call."""
    if given is not None:
        return given
    if isinstance(fetcher, CachingStatusFetcher):
        return fetcher.list_cache
    return StatusListCache()


def _check(name: str, outcome: Outcome, code: str, detail: str) -> CheckResult:
    return CheckResult(CheckName(name), outcome, code, detail)


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's identifier: ``issuer`` as a string, or ``issuer.id``."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def _guard(document: Any, what: str, budget: Budget = DEFAULT_BUDGET) -> CheckResult | None:
    """Refuse what is not a JSON object, too large, too deeply nested or otherwise over the
    structural limits of ``budget`` (see :mod:`credentials.budget`), before JSON-LD.

    The structural walk comes first: it stops at the first limit crossed (a level too deep,
    too many ``@context`` entries), so a hostile document costs little more than its parse."""
    if not isinstance(document, Mapping):
        return _check("format", FAILED, "not_an_object", f"the {what} is not a JSON object")
    try:
        check_document(document, budget)
    except BudgetExceededError as exc:
        if exc.limit == "max_depth":
            return _check(
                "format",
                FAILED,
                "too_deep",
                f"the {what} is nested more than {budget.max_depth} levels",
            )
        return _check("format", FAILED, budget_code(exc), f"the {what} is refused: {exc}")
    try:
        size = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError):
        return _check("format", FAILED, "not_json", f"the {what} is not plain JSON data")
    if size > budget.max_bytes:
        return _check(
            "format",
            FAILED,
            "too_large",
            f"the {what} is {size} bytes; at most {budget.max_bytes} are accepted",
        )
    return None


def _types(document: Mapping[str, Any]) -> list[Any]:
    t = document.get("type")
    return t if isinstance(t, list) else [t]


def _findings_checks(findings: Sequence[Finding], what: str) -> list[CheckResult]:
    """One failed ``format`` check per broken data-model rule, or one passed check."""
    if findings:
        return [_check("format", FAILED, f.code, str(f)) for f in findings]
    return [_check("format", PASSED, "ok", f"the {what} follows the VC Data Model")]


def _format_checks(credential: Mapping[str, Any]) -> list[CheckResult]:
    """VC Data Model shape (2.0, or 1.1 for an older credential): see :mod:`.data_model`."""
    version = data_model_version(credential) or "2.0"
    checks = _findings_checks(credential_findings(credential), "credential")
    if checks[0].outcome is PASSED:
        detail = f"the credential follows the VC Data Model {version}"
        checks = [_check("format", PASSED, "ok", detail)]
    return checks


def _proof_check(results: Sequence[ProofResult], kind: str) -> CheckResult:
    failed = [r for r in results if not r.verified]
    if failed:
        first = failed[0]
        return _check("proof", FAILED, first.code, first.detail)
    return _check("proof", PASSED, "ok", f"the {kind}'s signature is valid")


def _issuer_check(credential: Mapping[str, Any], results: Sequence[ProofResult]) -> CheckResult:
    issuer = issuer_id(credential)
    failed = [r for r in results if not r.verified]
    if failed:
        if failed[0].code == "unknown_key":
            return _check(
                "issuer", FAILED, "issuer_unresolved", f"issuer key not found: {failed[0].detail}"
            )
        return _check("issuer", SKIPPED, "proof_failed", "not checked: the signature is invalid")
    controllers = {r.controller for r in results}
    if issuer not in controllers:
        return _check(
            "issuer",
            FAILED,
            "issuer_mismatch",
            f"signed by {', '.join(sorted(str(c) for c in controllers))}, "
            f"but the credential names {issuer} as issuer",
        )
    return _check("issuer", PASSED, "ok", f"signed by the issuer {issuer}")


def validity_period(credential: Mapping[str, Any]) -> tuple[Any, Any]:
    """The raw (start, end) of the validity period: ``validFrom``/``validUntil`` (2.0), or
    ``issuanceDate``/``expirationDate`` for a VC Data Model 1.1 credential."""
    if data_model_version(credential) == "1.1":
        return credential.get("issuanceDate"), credential.get("expirationDate")
    return credential.get("validFrom"), credential.get("validUntil")


def _validity_check(
    credential: Mapping[str, Any], now: datetime | None, skew: timedelta
) -> CheckResult:
    if now is None:
        return _check("validity", SKIPPED, "no_clock", "no time given to check validity against")
    start, end = validity_period(credential)
    valid_from, valid_until = parse_datetime_stamp(start), parse_datetime_stamp(end)
    if valid_from is not None and now + skew < valid_from:
        return _check("validity", WARNING, "not_yet_valid", f"valid only from {start}")
    if valid_until is not None and now - skew > valid_until:
        return _check("validity", WARNING, "expired", f"expired on {end}")
    if valid_until is not None:
        return _check("validity", PASSED, "ok", f"valid until {end}")
    return _check("validity", PASSED, "ok", "valid, with no end date")


def _status_check(
    credential: Mapping[str, Any],
    *,
    fetch_status_list: StatusFetcher | None,
    resolver: DidResolver,
    now: datetime | None,
    engine: JsonLdEngine,
    list_cache: StatusListCache,
) -> CheckResult:
    raw = credential.get("credentialStatus")
    if raw is None:
        return _check("status", SKIPPED, "no_status", "the credential has no status list entry")
    entries = raw if isinstance(raw, list) else [raw]
    for entry in entries:  # Bitstring Status List §3.1: a malformed entry is an error
        if isinstance(entry, Mapping) and entry.get("type") == "BitstringStatusListEntry":
            try:
                check_entry(entry)
            except StatusListError as exc:
                return _check("status", FAILED, "malformed_status_entry", str(exc))
    if fetch_status_list is None:
        return _check(
            "status", WARNING, "status_not_checked", "the revocation status was not checked"
        )
    issuer = issuer_id(credential)
    checked: list[str] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or entry.get("type") != "BitstringStatusListEntry":
            return _check(
                "status", WARNING, "unsupported_status", "the status entry type is not supported"
            )
        url = entry.get("statusListCredential")
        try:
            list_credential = fetch_status_list(str(url))
        except Exception as exc:  # a fetcher may fail in any way: report, never a false "valid"
            return _check(
                "status",
                WARNING,
                "status_unavailable",
                f"the status list could not be fetched ({type(exc).__name__}: {exc})",
            )
        digest = StatusListCache.digest(list_credential)
        trusted = list_cache.get(digest)
        if trusted is None:
            list_result = verify_credential(
                list_credential, resolver=resolver, now=now, engine=engine, check_status=False
            )
            trusted = list_result.verdict is not Verdict.INVALID
            list_cache.put(digest, trusted)
        if not trusted or issuer_id(list_credential) != issuer:
            return _check(
                "status",
                WARNING,
                "status_list_untrusted",
                "the status list is not validly signed by the credential's issuer",
            )
        try:
            status = check_status(dict(entry), dict(list_credential))
        except StatusListError as exc:
            return _check("status", WARNING, "status_list_invalid", str(exc))
        if status.is_set:
            outcome = status.outcome
            if outcome is None:  # a message we cannot interpret: show it, do not decide
                return _check(
                    "status",
                    WARNING,
                    "status_message",
                    f"the issuer's status for it is {status.message or hex(status.status)!r}",
                )
            code = "revoked" if outcome == "revocation" else outcome
            return _check("status", FAILED, code, f"the issuer has marked it: {outcome}")
        checked.append(str(entry.get("statusPurpose")))
    return _check(
        "status", PASSED, "ok", f"not revoked or suspended (checked: {', '.join(checked)})"
    )


def _schema_check(credential: Mapping[str, Any], schema_lookup: SchemaLookup | None) -> CheckResult:
    raw = credential.get("credentialSchema")
    if raw is None:
        return _check("schema", SKIPPED, "no_schema", "the credential names no schema")
    if schema_lookup is None:
        return _check("schema", SKIPPED, "schema_not_checked", "schemas were not checked")
    for ref in raw if isinstance(raw, list) else [raw]:
        if not isinstance(ref, Mapping) or ref.get("type") != "JsonSchema":
            return _check(
                "schema", WARNING, "unsupported_schema", "only JsonSchema schemas are supported"
            )
        schema = schema_lookup(str(ref.get("id")))
        if schema is None:
            return _check("schema", WARNING, "unknown_schema", f"schema {ref.get('id')} unknown")
        validator = jsonschema.Draft202012Validator(schema)
        errors = sorted(validator.iter_errors(dict(credential)), key=lambda e: list(e.path))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "(root)"
            return _check(
                "schema",
                FAILED,
                "schema_mismatch",
                f"does not match its schema at {where}: {errors[0].message}",
            )
    return _check("schema", PASSED, "ok", "matches its schema")


def verify_credential(
    credential: Any,
    *,
    resolver: DidResolver,
    now: datetime | None,
    fetch_status_list: StatusFetcher | None = None,
    schema_lookup: SchemaLookup | None = None,
    check_status: bool = True,
    max_clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
    engine: JsonLdEngine | None = None,
    status_list_cache: StatusListCache | None = None,
    budget: Budget = DEFAULT_BUDGET,
    meter: Meter | None = None,
    fetch_resource: ResourceFetcher | None = None,
    trust: TrustDecider | None = None,
) -> VerificationResult:
    """Check a credential; see the module docstring.

    ``credential`` is a JSON-LD credential with a Data Integrity proof, a ``vc+jwt`` compact
    token (a string), or an ``EnvelopedVerifiableCredential`` carrying one. A long-lived
    ``status_list_cache`` saves re-verifying the same status list credentials. The work is
    bounded by ``budget`` (or charged to ``meter``, a presentation's): over it, a check fails
    with the code ``budget_exceeded:<limit>``. ``fetch_resource`` gets the bytes of
    ``relatedResource`` URLs for their digests (:mod:`.related_resources`); without it they
    are reported as not checked. ``trust`` decides whether the issuer is recognised
    (:mod:`.trust_decision`): the ``trust`` check, last, whenever there is a ``proof`` check.
    """
    result = _verify_credential(
        credential,
        resolver=resolver,
        now=now,
        fetch_status_list=fetch_status_list,
        schema_lookup=schema_lookup,
        check_status=check_status,
        max_clock_skew=max_clock_skew,
        engine=engine,
        status_list_cache=status_list_cache,
        meter=meter or Meter(budget),
        fetch_resource=fetch_resource,
    )
    return _with_trust(result, trust)


def _with_trust(result: VerificationResult, trust: TrustDecider | None) -> VerificationResult:
    """``result`` with the ``trust`` check added (when there is a decider and a proof check)."""
    proof = proof_of(result.checks)
    if trust is None or proof is None:
        return result
    check = decide_trust(trust, query_of(result.credential, result.issuer), proof)
    return VerificationResult((*result.checks, check), result.credential, result.issuer)


def _verify_credential(
    credential: Any,
    *,
    resolver: DidResolver,
    now: datetime | None,
    fetch_status_list: StatusFetcher | None,
    schema_lookup: SchemaLookup | None,
    check_status: bool,
    max_clock_skew: timedelta,
    engine: JsonLdEngine | None,
    status_list_cache: StatusListCache | None,
    meter: Meter,
    fetch_resource: ResourceFetcher | None,
) -> VerificationResult:
    token = _jwt_token(credential)
    if token is not None:
        if isinstance(token, CheckResult):
            return VerificationResult((token,))
        jwt = verify_vc_jwt(token, resolver, now=now, leeway=max_clock_skew.total_seconds())
        credential = jwt.payload
        guard = _guard(credential, "credential", meter.budget) if credential else None
        if not credential or guard is not None:
            return VerificationResult((_jwt_proof_check(jwt),) + ((guard,) if guard else ()))
        checks = [*_format_checks(credential), *_jwt_checks(jwt, credential)]
    else:
        guard = _guard(credential, "credential", meter.budget)
        if guard is not None:
            return VerificationResult((guard,))
        engine = engine or default_engine()
        proofs = verify_proofs(credential, resolver=resolver, now=now, engine=engine, meter=meter)
        checks = [
            *_format_checks(credential),
            _proof_check(proofs, "credential"),
            _issuer_check(credential, proofs),
        ]
    engine = engine or default_engine()
    checks.append(_validity_check(credential, now, max_clock_skew))
    if check_status:
        checks.append(
            _status_check(
                credential,
                fetch_status_list=fetch_status_list,
                resolver=resolver,
                now=now,
                engine=engine,
                list_cache=_list_cache(status_list_cache, fetch_status_list),
            )
        )
    checks.append(_schema_check(credential, schema_lookup))
    related = related_resources_check(credential, fetch_resource)
    if related is not None:
        checks.append(related)
    return VerificationResult(tuple(checks), dict(credential), issuer_id(credential))


def _jwt_token(credential: Any) -> str | CheckResult | None:
    """The vc+jwt to verify, a failed format check for a broken envelope, or None (JSON-LD)."""
    if isinstance(credential, str):
        return credential.strip()
    if isinstance(credential, Mapping) and "EnvelopedVerifiableCredential" in _types(credential):
        try:
            return unwrap_enveloped_credential(credential)
        except JwtFormatError as exc:
            return _check("format", FAILED, "malformed_envelope", str(exc))
    return None


_OLD_ENCODING = "VC-JWT of the VC Data Model 1.1, the older encoding: a 'vc' claim in a JWT"


def _jwt_proof_check(jwt: JwtVerification) -> CheckResult:
    old = jwt.encoding == VC11_JWT
    if jwt.verified:
        detail = f"the credential's signature ({_OLD_ENCODING if old else 'vc+jwt'}) is valid"
        return _check("proof", PASSED, "ok", detail)
    reason = jwt.reason or "invalid vc+jwt"
    return _check(
        "proof", FAILED, jwt.code or "invalid", f"{reason} ({_OLD_ENCODING})" if old else reason
    )


def _jwt_checks(jwt: JwtVerification, credential: Mapping[str, Any]) -> list[CheckResult]:
    proof = _jwt_proof_check(jwt)
    issuer = issuer_id(credential)
    if jwt.verified:
        issuer_check = _check("issuer", PASSED, "ok", f"signed by the issuer {issuer}")
    elif jwt.code == "key_not_found":
        issuer_check = _check(
            "issuer", FAILED, "issuer_unresolved", f"issuer key not found: {jwt.reason}"
        )
    elif jwt.code == "issuer_mismatch":
        issuer_check = _check("issuer", FAILED, "issuer_mismatch", jwt.reason or "")
    else:
        issuer_check = _check(
            "issuer", SKIPPED, "proof_failed", "not checked: the signature is invalid"
        )
    return [proof, issuer_check]


def sign_presentation(
    presentation: Mapping[str, Any],
    key: Ed25519KeyPair,
    verification_method: str,
    *,
    challenge: str,
    domain: str,
    created: str | datetime,
    engine: JsonLdEngine | None = None,
) -> JsonObject:
    """Sign a presentation for authentication, bound to a verifier's challenge and domain."""
    return add_proof(
        presentation,
        key,
        verification_method,
        created=created,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
        engine=engine,
    )


def verify_presentation(
    presentation: Any,
    *,
    resolver: DidResolver,
    now: datetime | None,
    challenge: str | None,
    domain: str | None,
    fetch_status_list: StatusFetcher | None = None,
    schema_lookup: SchemaLookup | None = None,
    max_clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
    engine: JsonLdEngine | None = None,
    status_list_cache: StatusListCache | None = None,
    budget: Budget = DEFAULT_BUDGET,
    fetch_resource: ResourceFetcher | None = None,
    verify_sd_jwt: EnvelopedSdJwtVerifier | None = None,
    trust: TrustDecider | None = None,
) -> PresentationResult:
    """Check a presentation's holder proof (challenge, domain) and every credential in it.

    Credentials sharing a status list have it verified once per call (or once per
    ``status_list_cache`` lifetime when one is given). The presentation and the credentials
    it carries share one ``budget``. An SD-JWT VC enveloped in it (``id``
    :data:`SD_JWT_ENVELOPE` ``+ compact``) is checked by ``verify_sd_jwt`` with the
    presentation's :class:`EnvelopeContext` and its result taken as is (without it: a failed
    ``format`` check, ``sd_jwt_unsupported``). ``trust`` is asked about each other
    credential (:func:`verify_credential`; its ``trust`` check comes after ``holder``)."""
    guard = _guard(presentation, "presentation", budget)
    if guard is not None:
        return PresentationResult((guard,))
    meter = Meter(budget)
    engine = engine or default_engine()
    list_cache = _list_cache(status_list_cache, fetch_status_list)
    raw_vcs = presentation.get("verifiableCredential", [])
    vcs = raw_vcs if isinstance(raw_vcs, list) else [raw_vcs]
    checks = _findings_checks(presentation_findings(presentation), "presentation")
    holder_check, signer = _holder_binding(
        presentation,
        resolver=resolver,
        now=now,
        challenge=challenge,
        domain=domain,
        engine=engine,
        meter=meter,
    )
    checks.append(holder_check)
    context = _envelope_context(presentation, holder_check, signer, challenge, domain)
    results = []
    for vc in vcs:
        enveloped = _sd_jwt_envelope(vc)
        if enveloped is not None:
            if verify_sd_jwt is None:
                detail = "an SD-JWT VC (dc+sd-jwt) is not checked here"
                unsupported = _check("format", FAILED, "sd_jwt_unsupported", detail)
                results.append(VerificationResult((unsupported,)))
            else:
                results.append(verify_sd_jwt(enveloped, context))
            continue
        result = verify_credential(
            vc,
            resolver=resolver,
            now=now,
            fetch_status_list=fetch_status_list,
            schema_lookup=schema_lookup,
            max_clock_skew=max_clock_skew,
            engine=engine,
            status_list_cache=list_cache,
            meter=meter,
            fetch_resource=fetch_resource,
        )
        subject_check = _subject_check(result.credential, signer)
        with_subject = (*result.checks, subject_check)
        results.append(
            _with_trust(VerificationResult(with_subject, result.credential, result.issuer), trust)
        )
    return PresentationResult(tuple(checks), tuple(results), signer)


def _sd_jwt_envelope(vc: Any) -> str | None:
    """The compact SD-JWT VC in an ``EnvelopedVerifiableCredential``, if it holds one."""
    if not isinstance(vc, Mapping) or "EnvelopedVerifiableCredential" not in _types(vc):
        return None
    ident = vc.get("id")
    if isinstance(ident, str) and ident.startswith(SD_JWT_ENVELOPE):
        return ident.removeprefix(SD_JWT_ENVELOPE).strip()
    return None


def _envelope_context(
    presentation: Mapping[str, Any],
    holder_check: CheckResult,
    signer: str | None,
    challenge: str | None,
    domain: str | None,
) -> EnvelopeContext:
    """The KB-JWT ``nonce``/``aud`` an enveloped SD-JWT VC must name: the verifier's own, or
    (for what the verifier left open) the presentation proof's, once that proof verified."""
    proof = presentation.get("proof")
    first = proof[0] if isinstance(proof, list) and proof else proof
    verified = holder_check.outcome is not FAILED and isinstance(first, Mapping)
    named = first if verified and isinstance(first, Mapping) else {}
    proof_challenge = named.get("challenge")
    proof_domain = named.get("domain")
    if isinstance(proof_domain, list) and len(proof_domain) == 1:
        proof_domain = proof_domain[0]
    return EnvelopeContext(
        nonce=challenge if challenge is not None else (
            proof_challenge if isinstance(proof_challenge, str) else None),
        audience=domain if domain is not None else (
            proof_domain if isinstance(proof_domain, str) else None),
        signer=signer,
        interactive=challenge is not None,
    )  # fmt: skip


def _holder_binding(
    presentation: Mapping[str, Any],
    *,
    resolver: DidResolver,
    now: datetime | None,
    challenge: str | None,
    domain: str | None,
    engine: JsonLdEngine,
    meter: Meter,
) -> tuple[CheckResult, str | None]:
    if domain is None:
        detail = "no challenge and domain were given, so a replayed presentation is not detected"
        code, outcome = "unbound", WARNING
    else:
        # With a domain but no challenge (a wallet's share link, whose challenge the wallet
        # chose), the presentation is still bound to where it was published.
        detail, code, outcome = "", "ok", PASSED
    proofs = verify_proofs(
        presentation,
        resolver=resolver,
        expected_purpose="authentication",
        challenge=challenge,
        domain=domain,
        now=now,
        engine=engine,
        meter=meter,
    )
    failed = [p for p in proofs if not p.verified]
    if failed:
        return _check("holder_binding", FAILED, failed[0].code, failed[0].detail), None
    signer = proofs[0].controller
    holder = presentation.get("holder")
    holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
    if holder_id is not None and holder_id != signer:
        return (
            _check(
                "holder_binding",
                FAILED,
                "holder_mismatch",
                f"signed by {signer}, but the presentation names {holder_id} as holder",
            ),
            signer,
        )
    if outcome is PASSED:
        detail = f"presented and signed by {signer} for this request"
        if challenge is None:
            detail = f"presented and signed by {signer} for {domain}"
    return _check("holder_binding", outcome, code, detail), signer


def _subject_check(credential: Any, signer: str | None) -> CheckResult:
    if signer is None:
        return _check("holder", SKIPPED, "no_holder", "the presentation's signer is not known")
    subject = credential.get("credentialSubject") if isinstance(credential, Mapping) else None
    subjects = subject if isinstance(subject, list) else [subject]
    ids = {s.get("id") for s in subjects if isinstance(s, Mapping)}
    if signer in ids:
        return _check("holder", PASSED, "ok", "presented by the person it was issued to")
    return _check(
        "holder",
        WARNING,
        "not_subject",
        "presented by someone other than the person it was issued to",
    )

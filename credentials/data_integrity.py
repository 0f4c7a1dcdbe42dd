"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite.

Implements the algorithms of W3C "Data Integrity EdDSA Cryptosuites v1.0", §3.3:
transformation (RDFC-1.0 canonical N-Quads), proof configuration, hashing (SHA-256 of the
canonical proof configuration followed by SHA-256 of the canonical document), serialization
(Ed25519 signature, multibase base58btc ``proofValue``) and verification — each step a public
function so tests can compare every intermediate value with the published vectors.

Signing raises for misuse (:class:`SigningError`, :class:`SafeModeError`). Verification never
raises: :func:`verify_proofs` returns one :class:`ProofResult` per proof with a stable ``code``
and a reason a person can read.

    >>> signed = add_proof(credential, key, key.did_key_verification_method,
    ...                    created="2026-07-01T09:00:00Z")  # doctest: +SKIP
    >>> [r.verified for r in verify_proofs(signed, resolver=StaticDidResolver())]  # doctest: +SKIP
    [True]
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .budget import BUDGET_CODE_PREFIX, DEFAULT_BUDGET, Budget, Meter, budget_code
from .canonicalization import JsonLdEngine, default_engine
from .contexts import DATA_INTEGRITY_V2, VC_V2
from .did import DidResolver, resolve_verification_method
from .errors import (
    BudgetExceededError,
    CanonicalizationError,
    DidResolutionError,
    MultibaseError,
    SigningError,
)
from .keys import Ed25519KeyPair, verify_ed25519
from .multibase import decode_base58btc, encode_base58btc
from .timestamps import format_datetime, parse_datetime_stamp

__all__ = [
    "CRYPTOSUITE",
    "PROOF_TYPE",
    "ProofResult",
    "add_proof",
    "canonical_document",
    "canonical_proof_configuration",
    "hash_data",
    "proof_configuration",
    "verify_proofs",
]

JsonObject = dict[str, Any]

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
_SIGNATURE_LENGTH = 64
_SUITE_CONTEXTS = (VC_V2, DATA_INTEGRITY_V2)


@dataclass(frozen=True, slots=True)
class ProofResult:
    """The outcome of checking one proof.

    ``code`` is stable for programs (``ok``, ``invalid_signature``, ``unknown_key``, …);
    ``detail`` is for people.
    """

    verified: bool
    code: str
    detail: str
    verification_method: str | None = None
    controller: str | None = None
    proof_purpose: str | None = None
    created: str | None = None


def _contexts(document: Mapping[str, Any]) -> list[Any]:
    ctx = document.get("@context")
    return list(ctx) if isinstance(ctx, list) else [ctx] if ctx is not None else []


def proof_configuration(
    document_context: Any,
    *,
    verification_method: str,
    proof_purpose: str = "assertionMethod",
    created: str | None = None,
    expires: str | None = None,
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    nonce: str | None = None,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
) -> JsonObject:
    """The proof configuration (§3.3.5): proof options plus the document's ``@context``."""
    if created is not None and parse_datetime_stamp(created) is None:
        raise SigningError(f"created {created!r} is not an XML Schema dateTimeStamp")
    if expires is not None and parse_datetime_stamp(expires) is None:
        raise SigningError(f"expires {expires!r} is not an XML Schema dateTimeStamp")
    config: JsonObject = {}
    if proof_id is not None:
        config["id"] = proof_id
    config["type"] = PROOF_TYPE
    config["cryptosuite"] = CRYPTOSUITE
    if created is not None:
        config["created"] = created
    if expires is not None:
        config["expires"] = expires
    config["verificationMethod"] = verification_method
    config["proofPurpose"] = proof_purpose
    for name, value in (
        ("challenge", challenge),
        ("domain", domain),
        ("nonce", nonce),
        ("previousProof", previous_proof),
    ):
        if value is not None:
            config[name] = value if isinstance(value, str) else list(value)
    config["@context"] = document_context
    return config


def canonical_document(
    document: Mapping[str, Any],
    engine: JsonLdEngine | None = None,
    *,
    meter: Meter | None = None,
) -> str:
    """Transformation (§3.3.2): RDFC-1.0 canonical N-Quads of the unsecured document.

    Charged to ``meter`` when given, else to a fresh default budget; raises
    :class:`~credentials.errors.BudgetExceededError` when it is spent."""
    return (engine or default_engine()).canonicalize(document, meter=meter)


def canonical_proof_configuration(
    config: Mapping[str, Any],
    engine: JsonLdEngine | None = None,
    *,
    meter: Meter | None = None,
) -> str:
    """RDFC-1.0 canonical N-Quads of a proof configuration (budget as for the document).

    Remembered per engine (see :meth:`JsonLdEngine.canonicalize_repeated`): the
    configuration is the same for every credential an organisation signs at one moment,
    and for every credential checked from one issuer's batch."""
    return (engine or default_engine()).canonicalize_repeated(config, meter=meter)


def hash_data(canonical_config: str, canonical_doc: str) -> bytes:
    """Hashing (§3.3.4): SHA-256(proof configuration) ‖ SHA-256(document), 64 bytes."""
    return (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_doc.encode("utf-8")).digest()
    )


def add_proof(
    document: Mapping[str, Any],
    key: Ed25519KeyPair,
    verification_method: str,
    *,
    created: str | datetime,
    proof_purpose: str = "assertionMethod",
    expires: str | datetime | None = None,
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    nonce: str | None = None,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    engine: JsonLdEngine | None = None,
    proof_list: bool = False,
    budget: Budget = DEFAULT_BUDGET,
) -> JsonObject:
    """Return a copy of ``document`` with an ``eddsa-rdfc-2022`` proof added.

    An existing ``proof`` is kept (a proof set); a new proof is added beside it. ``created`` is
    a parameter, not the clock, so signing is reproducible. ``proof_list`` makes ``proof`` an
    array even when it holds one proof (VC 2.0 allows both; the Open Badges 3.0 schema wants
    an array). Raises :class:`SigningError` or :class:`~credentials.errors.SafeModeError`
    when the document cannot be signed as given, and
    :class:`~credentials.errors.BudgetExceededError` when canonicalising it would cost more
    than ``budget`` allows (a hostile document given to an issuing API).
    """
    if not isinstance(document, Mapping):
        raise SigningError("the document to sign must be a JSON object")
    contexts = _contexts(document)
    if not any(c in contexts for c in _SUITE_CONTEXTS):
        raise SigningError(
            f"the document's @context must include {VC_V2} or {DATA_INTEGRITY_V2} "
            "so the proof's terms are defined"
        )
    existing = document.get("proof")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if previous_proof is not None:
        unsecured["proof"] = _previous_proofs(existing, previous_proof)
    config = proof_configuration(
        document.get("@context"),
        verification_method=verification_method,
        proof_purpose=proof_purpose,
        created=_stamp(created),
        expires=_stamp(expires) if expires is not None else None,
        challenge=challenge,
        domain=domain,
        nonce=nonce,
        proof_id=proof_id,
        previous_proof=previous_proof,
    )
    engine = engine or default_engine()
    meter = Meter(budget)
    try:
        canon_doc = canonical_document(unsecured, engine, meter=meter)
        canon_config = canonical_proof_configuration(config, engine, meter=meter)
    except BudgetExceededError:
        raise
    except CanonicalizationError as exc:
        # SafeModeError is a CanonicalizationError: keep its type, it names the term.
        raise type(exc)(f"cannot sign: {exc}") from None
    signature = key.sign(hash_data(canon_config, canon_doc))
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = encode_base58btc(signature)
    signed = dict(document)
    if existing is None:
        signed["proof"] = [proof] if proof_list else proof
    else:
        signed["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return signed


def _stamp(value: str | datetime | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return format_datetime(value)


def _previous_proofs(existing: Any, previous: Any) -> Any:
    """The proofs named by ``previousProof`` (an id or a list of ids) among ``existing``.

    Raises :class:`SigningError` for a ``previousProof`` of any other shape (a number, a
    boolean, an object, a list with non-strings) or one that names no existing proof."""
    if isinstance(previous, str):
        wanted = [previous]
    elif isinstance(previous, Sequence) and all(isinstance(p, str) for p in previous):
        wanted = list(previous)
    else:
        raise SigningError("previousProof must be a proof id or a list of proof ids")
    if not wanted:
        raise SigningError("previousProof names no proof")
    proofs = existing if isinstance(existing, list) else [existing] if existing else []
    found = [p for p in proofs if isinstance(p, dict) and p.get("id") in wanted]
    if len(found) != len(wanted):
        raise SigningError(f"previousProof {wanted} does not name existing proofs by id")
    return found[0] if len(found) == 1 else found


def verify_proofs(
    document: Any,
    *,
    resolver: DidResolver,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | None = None,
    engine: JsonLdEngine | None = None,
    budget: Budget = DEFAULT_BUDGET,
    meter: Meter | None = None,
) -> list[ProofResult]:
    """Check every proof of ``document``; never raises.

    All canonicalisation is charged to one meter (``meter``, else a fresh one for
    ``budget``); once it is spent, the remaining proofs fail with the code
    ``budget_exceeded:<limit>`` (see :mod:`credentials.budget`).

    A document with no proof gives one failed result (``missing_proof``). For each proof:
    type and cryptosuite, ``proofPurpose``, ``challenge``/``domain`` when expected, ``expires``
    against ``now``, the verification method resolved through ``resolver`` and authorised for
    the purpose, and the Ed25519 signature over the canonical hashes.
    """
    if not isinstance(document, Mapping):
        return [ProofResult(False, "malformed", "the document is not a JSON object")]
    raw = document.get("proof")
    if raw is None:
        return [ProofResult(False, "missing_proof", "the document carries no proof")]
    proofs = raw if isinstance(raw, list) else [raw]
    if not proofs:
        return [ProofResult(False, "missing_proof", "the document carries no proof")]
    meter = meter or Meter(budget)
    if len(proofs) > meter.budget.max_proofs:
        limit = meter.budget.max_proofs
        return [
            ProofResult(
                False,
                BUDGET_CODE_PREFIX + "max_proofs",
                f"the document carries {len(proofs)} proofs (limit max_proofs = {limit})",
            )
        ]
    engine = engine or default_engine()
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    canon_doc_cache: dict[str, str] = {}
    return [
        _verify_one(
            unsecured,
            proof,
            proofs,
            resolver=resolver,
            expected_purpose=expected_purpose,
            challenge=challenge,
            domain=domain,
            now=now,
            engine=engine,
            meter=meter,
            canon_doc_cache=canon_doc_cache,
        )
        for proof in proofs
    ]


def _verify_one(
    unsecured: JsonObject,
    proof: Any,
    all_proofs: list[Any],
    *,
    resolver: DidResolver,
    expected_purpose: str,
    challenge: str | None,
    domain: str | None,
    now: datetime | None,
    engine: JsonLdEngine,
    meter: Meter,
    canon_doc_cache: dict[str, str],
) -> ProofResult:
    if not isinstance(proof, Mapping):
        return ProofResult(False, "malformed_proof", "the proof is not a JSON object")
    vm = proof.get("verificationMethod")
    purpose = proof.get("proofPurpose")
    created = proof.get("created")
    info = {
        "verification_method": vm if isinstance(vm, str) else None,
        "proof_purpose": purpose if isinstance(purpose, str) else None,
        "created": created if isinstance(created, str) else None,
    }

    def fail(code: str, detail: str) -> ProofResult:
        return ProofResult(False, code, detail, **info)

    if proof.get("type") != PROOF_TYPE:
        return fail("unsupported_proof_type", f"proof type {proof.get('type')!r} is not supported")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return fail(
            "unsupported_cryptosuite",
            f"cryptosuite {proof.get('cryptosuite')!r} is not supported (expected {CRYPTOSUITE})",
        )
    if purpose != expected_purpose:
        return fail(
            "wrong_proof_purpose", f"proof purpose is {purpose!r}, expected {expected_purpose!r}"
        )
    if created is not None and parse_datetime_stamp(created) is None:
        return fail("malformed_proof", f"created {created!r} is not a valid dateTimeStamp")
    expires = proof.get("expires")
    if expires is not None:
        expires_at = parse_datetime_stamp(expires)
        if expires_at is None:
            return fail("malformed_proof", f"expires {expires!r} is not a valid dateTimeStamp")
        if now is not None and now > expires_at:
            return fail("proof_expired", f"the proof expired at {expires}")
    if challenge is not None and proof.get("challenge") != challenge:
        return fail("challenge_mismatch", "the proof was not made for this challenge")
    if domain is not None and not _domain_matches(proof.get("domain"), domain):
        return fail("domain_mismatch", "the proof was not made for this domain")
    proof_value = proof.get("proofValue")
    try:
        signature = decode_base58btc(proof_value if isinstance(proof_value, str) else "")
    except MultibaseError as exc:
        return fail("malformed_proof_value", f"proofValue: {exc}")
    if len(signature) != _SIGNATURE_LENGTH:
        return fail("malformed_proof_value", "proofValue is not a 64-byte Ed25519 signature")
    try:
        resolved = resolve_verification_method(str(vm), str(purpose), resolver)
    except DidResolutionError as exc:
        return fail("unknown_key", str(exc))
    info["verification_method"] = resolved.verification_method

    target = dict(unsecured)
    previous = proof.get("previousProof")
    if previous is not None:
        try:
            target["proof"] = _previous_proofs(all_proofs, previous)
        except SigningError as exc:
            return fail("malformed_proof", str(exc))
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    proof_ctx = options.get("@context")
    if proof_ctx is not None:
        doc_ctx = _contexts(target)
        wanted = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
        if doc_ctx[: len(wanted)] != wanted:
            return fail("context_mismatch", "the proof's @context does not match the document")
        target["@context"] = proof_ctx
    options["@context"] = target.get("@context")
    try:
        # Proofs of a set without previousProof or own @context all sign the same document.
        plain = previous is None and proof_ctx is None
        canon_doc = canon_doc_cache.get("plain") if plain else None
        if canon_doc is None:
            canon_doc = canonical_document(target, engine, meter=meter)
            if plain:
                canon_doc_cache["plain"] = canon_doc
        canon_config = canonical_proof_configuration(options, engine, meter=meter)
    except BudgetExceededError as exc:
        return fail(budget_code(exc), f"the signed data is too costly to check: {exc}")
    except CanonicalizationError as exc:
        return fail("invalid_document", f"the signed data is not valid JSON-LD: {exc}")
    if not verify_ed25519(resolved.public_key, signature, hash_data(canon_config, canon_doc)):
        return fail(
            "invalid_signature",
            "the signature does not match: the document was changed after signing, "
            "or it was signed with another key",
        )
    return ProofResult(
        True,
        "ok",
        "the signature is valid",
        verification_method=resolved.verification_method,
        controller=resolved.controller,
        proof_purpose=str(purpose),
        created=info["created"],
    )


def _domain_matches(actual: Any, expected: str) -> bool:
    if isinstance(actual, str):
        return actual == expected
    if isinstance(actual, list):
        return expected in actual
    return False

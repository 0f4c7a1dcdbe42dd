"""Check what an employer receives — a credential, a presentation, a vc+jwt, an SD-JWT VC
(``dc+sd-jwt``) — and say in one report whether each credential is genuine, recognised,
current, and what it proves.

An SD-JWT VC (:func:`check_sd_jwt_presentation`) gives the same :class:`Report` as the
``ldp_vc`` path: its flat claims are read back into the Open Badges shape
(:mod:`qualifications.sd_jwt_vc_reading`) so verdict pages, summaries and stacking work
unchanged, and :attr:`CredentialReport.disclosure` says which claims the holder disclosed
(labels from the type metadata) and how many were withheld.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from credentials.budget import BUDGET_CODE_PREFIX, budget_failure
from credentials.did import DidResolver, resolve_verification_method
from credentials.errors import CredentialsError, DidResolutionError, JwtFormatError, StatusListError
from credentials.jose import decode_vc_jwt
from credentials.jwk import JwsPublicKey
from credentials.jws import JsonObject, parse_compact
from credentials.related_resources import ResourceFetcher
from credentials.results import (
    CheckName,
    CheckResult,
    Judgement,
    Outcome,
    PresentationResult,
    Verdict,
    VerificationResult,
    judge,
)
from credentials.sd_jwt import SdJwtError, parse_sd_jwt
from credentials.sd_jwt_vc import NEVER_DISCLOSABLE, verify_sd_jwt_vc
from credentials.sd_jwt_verifier import KeyBindingPolicy, KeyResolutionError
from credentials.token_status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    StatusReference,
    status_reference,
    verify_status_list_token,
)
from credentials.trust_decision import TrustQuery
from credentials.type_metadata import TypeMetadataError, merge_claims, resolve_type_metadata
from credentials.verification import (
    EnvelopeContext,
    StatusFetcher,
    verify_credential,
    verify_presentation,
)
from credentials.x509_trust import (
    ChainVerification,
    issuer_auth_of,
    leaf_names_issuer,
    verify_x5c,
)
from qualifications import Evidence
from qualifications.achievements import (
    KINDS,
    CredentialKind,
    credential_schema,
    evidence_from_credential,
    kind_of_credential,
)
from qualifications.sd_jwt_vc_claims import vct_of
from qualifications.sd_jwt_vc_reading import credential_from_claims, kind_from_claims

from . import sd_jwt_fetching
from .sd_jwt_fetching import SdJwtSupport
from .trust import TrustEntry, trust_decider, x509_anchors, x509_match, x509_pinned

__all__ = [
    "SD_JWT_MEDIA_TYPE",
    "CredentialReport",
    "DisclosedClaim",
    "Disclosure",
    "InputError",
    "Report",
    "TokenStatusFetcher",
    "TypeMetadataFetcher",
    "check_document",
    "check_sd_jwt_presentation",
    "is_sd_jwt",
    "parse_upload",
]

SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"
MAX_SD_JWT_CHARS = 512 * 1024
"""Largest SD-JWT VC (presentation) accepted: the engine's ``Budgets.max_bytes``."""

TokenStatusFetcher = Callable[[str], str]
"""``uri -> statuslist+jwt`` (the compact token as served); raises
:class:`~credentials.errors.CredentialsError` (e.g. ``FetchError``) when it cannot."""
TypeMetadataFetcher = Callable[[str], bytes]
"""``vct or extends URL -> the exact bytes of its Type Metadata``; raises
:class:`~credentials.errors.CredentialsError` when it cannot."""


class InputError(ValueError):
    """What was pasted or uploaded is not a credential or presentation we can read.

    ``code`` says which way (``empty``, ``not_text``, ``not_json``, ``too_deep``,
    ``bad_jwt``, ``unknown_format``), so a page can explain it in the reader's language."""

    def __init__(self, message: str, code: str = "unknown_format") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class DisclosedClaim:
    """One claim the holder disclosed, with its labels from the type metadata."""

    name: str
    value: Any
    label_nl: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_nl


@dataclass(frozen=True, slots=True)
class Disclosure:
    """What an SD-JWT VC showed: the disclosed claims and how many were withheld (digests
    in the credential no Disclosure answered; an issuer's decoy digests count too, ours adds
    none)."""

    vct: str
    claims: tuple[DisclosedClaim, ...]
    withheld: int
    type_name_nl: str | None = None
    type_name_en: str | None = None
    status_uri: str | None = None
    """The Token Status List the credential refers to, if any."""


@dataclass(frozen=True, slots=True)
class CredentialReport:
    """One credential: the engine's checks (the trust list's ``trust`` check among them,
    :func:`~verifier.services.trust.trust_decider`), and what it proves."""

    result: VerificationResult
    kind: CredentialKind | None
    title: str | None
    issuer_name: str | None
    evidence: tuple[Evidence, ...] = ()
    format: str = "ldp_vc"
    """``ldp_vc`` (also a vc+jwt) or ``dc+sd-jwt``."""
    disclosure: Disclosure | None = None
    """For an SD-JWT VC: what was disclosed and withheld."""
    trust_entry: TrustEntry | None = None
    """The trust list entry that named the issuer, when it is an X.509 entry (a DID entry
    is looked up by ``result.issuer``)."""

    @property
    def judgement(self) -> Judgement:
        return self.result.judgement

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict


@dataclass(frozen=True, slots=True)
class Report:
    """Everything about one submission. ``presentation`` is None for a lone credential."""

    credentials: tuple[CredentialReport, ...]
    presentation: PresentationResult | None = None
    own_checks: tuple[CheckResult, ...] = field(default=())

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        """Every check: the submission's own, then each credential's (trust included)."""
        own = self.presentation.checks if self.presentation else self.own_checks
        return (*own, *(ch for c in self.credentials for ch in c.result.checks))

    @property
    def judgement(self) -> Judgement:
        """The one verdict over every check (:func:`credentials.results.judge`); nothing
        at all to judge is invalid."""
        if not self.credentials and self.presentation is None:
            return Judgement(Verdict.INVALID)
        return judge(self.checks)

    @property
    def verdict(self) -> Verdict:
        return self.judgement.verdict

    @property
    def budget_failure(self) -> CheckResult | None:
        """The check that refused the submission for costing more work than its budget
        allows (``credentials.budget``), if any: edges answer it with a 4xx, not a verdict."""
        return budget_failure(self.checks)

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Evidence from credentials that are genuine (valid or valid-with-warnings)."""
        return tuple(e for c in self.credentials if c.verdict is not Verdict.INVALID
                     for e in c.evidence)  # fmt: skip


def is_sd_jwt(text: str) -> bool:
    """Does ``text`` look like a compact SD-JWT (``<jwt>~<disclosure>~…~[<kb-jwt>]``)?"""
    head, sep, _rest = text.partition("~")
    return bool(sep) and head.count(".") == 2 and not any(c.isspace() for c in text)


def parse_upload(data: bytes | str) -> Any:
    """Pasted text or an uploaded file: JSON (credential or presentation), a compact JWT or
    a compact SD-JWT VC (kept as the string)."""
    try:
        text = data.decode("utf-8-sig", errors="strict") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise InputError("this is not text (UTF-8)", "not_text") from None
    text = text.strip()
    if not text:
        raise InputError("nothing was given", "empty")
    if text.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"this is not valid JSON ({exc.msg}, line {exc.lineno})", "not_json"
            ) from None
        except RecursionError:
            raise InputError("this JSON is nested too deeply", "too_deep") from None
    if is_sd_jwt(text):
        if len(text) > MAX_SD_JWT_CHARS:
            raise InputError("this SD-JWT VC is too large", "too_large")
        try:
            parse_sd_jwt(text)
            parse_compact(text.split("~", 1)[0])
        except (SdJwtError, JwtFormatError) as exc:
            raise InputError(f"this is not a valid SD-JWT VC: {exc}", "bad_sd_jwt") from None
        return text
    if text.count(".") == 2 and " " not in text:
        try:
            decode_vc_jwt(text)
        except JwtFormatError as exc:
            raise InputError(f"this is not a valid vc+jwt: {exc}", "bad_jwt") from None
        return text
    raise InputError("this is neither a JSON credential nor a vc+jwt", "unknown_format")


def _types(document: Any) -> list[Any]:
    if not isinstance(document, Mapping):
        return []
    t = document.get("type")
    return t if isinstance(t, list) else [t]


def _describe(result: VerificationResult, trusted: Mapping[str, TrustEntry]) -> CredentialReport:
    """What a verified credential (its ``trust`` check made by the engine) proves."""
    credential = result.credential or {}
    kind = kind_of_credential(credential) if credential else None
    subject = credential.get("credentialSubject") if credential else None
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    title = achievement.get("name") if isinstance(achievement, Mapping) else credential.get("name")
    issuer = credential.get("issuer")
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    entry = trusted.get(result.issuer or "")
    evidence, _ = evidence_from_credential(credential) if kind else ((), ())
    return CredentialReport(
        result,
        kind,
        title if isinstance(title, str) else (KINDS[kind].title_nl if kind else None),
        entry.name if entry else issuer_name if isinstance(issuer_name, str) else None,
        evidence,
    )


def check_document(
    document: Any,
    *,
    resolver: DidResolver,
    fetch_status_list: StatusFetcher | None,
    trusted: Mapping[str, TrustEntry],
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    fetch_resource: ResourceFetcher | None = None,
    sd_jwt: SdJwtSupport | None = None,
) -> Report:
    """Verify a credential (JSON-LD, vc+jwt or SD-JWT VC) or a presentation and describe the
    result. An SD-JWT VC (the compact string) is checked with ``challenge`` as the KB-JWT
    ``nonce`` and ``domain`` as its ``aud``: with either given a KB-JWT is required (a
    share link's origin is the ``domain``, and a wallet-chosen nonce is not checked then);
    with neither, a KB-JWT that is present must still be signed by the holder key and
    match the presentation (``sd_hash``)."""
    if isinstance(document, str) and is_sd_jwt(document):
        return check_sd_jwt_presentation(
            document,
            nonce=challenge,
            audience=domain,
            trusted=trusted,
            now=now,
            fetch_status_list=sd_jwt.fetch_status_list if sd_jwt else None,
            require_key_binding=domain is not None or challenge is not None,
            anchors=sd_jwt.anchors if sd_jwt else (),
            resolver=resolver,
            fetch_type_metadata=sd_jwt.fetch_type_metadata if sd_jwt else None,
        )
    if "VerifiablePresentation" in _types(document):
        enveloped: dict[int, CredentialReport] = {}

        def verify_sd_jwt(text: str, context: EnvelopeContext) -> VerificationResult:
            report = _enveloped_sd_jwt(text, context, trusted=trusted, now=now,
                                       resolver=resolver, sd_jwt=sd_jwt)  # fmt: skip
            enveloped[id(report.result)] = report
            return report.result

        presentation = verify_presentation(
            document,
            resolver=resolver,
            now=now,
            challenge=challenge,
            domain=domain,
            fetch_status_list=fetch_status_list,
            schema_lookup=credential_schema,
            fetch_resource=fetch_resource,
            verify_sd_jwt=verify_sd_jwt,
            trust=trust_decider(trusted),
        )
        reports = tuple(enveloped.get(id(r)) or _describe(r, trusted)
                        for r in presentation.credentials)  # fmt: skip
        return Report(reports, presentation)
    result = verify_credential(
        document,
        resolver=resolver,
        now=now,
        fetch_status_list=fetch_status_list,
        schema_lookup=credential_schema,
        fetch_resource=fetch_resource,
        trust=trust_decider(trusted),
    )
    return Report((_describe(result, trusted),))


def _enveloped_sd_jwt(
    text: str,
    context: EnvelopeContext,
    *,
    trusted: Mapping[str, TrustEntry],
    now: datetime,
    resolver: DidResolver,
    sd_jwt: SdJwtSupport | None,
) -> CredentialReport:
    """An SD-JWT VC inside a presentation (a wallet's share link, or an answer to a
    request), described like any credential.

    Its KB-JWT must name the presentation's ``nonce`` and ``audience`` (the verifier's, or
    those its proof names: a share link's challenge and the wallet's origin) and be signed by
    the key in ``cnf``; ``iat`` is held to 300 s only when the verifier gave its own
    challenge (a share link's KB-JWT is as old as the link; ``iat`` must not lie in the
    future). Without a KB-JWT: failed in an answer to a request; in a share link a warning
    (``kb_missing``, like an ``ldp_vc`` not presented by its subject: the wallet shares a
    credential bound to a key it does not hold that way).

    The ``holder`` check says whether the presentation's signer is the credential's holder
    where that can be told: ``cnf`` naming a key of the signer's DID (``kid``). Our wallet's
    holder keys are separate (Ed25519 for presentations, P-256 for SD-JWT VC), so usually it
    cannot be told: then ``holder`` is skipped (``holder_key_separate``) and the KB-JWT is
    what binds the credential to the one who shared it."""
    has_kb = not text.endswith("~")
    share = not context.interactive
    expect_kb = has_kb or not share
    report = check_sd_jwt_presentation(
        text,
        nonce=context.nonce if expect_kb else None,
        audience=context.audience if expect_kb else None,
        trusted=trusted,
        now=now,
        fetch_status_list=sd_jwt.fetch_status_list if sd_jwt else None,
        require_key_binding=expect_kb,
        anchors=sd_jwt.anchors if sd_jwt else (),
        resolver=resolver,
        fetch_type_metadata=sd_jwt.fetch_type_metadata if sd_jwt else None,
        kb_max_age=None if share else 300,
    ).credentials[0]
    checks: list[CheckResult] = []
    for check in report.result.checks:
        if check.name == "holder_binding" and not expect_kb:
            detail = "no Key Binding JWT: not shown to be shared by its holder"
            check = _sd_check("holder_binding", Outcome.WARNING, "kb_missing", detail)
        checks.append(check)
    binding = next((c for c in checks if c.name == "holder_binding"), None)
    if binding is not None and binding.outcome is Outcome.PASSED:
        checks.append(_signer_check(report.result.credential, text, context.signer))
    result = VerificationResult(tuple(checks), report.result.credential, report.result.issuer)
    return dataclasses.replace(report, result=result)


def _signer_check(view: Mapping[str, Any] | None, text: str, signer: str | None) -> CheckResult:
    if signer is None:
        return _sd_check("holder", Outcome.SKIPPED, "no_holder",
                         "the presentation's signer is not known")  # fmt: skip
    try:
        cnf = parse_compact(text.split("~", 1)[0]).payload.get("cnf")
    except JwtFormatError:  # pragma: no cover - verified before
        cnf = None
    kid = cnf.get("kid") if isinstance(cnf, Mapping) else None
    if isinstance(kid, str) and kid.split("#", 1)[0] == signer:
        return _sd_check("holder", Outcome.PASSED, "ok",
                         "presented by the holder its key binding names")  # fmt: skip
    return _sd_check(
        "holder",
        Outcome.SKIPPED,
        "holder_key_separate",
        "bound to its own holder key (the KB-JWT proves it); whether the presentation's "
        "signer holds that key cannot be told",
    )


# --- SD-JWT VC ------------------------------------------------------------------------------

_REGISTERED = NEVER_DISCLOSABLE | {"iat", "sub", "_sd_alg", "_sd"}
_BUDGET_LIMITS = {
    "too_large": "max_bytes",
    "too_deep": "max_depth",
    "too_many_disclosures": "max_array_items",
}
_SHA256 = hashes.SHA256()


def _sd_check(name: str, outcome: Outcome, code: str, detail: str) -> CheckResult:
    return CheckResult(CheckName(name), outcome, code, detail)


def _first_certificate(x5c: object) -> x509.Certificate | None:
    if not isinstance(x5c, list) or not x5c or not isinstance(x5c[0], str):
        return None
    try:
        return x509.load_der_x509_certificate(base64.b64decode(x5c[0], validate=True))
    except ValueError:
        return None


def _verify_chain(
    x5c: object, anchors: Sequence[x509.Certificate], pinned: frozenset[str], now: datetime
) -> ChainVerification:
    """``verify_x5c`` against the anchors, plus the signing certificate itself when the
    trust list names it by fingerprint (a pinned certificate)."""
    extra: list[x509.Certificate] = []
    if pinned:
        leaf = _first_certificate(x5c)
        if leaf is not None and leaf.fingerprint(_SHA256).hex() in pinned:
            extra.append(leaf)
    return verify_x5c(x5c, [*anchors, *extra], now=now)


def _did_key(kid: object, iss: object, resolver: DidResolver | None) -> JwsPublicKey:
    if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
        raise KeyResolutionError("key_missing", "neither an x5c chain nor a DID URL kid")
    if kid.split("#", 1)[0] != iss:
        raise KeyResolutionError("iss_mismatch", "kid is not a key of the iss DID")
    if resolver is None:
        raise KeyResolutionError("did_resolution", "DIDs are not resolved here")
    try:
        return resolve_verification_method(kid, "assertionMethod", resolver).public_key
    except DidResolutionError as exc:
        raise KeyResolutionError("did_resolution", str(exc)) from None


def _count_digests(node: object) -> int:
    """Digests in a signed SD-JWT payload: ``_sd`` entries and ``{"...": digest}`` items."""
    count, stack = 0, [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            sd = item.get("_sd")
            count += len(sd) if isinstance(sd, list) else 0
            if len(item) == 1 and "..." in item:
                count += 1
            stack.extend(v for k, v in item.items() if k != "_sd")
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _labels(metadata_claims: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    labels: dict[str, tuple[str, str]] = {}
    for claim in metadata_claims:
        path = claim.get("path")
        if not isinstance(path, list) or len(path) != 1 or not isinstance(path[0], str):
            continue
        by_locale = {
            str(d.get("locale", "")).split("-")[0].lower(): d.get("label")
            for d in claim.get("display") or []
            if isinstance(d, Mapping) and isinstance(d.get("label"), str)
        }
        nl = by_locale.get("nl") or by_locale.get("en") or path[0]
        labels[path[0]] = (str(nl), str(by_locale.get("en") or nl))
    return labels


def _type_names(documents: Sequence[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    for document in documents:
        names = {
            str(d.get("locale", "")).split("-")[0].lower(): d.get("name")
            for d in document.get("display") or []
            if isinstance(d, Mapping) and isinstance(d.get("name"), str)
        }
        if names:
            nl = names.get("nl") or names.get("en")
            return nl, names.get("en") or nl
    return None, None


_TypeMetadataOutcome = tuple[CheckResult, dict[str, tuple[str, str]], tuple[str | None, str | None]]
_OWN_TYPES_CHECKED: dict[tuple[str, str | None], _TypeMetadataOutcome] = {}
"""Results for our own types (their documents ship with the code, so they never change
while the process runs), by ``(vct, vct#integrity)``."""


def _type_metadata_labels(
    vct: str, integrity: object, fetch: TypeMetadataFetcher | None, known_kind: bool
) -> _TypeMetadataOutcome:
    """The ``type_metadata`` check, the claim labels and the type's names."""
    key = (vct, integrity if isinstance(integrity, str) else None)
    own = isinstance(fetch, sd_jwt_fetching.TypeMetadataFetcher) and fetch.local(vct) is not None
    if own and key in _OWN_TYPES_CHECKED:
        return _OWN_TYPES_CHECKED[key]
    check, claims, names = _type_metadata(vct, integrity, fetch, known_kind)
    outcome = (check, _labels(claims), names)
    if own:
        if len(_OWN_TYPES_CHECKED) > 64:
            _OWN_TYPES_CHECKED.clear()
        _OWN_TYPES_CHECKED[key] = outcome
    return outcome


def _type_metadata(
    vct: str, integrity: object, fetch: TypeMetadataFetcher | None, known_kind: bool
) -> tuple[CheckResult, Sequence[Mapping[str, Any]], tuple[str | None, str | None]]:
    """The ``type_metadata`` check, the effective claim metadata and the type's names."""
    if fetch is None:
        check = _sd_check("type_metadata", Outcome.SKIPPED, "type_metadata_not_checked",
                          "the type metadata was not fetched")  # fmt: skip
        return check, [], (None, None)
    try:
        chain = resolve_type_metadata(
            vct, fetch, integrity=integrity if isinstance(integrity, str) else None
        )
    except TypeMetadataError as exc:
        if exc.code == "integrity":
            outcome, code = Outcome.FAILED, "type_metadata_integrity"
        elif exc.code == "fetch":
            outcome = Outcome.WARNING
            code = "type_metadata_unavailable" if known_kind else "unknown_vct"
        else:
            outcome, code = Outcome.FAILED, "type_metadata_invalid"
        return _sd_check("type_metadata", outcome, code, exc.reason), [], (None, None)
    claims: list[dict[str, Any]] = []
    for metadata in reversed(chain):
        claims = merge_claims(claims, metadata.claims)
    detail = "type metadata found" + (" and intact" if isinstance(integrity, str) else "")
    names = _type_names([m.document for m in chain])
    return _sd_check("type_metadata", Outcome.PASSED, "type_metadata", detail), claims, names


def _status_key(
    header: JsonObject,
    iss: str | None,
    anchors: Sequence[x509.Certificate],
    resolver: DidResolver | None,
    now: datetime,
) -> JwsPublicKey | None:
    """The key the Status List Token must be signed with: an ``x5c`` chain to our anchors
    whose signing certificate names the credential's issuer, or a key of the issuer DID."""
    if "x5c" in header:
        chain = verify_x5c(header["x5c"], anchors, now=now)
        if not chain.ok or chain.leaf is None:
            return None
        if (
            iss is not None
            and iss.startswith("https://")
            and not leaf_names_issuer(chain.leaf, iss)
        ):
            return None
        return chain.public_key
    try:
        return _did_key(header.get("kid"), iss, resolver)
    except KeyResolutionError:
        return None


def _token_status(
    claims: Mapping[str, Any],
    iss: str | None,
    fetch: TokenStatusFetcher | None,
    anchors: Sequence[x509.Certificate],
    resolver: DidResolver | None,
    now: datetime,
) -> CheckResult:
    """The ``status`` check through the IETF Token Status List the credential refers to."""
    try:
        reference: StatusReference | None = status_reference(claims)
    except StatusListError as exc:
        return _sd_check("status", Outcome.FAILED, "status_malformed", str(exc))
    if reference is None:
        return _sd_check("status", Outcome.SKIPPED, "no_status", "the credential has no status")
    if fetch is None:
        return _sd_check("status", Outcome.WARNING, "status_not_checked",
                         "the revocation status was not checked")  # fmt: skip
    try:
        token = fetch(reference.uri)
    except CredentialsError as exc:
        return _sd_check("status", Outcome.WARNING, "status_unavailable", str(exc))
    try:
        header = parse_compact(token).header
    except JwtFormatError as exc:
        return _sd_check("status", Outcome.WARNING, "status_list_invalid", str(exc))
    key = _status_key(header, iss, anchors, resolver, now)
    if key is None:
        return _sd_check("status", Outcome.WARNING, "status_list_untrusted",
                         "the status list is not signed by the credential's issuer")  # fmt: skip
    checked = verify_status_list_token(token, key, uri=reference.uri, now=int(now.timestamp()))
    if not checked.ok or checked.status_list is None:
        code = "status_list_untrusted" if checked.code == "signature" else "status_list_invalid"
        return _sd_check("status", Outcome.WARNING, code, checked.reason)
    try:
        value = checked.status_list[reference.index]
    except (IndexError, StatusListError):
        return _sd_check("status", Outcome.WARNING, "status_list_invalid",
                         "the status index lies outside the list")  # fmt: skip
    if value == VALID:
        return _sd_check("status", Outcome.PASSED, "ok", "not revoked or suspended")
    if value == INVALID:
        return _sd_check("status", Outcome.FAILED, "revoked", "the issuer has revoked it")
    if value == SUSPENDED:
        return _sd_check("status", Outcome.FAILED, "suspension", "the issuer has suspended it")
    return _sd_check("status", Outcome.WARNING, "status_message", f"status value {value:#04x}")


def _kb_claims(text: str) -> JsonObject:
    try:
        return parse_compact(text.rsplit("~", 1)[-1]).payload
    except JwtFormatError:
        return {}


def _issuer_auth_name(chain: ChainVerification | None) -> str | None:
    if chain is None or chain.leaf is None:
        return None
    organization = issuer_auth_of(chain.leaf) or {}
    names = organization.get("displayName")
    if isinstance(names, Mapping):
        name = names.get("nl") or names.get("en")
        return name if isinstance(name, str) else None
    return None


def _adjusted(
    check: CheckResult,
    text: str,
    policy: KeyBindingPolicy | None,
    expected: tuple[str | None, str | None],
    require_key_binding: bool,
) -> CheckResult:
    """The engine's check as this verifier reports it: budget codes, a KB-JWT required,
    the ``nonce`` or ``aud`` of a KB-JWT checked when only one of them is expected (a share
    link names its origin, not a nonce)."""
    holder = check.name == "holder_binding"
    if check.outcome is Outcome.FAILED and check.code in _BUDGET_LIMITS:
        code = BUDGET_CODE_PREFIX + _BUDGET_LIMITS[check.code]
        return _sd_check("format", Outcome.FAILED, code, check.detail)
    if holder and check.outcome is Outcome.SKIPPED and require_key_binding:
        return _sd_check("holder_binding", Outcome.FAILED, "kb_missing",
                         "the presentation has no Key Binding JWT")  # fmt: skip
    if holder and check.outcome is Outcome.PASSED and expected == (None, None):
        return _sd_check("holder_binding", Outcome.SKIPPED, "kb_not_for_this_check",
                         "a KB-JWT is present, not made for this check")  # fmt: skip
    if holder and check.outcome is Outcome.PASSED and policy is None:
        nonce, audience = expected
        kb = _kb_claims(text)
        if nonce is not None and kb.get("nonce") != nonce:
            return _sd_check("holder_binding", Outcome.FAILED, "kb_nonce",
                             "the KB-JWT nonce is not the one the verifier sent")  # fmt: skip
        if audience is not None and kb.get("aud") != audience:
            return _sd_check("holder_binding", Outcome.FAILED, "kb_audience",
                             "the KB-JWT aud is not this verifier")  # fmt: skip
    return check


def _kind_of_claims(claims: Mapping[str, Any]) -> tuple[str | None, CredentialKind | None]:
    """(``vct``, our kind): a kind only under our own ``vct``."""
    vct = claims.get("vct") if isinstance(claims.get("vct"), str) else None
    kind = kind_from_claims(claims, vct) if vct else None
    return vct, kind if kind is not None and vct == vct_of(kind) else None


def check_sd_jwt_presentation(
    text: str,
    *,
    nonce: str | None,
    audience: str | None,
    trusted: Mapping[str, TrustEntry],
    now: datetime,
    fetch_status_list: TokenStatusFetcher | None,
    require_key_binding: bool,
    anchors: Sequence[x509.Certificate] = (),
    resolver: DidResolver | None = None,
    fetch_type_metadata: TypeMetadataFetcher | None = None,
    kb_max_age: int | None = 300,
) -> Report:
    """Verify one SD-JWT VC (with or without its KB-JWT) and describe it like any credential.

    Checks: ``format``; ``proof`` (issuer signature by an ``x5c`` chain to ``anchors`` or a
    CA on the trust list, or a certificate the trust list pins by fingerprint, the leaf
    naming ``iss``; or a ``kid`` key of the ``iss`` DID; and every Disclosure against the
    ``_sd`` digests); ``holder_binding`` (the KB-JWT: with ``nonce`` and ``audience`` both
    checked, ``iat`` within ``kb_max_age`` (None: any age, not in the future) and
    ``sd_hash``; required when ``require_key_binding``); ``trust`` (the trust list, by
    X.509 or DID, per kind);
    ``type_metadata`` (``vct`` resolved with ``fetch_type_metadata``, ``vct#integrity``);
    ``validity`` (``iat``/``nbf``/``exp``); ``status`` (Token Status List through
    ``fetch_status_list``, its signature checked against the issuer's certificate or DID).
    """
    moment = int(now.timestamp())
    all_anchors = [*anchors, *x509_anchors(trusted)]
    pinned = x509_pinned(trusted)
    seen: dict[str, ChainVerification] = {}

    def resolve_key(header: JsonObject, payload: JsonObject) -> JwsPublicKey:
        iss = payload.get("iss")
        if "x5c" in header:
            chain = _verify_chain(header["x5c"], all_anchors, pinned, now)
            seen["chain"] = chain
            if not chain.ok or chain.public_key is None or chain.leaf is None:
                raise KeyResolutionError(f"x509_{chain.code}", chain.reason)
            https = isinstance(iss, str) and iss.startswith("https://")
            if https and not leaf_names_issuer(chain.leaf, str(iss)):
                raise KeyResolutionError("iss_mismatch", "the certificate does not name iss")
            return chain.public_key
        return _did_key(header.get("kid"), iss, resolver)

    policy = None
    if nonce is not None and audience is not None:
        max_age = moment if kb_max_age is None else kb_max_age
        policy = KeyBindingPolicy(audience=audience, nonce=nonce, now=moment, max_age=max_age)
    if len(text) > MAX_SD_JWT_CHARS:
        check = _sd_check("format", Outcome.FAILED, BUDGET_CODE_PREFIX + "max_bytes",
                          f"larger than {MAX_SD_JWT_CHARS} characters")  # fmt: skip
        return Report((CredentialReport(VerificationResult((check,)), None, None, None,
                                        format="dc+sd-jwt"),))  # fmt: skip
    decide_by_list = trust_decider(trusted)

    def decide(query: TrustQuery) -> CheckResult:
        # the trust list knows our kinds by their VC type, and X.509 issuers by their chain
        _vct, kind = _kind_of_claims(query.credential or {})
        chain = seen.get("chain")
        types = (KINDS[kind].vc_type,) if kind else query.types
        signed_by = chain.chain if chain is not None and chain.ok else ()
        return decide_by_list(dataclasses.replace(query, types=types, chain=signed_by))

    result = verify_sd_jwt_vc(text, resolve_key, now=moment, key_binding=policy, trust=decide)
    checks: list[CheckResult] = []
    for check in result.checks:
        if check.name != "status":
            checks.append(_adjusted(check, text, policy, (nonce, audience), require_key_binding))
    claims = result.credential or {}
    iss = result.issuer
    chain = seen.get("chain")
    proof = next((c for c in checks if c.name == "proof"), None)
    signed = proof is not None and proof.outcome is Outcome.PASSED
    vct, kind = _kind_of_claims(claims)
    entry: TrustEntry | None = None
    if signed:
        entry = (x509_match(chain.chain, trusted) if chain is not None and chain.ok
                 else trusted.get(iss or ""))  # fmt: skip
    disclosure: Disclosure | None = None
    view: dict[str, Any] | None = None
    evidence: tuple[Evidence, ...] = ()
    if claims and vct is not None and any(c.name == "format" and c.outcome is Outcome.PASSED
                                          for c in checks):  # fmt: skip
        type_check, labels, names = _type_metadata_labels(
            vct, claims.get("vct#integrity"), fetch_type_metadata, kind is not None
        )
        checks.append(type_check)
        checks.append(_token_status(claims, iss, fetch_status_list, all_anchors, resolver, now))
        order = {name: i for i, name in enumerate(labels)}
        shown = tuple(
            DisclosedClaim(name, value, *labels.get(name, (name, name)))
            for name, value in sorted(claims.items(), key=lambda c: order.get(c[0], len(order)))
            if name not in _REGISTERED
        )
        issuer_jwt = text.split("~", 1)[0]
        try:
            payload = parse_compact(issuer_jwt).payload
            disclosures = len(parse_sd_jwt(text).disclosures)
        except (JwtFormatError, SdJwtError):  # pragma: no cover - verified above
            payload, disclosures = {}, 0
        withheld = max(0, _count_digests(payload) - disclosures)
        try:
            reference = status_reference(claims)
        except StatusListError:
            reference = None
        status_uri = reference.uri if reference else None
        disclosure = Disclosure(vct, shown, withheld, *names, status_uri=status_uri)
        credential_id = "urn:sd-jwt:" + hashlib.sha256(issuer_jwt.encode()).hexdigest()[:32]
        view = credential_from_claims(claims, credential_id=credential_id, issuer_id=iss, vct=vct)
        if kind is not None:
            evidence, _ = evidence_from_credential(view)
    verification = VerificationResult(tuple(checks), view, iss)
    title = claims.get("achievement_name") or claims.get("credential_name")
    if not isinstance(title, str):
        title = KINDS[kind].title_nl if kind else (disclosure.type_name_nl if disclosure else None)
    issuer_name = claims.get("issuer_name")
    report = CredentialReport(
        verification,
        kind,
        title,
        entry.name if entry else _issuer_auth_name(chain) or (
            issuer_name if isinstance(issuer_name, str) else None),
        evidence,
        format="dc+sd-jwt",
        disclosure=disclosure,
        trust_entry=entry if entry is not None and entry.x509_kind else None,
    )  # fmt: skip
    return Report((report,))

"""Check what an employer receives — a credential, a presentation, a vc+jwt — and say in
one report whether each credential is genuine, recognised, current, and what it proves."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credentials.did import DidResolver
from credentials.errors import JwtFormatError
from credentials.jose import decode_vc_jwt
from credentials.related_resources import ResourceFetcher
from credentials.results import (
    CheckResult,
    Outcome,
    PresentationResult,
    Verdict,
    VerificationResult,
)
from credentials.verification import StatusFetcher, verify_credential, verify_presentation
from qualifications import Evidence
from qualifications.achievements import (
    KINDS,
    CredentialKind,
    credential_schema,
    evidence_from_credential,
    kind_of_credential,
)

from .trust import TrustEntry, trust_check

__all__ = ["CredentialReport", "InputError", "Report", "check_document", "parse_upload"]


class InputError(ValueError):
    """What was pasted or uploaded is not a credential or presentation we can read.

    ``code`` says which way (``empty``, ``not_text``, ``not_json``, ``too_deep``,
    ``bad_jwt``, ``unknown_format``), so a page can explain it in the reader's language."""

    def __init__(self, message: str, code: str = "unknown_format") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class CredentialReport:
    """One credential: the engine's checks plus the trust check, and what it proves."""

    result: VerificationResult
    kind: CredentialKind | None
    title: str | None
    issuer_name: str | None
    evidence: tuple[Evidence, ...] = ()

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
    def verdict(self) -> Verdict:
        verdicts = [c.verdict for c in self.credentials]
        own_checks = self.presentation.checks if self.presentation else self.own_checks
        if own_checks:
            own = [c.outcome for c in own_checks]
            if Outcome.FAILED in own:
                verdicts.append(Verdict.INVALID)
            elif Outcome.WARNING in own:
                verdicts.append(Verdict.WARNING)
        if not self.credentials and self.presentation is None:
            return Verdict.INVALID
        if Verdict.INVALID in verdicts:
            return Verdict.INVALID
        return Verdict.WARNING if Verdict.WARNING in verdicts else Verdict.VALID

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Evidence from credentials that are genuine (valid or valid-with-warnings)."""
        return tuple(e for c in self.credentials if c.verdict is not Verdict.INVALID
                     for e in c.evidence)  # fmt: skip


def parse_upload(data: bytes | str) -> Any:
    """Pasted text or an uploaded file: JSON (credential or presentation) or a compact JWT."""
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
    credential = result.credential or {}
    checks = list(result.checks)
    proof = result.check("proof")
    if proof is not None:
        if proof.outcome is Outcome.PASSED:
            checks.append(trust_check(result.issuer, _types(credential), trusted))
        else:
            checks.append(CheckResult("trust", Outcome.SKIPPED, "proof_failed",
                                      "not checked: the signature is invalid"))  # fmt: skip
    with_trust = VerificationResult(tuple(checks), result.credential, result.issuer)
    kind = kind_of_credential(credential) if credential else None
    subject = credential.get("credentialSubject") if credential else None
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    title = achievement.get("name") if isinstance(achievement, Mapping) else credential.get("name")
    issuer = credential.get("issuer")
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    entry = trusted.get(result.issuer or "")
    evidence, _ = evidence_from_credential(credential) if kind else ((), ())
    return CredentialReport(
        with_trust,
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
) -> Report:
    """Verify a credential (JSON-LD or vc+jwt) or a presentation and describe the result."""
    if "VerifiablePresentation" in _types(document):
        presentation = verify_presentation(
            document,
            resolver=resolver,
            now=now,
            challenge=challenge,
            domain=domain,
            fetch_status_list=fetch_status_list,
            schema_lookup=credential_schema,
            fetch_resource=fetch_resource,
        )
        reports = tuple(_describe(r, trusted) for r in presentation.credentials)
        return Report(reports, presentation)
    result = verify_credential(
        document,
        resolver=resolver,
        now=now,
        fetch_status_list=fetch_status_list,
        schema_lookup=credential_schema,
        fetch_resource=fetch_resource,
    )
    return Report((_describe(result, trusted),))

"""A person's evidence: what a verifiable credential claims, as plain data.

The issuer, wallet and verifier build :class:`Evidence` values from credentials they have
verified; this library only interprets them against the catalog. Two groups of kinds are kept
apart:

* **formal** kinds count toward a diploma: exam results (per werkproces or kerntaak),
  mbo-certificaten, keuzedelen, generic results, vrijstellingen granted by an examencommissie,
  and diplomas;
* **experience** kinds show what a person can do but are no exam result: praktijkverklaringen,
  EVC ervaringscertificaten, and branchecertificaten or microcredentials that a provider
  mapped to werkprocessen. They may support a request for a vrijstelling.

Usage::

    Evidence(id="urn:uuid:...", kind=EvidenceKind.EXAM_RESULT, dossier_crebo="23189",
             dossier_version="sbb-2755", codes=("B1-K1",))
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from qualifications.issues import Issue, IssueCode, Severity

__all__ = [
    "EXPERIENCE_KINDS",
    "FORMAL_KINDS",
    "Evidence",
    "EvidenceKind",
    "dedupe",
    "evidence_from_json",
    "evidence_to_json",
    "shape_problem",
    "sort_key",
]


class EvidenceKind(StrEnum):
    """What kind of claim a piece of evidence makes."""

    EXAM_RESULT = "exam_result"
    MBO_CERTIFICAAT = "mbo_certificaat"
    KEUZEDEEL = "keuzedeel"
    GENERIC_RESULT = "generic_result"
    VRIJSTELLING = "vrijstelling"
    DIPLOMA = "diploma"
    PRAKTIJKVERKLARING = "praktijkverklaring"
    EVC = "evc_ervaringscertificaat"
    MAPPED_CREDENTIAL = "mapped_credential"

    @property
    def counts_toward_diploma(self) -> bool:
        return self in FORMAL_KINDS


FORMAL_KINDS: frozenset[EvidenceKind] = frozenset(
    {
        EvidenceKind.EXAM_RESULT,
        EvidenceKind.MBO_CERTIFICAAT,
        EvidenceKind.KEUZEDEEL,
        EvidenceKind.GENERIC_RESULT,
        EvidenceKind.VRIJSTELLING,
        EvidenceKind.DIPLOMA,
    }
)
EXPERIENCE_KINDS: frozenset[EvidenceKind] = frozenset(
    {EvidenceKind.PRAKTIJKVERKLARING, EvidenceKind.EVC, EvidenceKind.MAPPED_CREDENTIAL}
)


@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    """One claim from one credential.

    Which fields matter depends on ``kind``:

    * exam_result, praktijkverklaring, evc_ervaringscertificaat, mapped_credential:
      ``dossier_crebo``, ``dossier_version`` and ``codes`` (kerntaak or werkproces codes);
    * vrijstelling: like an exam result, and/or ``keuzedeel_code``, and/or
      ``generic_subject`` with ``generic_level``;
    * mbo_certificaat: ``certificate_code`` (the catalog says what it covers);
    * keuzedeel: ``keuzedeel_code``;
    * generic_result: ``generic_subject``, ``generic_level``, optional ``generic_skill``
      (Engels) and ``grade`` (final grade, 1-10);
    * diploma: ``dossier_crebo``, ``dossier_version`` and ``qualification_crebo`` or, when the
      crebo is not known, ``profiel_code``.

    ``id`` is the id of the source credential; ``issuer`` its issuer (a DID), ``mapped_by``
    the provider that mapped a branchecertificaat or microcredential to werkprocessen.
    """

    id: str
    kind: EvidenceKind
    issuer: str | None = None
    dossier_crebo: str | None = None
    dossier_version: str | None = None
    codes: tuple[str, ...] = ()
    qualification_crebo: str | None = None
    profiel_code: str | None = None
    certificate_code: str | None = None
    keuzedeel_code: str | None = None
    generic_subject: str | None = None
    generic_level: str | None = None
    generic_skill: str | None = None
    grade: float | None = None
    title: str | None = None
    mapped_by: str | None = None


# JSON names (camelCase, as in credentials) for each field.
_JSON_NAMES: dict[str, str] = {
    "id": "id",
    "kind": "kind",
    "issuer": "issuer",
    "dossier_crebo": "dossierCrebo",
    "dossier_version": "dossierVersion",
    "codes": "codes",
    "qualification_crebo": "qualificationCrebo",
    "profiel_code": "profielCode",
    "certificate_code": "certificateCode",
    "keuzedeel_code": "keuzedeelCode",
    "generic_subject": "genericSubject",
    "generic_level": "genericLevel",
    "generic_skill": "genericSkill",
    "grade": "grade",
    "title": "title",
    "mapped_by": "mappedBy",
}
_STRING_FIELDS = frozenset(_JSON_NAMES) - {"kind", "codes", "grade"}


def evidence_to_json(evidence: Evidence) -> dict[str, Any]:
    """The JSON form of one evidence item, leaving out empty fields."""
    out: dict[str, Any] = {}
    for f in fields(evidence):
        value = getattr(evidence, f.name)
        if value is None or value == ():
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, StrEnum):
            value = value.value
        out[_JSON_NAMES[f.name]] = value
    return out


def evidence_from_json(items: object) -> tuple[tuple[Evidence, ...], tuple[Issue, ...]]:
    """Read a JSON list of evidence objects; unreadable items become ``invalid_evidence``.

    Never raises for bad items: the caller gets the items it can use and an issue for each one
    it cannot.
    """
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        issue = Issue(IssueCode.INVALID_EVIDENCE, None, "evidence must be a JSON list")
        return (), (issue,)
    result: list[Evidence] = []
    issues: list[Issue] = []
    for index, item in enumerate(items):
        parsed = _one_from_json(index, item)
        if isinstance(parsed, Issue):
            issues.append(parsed)
        else:
            result.append(parsed)
    return tuple(result), tuple(issues)


def _one_from_json(index: int, item: object) -> Evidence | Issue:
    where = f"item {index}"
    if not isinstance(item, Mapping):
        return Issue(IssueCode.INVALID_EVIDENCE, None, f"{where} is not an object")
    raw_id = item.get("id")
    evidence_id = raw_id if isinstance(raw_id, str) and raw_id else None
    if evidence_id is None:
        return Issue(IssueCode.INVALID_EVIDENCE, None, f"{where} has no string 'id'")
    known = set(_JSON_NAMES.values())
    unknown = sorted(str(k) for k in item if k not in known)
    if unknown:
        return _invalid(evidence_id, f"unknown field(s) {', '.join(unknown)}")
    try:
        kind = EvidenceKind(str(item.get("kind")))
    except ValueError:
        kinds = ", ".join(k.value for k in EvidenceKind)
        return _invalid(evidence_id, f"'kind' must be one of {kinds}, not {item.get('kind')!r}")
    values: dict[str, Any] = {"id": evidence_id, "kind": kind}
    for name in _STRING_FIELDS - {"id"}:
        value = item.get(_JSON_NAMES[name])
        if value is None:
            continue
        if not isinstance(value, str):
            return _invalid(evidence_id, f"'{_JSON_NAMES[name]}' must be a string")
        values[name] = value
    codes = item.get("codes", [])
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        return _invalid(evidence_id, "'codes' must be a list of strings")
    values["codes"] = tuple(codes)
    grade = item.get("grade")
    if grade is not None:
        if (
            isinstance(grade, bool)
            or not isinstance(grade, int | float)
            or not math.isfinite(grade)
        ):
            return _invalid(evidence_id, "'grade' must be a number")
        values["grade"] = float(grade)
    evidence = Evidence(**values)
    problem = shape_problem(evidence)
    if problem:
        return _invalid(evidence_id, problem)
    return evidence


def _invalid(evidence_id: str, detail: str) -> Issue:
    return Issue(IssueCode.INVALID_EVIDENCE, evidence_id, detail, Severity.ERROR)


_CODED_KINDS = frozenset(
    {
        EvidenceKind.EXAM_RESULT,
        EvidenceKind.PRAKTIJKVERKLARING,
        EvidenceKind.EVC,
        EvidenceKind.MAPPED_CREDENTIAL,
    }
)


def shape_problem(evidence: Evidence) -> str | None:
    """Why an evidence item lacks what its kind needs, or ``None`` when it is complete."""
    kind = evidence.kind
    has_dossier = evidence.dossier_crebo is not None and evidence.dossier_version is not None
    if kind in _CODED_KINDS:
        if not has_dossier or not evidence.codes:
            return f"{kind.value} needs dossierCrebo, dossierVersion and codes"
    elif kind is EvidenceKind.VRIJSTELLING:
        coded = has_dossier and bool(evidence.codes)
        if evidence.codes and not has_dossier:
            return "vrijstelling with codes needs dossierCrebo and dossierVersion"
        if not (coded or evidence.keuzedeel_code or evidence.generic_subject):
            return "vrijstelling needs codes, keuzedeelCode or genericSubject"
    elif kind is EvidenceKind.MBO_CERTIFICAAT:
        if not evidence.certificate_code:
            return "mbo_certificaat needs certificateCode"
    elif kind is EvidenceKind.KEUZEDEEL:
        if not evidence.keuzedeel_code:
            return "keuzedeel needs keuzedeelCode"
    elif kind is EvidenceKind.GENERIC_RESULT:
        if not evidence.generic_subject:
            return "generic_result needs genericSubject"
    elif kind is EvidenceKind.DIPLOMA and (
        not has_dossier or not (evidence.qualification_crebo or evidence.profiel_code)
    ):
        return "diploma needs dossierCrebo, dossierVersion and qualificationCrebo or profielCode"
    return None


def sort_key(evidence: Evidence) -> tuple[str, str]:
    """A total order on evidence, so results never depend on the order of the input."""
    return (evidence.id, repr(evidence))


def dedupe(evidence: Iterable[Evidence]) -> tuple[tuple[Evidence, ...], tuple[Issue, ...]]:
    """Drop exact repeats (``duplicate_evidence``) and flag one id with different claims
    (``conflicting_evidence``; both claims are kept, so adding evidence never hides other
    evidence). The result is sorted, independent of input order."""
    counts: dict[Evidence, int] = {}
    for item in evidence:
        counts[item] = counts.get(item, 0) + 1
    by_id: dict[str, list[Evidence]] = {}
    for item in counts:
        by_id.setdefault(item.id, []).append(item)
    items: list[Evidence] = []
    issues: list[Issue] = []
    for evidence_id in sorted(by_id):
        group = by_id[evidence_id]
        if len(group) > 1:
            group.sort(key=sort_key)  # repr only where ids collide: it is slow
            issues.append(
                Issue(
                    IssueCode.CONFLICTING_EVIDENCE,
                    evidence_id,
                    f"{len(group)} different claims carry this id; each is interpreted on its own",
                    Severity.WARNING,
                )
            )
        for item in group:
            if counts[item] > 1:
                issues.append(
                    Issue(
                        IssueCode.DUPLICATE_EVIDENCE,
                        item.id,
                        f"the same evidence was given {counts[item]} times; counted once",
                        Severity.WARNING,
                    )
                )
        items.extend(group)
    return tuple(items), tuple(issues)

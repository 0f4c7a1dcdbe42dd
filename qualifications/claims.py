"""What one piece of evidence claims, resolved against the catalog.

:func:`interpret` turns an :class:`~qualifications.evidence.Evidence` into the werkprocessen,
generic results and keuzedelen it stands for, plus issues for whatever cannot be resolved. It
does not know the target qualification; :mod:`qualifications.progress` and
:mod:`qualifications.related` decide what the claims mean for one.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualifications.catalog import Catalog
from qualifications.evidence import Evidence, EvidenceKind, shape_problem
from qualifications.issues import Issue, IssueCode, Severity
from qualifications.model import (
    CEFR_LEVELS,
    REFERENCE_LEVELS,
    DossierKey,
    GenericSubject,
    PartKey,
    Qualification,
    Reach,
)

__all__ = ["Claims", "GenericClaim", "WerkprocesClaim", "diploma_claims", "interpret"]


#: One werkproces reached by evidence (see :class:`~qualifications.model.Reach`).
WerkprocesClaim = Reach


@dataclass(frozen=True, slots=True)
class GenericClaim:
    """A generic result: subject at a level (Engels per skill), with an optional grade.

    ``exempt`` marks a result that counts as met whatever the grade: a vrijstelling, or a
    diploma that already included the requirement."""

    evidence_id: str
    subject: GenericSubject
    level: str | None
    skill: str | None
    grade: float | None
    exempt: bool


@dataclass(frozen=True, slots=True)
class Claims:
    """Everything one piece of evidence stands for."""

    evidence: Evidence
    werkprocessen: tuple[WerkprocesClaim, ...] = ()
    generic: tuple[GenericClaim, ...] = ()
    keuzedelen: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()


def interpret(catalog: Catalog, evidence: Evidence) -> Claims:
    """Resolve one evidence item. Never raises for bad evidence; see ``Claims.issues``."""
    problem = shape_problem(evidence)
    if problem:
        return Claims(evidence, issues=(_issue(IssueCode.INVALID_EVIDENCE, evidence, problem),))
    kind = evidence.kind
    if kind is EvidenceKind.MBO_CERTIFICAAT:
        return _certificate(catalog, evidence)
    if kind is EvidenceKind.KEUZEDEEL:
        return _keuzedeel_only(catalog, evidence)
    if kind is EvidenceKind.GENERIC_RESULT:
        claim, issues = _generic(evidence, exempt=False)
        return Claims(evidence, generic=claim, issues=issues)
    if kind is EvidenceKind.DIPLOMA:
        return _diploma(catalog, evidence)
    if kind is EvidenceKind.VRIJSTELLING:
        return _vrijstelling(catalog, evidence)
    wps, issues = _codes(catalog, evidence)
    return Claims(evidence, werkprocessen=wps, issues=issues)


def _issue(
    code: IssueCode, evidence: Evidence, detail: str, severity: Severity = Severity.ERROR
) -> Issue:
    return Issue(code, evidence.id, detail, severity)


def _dossier_issue(catalog: Catalog, evidence: Evidence, crebo: str, version: str) -> Issue | None:
    if catalog.dossier(crebo, version) is not None:
        return None
    if not catalog.has_dossier(crebo):
        return _issue(
            IssueCode.UNKNOWN_DOSSIER, evidence, f"dossier crebo {crebo} is not in the catalog"
        )
    known = ", ".join(d.version for d in catalog.versions(crebo))
    return _issue(
        IssueCode.UNKNOWN_DOSSIER_VERSION,
        evidence,
        f"dossier {crebo} has no version {version!r} in the catalog (known: {known})",
    )


def _expand_codes(
    catalog: Catalog, evidence: Evidence, crebo: str, version: str, codes: tuple[str, ...]
) -> tuple[tuple[WerkprocesClaim, ...], tuple[Issue, ...]]:
    claims: list[WerkprocesClaim] = []
    unknown: list[str] = []
    for code in codes:
        reached = catalog.expand(PartKey(crebo, version, code))
        if not reached:
            unknown.append(code)
            continue
        claims.extend(reached)
    issues: tuple[Issue, ...] = ()
    if unknown:
        detail = f"{', '.join(unknown)} not in dossier {crebo} version {version}"
        issues = (_issue(IssueCode.UNKNOWN_CODE, evidence, detail),)
    return tuple(claims), issues


def _codes(
    catalog: Catalog, evidence: Evidence
) -> tuple[tuple[WerkprocesClaim, ...], tuple[Issue, ...]]:
    crebo, version = evidence.dossier_crebo, evidence.dossier_version
    assert crebo is not None  # guaranteed by shape_problem
    assert version is not None
    problem = _dossier_issue(catalog, evidence, crebo, version)
    if problem is not None:
        return (), (problem,)
    return _expand_codes(catalog, evidence, crebo, version, evidence.codes)


def _certificate(catalog: Catalog, evidence: Evidence) -> Claims:
    code = evidence.certificate_code
    assert code is not None
    certificate = catalog.certificate(code)
    if certificate is None:
        detail = f"mbo-certificaat {code!r} is not in the catalog"
        return Claims(evidence, issues=(_issue(IssueCode.UNKNOWN_CERTIFICATE, evidence, detail),))
    keuzedelen = (certificate.keuzedeel,) if certificate.keuzedeel else ()
    dossier = certificate.dossier
    if certificate.covers is None or dossier is None:
        if keuzedelen:
            return Claims(evidence, keuzedelen=keuzedelen)
        detail = (
            f"the catalog does not say which werkprocessen {code} ({certificate.title}) covers;"
            " it is not counted"
        )
        issue = _issue(IssueCode.CERTIFICATE_COVERAGE_UNKNOWN, evidence, detail, Severity.WARNING)
        return Claims(evidence, issues=(issue,))
    stated: list[str] = []
    for cov in certificate.covers:
        stated.extend(cov.werkprocessen if cov.werkprocessen is not None else (cov.kerntaak,))
    claims, issues = _expand_codes(catalog, evidence, dossier.crebo, dossier.version, tuple(stated))
    return Claims(evidence, claims, (), keuzedelen, issues)


def _keuzedeel_only(catalog: Catalog, evidence: Evidence) -> Claims:
    code = evidence.keuzedeel_code
    assert code is not None
    if catalog.keuzedeel(code) is None:
        detail = f"keuzedeel {code!r} is not in the catalog; it is not counted"
        return Claims(evidence, issues=(_issue(IssueCode.UNKNOWN_KEUZEDEEL, evidence, detail),))
    return Claims(evidence, keuzedelen=(code,))


_SCALES: dict[GenericSubject, tuple[str, ...]] = {
    GenericSubject.NEDERLANDS: REFERENCE_LEVELS,
    GenericSubject.REKENEN: REFERENCE_LEVELS,
    GenericSubject.ENGELS: CEFR_LEVELS,
}


def _generic(
    evidence: Evidence, *, exempt: bool
) -> tuple[tuple[GenericClaim, ...], tuple[Issue, ...]]:
    raw = evidence.generic_subject
    assert raw is not None
    try:
        subject = GenericSubject(raw)
    except ValueError:
        names = ", ".join(s.value for s in GenericSubject)
        detail = f"generic subject {raw!r} is not one of {names}"
        return (), (_issue(IssueCode.UNKNOWN_GENERIC_SUBJECT, evidence, detail),)
    level = evidence.generic_level
    scale = _SCALES.get(subject)
    if scale is not None and level not in scale:
        detail = f"{subject.value} level {level!r} is not one of {', '.join(scale)}"
        return (), (_issue(IssueCode.UNKNOWN_GENERIC_LEVEL, evidence, detail),)
    claim = GenericClaim(
        evidence.id, subject, level, evidence.generic_skill, evidence.grade, exempt
    )
    return (claim,), ()


def _vrijstelling(catalog: Catalog, evidence: Evidence) -> Claims:
    wps: tuple[WerkprocesClaim, ...] = ()
    issues: list[Issue] = []
    if evidence.codes:
        wps, code_issues = _codes(catalog, evidence)
        issues.extend(code_issues)
    generic: tuple[GenericClaim, ...] = ()
    if evidence.generic_subject:
        generic, generic_issues = _generic(evidence, exempt=True)
        issues.extend(generic_issues)
    keuzedelen: tuple[str, ...] = ()
    if evidence.keuzedeel_code:
        k = _keuzedeel_only(catalog, evidence)
        keuzedelen, issues = k.keuzedelen, [*issues, *k.issues]
    return Claims(evidence, wps, generic, keuzedelen, tuple(issues))


def _diploma(catalog: Catalog, evidence: Evidence) -> Claims:
    crebo, version = evidence.dossier_crebo, evidence.dossier_version
    assert crebo is not None
    assert version is not None
    dossier = DossierKey(crebo, version)
    problem = _dossier_issue(catalog, evidence, crebo, version)
    if problem is not None:
        return Claims(evidence, issues=(problem,))
    qualification: Qualification | None = None
    if evidence.qualification_crebo:
        qualification = catalog.qualification_by_crebo_in(dossier, evidence.qualification_crebo)
    elif evidence.profiel_code:
        qualification = catalog.qualification_in(dossier, evidence.profiel_code)
    if qualification is None:
        which = evidence.qualification_crebo or evidence.profiel_code
        detail = f"qualification {which!r} is not in dossier {crebo} version {version}"
        issue = _issue(IssueCode.UNKNOWN_QUALIFICATION, evidence, detail)
        return Claims(evidence, issues=(issue,))
    return diploma_claims(catalog, evidence, qualification)


def diploma_claims(catalog: Catalog, evidence: Evidence, qualification: Qualification) -> Claims:
    """What a diploma for ``qualification`` stands for: every kerntaak, and the generic
    requirements of its level as met."""
    codes = tuple(kt.code for kt in qualification.kerntaken)
    wps, issues = _expand_codes(
        catalog, evidence, qualification.dossier_crebo, qualification.dossier_version, codes
    )
    requirements = catalog.generic_set(qualification.generic_requirements).requirements
    generic = tuple(
        GenericClaim(evidence.id, r.subject, r.level, r.skill, None, exempt=True)
        for r in requirements
    )
    return Claims(evidence, wps, generic, (), issues)

"""Which qualifications are closest to what a person can already do.

:func:`related` ranks qualifications by the number of werkprocessen they share with a
person's evidence (or with a qualification they hold), and says for each what it still needs
and which missing parts an mbo-certificaat in the catalog covers. Experience counts here: the
question is "which professions are close", asked by someone with years of practice. Each
result also gives the share that counts toward the diploma.

Sharing is exact: the same ``(dossier crebo, version, code)``, or units the catalog declares
equivalent. Similar titles in different dossiers are never matched.

Usage::

    report = related(catalog, evidence, limit=5)
    for r in report.results:
        r.title, r.shared, r.total, r.missing_kerntaken, r.certificates
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qualifications.catalog import Catalog
from qualifications.claims import Claims, GenericClaim, diploma_claims, interpret
from qualifications.evidence import Evidence, EvidenceKind, dedupe
from qualifications.issues import Issue, sorted_issues
from qualifications.model import PartKey, Qualification
from qualifications.progress import resolve_qualification
from qualifications.rules import evaluate_generic

__all__ = ["CertificateOption", "RelatedQualification", "RelatedReport", "related"]


@dataclass(frozen=True, slots=True)
class CertificateOption:
    """An mbo-certificaat covering some of what a qualification still needs."""

    id: str
    code: str | None
    title: str
    covers_missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RelatedQualification:
    """One qualification and how close the person is to it.

    ``shared`` counts werkprocessen shown by any evidence, ``shared_toward_diploma`` those
    shown by evidence that counts toward a diploma.
    """

    qualification: Qualification
    shared: int
    shared_toward_diploma: int
    total: int
    missing_kerntaken: tuple[str, ...]
    missing_werkprocessen: tuple[str, ...]
    missing_generic: tuple[str, ...]
    certificates: tuple[CertificateOption, ...]

    @property
    def id(self) -> str:
        return self.qualification.id

    @property
    def title(self) -> str:
        return self.qualification.title

    @property
    def fraction(self) -> float:
        return self.shared / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class RelatedReport:
    """Ranked results, best first. ``source`` is the held qualification, when one was given.

    Sharing werkprocessen needs kerntaken in the catalog. ``same_dossier`` and
    ``same_domain`` list the other qualifications of the subject's dossiers and
    opleidingsdomeinen that are not among ``results`` (most of the catalog is known only
    from the crebo list), by title.
    """

    source: Qualification | None
    results: tuple[RelatedQualification, ...]
    issues: tuple[Issue, ...]
    same_dossier: tuple[Qualification, ...] = ()
    same_domain: tuple[Qualification, ...] = ()


def related(
    catalog: Catalog,
    subject: Iterable[Evidence] | Qualification | str,
    *,
    limit: int | None = 10,
) -> RelatedReport:
    """Rank qualifications by werkprocessen shared with ``subject``.

    ``subject`` is a person's evidence, or a qualification (object, id, crebo or
    ``crebo@version``) treated as held with its diploma; that qualification itself is left
    out of the results. Only qualifications sharing at least one werkproces are listed, at
    most ``limit`` (all when ``None``). Ties are broken by share of the qualification
    covered, then by id, so the order is stable. Never raises for bad input.
    """
    source: Qualification | None = None
    issues: list[Issue] = []
    if isinstance(subject, Qualification | str):
        source, problem = resolve_qualification(catalog, subject)
        if source is None:
            assert problem is not None
            return RelatedReport(None, (), (problem,))
        held = Evidence(
            id=f"qualification:{source.id}",
            kind=EvidenceKind.DIPLOMA,
            dossier_crebo=source.dossier_crebo,
            dossier_version=source.dossier_version,
            qualification_crebo=source.crebo,
            profiel_code=source.profiel_code,
        )
        claims = [diploma_claims(catalog, held, source)]
    else:
        items, dedupe_issues = dedupe(subject)
        issues.extend(dedupe_issues)
        claims = [interpret(catalog, item) for item in items]

    shown: set[PartKey] = set()
    formal: set[PartKey] = set()
    generic: list[GenericClaim] = []
    for c in claims:
        issues.extend(c.issues)
        generic.extend(c.generic)
        counts = c.evidence.kind.counts_toward_diploma
        for wp in c.werkprocessen:
            shown.add(wp.werkproces)
            if counts:
                formal.add(wp.werkproces)

    shared: dict[int, int] = {}
    shared_formal: dict[int, int] = {}
    for key in shown:
        is_formal = key in formal
        for i in catalog.qualification_indexes_with(key):
            shared[i] = shared.get(i, 0) + 1
            if is_formal:
                shared_formal[i] = shared_formal.get(i, 0) + 1
    if source is not None:
        shared.pop(catalog.qualification_position(source), None)

    everything = catalog.qualifications

    def rank(i: int) -> tuple[int, float, str]:
        total = len(catalog.werkprocessen_of(everything[i]))
        return (-shared[i], -shared[i] / total, everything[i].id)

    ranked = sorted(shared, key=rank)
    if limit is not None:
        ranked = ranked[:limit]
    results = tuple(
        _describe(catalog, everything[i], shared[i], shared_formal.get(i, 0), shown, generic)
        for i in ranked
    )
    same_dossier, same_domain = _neighbours(catalog, claims, source, results, limit)
    return RelatedReport(source, results, sorted_issues(issues), same_dossier, same_domain)


def _neighbours(
    catalog: Catalog,
    claims: list[Claims],
    source: Qualification | None,
    results: tuple[RelatedQualification, ...],
    limit: int | None,
) -> tuple[tuple[Qualification, ...], tuple[Qualification, ...]]:
    dossiers: dict[str, None] = {}
    for c in claims:
        if c.evidence.dossier_crebo and catalog.has_dossier(c.evidence.dossier_crebo):
            dossiers[c.evidence.dossier_crebo] = None
        if c.evidence.qualification_crebo:
            for q in catalog.qualification(c.evidence.qualification_crebo):
                dossiers[q.dossier_crebo] = None
    domains: dict[str, None] = {}
    for crebo in dossiers:
        domain = catalog.versions(crebo)[-1].opleidingsdomein
        if domain is not None:
            domains[domain] = None
    seen = {r.qualification.crebo or r.id for r in results}
    if source is not None:
        seen.add(source.crebo or source.id)
    by_dossier: list[Qualification] = []
    for crebo in dossiers:
        for q in catalog.in_dossier(crebo):
            if (q.crebo or q.id) not in seen:
                seen.add(q.crebo or q.id)
                by_dossier.append(q)
    by_domain: list[Qualification] = []
    for code in domains:
        for q in catalog.in_domain(code):
            if (q.crebo or q.id) not in seen:
                seen.add(q.crebo or q.id)
                by_domain.append(q)
    by_domain.sort(key=lambda q: (q.title.lower(), q.niveau))
    return tuple(by_dossier[:limit]), tuple(by_domain[:limit])


def _describe(
    catalog: Catalog,
    q: Qualification,
    shared: int,
    shared_formal: int,
    shown: set[PartKey],
    generic: list[GenericClaim],
) -> RelatedQualification:
    missing_kerntaken: list[str] = []
    missing_wps: list[str] = []
    missing_keys: set[PartKey] = set()
    for kt in q.kerntaken:
        gaps = [wp.code for wp in kt.werkprocessen if q.key(wp.code) not in shown]
        if gaps:
            missing_kerntaken.append(kt.code)
            missing_wps.extend(gaps)
            missing_keys.update(q.key(code) for code in gaps)
    options = []
    for cert in catalog.certificates_for(q.dossier):
        covered: list[str] = []
        for cov in cert.covers or ():
            codes = cov.werkprocessen
            if codes is None:
                unit = catalog.unit(q.key(cov.kerntaak))
                codes = tuple(k.code for k in unit.werkprocessen) if unit else ()
            covered.extend(c for c in codes if q.key(c) in missing_keys)
        if covered:
            options.append(CertificateOption(cert.id, cert.code, cert.title, tuple(covered)))
    requirements = catalog.generic_set(q.generic_requirements).requirements
    rule = catalog.diploma_rule(q.diploma_rule)
    missing_generic = tuple(
        g.label for g in evaluate_generic(requirements, rule, generic) if g.required and not g.met
    )
    return RelatedQualification(
        qualification=q,
        shared=shared,
        shared_toward_diploma=shared_formal,
        total=len(catalog.werkprocessen_of(q)),
        missing_kerntaken=tuple(missing_kerntaken),
        missing_werkprocessen=tuple(missing_wps),
        missing_generic=missing_generic,
        certificates=tuple(sorted(options, key=lambda o: (-len(o.covers_missing), o.id))),
    )

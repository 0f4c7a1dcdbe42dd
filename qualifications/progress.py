"""How far a person is from one diploma.

:func:`progress` reports per kerntaak and werkproces what is covered and by which evidence,
what is missing, the generic requirements and keuzedelen, and totals by werkproces count and
by studiebelastingsuren. It keeps two views apart:

* **toward diploma**: exam results, mbo-certificaten, vrijstellingen and diplomas;
* **with experience**: the above plus praktijkverklaringen, EVC ervaringscertificaten and
  mapped branchecertificaten or microcredentials, which show experience and may support a
  vrijstelling but do not count toward the diploma themselves.

Usage::

    report = progress(catalog, evidence, "25655")
    report.missing_kerntaken          # ("P2-K1",)
    report.toward_diploma.fraction    # 11 / 14
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qualifications.catalog import Catalog
from qualifications.claims import GenericClaim, interpret
from qualifications.evidence import Evidence, EvidenceKind, dedupe
from qualifications.issues import Issue, IssueCode, Severity, sorted_issues
from qualifications.model import Kerntaak, Part, PartKey, Qualification
from qualifications.rules import GenericProgress, evaluate_generic

__all__ = [
    "KerntaakProgress",
    "KeuzedeelProgress",
    "ProgressReport",
    "Support",
    "Tally",
    "WerkprocesProgress",
    "progress",
    "resolve_qualification",
]


@dataclass(frozen=True, slots=True, order=True)
class Support:
    """One piece of evidence supporting a werkproces. ``via`` is set when the evidence was
    for another unit that the catalog declares equivalent; ``stated`` is what it named."""

    evidence_id: str
    kind: EvidenceKind
    stated: PartKey
    via: PartKey | None = None

    @property
    def counts_toward_diploma(self) -> bool:
        return self.kind.counts_toward_diploma


@dataclass(frozen=True, slots=True)
class WerkprocesProgress:
    code: str
    title: str
    sbu: int | None
    toward_diploma: tuple[Support, ...]
    experience: tuple[Support, ...]

    @property
    def covered(self) -> bool:
        """Covered by evidence that counts toward the diploma."""
        return bool(self.toward_diploma)

    @property
    def shown(self) -> bool:
        """Covered by any evidence, formal or experience."""
        return bool(self.toward_diploma or self.experience)

    @property
    def vrijstelling_candidate(self) -> bool:
        """Shown by experience only: a candidate to ask the examencommissie about."""
        return bool(self.experience) and not self.toward_diploma


@dataclass(frozen=True, slots=True)
class KerntaakProgress:
    code: str
    title: str
    part: Part
    sbu: int | None
    werkprocessen: tuple[WerkprocesProgress, ...]

    @property
    def complete(self) -> bool:
        return all(w.covered for w in self.werkprocessen)

    @property
    def shown(self) -> bool:
        return all(w.shown for w in self.werkprocessen)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(w.code for w in self.werkprocessen if not w.covered)


@dataclass(frozen=True, slots=True)
class Tally:
    """Totals for one view. SBU fields are ``None`` when the catalog lacks SBU for any
    kerntaak of the qualification: the library does not invent hours."""

    werkprocessen_covered: int
    werkprocessen_total: int
    kerntaken_complete: int
    kerntaken_total: int
    sbu_covered: int | None
    sbu_total: int | None

    @property
    def fraction(self) -> float:
        """Share of werkprocessen covered (0..1)."""
        if not self.werkprocessen_total:
            return 0.0
        return self.werkprocessen_covered / self.werkprocessen_total

    @property
    def sbu_fraction(self) -> float | None:
        if self.sbu_covered is None or not self.sbu_total:
            return None
        return self.sbu_covered / self.sbu_total


@dataclass(frozen=True, slots=True)
class KeuzedeelProgress:
    """Keuzedelen shown against the rule's obligation.

    ``met`` is ``None`` when the obligation or a keuzedeel's SBU is unknown.
    """

    required: bool
    required_sbu: int | None
    codes: tuple[str, ...]
    sbu_achieved: int
    sbu_unknown: tuple[str, ...]
    evidence_ids: tuple[str, ...]

    @property
    def met(self) -> bool | None:
        if not self.required:
            return True
        if self.required_sbu is None:
            return None
        if self.sbu_achieved >= self.required_sbu:
            return True
        return None if self.sbu_unknown else False


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """Everything :func:`progress` found. ``qualification`` is ``None`` when the target could
    not be resolved; ``issues`` then says why."""

    qualification: Qualification | None
    kerntaken: tuple[KerntaakProgress, ...]
    toward_diploma: Tally
    with_experience: Tally
    generic: tuple[GenericProgress, ...]
    keuzedelen: KeuzedeelProgress
    unused_evidence: tuple[str, ...]
    issues: tuple[Issue, ...]
    uncertain: tuple[str, ...]
    diplomas: tuple[str, ...] = ()

    @property
    def detail_known(self) -> bool:
        """Whether the catalog knows the target's kerntaken; a qualification known only
        from a crebo list has none, so werkproces counts say nothing about it."""
        return self.qualification is not None and self.qualification.has_detail

    @property
    def missing_kerntaken(self) -> tuple[str, ...]:
        """Kerntaken with no werkproces covered toward the diploma."""
        return tuple(k.code for k in self.kerntaken if not any(w.covered for w in k.werkprocessen))

    @property
    def missing_werkprocessen(self) -> tuple[str, ...]:
        return tuple(code for k in self.kerntaken for code in k.missing)

    @property
    def missing(self) -> tuple[str, ...]:
        """What the diploma still needs: whole kerntaken where nothing is covered, else the
        missing werkprocessen, then generic requirements."""
        out: list[str] = []
        for k in self.kerntaken:
            if not any(w.covered for w in k.werkprocessen):
                out.append(k.code)
            else:
                out.extend(k.missing)
        out.extend(g.label for g in self.generic if g.required and not g.met)
        return tuple(out)

    @property
    def missing_generic(self) -> tuple[str, ...]:
        return tuple(g.label for g in self.generic if g.required and not g.met)

    @property
    def vrijstelling_candidates(self) -> tuple[str, ...]:
        return tuple(
            w.code for k in self.kerntaken for w in k.werkprocessen if w.vrijstelling_candidate
        )

    @property
    def diploma_requirements_met(self) -> bool | None:
        """``True`` when everything is met, ``False`` when something known is missing, and
        ``None`` when nothing known is missing but the catalog leaves a requirement unknown
        (such as the keuzedeel obligation in SBU)."""
        if self.qualification is None:
            return False
        if not self.qualification.has_detail:
            # Nothing to count: only a diploma for the qualification itself says it is met.
            return True if self.diplomas else None
        if self.missing:
            return False
        keuzedelen = self.keuzedelen.met
        return keuzedelen


def resolve_qualification(
    catalog: Catalog, qualification: Qualification | str
) -> tuple[Qualification | None, Issue | None]:
    """Find the target; an unknown or ambiguous reference is returned as an issue."""
    if isinstance(qualification, Qualification):
        found = catalog.qualification(qualification.id)
        if found and found[0] == qualification:
            return qualification, None
        detail = f"qualification {qualification.id!r} is not in this catalog"
        return None, Issue(IssueCode.UNKNOWN_QUALIFICATION, None, detail)
    matches = catalog.qualification(qualification)
    if not matches:
        detail = f"no qualification {qualification!r} in the catalog (id, crebo or crebo@version)"
        return None, Issue(IssueCode.UNKNOWN_QUALIFICATION, None, detail)
    if len(matches) > 1:
        ids = ", ".join(q.id for q in matches)
        detail = f"{qualification!r} matches several qualifications: {ids}"
        return None, Issue(IssueCode.AMBIGUOUS_QUALIFICATION, None, detail)
    return matches[0], None


def progress(
    catalog: Catalog, evidence: Iterable[Evidence], qualification: Qualification | str
) -> ProgressReport:
    """Report how ``evidence`` covers ``qualification`` (an object, id, crebo or
    ``crebo@version``). Never raises for bad evidence or an unknown target.

    The result does not depend on the order of ``evidence``, and adding evidence never
    lowers any count in it.
    """
    target, target_issue = resolve_qualification(catalog, qualification)
    items, issues_list = dedupe(evidence)
    issues = list(issues_list)
    if target is None:
        assert target_issue is not None
        issues.append(target_issue)
        return _empty_report(sorted_issues(issues))

    claims = [interpret(catalog, item) for item in items]
    wanted = set(catalog.werkprocessen_of(target))
    formal: dict[PartKey, list[Support]] = {}
    shown: dict[PartKey, list[Support]] = {}
    generic_claims: list[GenericClaim] = []
    keuzedeel_use: dict[str, list[str]] = {}
    unused: list[str] = []
    diplomas: list[str] = []
    requirement_subjects = {
        r.subject for r in catalog.generic_set(target.generic_requirements).requirements
    }
    for c in claims:
        issues.extend(c.issues)
        used = False
        if _is_diploma_for(catalog, c.evidence, target):
            diplomas.append(c.evidence.id)
            used = True
        stated_hits: dict[PartKey, set[PartKey | None]] = {}
        for wp in c.werkprocessen:
            hits = stated_hits.setdefault(wp.stated, set())
            if wp.werkproces not in wanted:
                continue
            hits.add(wp.via)
            used = True
            support = Support(c.evidence.id, c.evidence.kind, wp.stated, wp.via)
            bucket = formal if c.evidence.kind.counts_toward_diploma else shown
            bucket.setdefault(wp.werkproces, []).append(support)
        for g in c.generic:
            generic_claims.append(g)
            used = used or g.subject in requirement_subjects
        for code in c.keuzedelen:
            keuzedeel_use.setdefault(code, []).append(c.evidence.id)
            used = True
        if not used:
            unused.append(c.evidence.id)
        issues.extend(_version_mismatch(catalog, c.evidence.id, stated_hits, target))

    if not target.has_detail:
        detail = (
            f"the kerntaken of dossier {target.dossier_crebo} ({target.title}) are not in the"
            " catalog yet; import its SBB export to count exam results and"
            " praktijkverklaringen toward it"
        )
        issues.append(Issue(IssueCode.KERNTAKEN_UNKNOWN, None, detail, Severity.INFO))
    kerntaken = tuple(_kerntaak(target, kt, formal, shown) for kt in target.kerntaken)
    rule = catalog.diploma_rule(target.diploma_rule)
    requirements = catalog.generic_set(target.generic_requirements).requirements
    generic = evaluate_generic(requirements, rule, generic_claims)
    keuzedelen = _keuzedelen(catalog, rule.keuzedelen_required, rule.keuzedelen_sbu, keuzedeel_use)
    for code in keuzedelen.sbu_unknown:
        detail = f"keuzedeel {code} has no known SBU; it is not added to the keuzedeel hours"
        for evidence_id in keuzedeel_use[code]:
            issues.append(
                Issue(IssueCode.KEUZEDEEL_SBU_UNKNOWN, evidence_id, detail, Severity.INFO)
            )
    return ProgressReport(
        qualification=target,
        kerntaken=kerntaken,
        toward_diploma=_tally(kerntaken, formal_only=True),
        with_experience=_tally(kerntaken, formal_only=False),
        generic=generic,
        keuzedelen=keuzedelen,
        unused_evidence=tuple(sorted(set(unused))),
        issues=sorted_issues(issues),
        uncertain=_uncertain(catalog, target),
        diplomas=tuple(sorted(set(diplomas))),
    )


def _is_diploma_for(catalog: Catalog, evidence: Evidence, target: Qualification) -> bool:
    """A diploma naming ``target`` itself (same dossier version, crebo or profile)."""
    if evidence.kind is not EvidenceKind.DIPLOMA or evidence.dossier_crebo is None:
        return False
    dossier = catalog.dossier(evidence.dossier_crebo, evidence.dossier_version or "")
    if dossier is None or dossier.key != target.dossier:
        return False
    if evidence.qualification_crebo:
        return evidence.qualification_crebo == target.crebo
    return evidence.profiel_code == target.profiel_code


def _version_mismatch(
    catalog: Catalog,
    evidence_id: str,
    stated_hits: dict[PartKey, set[PartKey | None]],
    target: Qualification,
) -> list[Issue]:
    """Parts of evidence for another version of the target's dossier that no equivalence
    maps into the target's version, named by werkproces (or whole kerntaak)."""
    codes_by_version: dict[str, list[str]] = {}
    for key, vias in stated_hits.items():
        if key.crebo != target.dossier_crebo or key.version == target.dossier_version:
            continue
        unit = catalog.unit(key)
        if unit is None or key in vias:
            continue  # unknown (reported elsewhere) or carried whole by a kerntaak equivalence
        unmapped = [wp.code for wp in unit.werkprocessen if wp not in vias]
        if not unmapped:
            continue
        if len(unmapped) == len(unit.werkprocessen):
            unmapped = [key.code]
        codes_by_version.setdefault(key.version, []).extend(unmapped)
    out: list[Issue] = []
    for version, codes in sorted(codes_by_version.items()):
        detail = (
            f"{', '.join(sorted(set(codes)))} of version {version} of dossier"
            f" {target.dossier_crebo} do not count: the qualification uses version"
            f" {target.dossier_version} and the catalog names no equivalent parts"
        )
        out.append(Issue(IssueCode.WRONG_DOSSIER_VERSION, evidence_id, detail, Severity.WARNING))
    return out


def _kerntaak(
    target: Qualification,
    kt: Kerntaak,
    formal: dict[PartKey, list[Support]],
    shown: dict[PartKey, list[Support]],
) -> KerntaakProgress:
    wps = []
    for wp in kt.werkprocessen:
        key = target.key(wp.code)
        wps.append(
            WerkprocesProgress(
                wp.code,
                wp.title,
                wp.sbu,
                tuple(sorted(set(formal.get(key, ())))),
                tuple(sorted(set(shown.get(key, ())))),
            )
        )
    return KerntaakProgress(kt.code, kt.title, target.part_of(kt), _kerntaak_sbu(kt), tuple(wps))


def _kerntaak_sbu(kt: Kerntaak) -> int | None:
    if kt.sbu is not None:
        return kt.sbu
    hours = [wp.sbu for wp in kt.werkprocessen]
    if hours and all(h is not None for h in hours):
        return sum(h for h in hours if h is not None)
    return None


def _tally(kerntaken: tuple[KerntaakProgress, ...], *, formal_only: bool) -> Tally:
    covered = total = complete = 0
    sbu_total: int | None = 0
    sbu_covered = 0
    for k in kerntaken:
        flags = [w.covered if formal_only else w.shown for w in k.werkprocessen]
        covered += sum(flags)
        total += len(flags)
        done = all(flags)
        complete += done
        if k.sbu is None or sbu_total is None:
            sbu_total = None
            continue
        sbu_total += k.sbu
        if done:
            sbu_covered += k.sbu
        elif all(w.sbu is not None for w in k.werkprocessen):
            sbu_covered += sum(w.sbu or 0 for w, f in zip(k.werkprocessen, flags, strict=True) if f)
    return Tally(
        covered,
        total,
        complete,
        len(kerntaken),
        None if sbu_total is None else sbu_covered,
        sbu_total,
    )


def _keuzedelen(
    catalog: Catalog, required: bool, required_sbu: int | None, use: dict[str, list[str]]
) -> KeuzedeelProgress:
    achieved = 0
    unknown: list[str] = []
    for code in sorted(use):
        k = catalog.keuzedeel(code)
        if k is None or k.sbu is None:
            unknown.append(code)
        else:
            achieved += k.sbu
    ids = sorted({i for ids in use.values() for i in ids})
    return KeuzedeelProgress(
        required, required_sbu, tuple(sorted(use)), achieved, tuple(unknown), tuple(ids)
    )


def _uncertain(catalog: Catalog, target: Qualification) -> tuple[str, ...]:
    out = [f"qualification.{u}" for u in sorted(target.uncertain)]
    dossier = catalog.dossier(target.dossier_crebo, target.dossier_version)
    if dossier is not None:
        out.extend(f"dossier.{u}" for u in sorted(dossier.uncertain))
    out.extend(
        f"diplomaRule.{u}" for u in sorted(catalog.diploma_rule(target.diploma_rule).uncertain)
    )
    generic = catalog.generic_set(target.generic_requirements)
    out.extend(f"genericRequirements.{u}" for u in sorted(generic.uncertain))
    return tuple(out)


def _empty_report(issues: tuple[Issue, ...]) -> ProgressReport:
    nothing = Tally(0, 0, 0, 0, None, None)
    return ProgressReport(
        qualification=None,
        kerntaken=(),
        toward_diploma=nothing,
        with_experience=nothing,
        generic=(),
        keuzedelen=KeuzedeelProgress(False, None, (), 0, (), ()),
        unused_evidence=(),
        issues=issues,
        uncertain=(),
    )

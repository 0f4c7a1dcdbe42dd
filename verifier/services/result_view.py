"""What the employer's result page shows, built from a checked :class:`Report`.

The page needs plain words, not check codes: who issued each credential (by name when it is
on the trust list), what it proves (kind, qualification, kerntaken and werkprocessen with
their catalog titles), its validity dates, and each check with a mark and a sentence from
:mod:`credentials.explain`. Templates only lay these values out.

    view = result_view(report, catalog, trusted, lang="nl")
    view.headline          # "Echt en geldig"
    view.credentials[0].checks[0].mark   # "ok" | "warn" | "bad" | "skip"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from credentials.explain import explain, headline
from credentials.results import CheckName, CheckResult, Outcome, Verdict
from credentials.timestamps import parse_datetime_stamp
from credentials.verification import validity_period
from qualifications import Catalog, Evidence, ProgressReport, Qualification
from qualifications.achievements import KINDS
from qualifications.checklist import DiplomaChecklist, diploma_checklist
from qualifications.date_achieved import date_achieved_of
from qualifications.model import DossierKey, PartKey

from .checking import CredentialReport, Report
from .trust import TrustEntry, accreditation_for

__all__ = [
    "CheckLine",
    "ClaimLine",
    "CredentialView",
    "GenericLine",
    "KerntaakLine",
    "PartLine",
    "ResultView",
    "StackingView",
    "WerkprocesLine",
    "accreditation_sentence",
    "catalog_note",
    "result_view",
    "stacking_view",
    "suggested_targets",
]

Mark = Literal["ok", "warn", "bad", "skip"]
_MARKS: Mapping[Outcome, Mark] = {
    Outcome.PASSED: "ok",
    Outcome.WARNING: "warn",
    Outcome.FAILED: "bad",
    Outcome.SKIPPED: "skip",
}
_TRUST_KINDS: Mapping[str, tuple[str, str]] = {
    "school": ("erkende school", "recognised school"),
    "leerbedrijf": ("erkend leerbedrijf", "recognised training company"),
    "evc_provider": ("erkende EVC-aanbieder", "recognised EVC provider"),
    "branche": ("erkende branche-organisatie", "recognised industry body"),
    "other": ("erkende uitgever", "recognised issuer"),
}
_ORDER = (CheckName.FORMAT, CheckName.PROOF, CheckName.ISSUER, CheckName.TRUST,
          CheckName.STATUS, CheckName.VALIDITY, CheckName.SCHEMA, CheckName.TYPE_METADATA,
          CheckName.RELATED_RESOURCES, CheckName.HOLDER, CheckName.HOLDER_BINDING)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CheckLine:
    """One check for people (``label``, ``text``) and for IT staff (``name``, ``code``,
    ``detail``). ``mark`` is ok / warn / bad / skip (shown as ✓ / ! / ✗ / –)."""

    name: str
    mark: Mark
    label: str
    text: str
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class PartLine:
    code: str
    title: str | None


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """A claim an SD-JWT VC holder disclosed: its label (type metadata) and value."""

    name: str
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class CredentialView:
    verdict: str
    headline: str
    kind_label: str | None
    title: str | None
    issuer_name: str | None
    issuer_did: str | None
    issuer_role: str | None  # "erkende school" … when on the trust list
    recognised: bool
    qualification: str | None
    crebo: str | None
    niveau: Any
    parts: tuple[PartLine, ...]
    subject_name: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    counts_toward_diploma: bool | None
    checks: tuple[CheckLine, ...]
    credential_id: str | None
    status_checked_at: datetime | None = None
    """When the issuer last sent or confirmed the status list(s) this verdict used (the
    oldest, if several); None when no list was fetched."""
    accredited: bool | None = None  # None: the trust list says nothing about it
    accreditation: str | None = None  # one sentence for the employer
    catalog_note: str | None = None  # replaced / withdrawn / not in the catalog
    format: str = "ldp_vc"  # or "dc+sd-jwt"
    disclosed: tuple[ClaimLine, ...] = ()
    """SD-JWT VC: the claims the holder chose to show."""
    withheld: int = 0
    """SD-JWT VC: how many claims the holder did not show."""
    type_name: str | None = None  # SD-JWT VC: the type's name from its type metadata
    date_achieved: date | None = None
    """The day the result was achieved (``awardedDate``), when the credential says."""


@dataclass(frozen=True, slots=True)
class ResultView:
    verdict: str
    headline: str
    sentence: str
    credentials: tuple[CredentialView, ...]
    presentation_checks: tuple[CheckLine, ...]
    holder: str | None
    counts: Mapping[str, int]
    # The name the credentials are issued to, when they all name the same person.
    holder_name: str | None = None
    # A lone credential (pasted or uploaded), not a presentation signed by its holder.
    loose: bool = False


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _line(check: CheckResult, lang: str) -> CheckLine:
    label, text = explain(check, lang)
    return CheckLine(check.name, _MARKS[check.outcome], label, text, check.code, check.detail)


def _lines(checks: Sequence[CheckResult], lang: str) -> tuple[CheckLine, ...]:
    def order(check: CheckResult) -> int:
        return _ORDER.index(check.name) if check.name in _ORDER else len(_ORDER)

    return tuple(_line(c, lang) for c in sorted(checks, key=order))


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def _text(mapping: Mapping[str, Any], name: str) -> str | None:
    value = mapping.get(name)
    return value if isinstance(value, str) else None


def _credential_document(report: CredentialReport) -> Mapping[str, Any]:
    credential = report.result.credential
    if isinstance(credential, Mapping):
        return credential
    return {}


def _parts(achievement: Mapping[str, Any], catalog: Catalog) -> tuple[PartLine, ...]:
    crebo, version = _text(achievement, "dossierCrebo"), _text(achievement, "dossierVersion")
    lines: list[PartLine] = []
    for code in _strings(achievement.get("kerntaken")) + _strings(achievement.get("werkprocessen")):
        unit = catalog.unit(PartKey(crebo, version, code)) if crebo and version else None
        lines.append(PartLine(code, unit.title if unit else None))
    keuzedeel = _text(achievement, "keuzedeel")
    if keuzedeel:
        found = catalog.keuzedeel(keuzedeel)
        lines.append(PartLine(keuzedeel, found.title if found else None))
    certificate = _text(achievement, "certificaatCode")
    if certificate:
        cert = catalog.certificate(certificate)
        lines.append(PartLine(certificate, cert.title if cert else None))
    return tuple(lines)


StatusCheckedAt = Callable[[str], datetime | None]
"""When the status list at a URL was last fetched from (or confirmed by) its issuer."""


def _status_checked_at(
    credential: Mapping[str, Any], checked_at: StatusCheckedAt | None
) -> datetime | None:
    if checked_at is None:
        return None
    entries = credential.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries]
    moments = [
        moment
        for entry in entries
        if isinstance(entry, Mapping) and isinstance(entry.get("statusListCredential"), str)
        if (moment := checked_at(entry["statusListCredential"])) is not None
    ]
    return min(moments) if moments else None


def _qualification_of(achievement: Mapping[str, Any], catalog: Catalog) -> Qualification | None:
    crebo, dossier = _text(achievement, "crebo"), _text(achievement, "dossierCrebo")
    version = _text(achievement, "dossierVersion")
    if crebo and dossier and version:
        found = catalog.qualification_by_crebo_in(DossierKey(dossier, version), crebo)
        if found is not None:
            return found
    matches = catalog.qualification(crebo) if crebo else ()
    return matches[0] if len(matches) == 1 else None


def accreditation_sentence(
    entry: TrustEntry | None,
    vc_types: Sequence[str],
    achievement: Mapping[str, Any],
    catalog: Catalog,
    lang: str,
) -> tuple[bool | None, str | None]:
    """Whether the issuer is known to be accredited for the credential's qualification, and
    the one sentence that says so; ``(None, None)`` when the issuer is not on the list, its
    entry lists no accreditations, or the credential names no qualification."""
    crebo, dossier = _text(achievement, "crebo"), _text(achievement, "dossierCrebo")
    if entry is None or not (crebo or dossier):
        return None, None
    q = _qualification_of(achievement, catalog)
    dossier = dossier or (q.dossier_crebo if q else None)
    domain = catalog.domain_of(q) if q else None
    if domain is None and dossier:
        versions = catalog.versions(dossier)
        domain = versions[-1].opleidingsdomein if versions else None
    answer = accreditation_for(entry, vc_types, crebo=crebo, dossier=dossier, domain=domain)
    if answer is None:
        return None, None  # the list says nothing about accreditations for this issuer
    what_nl = f"crebo {crebo}" if crebo else f"dossier {dossier}"
    what_en = what_nl
    if answer:
        return True, _pick(
            (
                f"{entry.name} is erkend voor deze opleiding ({what_nl}).",
                f"{entry.name} is accredited for this programme ({what_en}).",
            ),
            lang,
        )
    return answer, _pick(
        (
            f"{entry.name} is niet bekend als erkend voor {what_nl}.",
            f"{entry.name} is not known to be accredited for {what_en}.",
        ),
        lang,
    )


def catalog_note(
    achievement: Mapping[str, Any], catalog: Catalog, lang: str, today: date | None
) -> str | None:
    """What the catalog says about the credential's qualification when it is no longer the
    current one (replaced, or validity ended) or not in the catalog at all."""
    crebo = _text(achievement, "crebo")
    if not crebo:
        return None
    q = _qualification_of(achievement, catalog)
    if q is None:
        if catalog.qualification(crebo):
            return None  # ambiguous without a dossier version: nothing certain to say
        return _pick(
            (
                f"Crebo {crebo} staat niet in onze catalogus; de titel op het bewijs komt van de"
                " uitgever.",
                f"Crebo {crebo} is not in our catalog; the title on the credential comes from"
                " the issuer.",
            ),
            lang,
        )
    successors = catalog.successors(q)
    ended = today is not None and q.replaced_on(today)
    if not successors and not ended:
        return None
    names = ", ".join(f"{s.title} (crebo {s.crebo})" for s in successors) or ", ".join(q.opvolgers)
    if successors or q.opvolgers:
        return _pick(
            (
                f"Deze kwalificatie is inmiddels vervangen door {names}. Het bewijs blijft"
                " geldig voor wat het toen aantoonde.",
                f"This qualification has since been replaced by {names}. The credential still"
                " shows what it showed then.",
            ),
            lang,
        )
    assert q.geldig_tot is not None
    until = q.geldig_tot.isoformat()
    return _pick(
        (
            f"Deze kwalificatie wordt sinds {until} niet meer gegeven. Het bewijs blijft geldig"
            " voor wat het toen aantoonde.",
            f"This qualification is no longer awarded since {until}. The credential still"
            " shows what it showed then.",
        ),
        lang,
    )


def _claim_value(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _kind_or_value(name: str, value: Any, lang: str) -> str:
    if name == "kind" and isinstance(value, str):
        kind = next((k for k in KINDS if k.value == value), None)
        if kind is not None:
            return _pick((KINDS[kind].title_nl, KINDS[kind].title_en), lang)
    return _claim_value(value)


def _credential_view(
    report: CredentialReport,
    catalog: Catalog,
    trusted: Mapping[str, TrustEntry],
    lang: str,
    status_checked_at: StatusCheckedAt | None = None,
    today: date | None = None,
    token_status_checked_at: StatusCheckedAt | None = None,
) -> CredentialView:
    credential = _credential_document(report)
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer_did = report.result.issuer
    entry = report.trust_entry or trusted.get(issuer_did or "")
    trust = report.result.check("trust")
    recognised = entry is not None and trust is not None and trust.outcome is Outcome.PASSED
    kind_label = _pick((KINDS[report.kind].title_nl, KINDS[report.kind].title_en), lang) \
        if report.kind else None  # fmt: skip
    formal: bool | None = None
    if report.evidence:
        formal = any(e.kind.counts_toward_diploma for e in report.evidence)
    title, _ = headline(report.judgement, lang)
    vc_types = [t for t in _strings(credential.get("type"))]
    accredited, accreditation = accreditation_sentence(
        entry if recognised else None, vc_types, achievement, catalog, lang
    )
    return CredentialView(
        verdict=report.verdict.value,
        headline=title,
        kind_label=kind_label,
        title=report.title,
        issuer_name=entry.name if entry else report.issuer_name,
        issuer_did=issuer_did,
        issuer_role=_pick(_TRUST_KINDS.get(entry.kind, _TRUST_KINDS["other"]), lang)
        if entry
        else None,
        recognised=recognised,
        qualification=_text(achievement, "qualificationTitle"),
        crebo=_text(achievement, "crebo"),
        niveau=achievement.get("niveau") if isinstance(achievement.get("niveau"), int) else None,
        parts=_parts(achievement, catalog),
        subject_name=_text(subject, "name"),
        valid_from=parse_datetime_stamp(validity_period(credential)[0]),
        valid_until=parse_datetime_stamp(validity_period(credential)[1]),
        counts_toward_diploma=formal,
        checks=_lines(report.result.checks, lang),
        credential_id=_text(credential, "id"),
        status_checked_at=_status_checked_at(credential, status_checked_at)
        or _token_status_checked_at(report, token_status_checked_at),
        accredited=accredited,
        accreditation=accreditation,
        catalog_note=catalog_note(achievement, catalog, lang, today),
        date_achieved=date_achieved_of(credential),
        **_disclosure_fields(report, lang, token_status_checked_at),
    )


def _disclosure_fields(
    report: CredentialReport, lang: str, token_status_checked_at: StatusCheckedAt | None
) -> dict[str, Any]:
    disclosure = report.disclosure
    if disclosure is None:
        return {}
    fields: dict[str, Any] = {
        "format": report.format,
        "disclosed": tuple(
            ClaimLine(c.name, c.label(lang), _kind_or_value(c.name, c.value, lang))
            for c in disclosure.claims
        ),
        "withheld": disclosure.withheld,
        "type_name": disclosure.type_name_en if lang == "en" else disclosure.type_name_nl,
    }
    return fields


def _token_status_checked_at(
    report: CredentialReport, checked_at: StatusCheckedAt | None
) -> datetime | None:
    uri = report.disclosure.status_uri if report.disclosure else None
    return checked_at(uri) if uri and checked_at is not None else None


def result_view(
    report: Report,
    catalog: Catalog,
    trusted: Mapping[str, TrustEntry],
    *,
    lang: str,
    status_checked_at: StatusCheckedAt | None = None,
    today: date | None = None,
    token_status_checked_at: StatusCheckedAt | None = None,
) -> ResultView:
    """Everything the result page shows, in ``lang`` (nl or en); ``status_checked_at`` (the
    status fetcher's) dates each credential's revocation status; ``today`` dates the
    catalog's "no longer awarded" notes; ``token_status_checked_at`` dates an SD-JWT VC's
    Token Status List."""
    presentation_checks: tuple[CheckResult, ...] = ()
    holder = None
    if report.presentation is not None:
        presentation_checks = report.presentation.checks
        holder = report.presentation.holder
    elif report.own_checks:
        presentation_checks = report.own_checks
    views = tuple(
        _credential_view(
            c, catalog, trusted, lang, status_checked_at, today, token_status_checked_at
        )
        for c in report.credentials
    )
    counts = {v.value: sum(1 for c in views if c.verdict == v.value) for v in Verdict}
    title, sentence = headline(report.judgement, lang)
    names = {c.subject_name for c in views if c.subject_name}
    return ResultView(
        report.verdict.value,
        title,
        sentence,
        views,
        _lines(presentation_checks, lang),
        holder,
        counts,
        holder_name=names.pop() if len(names) == 1 else None,
        loose=report.presentation is None
        and bool(report.credentials)
        and not all(_key_bound(c) for c in report.credentials),
    )


def _key_bound(credential: CredentialReport) -> bool:
    """An SD-JWT VC whose Key Binding JWT was made for this check came from its holder's
    wallet, not as a loose file anyone could forward."""
    if credential.format != "dc+sd-jwt":
        return False
    binding = credential.result.check("holder_binding")
    return binding is not None and binding.outcome is Outcome.PASSED


# --- stacking -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WerkprocesLine:
    code: str
    title: str
    state: Literal["diploma", "experience", "missing"]
    sources: tuple[str, ...]  # titles of the credentials that cover it


@dataclass(frozen=True, slots=True)
class KerntaakLine:
    code: str
    title: str
    part: str  # basisdeel / profieldeel
    state: Literal["complete", "partial", "experience", "missing"]
    werkprocessen: tuple[WerkprocesLine, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """The credentials that cover any of its werkprocessen, each once."""
        return tuple(dict.fromkeys(s for w in self.werkprocessen for s in w.sources))


@dataclass(frozen=True, slots=True)
class GenericLine:
    subject: str
    level: str | None
    met: bool
    status: str
    skill: str | None = None


@dataclass(frozen=True, slots=True)
class StackingView:
    qualification: Qualification
    kerntaken: tuple[KerntaakLine, ...]
    covered: int
    shown: int
    total: int
    kerntaken_complete: int
    kerntaken_total: int
    missing: tuple[str, ...]
    experience_only: tuple[str, ...]
    generic: tuple[GenericLine, ...]
    keuzedelen_required: bool
    keuzedelen_met: bool | None
    keuzedelen_codes: tuple[str, ...]
    nothing_counts: bool
    detail_known: bool = True
    diploma_held: bool = False
    checklist: DiplomaChecklist | None = None
    """The whole diploma as one checklist: the same function the wallet's progress uses."""

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 0

    @property
    def percent_shown(self) -> int:
        return round(100 * self.shown / self.total) if self.total else 0


def stacking_view(report: ProgressReport, evidence: Sequence[Evidence]) -> StackingView | None:
    """The progress report as lines for the page; None when the target was not resolved."""
    if report.qualification is None:
        return None
    titles = {e.id: e.title or e.id for e in evidence}
    kerntaken: list[KerntaakLine] = []
    for k in report.kerntaken:
        lines = []
        for w in k.werkprocessen:
            state: Literal["diploma", "experience", "missing"] = (
                "diploma" if w.covered else "experience" if w.shown else "missing"
            )
            sources = tuple(
                dict.fromkeys(titles.get(s.evidence_id, s.evidence_id)
                              for s in (*w.toward_diploma, *w.experience))
            )  # fmt: skip
            lines.append(WerkprocesLine(w.code, w.title, state, sources))
        if k.complete:
            k_state: Literal["complete", "partial", "experience", "missing"] = "complete"
        elif any(w.covered for w in k.werkprocessen):
            k_state = "partial"
        elif any(w.shown for w in k.werkprocessen):
            k_state = "experience"
        else:
            k_state = "missing"
        kerntaken.append(KerntaakLine(k.code, k.title, k.part.value, k_state, tuple(lines)))
    generic = tuple(
        GenericLine(
            g.requirement.subject.value,
            g.requirement.level,
            g.met,
            g.status.value,
            g.requirement.skill,
        )
        for g in report.generic
        if g.required
    )
    return StackingView(
        qualification=report.qualification,
        kerntaken=tuple(kerntaken),
        covered=report.toward_diploma.werkprocessen_covered,
        shown=report.with_experience.werkprocessen_covered,
        total=report.toward_diploma.werkprocessen_total,
        kerntaken_complete=report.toward_diploma.kerntaken_complete,
        kerntaken_total=report.toward_diploma.kerntaken_total,
        missing=report.missing_werkprocessen,
        experience_only=report.vrijstelling_candidates,
        generic=generic,
        keuzedelen_required=report.keuzedelen.required,
        keuzedelen_met=report.keuzedelen.met,
        keuzedelen_codes=report.keuzedelen.codes,
        nothing_counts=not evidence,
        detail_known=report.detail_known,
        diploma_held=bool(report.diplomas),
        checklist=diploma_checklist(report),
    )


def suggested_targets(catalog: Catalog, evidence: Sequence[Evidence]) -> list[Qualification]:
    """Qualifications the credentials themselves name (a diploma's crebo, or every
    qualification of the dossier an exam result or praktijkverklaring belongs to)."""
    found: dict[str, Qualification] = {}
    for item in evidence:
        if item.qualification_crebo:
            for q in catalog.qualification(item.qualification_crebo):
                found.setdefault(q.id, q)
        if item.dossier_crebo and item.dossier_version:
            dossier = catalog.dossier(item.dossier_crebo, item.dossier_version)
            for q in dossier.kwalificaties if dossier else ():
                found.setdefault(q.id, q)
    return list(found.values())[:8]

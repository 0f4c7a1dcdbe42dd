"""The skills passport: a person's credentials grouped by kwalificatiedossier, kerntaak and
werkproces, progress toward a chosen diploma, and related qualifications.

Pure over rows already loaded (no queries, no network): the route loads the account's
credentials and self-declared entries and calls :func:`build_passport`. Only credentials
whose latest check found them genuine and not revoked or suspended count; a revoked,
suspended or invalid one is listed with its state, never silently dropped. Self-declared
entries are kept apart: they appear beside the werkprocessen they name, marked as such, and
never count toward progress.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from qualifications import (
    Catalog,
    Evidence,
    ProgressReport,
    Qualification,
    RelatedReport,
    evidence_from_json,
    progress,
    related,
)
from qualifications.achievements import KINDS, CredentialKind
from qualifications.checklist import DiplomaChecklist, diploma_checklist
from qualifications.claims import interpret
from qualifications.model import PartKey

from ..db.tables import SelfDeclared, StoredCredential
from .stored_shape import date_achieved_of

__all__ = [
    "COUNTING_STATES",
    "CredentialRef",
    "DossierGroup",
    "KerntaakGroup",
    "PassportView",
    "SelfDeclaredRef",
    "WerkprocesGroup",
    "build_passport",
    "credential_parts",
    "kind_label",
]

# States in which a credential counts toward progress (an expired one is marked, but what
# it shows was achieved).
COUNTING_STATES = frozenset({"ok", "status_unknown", "expired", "not_yet_valid"})


def kind_label(kind: str | None, lang: str = "nl") -> str:
    try:
        info = KINDS[CredentialKind(kind)] if kind else None
    except ValueError:
        info = None
    if info is None:
        return "Bewijs" if lang == "nl" else "Credential"
    return info.title_nl if lang == "nl" else info.title_en


@dataclass(frozen=True, slots=True)
class CredentialRef:
    public_id: str
    title: str
    kind: str | None
    kind_label: str
    issuer: str
    issuer_name: str | None
    state: str
    received_at: datetime
    checked_at: datetime
    valid_until: datetime | None
    counts: bool
    format: str = "ldp_vc"
    copy_of: str | None = None
    """The ``public_id`` of the credential this one is another format of (same result):
    it is listed, but its evidence counts once, with the first."""
    date_achieved: date | None = None
    """The day the result was achieved (``awardedDate``), when the credential says."""


@dataclass(frozen=True, slots=True)
class SelfDeclaredRef:
    public_id: str
    title: str
    category: str
    organisation: str | None


@dataclass(slots=True)
class WerkprocesGroup:
    code: str
    title: str
    credentials: list[CredentialRef] = field(default_factory=list)
    self_declared: list[SelfDeclaredRef] = field(default_factory=list)


@dataclass(slots=True)
class KerntaakGroup:
    code: str
    title: str
    werkprocessen: list[WerkprocesGroup] = field(default_factory=list)


@dataclass(slots=True)
class DossierGroup:
    crebo: str
    version: str
    title: str
    qualifications: list[str]
    kerntaken: list[KerntaakGroup] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PassportView:
    credentials: tuple[CredentialRef, ...]
    groups: tuple[DossierGroup, ...]
    unmapped: tuple[CredentialRef, ...]
    """Counting credentials that name no werkproces (diplomas are mapped; keuzedelen,
    generic results and unmapped branchecertificaten land here)."""
    problems: tuple[CredentialRef, ...]
    """Revoked, suspended or invalid credentials: listed apart, clearly marked."""
    self_declared: tuple[SelfDeclaredRef, ...]
    goal: Qualification | None
    goal_progress: ProgressReport | None
    goal_checklist: DiplomaChecklist | None
    """The whole diploma (beroepsgericht, generiek, keuzedelen) as the verifier counts it."""
    related: RelatedReport | None
    covered_by: dict[str, list[CredentialRef]]
    """Evidence id → credential, for naming what covers each werkproces of the goal."""
    qualification_choices: tuple[Qualification, ...]


def _ref(row: StoredCredential, lang: str, copy_of: str | None = None) -> CredentialRef:
    return CredentialRef(
        public_id=row.public_id,
        title=row.title,
        kind=row.kind,
        kind_label=kind_label(row.kind, lang),
        issuer=row.issuer,
        issuer_name=row.issuer_name,
        state=row.state,
        received_at=row.received_at,
        checked_at=row.checked_at,
        valid_until=row.valid_until,
        counts=row.state in COUNTING_STATES,
        format=row.format,
        copy_of=copy_of,
        date_achieved=date_achieved_of(row),
    )


def evidence_of(row: StoredCredential) -> tuple[Evidence, ...]:
    """The catalog evidence stored with a credential, keyed by the wallet's own id."""
    try:
        items, _issues = evidence_from_json(json.loads(row.evidence or "[]"))
    except ValueError:
        return ()
    return tuple(dataclasses.replace(e, id=row.public_id) for e in items)


def _copies(rows: Sequence[StoredCredential]) -> dict[str, str]:
    """``public_id`` → the credential it is a copy of: rows with the same ``result_key`` (an
    ``ldp_vc`` and a ``dc+sd-jwt`` of one result) count once. The first counting row of a
    result (oldest first, ``ldp_vc`` before ``dc+sd-jwt``) is the one that counts."""
    first: dict[str, str] = {}
    copies: dict[str, str] = {}
    ordered = sorted(
        rows,
        key=lambda r: (r.state not in COUNTING_STATES, r.format != "ldp_vc", r.id or 0),
    )
    for row in ordered:
        if row.result_key is None:
            continue
        if row.result_key in first:
            copies[row.public_id] = first[row.result_key]
        else:
            first[row.result_key] = row.public_id
    return copies


def build_passport(
    catalog: Catalog,
    rows: Sequence[StoredCredential],
    entries: Sequence[SelfDeclared],
    *,
    goal: str | None,
    lang: str = "nl",
    related_limit: int = 5,
) -> PassportView:
    copies = _copies(rows)
    refs = {row.public_id: _ref(row, lang, copies.get(row.public_id)) for row in rows}
    evidence: list[Evidence] = []
    for row in rows:
        if refs[row.public_id].counts and row.public_id not in copies:
            evidence.extend(evidence_of(row))

    by_werkproces: dict[PartKey, list[CredentialRef]] = {}
    mapped: set[str] = set()
    for item in evidence:
        claims = interpret(catalog, item)
        for reach in claims.werkprocessen:
            bucket = by_werkproces.setdefault(reach.werkproces, [])
            if not any(r.public_id == item.id for r in bucket):
                bucket.append(refs[item.id])
            mapped.add(item.id)
    self_refs = [SelfDeclaredRef(e.public_id, e.title, e.category, e.organisation) for e in entries]
    self_by_werkproces: dict[PartKey, list[SelfDeclaredRef]] = {}
    for entry, ref in zip(entries, self_refs, strict=True):
        if entry.dossier_crebo and entry.dossier_version:
            for code in entry.werkprocessen.split():
                key = PartKey(entry.dossier_crebo, entry.dossier_version, code)
                self_by_werkproces.setdefault(key, []).append(ref)

    groups = _groups(catalog, by_werkproces, self_by_werkproces)
    counting = [r for r in refs.values() if r.counts and r.copy_of is None]
    unmapped = tuple(r for r in counting if r.public_id not in mapped)
    problems = tuple(r for r in refs.values() if not r.counts)

    target: Qualification | None = None
    report: ProgressReport | None = None
    if goal:
        found = catalog.qualification(goal)
        if len(found) == 1:
            target = found[0]
            report = progress(catalog, evidence, target)
    related_report = related(catalog, evidence, limit=related_limit) if evidence else None
    covered_by = {ref.public_id: [ref] for ref in counting}
    choices = tuple(sorted(catalog.qualifications, key=lambda q: (q.title, q.niveau)))
    return PassportView(
        credentials=tuple(refs.values()),
        groups=tuple(groups),
        unmapped=unmapped,
        problems=problems,
        self_declared=tuple(self_refs),
        goal=target,
        goal_progress=report,
        goal_checklist=diploma_checklist(report) if report is not None else None,
        related=related_report,
        covered_by=covered_by,
        qualification_choices=choices,
    )


def credential_parts(catalog: Catalog, row: StoredCredential) -> list[DossierGroup]:
    """Dossier → kerntaak → werkproces (catalog titles) that one credential shows, whatever
    its state (for printing it)."""
    ref = _ref(row, "nl")
    by_werkproces: dict[PartKey, list[CredentialRef]] = {}
    for item in evidence_of(row):
        for reach in interpret(catalog, item).werkprocessen:
            by_werkproces.setdefault(reach.werkproces, [ref])
    return _groups(catalog, by_werkproces, {})


def _groups(
    catalog: Catalog,
    by_werkproces: dict[PartKey, list[CredentialRef]],
    self_by_werkproces: dict[PartKey, list[SelfDeclaredRef]],
) -> list[DossierGroup]:
    """Dossier → kerntaak → werkproces, in catalog order, only the parts something covers."""
    touched = {key.dossier for key in by_werkproces} | {key.dossier for key in self_by_werkproces}
    groups = []
    for dossier_key in sorted(touched):
        dossier = catalog.dossier(dossier_key.crebo, dossier_key.version)
        if dossier is None:
            continue
        group = DossierGroup(
            crebo=dossier.crebo,
            version=dossier.version,
            title=dossier.title,
            qualifications=[q.title for q in dossier.kwalificaties],
        )
        seen: set[str] = set()
        kerntaken = list(dossier.basisdeel) + [
            k for q in dossier.kwalificaties for k in q.profieldeel
        ]
        for kerntaak in kerntaken:
            if kerntaak.code in seen:
                continue
            seen.add(kerntaak.code)
            kt_group = KerntaakGroup(kerntaak.code, kerntaak.title)
            for werkproces in kerntaak.werkprocessen:
                key = PartKey(dossier.crebo, dossier.version, werkproces.code)
                creds = by_werkproces.get(key, [])
                selfs = self_by_werkproces.get(key, [])
                if creds or selfs:
                    kt_group.werkprocessen.append(
                        WerkprocesGroup(werkproces.code, werkproces.title, list(creds), list(selfs))
                    )
            if kt_group.werkprocessen:
                group.kerntaken.append(kt_group)
        if group.kerntaken:
            groups.append(group)
    return groups

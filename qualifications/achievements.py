"""How a credential names parts of the kwalificatiestructuur, in both directions.

The issuer builds the ``achievement`` of an Open Badges 3.0 credential from a request checked
against the catalog (:func:`build_achievement`); wallets and verifiers read a received
credential back as stacking :class:`~qualifications.evidence.Evidence`
(:func:`evidence_from_credential`). Both sides use the field names of the project's JSON-LD
context (``https://w3id.org/mbo-wallet/v1``), defined once here.

    >>> result = build_achievement(catalog, AchievementRequest(
    ...     kind=CredentialKind.EXAMENRESULTAAT, qualification="25498", codes=("B1-K1",)))
    >>> result.problems
    ()

Pure: no I/O beyond reading the bundled JSON Schemas, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from qualifications.catalog import Catalog
from qualifications.evidence import Evidence, EvidenceKind
from qualifications.issues import Issue, IssueCode
from qualifications.messages import Message, ResultProblem
from qualifications.model import GenericSubject, PartKey, Qualification

__all__ = [
    "CATALOG_IRI",
    "EARLIEST_DATE_ACHIEVED",
    "GRADED_KINDS",
    "KINDS",
    "SCHEMAS_DIR",
    "AchievementRequest",
    "AchievementResult",
    "CredentialKind",
    "KindInfo",
    "Leeruitkomst",
    "build_achievement",
    "check_date_achieved",
    "credential_schema",
    "evidence_from_credential",
    "kind_of_credential",
    "schema_id",
    "type_iris",
]

CATALOG_IRI = "https://w3id.org/mbo-wallet/catalog/"
SCHEMA_IRI = "https://w3id.org/mbo-wallet/schemas/"
SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas" / "credentials"

JsonObject = dict[str, Any]


class CredentialKind(StrEnum):
    """The credentials the project issues."""

    MBO_CERTIFICAAT = "mbo_certificaat"
    EXAMENRESULTAAT = "examenresultaat"
    PRAKTIJKVERKLARING = "praktijkverklaring"
    EVC = "evc"
    VRIJSTELLING = "vrijstelling"
    DIPLOMA = "diploma"
    MBO_VERKLARING = "mbo_verklaring"
    BRANCHECERTIFICAAT = "branchecertificaat"


@dataclass(frozen=True, slots=True)
class KindInfo:
    """A kind's VC type, Open Badges ``achievementType`` and names for people."""

    vc_type: str
    achievement_type: str
    title_nl: str
    title_en: str


KINDS: Mapping[CredentialKind, KindInfo] = {
    CredentialKind.MBO_CERTIFICAAT: KindInfo(
        "MboCertificaatCredential", "Certificate", "Mbo-certificaat", "Mbo certificate"
    ),
    CredentialKind.EXAMENRESULTAAT: KindInfo(
        "ExamenresultaatCredential", "Assessment", "Examenresultaat", "Exam result"
    ),
    CredentialKind.PRAKTIJKVERKLARING: KindInfo(
        "PraktijkverklaringCredential",
        "ext:Praktijkverklaring",
        "Praktijkverklaring",
        "Workplace learning statement",
    ),
    CredentialKind.EVC: KindInfo(
        "EvcCredential",
        "ext:Ervaringscertificaat",
        "Ervaringscertificaat (EVC)",
        "Recognition of prior learning (EVC)",
    ),
    CredentialKind.VRIJSTELLING: KindInfo(
        "VrijstellingCredential", "ext:Vrijstelling", "Vrijstelling", "Exemption"
    ),
    CredentialKind.DIPLOMA: KindInfo("DiplomaCredential", "Diploma", "Diploma", "Diploma"),
    CredentialKind.MBO_VERKLARING: KindInfo(
        "MboVerklaringCredential",
        "ext:MboVerklaring",
        "Mbo-verklaring",
        "Statement of achievement",
    ),
    CredentialKind.BRANCHECERTIFICAAT: KindInfo(
        "BranchecertificaatCredential",
        "Certificate",
        "Branchecertificaat of microcredential",
        "Industry certificate or microcredential",
    ),
}
_BY_VC_TYPE = {info.vc_type: kind for kind, info in KINDS.items()}

VC_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
"""``VerifiableCredential`` as the VC Data Model contexts (1.1 and 2.0) expand it."""
OB_CREDENTIAL_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
"""``OpenBadgeCredential`` as the Open Badges 3.0 context expands it."""
MBO_VOCAB = "https://w3id.org/mbo-wallet/vocab#"
"""Where the project's context puts the kinds' credential types."""


def type_iris(kind: CredentialKind | None = None) -> tuple[str, ...]:
    """The fully expanded types (what DCQL ``type_values`` name, OpenID4VP 1.0 B.1.1) every
    credential of ``kind`` has: ``VerifiableCredential``, ``OpenBadgeCredential`` and the
    kind's own type; without a kind, only ``VerifiableCredential`` (any credential)."""
    if kind is None:
        return (VC_TYPE_IRI,)
    return (VC_TYPE_IRI, OB_CREDENTIAL_IRI, MBO_VOCAB + KINDS[kind].vc_type)


@dataclass(frozen=True, slots=True)
class Leeruitkomst:
    """A learning outcome of a branchecertificaat or microcredential, with its credits."""

    name: str
    credits: float | None = None


@dataclass(frozen=True, slots=True)
class AchievementRequest:
    """What an issuer wants to state. Which fields matter depends on ``kind``:

    * examenresultaat, mbo_verklaring, praktijkverklaring, evc: ``qualification`` and
      ``codes`` (kerntaken or werkprocessen); an examenresultaat may instead name a
      ``keuzedeel`` or a ``generic_subject`` with ``generic_level`` (and ``grade``);
    * mbo_certificaat: ``certificate_code``, or a ``keuzedeel``, or ``qualification`` with
      ``codes`` for a beroepsgericht onderdeel;
    * vrijstelling: ``examencommissie`` and codes, a keuzedeel or a generic subject;
    * diploma: ``qualification``;
    * branchecertificaat: ``title`` and ``leeruitkomsten``; optionally ``qualification`` with
      ``codes`` (werkprocessen) that ``mapped_by`` mapped them to.

    ``qualification`` is a catalog reference: a qualification id, a crebo, or
    ``crebo@dossierversion``.
    """

    kind: CredentialKind
    qualification: str | None = None
    codes: tuple[str, ...] = ()
    certificate_code: str | None = None
    keuzedeel: str | None = None
    generic_subject: str | None = None
    generic_level: str | None = None
    grade: str | None = None
    title: str | None = None
    description: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    leerbedrijf: str | None = None
    leerbedrijf_kvk: str | None = None
    praktijkopleider: str | None = None
    examencommissie: str | None = None
    decision_date: str | None = None
    leeruitkomsten: tuple[Leeruitkomst, ...] = ()
    mapped_by: str | None = None


@dataclass(frozen=True, slots=True)
class AchievementResult:
    """The achievement object, or the problems (field name, reason) that prevent it."""

    achievement: JsonObject | None
    problems: tuple[tuple[str, str], ...] = ()
    qualification: Qualification | None = field(default=None, repr=False)
    #: The Open Badges ``Result`` objects for ``credentialSubject.result`` (the grade the
    #: school entered), each naming a ``resultDescription`` of the achievement.
    results: tuple[JsonObject, ...] = ()


#: Kinds that carry a grade ("Cijfer of beoordeling"); any other kind refuses one.
GRADED_KINDS = frozenset({CredentialKind.EXAMENRESULTAAT, CredentialKind.MBO_CERTIFICAAT})
GRADE_RESULT_NAME = "Cijfer of beoordeling"


def _grade_result(achievement: JsonObject, grade: str) -> JsonObject:
    """Describe the grade on ``achievement`` (OB 3.0 ``ResultDescription``, §B.1.17) and
    return the learner's ``Result`` (§B.1.16) that names it."""
    description_id = f"{achievement['id']}#cijfer"
    achievement["resultDescription"] = [
        {
            "id": description_id,
            "type": ["ResultDescription"],
            "name": GRADE_RESULT_NAME,
            "resultType": "Result",
        }
    ]
    return {"type": ["Result"], "resultDescription": description_id, "value": grade}


def _resolve_qualification(
    catalog: Catalog, ref: str | None, problems: list[tuple[str, str]]
) -> Qualification | None:
    if not ref:
        problems.append(("qualification", Message(
            ResultProblem.QUALIFICATION_MISSING, "name the qualification (crebo or catalog id)"
        )))  # fmt: skip
        return None
    found = catalog.qualification(ref.strip())
    if not found:
        # A title works too, when exactly one current qualification has it.
        wanted = " ".join(ref.lower().split())
        found = tuple(q for q in catalog.search(ref, limit=10_000) if q.title.lower() == wanted)
        if len(found) > 1:
            crebos = ", ".join(q.crebo or q.id for q in found)
            problems.append(("qualification", Message(
                ResultProblem.TITLE_AMBIGUOUS, f"{ref!r} is the title of {crebos}; use the crebo",
                value=ref, crebos=crebos,
            )))  # fmt: skip
            return None
    if not found:
        problems.append(("qualification", Message(
            ResultProblem.NOT_IN_CATALOG, f"{ref!r} is not in the catalog", value=ref
        )))  # fmt: skip
        return None
    if len(found) > 1:
        problems.append(("qualification", Message(
            ResultProblem.VERSION_AMBIGUOUS, f"{ref!r} is ambiguous; add @dossierversion",
            value=ref,
        )))  # fmt: skip
        return None
    return found[0]


def _check_codes(
    catalog: Catalog,
    qualification: Qualification,
    codes: Sequence[str],
    problems: list[tuple[str, str]],
) -> tuple[list[str], list[str]]:
    """Split valid codes into kerntaken and werkprocessen of ``qualification``."""
    own = {k.code for k in qualification.kerntaken} | {
        w.code for k in qualification.kerntaken for w in k.werkprocessen
    }
    kerntaken: list[str] = []
    werkprocessen: list[str] = []
    if not qualification.has_detail:
        problems.append(("codes", Message(
            ResultProblem.KERNTAKEN_MISSING,
            f"the kerntaken of dossier {qualification.dossier_crebo} are not in the catalog"
            " yet; import its SBB export",
            dossier=qualification.dossier_crebo,
        )))  # fmt: skip
        return kerntaken, werkprocessen
    if not codes:
        problems.append(("codes", Message(
            ResultProblem.CODES_MISSING, "name at least one kerntaak or werkproces"
        )))  # fmt: skip
    for raw in codes:
        code = raw.strip().upper()
        unit = catalog.unit(
            PartKey(qualification.dossier_crebo, qualification.dossier_version, code)
        )
        if unit is None or code not in own:
            problems.append(("codes", Message(
                ResultProblem.CODE_NOT_IN_QUALIFICATION,
                f"{code} is not a kerntaak or werkproces of {qualification.title} "
                f"(dossier {qualification.dossier_crebo}, version "
                f"{qualification.dossier_version})",
                code=code, title=qualification.title, dossier=qualification.dossier_crebo,
                version=qualification.dossier_version,
            )))  # fmt: skip
            continue
        target = kerntaken if unit.is_kerntaak else werkprocessen
        if code not in target:
            target.append(code)
    return kerntaken, werkprocessen


def _qualification_fields(q: Qualification, catalog: Catalog) -> JsonObject:
    dossier = catalog.dossier(q.dossier_crebo, q.dossier_version)
    fields: JsonObject = {
        "dossierCrebo": q.dossier_crebo,
        "dossierVersion": q.dossier_version,
    }
    if dossier is not None:
        fields["dossierTitle"] = dossier.title
    if q.crebo:
        fields["crebo"] = q.crebo
    fields["profielCode"] = q.profiel_code
    fields["qualificationTitle"] = q.title
    fields["niveau"] = q.niveau
    if q.nlqf is not None:
        fields["nlqf"] = q.nlqf
    if q.eqf is not None:
        fields["eqf"] = q.eqf
    return fields


def _sbu(q: Qualification, kerntaken: Sequence[str], werkprocessen: Sequence[str]) -> int | None:
    total = 0
    for kerntaak in q.kerntaken:
        if kerntaak.code in kerntaken:
            if kerntaak.sbu is None:
                return None
            total += kerntaak.sbu
        for w in kerntaak.werkprocessen:
            if w.code in werkprocessen and kerntaak.code not in kerntaken:
                if w.sbu is None:
                    return None
                total += w.sbu
    return total


def _part_titles(q: Qualification, kerntaken: Sequence[str], werkprocessen: Sequence[str]) -> str:
    names = []
    for kerntaak in q.kerntaken:
        if kerntaak.code in kerntaken:
            names.append(f"{kerntaak.code} {kerntaak.title}")
        names.extend(
            f"{w.code} {w.title}" for w in kerntaak.werkprocessen if w.code in werkprocessen
        )
    return "; ".join(names)


def _achievement_id(*parts: str) -> str:
    return CATALOG_IRI + "/".join(p.replace(" ", "-") for p in parts if p)


def build_achievement(catalog: Catalog, request: AchievementRequest) -> AchievementResult:
    """The Open Badges ``Achievement`` for ``request``, checked against ``catalog``."""
    problems: list[tuple[str, str]] = []
    kind = request.kind
    info = KINDS[kind]
    achievement: JsonObject = {"type": ["Achievement"], "achievementType": info.achievement_type}
    qualification: Qualification | None = None
    name = request.title
    narrative = ""

    def coded(label: str) -> None:
        nonlocal qualification, name, narrative
        qualification = _resolve_qualification(catalog, request.qualification, problems)
        if qualification is None:
            return
        kerntaken, werkprocessen = _check_codes(catalog, qualification, request.codes, problems)
        achievement.update(_qualification_fields(qualification, catalog))
        if kerntaken:
            achievement["kerntaken"] = kerntaken
        if werkprocessen:
            achievement["werkprocessen"] = werkprocessen
        sbu = _sbu(qualification, kerntaken, werkprocessen)
        if sbu:
            achievement["studiebelastingsuren"] = sbu
        parts = _part_titles(qualification, kerntaken, werkprocessen)
        if not name and parts:
            name = f"{label}: {parts}"
        narrative = f"{label} voor {parts} ({qualification.title}, niveau {qualification.niveau})."
        achievement["id"] = _achievement_id(
            qualification.dossier_crebo, qualification.dossier_version,
            "+".join(kerntaken + werkprocessen) or qualification.profiel_code,
        )  # fmt: skip

    def keuzedeel() -> bool:
        nonlocal name, narrative
        code = (request.keuzedeel or "").strip().upper()
        if not code:
            return False
        found = catalog.keuzedeel(code)
        if found is None:
            problems.append(("keuzedeel", Message(
                ResultProblem.KEUZEDEEL_UNKNOWN, f"keuzedeel {code} is not in the catalog",
                code=code,
            )))  # fmt: skip
            return True
        achievement["keuzedeel"] = code
        if found.sbu is not None:
            achievement["studiebelastingsuren"] = found.sbu
        if found.niveau is not None:
            achievement["niveau"] = found.niveau
        name = name or f"Keuzedeel {code} {found.title}"
        narrative = f"Keuzedeel {code} {found.title} met een voldoende afgerond."
        achievement["id"] = _achievement_id("keuzedeel", code)
        return True

    def generic() -> bool:
        nonlocal name, narrative
        subject = (request.generic_subject or "").strip().lower()
        if not subject:
            return False
        if subject not in {s.value for s in GenericSubject}:
            choices = ", ".join(s.value for s in GenericSubject)
            problems.append(("generic_subject", Message(
                ResultProblem.SUBJECT_UNKNOWN, f"{subject!r} is not one of {choices}",
                value=subject, choices=choices,
            )))  # fmt: skip
            return True
        achievement["genericSubject"] = subject
        if request.generic_level:
            achievement["genericLevel"] = request.generic_level.strip()
        if request.grade:
            achievement["grade"] = request.grade.strip()
        level = f" {request.generic_level}" if request.generic_level else ""
        name = name or f"Generiek: {subject.replace('_', ' ')}{level}"
        narrative = f"Resultaat voor {subject.replace('_', ' ')}{level}."
        achievement["id"] = _achievement_id("generiek", subject + level.replace(" ", "-"))
        return True

    if kind is CredentialKind.EXAMENRESULTAAT:
        if not (keuzedeel() or generic()):
            coded("Examenresultaat")
    elif kind is CredentialKind.MBO_CERTIFICAAT:
        code = (request.certificate_code or "").strip().upper()
        if code:
            certificate = catalog.certificate(code)
            if certificate is None:
                problems.append(("certificate_code", Message(
                    ResultProblem.CERTIFICATE_UNKNOWN, f"certificate {code} is not in the catalog",
                    code=code,
                )))  # fmt: skip
            else:
                achievement["certificaatCode"] = code
                if certificate.sbu is not None:
                    achievement["studiebelastingsuren"] = certificate.sbu
                if certificate.dossier_crebo:
                    achievement["dossierCrebo"] = certificate.dossier_crebo
                if certificate.dossier_version:
                    achievement["dossierVersion"] = certificate.dossier_version
                name = name or f"Mbo-certificaat {code} {certificate.title}"
                narrative = f"Mbo-certificaat {certificate.title} behaald."
                achievement["id"] = _achievement_id("certificaat", code)
        elif not keuzedeel():
            coded("Mbo-certificaat")
    elif kind in (
        CredentialKind.PRAKTIJKVERKLARING,
        CredentialKind.EVC,
        CredentialKind.MBO_VERKLARING,
    ):
        coded(info.title_nl)
        if kind is CredentialKind.PRAKTIJKVERKLARING:
            if not request.leerbedrijf:
                problems.append(("leerbedrijf", Message(
                    ResultProblem.LEERBEDRIJF_MISSING, "name the erkend leerbedrijf"
                )))  # fmt: skip
            else:
                leerbedrijf: JsonObject = {"name": request.leerbedrijf.strip()}
                if request.leerbedrijf_kvk:
                    leerbedrijf["kvk"] = request.leerbedrijf_kvk.strip()
                achievement["leerbedrijf"] = leerbedrijf
            if request.praktijkopleider:
                achievement["praktijkopleider"] = request.praktijkopleider.strip()
            _period(request, achievement, problems)
    elif kind is CredentialKind.VRIJSTELLING:
        if not request.examencommissie:
            problems.append(("examencommissie", Message(
                ResultProblem.EXAMENCOMMISSIE_MISSING,
                "a vrijstelling is granted by an examencommissie",
            )))  # fmt: skip
        else:
            achievement["examencommissie"] = request.examencommissie.strip()
        if request.decision_date:
            achievement["decisionDate"] = request.decision_date
        if not (keuzedeel() or generic()):
            coded("Vrijstelling")
    elif kind is CredentialKind.DIPLOMA:
        qualification = _resolve_qualification(catalog, request.qualification, problems)
        if qualification is not None:
            achievement.update(_qualification_fields(qualification, catalog))
            if qualification.sbu:
                achievement["studiebelastingsuren"] = qualification.sbu
            # the examencommissie's decision: a diploma is awarded on it (issuer pages:
            # confirmed by a second staff member before it is signed)
            if request.examencommissie:
                achievement["examencommissie"] = request.examencommissie.strip()
            if request.decision_date:
                achievement["decisionDate"] = request.decision_date
            name = name or f"Diploma {qualification.title}"
            narrative = (
                f"Diploma {qualification.title}, niveau {qualification.niveau}, uitgereikt door "
                "de examencommissie."
            )
            achievement["id"] = _achievement_id(
                qualification.dossier_crebo, qualification.dossier_version,
                qualification.profiel_code,
            )  # fmt: skip
    elif kind is CredentialKind.BRANCHECERTIFICAAT:
        if not request.title:
            problems.append(("title", Message(
                ResultProblem.TITLE_MISSING, "a branchecertificaat needs its title"
            )))  # fmt: skip
        if not request.leeruitkomsten:
            problems.append(("leeruitkomsten", Message(
                ResultProblem.LEERUITKOMSTEN_MISSING, "list at least one leeruitkomst"
            )))  # fmt: skip
        achievement["leeruitkomsten"] = [
            {"name": lu.name, **({"credits": lu.credits} if lu.credits is not None else {})}
            for lu in request.leeruitkomsten
        ]
        if request.qualification or request.codes:
            coded("Gekoppeld aan")
            if not request.mapped_by:
                problems.append(("mapped_by", Message(
                    ResultProblem.MAPPED_BY_MISSING,
                    "say who mapped the certificate to werkprocessen",
                )))  # fmt: skip
            else:
                achievement["mappedBy"] = request.mapped_by.strip()
        achievement["id"] = _achievement_id("branche", (request.title or "").lower()[:80])
        narrative = narrative or f"{request.title}."

    grade = " ".join((request.grade or "").split())
    if grade and kind not in GRADED_KINDS:
        problems.append(("grade", Message(
            ResultProblem.NO_GRADE, f"a {info.title_nl.lower()} carries no grade; leave it empty",
            kind=info.title_nl.lower(),
        )))  # fmt: skip
    if problems:
        return AchievementResult(None, tuple(problems), qualification)
    results = (_grade_result(achievement, grade),) if grade else ()
    achievement["name"] = (name or info.title_nl).strip()
    # Open Badges 3.0 requires a description (multiplicity 1): the request's own text, or
    # the same sentence the criteria say, so every template-built achievement has one.
    narrative = narrative or achievement["name"]
    achievement["description"] = (request.description or "").strip() or narrative
    achievement["criteria"] = {"narrative": narrative}
    achievement["inLanguage"] = "nl"
    return AchievementResult(achievement, (), qualification, results)


def _period(
    request: AchievementRequest, achievement: JsonObject, problems: list[tuple[str, str]]
) -> None:
    parsed: dict[str, date] = {}
    for name, value in (("period_start", request.period_start), ("period_end", request.period_end)):
        if not value:
            continue
        try:
            parsed[name] = date.fromisoformat(value)
        except ValueError:
            problems.append((name, Message(
                ResultProblem.NOT_A_DATE, f"{value!r} is not a date (YYYY-MM-DD)", value=value
            )))  # fmt: skip
    if "period_start" in parsed:
        achievement["periodStart"] = parsed["period_start"].isoformat()
    if "period_end" in parsed:
        achievement["periodEnd"] = parsed["period_end"].isoformat()
    if len(parsed) == 2 and parsed["period_end"] < parsed["period_start"]:
        problems.append(("period_end", Message(
            ResultProblem.PERIOD_REVERSED, "the period ends before it starts"
        )))  # fmt: skip


#: The earliest date a result can have been achieved: older than any mbo result a school
#: still records (the WEB of 1996 and its predecessors); an earlier date is a typing error.
EARLIEST_DATE_ACHIEVED = date(1950, 1, 1)
# fixed texts, so the pages can translate them
DATE_NOT_A_DATE = Message(
    ResultProblem.DATE_ACHIEVED_INVALID, "the date achieved is not a date (YYYY-MM-DD)"
)
DATE_IN_FUTURE = Message(
    ResultProblem.DATE_ACHIEVED_FUTURE,
    "the date achieved is in the future; a result is achieved before it is issued",
)
DATE_TOO_OLD = Message(
    ResultProblem.DATE_ACHIEVED_TOO_OLD, "the date achieved is before 1950; check the year"
)


def check_date_achieved(value: str | date | None, today: date) -> tuple[date | None, str | None]:
    """The date a result was achieved (the exam date, the examencommissie's decision), or
    the reason it is refused: not a date, in the future (after ``today``), or before
    :data:`EARLIEST_DATE_ACHIEVED`. ``None`` or empty: ``(None, None)``, the caller uses
    today.

        >>> check_date_achieved("2026-06-30", date(2026, 7, 1))
        (datetime.date(2026, 6, 30), None)
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, date):
        parsed = value
    else:
        try:
            parsed = date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None, DATE_NOT_A_DATE
    if parsed > today:
        return None, DATE_IN_FUTURE
    if parsed < EARLIEST_DATE_ACHIEVED:
        return None, DATE_TOO_OLD
    return parsed, None


def schema_id(kind: CredentialKind) -> str:
    """The ``credentialSchema`` id of a kind; the schema is bundled (see credential_schema)."""
    return f"{SCHEMA_IRI}{kind.value}.json"


@cache
def _schemas() -> Mapping[str, JsonObject]:
    out: dict[str, JsonObject] = {}
    for path in sorted(SCHEMAS_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        out[str(schema["$id"])] = schema
    return out


def credential_schema(schema_ref: str) -> JsonObject | None:
    """A bundled JSON Schema by its id, or None (for the engine's ``schema_lookup``)."""
    return _schemas().get(schema_ref)


def kind_of_credential(credential: Mapping[str, Any]) -> CredentialKind | None:
    types = credential.get("type")
    for t in types if isinstance(types, list) else [types]:
        if isinstance(t, str) and t in _BY_VC_TYPE:
            return _BY_VC_TYPE[t]
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in _as_list(value) if isinstance(v, str))


def evidence_from_credential(
    credential: Mapping[str, Any],
) -> tuple[tuple[Evidence, ...], tuple[Issue, ...]]:
    """Read a (verified) credential of ours as stacking evidence.

    Never raises: a credential that is not one of ours, or lacks what its kind needs, gives
    an ``invalid_evidence`` issue instead.
    """
    cred_id = str(credential.get("id") or "credential")
    kind = kind_of_credential(credential)
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if kind is None or not isinstance(achievement, Mapping):
        return (), (
            Issue(IssueCode.INVALID_EVIDENCE, cred_id, "not an mbo credential this wallet knows"),
        )
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer

    def text(name: str) -> str | None:
        value = achievement.get(name) if isinstance(achievement, Mapping) else None
        return value if isinstance(value, str) else None

    codes = _strings(achievement.get("kerntaken")) + _strings(achievement.get("werkprocessen"))
    common: dict[str, Any] = {
        "id": cred_id,
        "issuer": issuer_id if isinstance(issuer_id, str) else None,
        "dossier_crebo": text("dossierCrebo"),
        "dossier_version": text("dossierVersion"),
        "title": text("name"),
    }

    def make(evidence_kind: EvidenceKind, **extra: Any) -> Evidence:
        return Evidence(kind=evidence_kind, **common, **extra)

    keuzedeel, generic, level = text("keuzedeel"), text("genericSubject"), text("genericLevel")
    items: list[Evidence] = []
    if kind in (CredentialKind.EXAMENRESULTAAT, CredentialKind.MBO_VERKLARING):
        if keuzedeel:
            items.append(make(EvidenceKind.KEUZEDEEL, keuzedeel_code=keuzedeel))
        elif generic:
            items.append(
                make(
                    EvidenceKind.GENERIC_RESULT,
                    generic_subject=generic,
                    generic_level=level,
                    grade=_grade(achievement.get("grade")),
                )
            )
        else:
            items.append(make(EvidenceKind.EXAM_RESULT, codes=codes))
    elif kind is CredentialKind.MBO_CERTIFICAAT:
        if text("certificaatCode"):
            items.append(
                make(EvidenceKind.MBO_CERTIFICAAT, certificate_code=text("certificaatCode"))
            )
        elif keuzedeel:
            items.append(make(EvidenceKind.KEUZEDEEL, keuzedeel_code=keuzedeel))
        else:
            items.append(make(EvidenceKind.EXAM_RESULT, codes=codes))
    elif kind is CredentialKind.PRAKTIJKVERKLARING:
        items.append(make(EvidenceKind.PRAKTIJKVERKLARING, codes=codes))
    elif kind is CredentialKind.EVC:
        items.append(make(EvidenceKind.EVC, codes=codes))
    elif kind is CredentialKind.VRIJSTELLING:
        items.append(
            make(
                EvidenceKind.VRIJSTELLING,
                codes=codes,
                keuzedeel_code=keuzedeel,
                generic_subject=generic,
                generic_level=level,
            )
        )
    elif kind is CredentialKind.DIPLOMA:
        items.append(
            make(
                EvidenceKind.DIPLOMA,
                qualification_crebo=text("crebo"),
                profiel_code=text("profielCode"),
            )
        )
    elif kind is CredentialKind.BRANCHECERTIFICAAT and codes:
        items.append(make(EvidenceKind.MAPPED_CREDENTIAL, codes=codes, mapped_by=text("mappedBy")))
    return tuple(items), ()


def _grade(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return None
    return None

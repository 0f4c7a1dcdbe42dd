"""Our Open Badges 3.0 credentials as SD-JWT VC claim sets, and the Type Metadata per kind.

The NL Wallet profile allows only flat scalar claims (no arrays or objects yet) and wants
every leaf covered by claim metadata, so a credential becomes one flat claim set:

- ``kind`` (the :class:`CredentialKind` value; visible, the ``vct`` says it anyway);
- who and when: ``holder_name``, ``issuer_name``, ``issuer_brin`` / ``issuer_kvk``,
  ``valid_from`` / ``valid_until`` (dates), ``date_achieved`` (the OB 3.0 ``awardedDate``:
  the day the result was achieved), ``credential_name``, ``achievement_name``,
  ``achievement_description`` (never ``student_number``, though the type metadata still
  names it);
- the qualification: ``dossier_crebo``, ``dossier_version``, ``dossier_title``, ``crebo``,
  ``profiel_code``, ``qualification_title``, ``niveau``, ``nlqf``, ``eqf``,
  ``studiebelastingsuren``;
- parts, one claim per code and per catalog title: ``kerntaak_1_code``,
  ``kerntaak_1_title``, … ``werkproces_1_code``, ``werkproces_1_title``, …;
- kind-specific: ``keuzedeel_code``/``_title``, ``certificaat_code``/``_title``,
  ``generic_subject``, ``generic_level``, ``grade`` (the result), ``leerbedrijf_name``,
  ``leerbedrijf_kvk``, ``praktijkopleider``, ``period_start``/``_end``, ``examencommissie``,
  ``decision_date``, ``leeruitkomst_1_name``/``_credits``, ``mapped_by``.

``vct`` per kind: ``https://w3id.org/mbo-wallet/vct/<kind>``; its Type Metadata (nl-NL and
en-US display, claims with labels, ``summary``, a ``data:`` logo) is
:func:`type_metadata` and is published from ``schemas/sd-jwt-vc/<kind>.json`` (written by
``python -m qualifications.sd_jwt_vc_claims``; a test keeps the files equal to the code).
Pure: no credentials engine, no I/O except that writer.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from qualifications.achievements import KINDS, CredentialKind, kind_of_credential
from qualifications.catalog import Catalog
from qualifications.model import PartKey

__all__ = [
    "MAX_KERNTAKEN",
    "MAX_LEERUITKOMSTEN",
    "MAX_WERKPROCESSEN",
    "TYPE_METADATA_DIR",
    "VCT_BASE",
    "MboClaims",
    "result_fingerprint",
    "sd_jwt_vc_claims",
    "type_metadata",
    "type_metadata_bytes",
    "vct_of",
]

VCT_BASE = "https://w3id.org/mbo-wallet/vct/"
TYPE_METADATA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "sd-jwt-vc"
MAX_KERNTAKEN = 12
MAX_WERKPROCESSEN = 48
MAX_LEERUITKOMSTEN = 12
LOCALES = ("nl-NL", "en-US")

Scalar = str | int | float | bool


def vct_of(kind: CredentialKind) -> str:
    return VCT_BASE + kind.value


@dataclass(frozen=True, slots=True)
class MboClaims:
    """The SD-JWT VC view of one credential: ``vct``, flat ``claims``, ``nbf``/``exp``."""

    kind: CredentialKind
    vct: str
    claims: dict[str, Scalar]
    nbf: int | None
    exp: int | None


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: object) -> int | float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def _timestamp(value: object) -> int | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _strings(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [s for s in (_text(v) for v in items) if s]


def _indexed(
    out: dict[str, Scalar], prefix: str, rows: Sequence[dict[str, Scalar]], most: int
) -> None:
    if len(rows) > most:
        raise ValueError(f"more than {most} {prefix} entries; the type metadata has {most}")
    for number, row in enumerate(rows, start=1):
        for field_name, value in row.items():
            out[f"{prefix}_{number}_{field_name}"] = value


def _part_title(catalog: Catalog, crebo: str | None, version: str | None, code: str) -> str | None:
    if not crebo or not version:
        return None
    unit = catalog.unit(PartKey(crebo, version, code))
    return unit.title if unit is not None else None


def sd_jwt_vc_claims(credential: Mapping[str, Any], catalog: Catalog) -> MboClaims:
    """Map an OB 3.0 credential as the issuer builds it (signed or not) to its flat claims.
    Raises ``ValueError`` for a credential that is not one of ours."""
    kind = kind_of_credential(credential)
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if kind is None or not isinstance(subject, Mapping) or not isinstance(achievement, Mapping):
        raise ValueError("not an mbo credential of one of the eight kinds")
    issuer = credential.get("issuer")
    issuer = issuer if isinstance(issuer, Mapping) else {}
    a = achievement
    claims: dict[str, Scalar] = {"kind": kind.value}

    def put(name: str, value: Scalar | None) -> None:
        if value is not None:
            claims[name] = value

    put("credential_name", _text(credential.get("name")))
    put("achievement_name", _text(a.get("name")))
    put("achievement_description", _text(a.get("description")))
    put("holder_name", _text(subject.get("name")))
    # never ``student_number``: a plain student number identifies the learner at the school
    # to anyone it is shown to (OB 3.0 wants a salted, hashed ``identifier`` instead); the
    # claim stays in the type metadata so its ``vct#integrity`` (and credentials issued
    # before) keep matching
    put("issuer_name", _text(issuer.get("name")))
    put("issuer_brin", _text(issuer.get("brin")))
    put("issuer_kvk", _text(issuer.get("kvk")))
    for claim, member in (("valid_from", "validFrom"), ("valid_until", "validUntil")):
        stamp = _text(credential.get(member))
        put(claim, stamp[:10] if stamp else None)
    awarded = _text(credential.get("awardedDate"))
    put("date_achieved", awarded[:10] if awarded else None)
    crebo, version = _text(a.get("dossierCrebo")), _text(a.get("dossierVersion"))
    put("dossier_crebo", crebo)
    put("dossier_version", version)
    for claim, member in (
        ("dossier_title", "dossierTitle"),
        ("crebo", "crebo"),
        ("profiel_code", "profielCode"),
        ("qualification_title", "qualificationTitle"),
    ):
        put(claim, _text(a.get(member)))
    for claim in ("niveau", "nlqf", "eqf", "studiebelastingsuren"):
        put(claim, _number(a.get(claim)))
    for prefix, member, most in (
        ("kerntaak", "kerntaken", MAX_KERNTAKEN),
        ("werkproces", "werkprocessen", MAX_WERKPROCESSEN),
    ):
        rows: list[dict[str, Scalar]] = []
        for code in _strings(a.get(member)):
            row: dict[str, Scalar] = {"code": code}
            title = _part_title(catalog, crebo, version, code)
            if title:
                row["title"] = title
            rows.append(row)
        _indexed(claims, prefix, rows, most)
    keuzedeel = _text(a.get("keuzedeel"))
    if keuzedeel:
        claims["keuzedeel_code"] = keuzedeel
        found = catalog.keuzedeel(keuzedeel)
        put("keuzedeel_title", found.title if found else None)
    certificaat = _text(a.get("certificaatCode"))
    if certificaat:
        claims["certificaat_code"] = certificaat
        certificate = catalog.certificate(certificaat)
        put("certificaat_title", certificate.title if certificate else None)
    put("generic_subject", _text(a.get("genericSubject")))
    put("generic_level", _text(a.get("genericLevel")))
    put("grade", _text(a.get("grade")) or _number(a.get("grade")))
    leerbedrijf = a.get("leerbedrijf")
    if isinstance(leerbedrijf, Mapping):
        put("leerbedrijf_name", _text(leerbedrijf.get("name")))
        put("leerbedrijf_kvk", _text(leerbedrijf.get("kvk")))
    put("praktijkopleider", _text(a.get("praktijkopleider")))
    put("period_start", _text(a.get("periodStart")))
    put("period_end", _text(a.get("periodEnd")))
    put("examencommissie", _text(a.get("examencommissie")))
    put("decision_date", _text(a.get("decisionDate")))
    outcomes = [u for u in a.get("leeruitkomsten") or [] if isinstance(u, Mapping)]
    rows = []
    for outcome in outcomes:
        row = {"name": _text(outcome.get("name")) or ""}
        credits = _number(outcome.get("credits"))
        if credits is not None:
            row["credits"] = credits
        rows.append(row)
    _indexed(claims, "leeruitkomst", rows, MAX_LEERUITKOMSTEN)
    put("mapped_by", _text(a.get("mappedBy")))
    return MboClaims(
        kind=kind,
        vct=vct_of(kind),
        claims=claims,
        nbf=_timestamp(credential.get("validFrom")),
        exp=_timestamp(credential.get("validUntil")),
    )


# -- one result, two formats ---------------------------------------------------------------
# (the way back, claims -> credential shape, is qualifications.sd_jwt_vc_reading)

_NOT_RESULT_CLAIMS = frozenset(
    {"iss", "iat", "nbf", "exp", "sub", "vct", "vct#integrity", "cnf", "status", "_sd_alg"}
)


def result_fingerprint(claims: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a result's flat claims, the JWT and SD-JWT VC registered claims left
    out: the same for an ``ldp_vc`` (``sd_jwt_vc_claims(credential).claims``) and the
    SD-JWT VC issued from the same record with every Disclosure, so a wallet can tell that
    two copies are one result."""
    kept = {k: v for k, v in claims.items() if k not in _NOT_RESULT_CLAIMS}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- Type Metadata -------------------------------------------------------------------------

_Label = tuple[str, str]  # (nl, en)

_COMMON: list[tuple[str, _Label]] = [
    ("kind", ("Soort", "Kind")),
    ("credential_name", ("Naam van het bewijs", "Credential name")),
    ("achievement_name", ("Behaald", "Achievement")),
    ("achievement_description", ("Omschrijving", "Description")),
    ("holder_name", ("Naam", "Name")),
    ("student_number", ("Studentnummer", "Student number")),  # no longer issued; kept
    ("issuer_name", ("Uitgegeven door", "Issued by")),
    ("issuer_brin", ("BRIN-code", "BRIN code")),
    ("issuer_kvk", ("KvK-nummer uitgever", "Issuer KvK number")),
    ("valid_from", ("Geldig vanaf", "Valid from")),
    ("valid_until", ("Geldig tot", "Valid until")),
    ("date_achieved", ("Datum behaald", "Date achieved")),
]
_QUALIFICATION: list[tuple[str, _Label]] = [
    ("dossier_crebo", ("Crebo kwalificatiedossier", "Qualification file crebo")),
    ("dossier_version", ("Versie kwalificatiedossier", "Qualification file version")),
    ("dossier_title", ("Kwalificatiedossier", "Qualification file")),
    ("crebo", ("Crebo kwalificatie", "Qualification crebo")),
    ("profiel_code", ("Profielcode", "Profile code")),
    ("qualification_title", ("Kwalificatie", "Qualification")),
    ("niveau", ("Mbo-niveau", "MBO level")),
    ("nlqf", ("NLQF-niveau", "NLQF level")),
    ("eqf", ("EQF-niveau", "EQF level")),
    ("studiebelastingsuren", ("Studiebelastingsuren", "Study load hours")),
]
_KEUZEDEEL = [
    ("keuzedeel_code", ("Keuzedeelcode", "Elective code")),
    ("keuzedeel_title", ("Keuzedeel", "Elective")),
]
_CERTIFICAAT = [
    ("certificaat_code", ("Certificaatcode", "Certificate code")),
    ("certificaat_title", ("Mbo-certificaat", "MBO certificate")),
]
_GENERIC = [
    ("generic_subject", ("Generiek onderdeel", "Generic subject")),
    ("generic_level", ("Niveau generiek onderdeel", "Generic subject level")),
    ("grade", ("Resultaat", "Result")),
]
_PRAKTIJK = [
    ("leerbedrijf_name", ("Leerbedrijf", "Work placement company")),
    ("leerbedrijf_kvk", ("KvK-nummer leerbedrijf", "Company KvK number")),
    ("praktijkopleider", ("Praktijkopleider", "Workplace supervisor")),
    ("period_start", ("Begin periode", "Period start")),
    ("period_end", ("Einde periode", "Period end")),
]
_VRIJSTELLING = [
    ("examencommissie", ("Examencommissie", "Examination board")),
    ("decision_date", ("Datum besluit", "Decision date")),
]
_BRANCHE = [("mapped_by", ("Gekoppeld door", "Mapped by"))]


def _parts(prefix: str, most: int, nl: str, en: str) -> list[tuple[str, _Label]]:
    rows: list[tuple[str, _Label]] = []
    for n in range(1, most + 1):
        rows.append((f"{prefix}_{n}_code", (f"{nl} {n} (code)", f"{en} {n} (code)")))
        rows.append((f"{prefix}_{n}_title", (f"{nl} {n}", f"{en} {n}")))
    return rows


def _outcomes() -> list[tuple[str, _Label]]:
    rows: list[tuple[str, _Label]] = []
    for n in range(1, MAX_LEERUITKOMSTEN + 1):
        rows.append((f"leeruitkomst_{n}_name", (f"Leeruitkomst {n}", f"Learning outcome {n}")))
        rows.append((f"leeruitkomst_{n}_credits", (f"Studiepunten {n}", f"Credits of outcome {n}")))
    return rows


_WITH_PARTS = (
    _QUALIFICATION
    + _parts("kerntaak", MAX_KERNTAKEN, "Kerntaak", "Core task")
    + _parts("werkproces", MAX_WERKPROCESSEN, "Werkproces", "Work process")
)
_GROUPS: Mapping[CredentialKind, list[tuple[str, _Label]]] = {
    CredentialKind.EXAMENRESULTAAT: _WITH_PARTS + _KEUZEDEEL + _GENERIC,
    CredentialKind.MBO_CERTIFICAAT: _WITH_PARTS + _KEUZEDEEL + _CERTIFICAAT,
    CredentialKind.PRAKTIJKVERKLARING: _WITH_PARTS + _PRAKTIJK,
    CredentialKind.EVC: _WITH_PARTS,
    CredentialKind.VRIJSTELLING: _WITH_PARTS + _KEUZEDEEL + _GENERIC + _VRIJSTELLING,
    CredentialKind.DIPLOMA: _QUALIFICATION + _VRIJSTELLING,  # the examencommissie's decision
    CredentialKind.MBO_VERKLARING: _WITH_PARTS + _KEUZEDEEL + _GENERIC,
    CredentialKind.BRANCHECERTIFICAAT: _WITH_PARTS + _outcomes() + _BRANCHE,
}
_LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
    '<rect width="64" height="64" rx="12" fill="#1d3c6e"/>'
    '<text x="32" y="41" font-family="sans-serif" font-size="22" fill="#fff" '
    'text-anchor="middle">mbo</text></svg>'
)
LOGO_DATA_URI = "data:image/svg+xml;base64," + base64.b64encode(_LOGO_SVG.encode()).decode()


def _claim(name: str, label: _Label, kind: CredentialKind) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": [name],
        "display": [
            {"locale": LOCALES[0], "label": label[0]},
            {"locale": LOCALES[1], "label": label[1]},
        ],
        # kind is visible (the vct says it); everything else selectively disclosable
        "sd": "never" if name == "kind" else "always",
    }
    if name == "kind":
        entry["mandatory"] = True
    if name == "achievement_name":
        entry["mandatory"] = True
        entry["svg_id"] = "achievement_name"
    return entry


def type_metadata(kind: CredentialKind) -> dict[str, Any]:
    """The SD-JWT VC Type Metadata of ``kind`` (NL Wallet profile: nl and en, simple
    rendering with a ``data:`` logo, a ``summary``, every claim of the kind described)."""
    info = KINDS[kind]
    rendering = {
        "simple": {
            "logo": {"uri": LOGO_DATA_URI, "alt_text": "mbo"},
            "background_color": "#1d3c6e",
            "text_color": "#ffffff",
        }
    }
    display = [
        {
            "locale": LOCALES[0],
            "name": info.title_nl,
            "description": f"{info.title_nl} uit het mbo",
            "summary": "{{achievement_name}}",
            "rendering": rendering,
        },
        {
            "locale": LOCALES[1],
            "name": info.title_en,
            "description": f"{info.title_en} from Dutch vocational education (mbo)",
            "summary": "{{achievement_name}}",
            "rendering": rendering,
        },
    ]
    return {
        "vct": vct_of(kind),
        "name": f"mbo-wallet {info.title_en}",
        "description": f"{info.title_en} ({info.vc_type}) as an SD-JWT VC",
        "display": display,
        "claims": [_claim(n, label, kind) for n, label in _COMMON + _GROUPS[kind]],
    }


def type_metadata_bytes(kind: CredentialKind) -> bytes:
    """The exact bytes published (their SHA-256 is the ``vct#integrity``)."""
    text = json.dumps(type_metadata(kind), ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8")


def write_type_metadata_files(folder: Path = TYPE_METADATA_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in CredentialKind:
        path = folder / f"{kind.value}.json"
        path.write_bytes(type_metadata_bytes(kind))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a developer tool
    for written_path in write_type_metadata_files():
        print(written_path)

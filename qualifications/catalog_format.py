"""The project's own catalog format: JSON, described by ``schemas/catalog/catalog.schema.json``.

One file holds sources, generic requirement sets, diploma rules, dossier versions (each with
its basisdeel and kwalificaties), keuzedelen, certificates, equivalences and documented
stacking edges. Several files can be loaded together; a dossier version may appear only once.

Usage::

    catalog = load_catalog(Path("schemas/catalog/sample.json"))
    save_catalog(catalog, Path("out.json"))
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from qualifications.catalog import Catalog
from qualifications.errors import CatalogError
from qualifications.model import (
    Certificate,
    CertificateCoverage,
    CompensationRule,
    DiplomaRule,
    Dossier,
    Equivalence,
    GenericMode,
    GenericRequirement,
    GenericRequirementSet,
    GenericSubject,
    Kerntaak,
    Keuzedeel,
    PartKey,
    Qualification,
    StackingEdge,
    Werkproces,
)

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "catalog_from_json",
    "catalog_to_json",
    "load_catalog",
    "save_catalog",
]

_E = TypeVar("_E", GenericSubject, GenericMode)

FORMAT_NAME = "mbo-wallet/qualification-catalog"
FORMAT_VERSION = 1


def load_catalog(*paths: Path) -> Catalog:
    """Read one or more catalog files into one :class:`Catalog`."""
    docs = []
    for path in paths:
        try:
            docs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise CatalogError(f"{path}: {exc}") from exc
    return catalog_from_json(*docs)


def save_catalog(catalog: Catalog, path: Path) -> None:
    """Write a catalog as one JSON file (UTF-8, stable key order)."""
    text = json.dumps(catalog_to_json(catalog), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def catalog_from_json(*docs: object) -> Catalog:
    """Build a catalog from parsed JSON documents in the project's format."""
    parts: dict[str, list[Any]] = {
        "dossiers": [],
        "keuzedelen": [],
        "certificates": [],
        "generic_sets": [],
        "diploma_rules": [],
        "equivalences": [],
        "stacking_edges": [],
    }
    sources: dict[str, dict[str, str]] = {}
    descriptions: list[str] = []
    legend: dict[str, str] = {}
    domains: dict[str, str] = {}
    for n, doc in enumerate(docs):
        r = _Reader(doc, f"doc[{n}]")
        if r.text("format") != FORMAT_NAME or r.integer("formatVersion") != FORMAT_VERSION:
            raise CatalogError(f"doc[{n}] is not a {FORMAT_NAME} v{FORMAT_VERSION} document")
        desc = r.opt_text("description")
        if desc:
            descriptions.append(desc)
        for source_id, source in r.mapping("sources").items():
            s = _Reader(source, f"sources.{source_id}")
            value = {k: s.text(k) for k in s.value}
            if sources.get(source_id, value) != value:
                raise CatalogError(f"source {source_id!r} differs between files")
            sources[source_id] = value
        for letter, title in r.mapping("competentieLegend").items():
            if not isinstance(title, str) or legend.get(letter, title) != title:
                raise CatalogError(f"doc[{n}].competentieLegend.{letter}: conflicting or not text")
            legend[letter] = title
        for code, title in r.mapping("opleidingsdomeinen").items():
            if not isinstance(title, str) or domains.get(code, title) != title:
                raise CatalogError(f"doc[{n}].opleidingsdomeinen.{code}: conflicting or not text")
            domains[code] = title
        generic = [_generic_set(x) for x in r.items("genericRequirementSets")]
        parts["generic_sets"].extend(generic)
        parts["diploma_rules"].extend(_rule(x) for x in r.items("diplomaRules"))
        parts["keuzedelen"].extend(_keuzedeel(x) for x in r.items("keuzedelen"))
        parts["dossiers"].extend(_dossier(x) for x in r.items("dossiers"))
        parts["certificates"].extend(_certificate(x) for x in r.items("certificates"))
        parts["equivalences"].extend(_equivalence(x) for x in r.items("equivalences"))
        parts["stacking_edges"].extend(_edge(x) for x in r.items("stackingEdges"))
    return Catalog(
        dossiers=tuple(parts["dossiers"]),
        keuzedelen=tuple(parts["keuzedelen"]),
        certificates=tuple(parts["certificates"]),
        generic_sets=_dedupe_identical(parts["generic_sets"]),
        diploma_rules=_dedupe_identical(parts["diploma_rules"]),
        equivalences=tuple(parts["equivalences"]),
        sources=sources,
        stacking_edges=tuple(parts["stacking_edges"]),
        competentie_legend=legend,
        description="\n".join(descriptions) or None,
        domains=domains,
    )


def _dedupe_identical(items: list[Any]) -> tuple[Any, ...]:
    # Shared sets and rules may be repeated in several files; identical copies are one.
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out and out[item.id] != item:
            raise CatalogError(f"{item.id!r} differs between files")
        out[item.id] = item
    return tuple(out.values())


class _Reader:
    """Typed access to one JSON object, with the path in every error message."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, Mapping):
            raise CatalogError(f"{where}: expected an object")
        self.value: Mapping[str, object] = value
        self.where = where

    def _fail(self, key: str, what: str) -> CatalogError:
        return CatalogError(f"{self.where}.{key}: expected {what}")

    def text(self, key: str) -> str:
        v = self.value.get(key)
        if not isinstance(v, str):
            raise self._fail(key, "a string")
        return v

    def opt_text(self, key: str) -> str | None:
        v = self.value.get(key)
        if v is not None and not isinstance(v, str):
            raise self._fail(key, "a string or null")
        return v

    def integer(self, key: str) -> int:
        v = self.value.get(key)
        if isinstance(v, bool) or not isinstance(v, int):
            raise self._fail(key, "an integer")
        return v

    def opt_integer(self, key: str) -> int | None:
        v = self.value.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            raise self._fail(key, "an integer or null")
        return v

    def number(self, key: str, default: float) -> float:
        v = self.value.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self._fail(key, "a number")
        return float(v)

    def opt_bool(self, key: str) -> bool | None:
        v = self.value.get(key)
        if v is not None and not isinstance(v, bool):
            raise self._fail(key, "true, false or null")
        return v

    def opt_date(self, key: str) -> date | None:
        v = self.opt_text(key)
        if v is None:
            return None
        try:
            return date.fromisoformat(v)
        except ValueError:
            raise self._fail(key, "an ISO date") from None

    def strs(self, key: str) -> tuple[str, ...]:
        v = self.value.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise self._fail(key, "a list of strings")
        return tuple(v)

    def items(self, key: str) -> list[_Reader]:
        v = self.value.get(key, [])
        if not isinstance(v, list):
            raise self._fail(key, "a list")
        return [_Reader(x, f"{self.where}.{key}[{i}]") for i, x in enumerate(v)]

    def mapping(self, key: str) -> dict[str, object]:
        v = self.value.get(key, {})
        if not isinstance(v, Mapping):
            raise self._fail(key, "an object")
        return {str(k): x for k, x in v.items()}

    def uncertain(self) -> frozenset[str]:
        return frozenset(self.strs("uncertain"))


def _werkproces(r: _Reader) -> Werkproces:
    return Werkproces(
        code=r.text("code"),
        title=r.text("title"),
        sbu=r.opt_integer("sbu"),
        sbb_nr=r.opt_text("sbbNr"),
        competenties=r.strs("competenties"),
    )


def _kerntaak(r: _Reader) -> Kerntaak:
    return Kerntaak(
        code=r.text("code"),
        title=r.text("title"),
        werkprocessen=tuple(_werkproces(x) for x in r.items("werkprocessen")),
        sbu=r.opt_integer("sbu"),
        sbb_nr=r.opt_text("sbbNr"),
    )


def _dossier(r: _Reader) -> Dossier:
    crebo, version = r.text("crebo"), r.text("version")
    basisdeel = tuple(_kerntaak(x) for x in r.items("basisdeel"))
    kwalificaties = tuple(
        _qualification(x, crebo, version, basisdeel) for x in r.items("kwalificaties")
    )
    return Dossier(
        crebo=crebo,
        version=version,
        title=r.text("title"),
        basisdeel=basisdeel,
        kwalificaties=kwalificaties,
        geldig_vanaf=r.opt_date("geldigVanaf"),
        geldig_tot=r.opt_date("geldigTot"),
        opleidingsdomein=r.opt_text("opleidingsdomein"),
        sector=r.opt_text("sector"),
        sectorkamer=r.opt_text("sectorkamer"),
        status=r.opt_text("status"),
        version_label=r.opt_text("versionLabel"),
        previous_version=r.opt_text("previousVersion"),
        vastgesteld_op=r.opt_date("vastgesteldOp"),
        sbb_nr=r.opt_text("sbbNr"),
        uncertain=r.uncertain(),
        sources=r.strs("sources"),
        notes=r.strs("notes"),
    )


def _qualification(
    r: _Reader, crebo: str, version: str, basisdeel: tuple[Kerntaak, ...]
) -> Qualification:
    return Qualification(
        id=r.text("id"),
        crebo=r.opt_text("crebo"),
        title=r.text("title"),
        profiel_code=r.text("profielCode"),
        niveau=r.integer("niveau"),
        dossier_crebo=crebo,
        dossier_version=version,
        basisdeel=basisdeel,
        profieldeel=tuple(_kerntaak(x) for x in r.items("profieldeel")),
        generic_requirements=r.text("genericRequirements"),
        diploma_rule=r.text("diplomaRule"),
        nlqf=r.opt_integer("nlqf"),
        eqf=r.opt_integer("eqf"),
        sbu=r.opt_integer("sbu"),
        soort_opleiding=r.opt_text("soortOpleiding"),
        wettelijke_beroepsvereisten=r.opt_bool("wettelijkeBeroepsvereisten"),
        keuzedelen=r.strs("keuzedelen"),
        sbb_nr=r.opt_text("sbbNr"),
        leerwegen=r.strs("leerwegen"),
        geldig_vanaf=r.opt_date("geldigVanaf"),
        geldig_tot=r.opt_date("geldigTot"),
        opvolgers=r.strs("opvolgers"),
        uncertain=r.uncertain(),
        sources=r.strs("sources"),
        notes=r.strs("notes"),
    )


def _enum_value(cls: type[_E], value: str, where: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        raise CatalogError(f"{where}: unknown value {value!r}") from None


def _generic_set(r: _Reader) -> GenericRequirementSet:
    requirements = []
    for x in r.items("requirements"):
        requirements.append(
            GenericRequirement(
                subject=_enum_value(GenericSubject, x.text("subject"), x.where),
                level=x.opt_text("level"),
                skill=x.opt_text("skill"),
            )
        )
    return GenericRequirementSet(
        id=r.text("id"),
        applies_to=r.text("appliesTo"),
        requirements=tuple(requirements),
        uncertain=r.uncertain(),
        sources=r.strs("sources"),
        notes=r.strs("notes"),
    )


def _rule(r: _Reader) -> DiplomaRule:
    generic = {
        _enum_value(GenericSubject, k, r.where): _enum_value(
            GenericMode, _Reader({"v": v}, r.where).text("v"), r.where
        )
        for k, v in r.mapping("generic").items()
    }
    compensation = tuple(
        CompensationRule(
            subjects=tuple(_enum_value(GenericSubject, s, x.where) for s in x.strs("subjects")),
            floor_grade=x.number("floorGrade", 0.0),
            max_below_pass=x.integer("maxBelowPass"),
        )
        for x in r.items("compensation")
    )
    return DiplomaRule(
        id=r.text("id"),
        title=r.text("title"),
        generic=generic,
        pass_grade=r.number("passGrade", 5.5),
        compensation=compensation,
        keuzedelen_sbu=r.opt_integer("keuzedelenSbu"),
        keuzedelen_required=bool(r.opt_bool("keuzedelenRequired")),
        uncertain=r.uncertain(),
        sources=r.strs("sources"),
        notes=r.strs("notes"),
    )


def _keuzedeel(r: _Reader) -> Keuzedeel:
    return Keuzedeel(
        code=r.text("code"),
        title=r.text("title"),
        sbu=r.opt_integer("sbu"),
        niveau=r.opt_integer("niveau"),
        uncertain=r.uncertain(),
        sources=r.strs("sources"),
        notes=r.strs("notes"),
    )


def _certificate(r: _Reader) -> Certificate:
    covers_raw = r.value.get("covers")
    covers: tuple[CertificateCoverage, ...] | None = None
    if covers_raw is not None:
        covers = tuple(
            CertificateCoverage(
                kerntaak=x.text("kerntaak"),
                werkprocessen=None
                if x.value.get("werkprocessen") is None
                else x.strs("werkprocessen"),
            )
            for x in r.items("covers")
        )
    return Certificate(
        id=r.text("id"),
        title=r.text("title"),
        code=r.opt_text("code"),
        dossier_crebo=r.opt_text("dossierCrebo"),
        dossier_version=r.opt_text("dossierVersion"),
        qualification_crebo=r.opt_text("qualificationCrebo"),
        keuzedeel=r.opt_text("keuzedeel"),
        sbu=r.opt_integer("sbu"),
        covers=covers,
        status=r.opt_text("status"),
        uncertain=r.uncertain(),
        sources=r.strs("sources"),
        notes=r.strs("notes"),
    )


def _part_key(r: _Reader) -> PartKey:
    return PartKey(r.text("crebo"), r.text("version"), r.text("code"))


def _equivalence(r: _Reader) -> Equivalence:
    return Equivalence(
        a=_part_key(_Reader(r.value.get("a"), r.where + ".a")),
        b=_part_key(_Reader(r.value.get("b"), r.where + ".b")),
        sources=r.strs("sources"),
        note=r.opt_text("note"),
    )


def _edge(r: _Reader) -> StackingEdge:
    return StackingEdge(
        source=r.text("from"),
        target=r.text("to"),
        shared_kerntaken=r.strs("sharedKerntaken"),
        remaining=r.strs("remaining"),
        note=r.opt_text("note"),
    )


# -- writing ------------------------------------------------------------------------------


def catalog_to_json(catalog: Catalog) -> dict[str, Any]:
    """The JSON document for a catalog; :func:`catalog_from_json` reads it back unchanged.

    Fields added for the full list (domains, validity, successors, leerwegen) are written
    only when set, so older files round-trip byte for byte.
    """
    domains = {"opleidingsdomeinen": dict(catalog.domains)} if catalog.domains else {}
    return {
        "format": FORMAT_NAME,
        "formatVersion": FORMAT_VERSION,
        "description": catalog.description,
        "sources": {k: dict(v) for k, v in catalog.sources.items()},
        "competentieLegend": dict(catalog.competentie_legend),
        **domains,
        "genericRequirementSets": [_generic_set_json(s) for s in catalog.generic_sets],
        "diplomaRules": [_rule_json(r) for r in catalog.diploma_rules],
        "dossiers": [_dossier_json(d) for d in catalog.dossiers],
        "keuzedelen": [_keuzedeel_json(k) for k in catalog.keuzedelen],
        "certificates": [_certificate_json(c) for c in catalog.certificates],
        "equivalences": [
            {"a": _key_json(e.a), "b": _key_json(e.b), "sources": list(e.sources), "note": e.note}
            for e in catalog.equivalences
        ],
        "stackingEdges": [
            {
                "from": e.source,
                "to": e.target,
                "sharedKerntaken": list(e.shared_kerntaken),
                "remaining": list(e.remaining),
                "note": e.note,
            }
            for e in catalog.stacking_edges
        ],
    }


def _meta(
    uncertain: frozenset[str], sources: Sequence[str], notes: Sequence[str]
) -> dict[str, Any]:
    return {"uncertain": sorted(uncertain), "sources": list(sources), "notes": list(notes)}


def _key_json(key: PartKey) -> dict[str, str]:
    return {"crebo": key.crebo, "version": key.version, "code": key.code}


def _kerntaak_json(kt: Kerntaak) -> dict[str, Any]:
    return {
        "code": kt.code,
        "title": kt.title,
        "sbu": kt.sbu,
        "sbbNr": kt.sbb_nr,
        "werkprocessen": [
            {
                "code": wp.code,
                "title": wp.title,
                "sbu": wp.sbu,
                "sbbNr": wp.sbb_nr,
                "competenties": list(wp.competenties),
            }
            for wp in kt.werkprocessen
        ],
    }


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _set_only(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v}


def _dossier_json(d: Dossier) -> dict[str, Any]:
    return {
        "crebo": d.crebo,
        "version": d.version,
        "title": d.title,
        "geldigVanaf": _iso(d.geldig_vanaf),
        **_set_only(geldigTot=_iso(d.geldig_tot), opleidingsdomein=d.opleidingsdomein),
        "sector": d.sector,
        "sectorkamer": d.sectorkamer,
        "status": d.status,
        "versionLabel": d.version_label,
        "previousVersion": d.previous_version,
        "vastgesteldOp": _iso(d.vastgesteld_op),
        "sbbNr": d.sbb_nr,
        **_meta(d.uncertain, d.sources, d.notes),
        "basisdeel": [_kerntaak_json(kt) for kt in d.basisdeel],
        "kwalificaties": [_qualification_json(q) for q in d.kwalificaties],
    }


def _qualification_json(q: Qualification) -> dict[str, Any]:
    return {
        "id": q.id,
        "crebo": q.crebo,
        "title": q.title,
        "profielCode": q.profiel_code,
        "niveau": q.niveau,
        "nlqf": q.nlqf,
        "eqf": q.eqf,
        "sbu": q.sbu,
        "soortOpleiding": q.soort_opleiding,
        "wettelijkeBeroepsvereisten": q.wettelijke_beroepsvereisten,
        "genericRequirements": q.generic_requirements,
        "diplomaRule": q.diploma_rule,
        "keuzedelen": list(q.keuzedelen),
        "sbbNr": q.sbb_nr,
        **_set_only(
            leerwegen=list(q.leerwegen),
            geldigVanaf=_iso(q.geldig_vanaf),
            geldigTot=_iso(q.geldig_tot),
            opvolgers=list(q.opvolgers),
        ),
        **_meta(q.uncertain, q.sources, q.notes),
        "profieldeel": [_kerntaak_json(kt) for kt in q.profieldeel],
    }


def _generic_set_json(s: GenericRequirementSet) -> dict[str, Any]:
    return {
        "id": s.id,
        "appliesTo": s.applies_to,
        "requirements": [
            {"subject": g.subject.value, "level": g.level, "skill": g.skill} for g in s.requirements
        ],
        **_meta(s.uncertain, s.sources, s.notes),
    }


def _rule_json(r: DiplomaRule) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "generic": {k.value: v.value for k, v in r.generic.items()},
        "passGrade": r.pass_grade,
        "compensation": [
            {
                "subjects": [s.value for s in c.subjects],
                "floorGrade": c.floor_grade,
                "maxBelowPass": c.max_below_pass,
            }
            for c in r.compensation
        ],
        "keuzedelenSbu": r.keuzedelen_sbu,
        "keuzedelenRequired": r.keuzedelen_required,
        **_meta(r.uncertain, r.sources, r.notes),
    }


def _keuzedeel_json(k: Keuzedeel) -> dict[str, Any]:
    return {
        "code": k.code,
        "title": k.title,
        "sbu": k.sbu,
        "niveau": k.niveau,
        **_meta(k.uncertain, k.sources, k.notes),
    }


def _certificate_json(c: Certificate) -> dict[str, Any]:
    return {
        "id": c.id,
        "code": c.code,
        "title": c.title,
        "dossierCrebo": c.dossier_crebo,
        "dossierVersion": c.dossier_version,
        "qualificationCrebo": c.qualification_crebo,
        "keuzedeel": c.keuzedeel,
        "sbu": c.sbu,
        "covers": None
        if c.covers is None
        else [
            {
                "kerntaak": cov.kerntaak,
                "werkprocessen": None if cov.werkprocessen is None else list(cov.werkprocessen),
            }
            for cov in c.covers
        ],
        "status": c.status,
        **_meta(c.uncertain, c.sources, c.notes),
    }

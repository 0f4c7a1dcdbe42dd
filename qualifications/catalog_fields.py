"""The catalog format, defined once: each record's JSON members in file order.

This table is the single definition of the project's catalog format. Reading and writing
(:mod:`qualifications.catalog_codec`, :mod:`qualifications.catalog_format`) and the published
JSON Schema (:mod:`qualifications.catalog_schema`, written to
``schemas/catalog/catalog.schema.json`` by ``python -m qualifications schema``) are derived
from it; nothing else names a JSON member.

A :class:`Record` ties a model dataclass (:mod:`qualifications.model`) to its members. A
member's Python type comes from the dataclass annotation; the entry adds only what the type
cannot say: the JSON name (the attribute is its snake_case form unless ``attr`` is given),
whether the schema requires it, schema constraints (a named :class:`ValueType` such as
:data:`CREBO`, ``pattern``, ``minimum`` ...), and ``when_set`` for members written only when
they have a value (they came with the full list; older files stay byte for byte the same).
Record fields not in the file are named in ``inherit``: a kwalificatie takes its dossier's
crebo, version and basisdeel.

Rules a schema cannot express (references between records, unique codes, a kerntaak code
that fits its part) are checked when the :class:`~qualifications.catalog.Catalog` is built
(:mod:`qualifications.catalog`), in one place.

To add a member: add the dataclass field, add one :class:`Member` line here at its place in
the file, run ``python -m qualifications schema > schemas/catalog/catalog.schema.json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qualifications.catalog import Catalog
from qualifications.model import (
    KERNTAAK_CODE_PATTERN,
    WERKPROCES_CODE_PATTERN,
    Certificate,
    CertificateCoverage,
    CompensationRule,
    DiplomaRule,
    Dossier,
    Equivalence,
    GenericRequirement,
    GenericRequirementSet,
    Kerntaak,
    Keuzedeel,
    PartKey,
    Qualification,
    StackingEdge,
    Werkproces,
)

__all__ = [
    "CATALOG",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "RECORDS",
    "SCHEMA_HEADER",
    "Member",
    "Record",
    "ValueType",
    "snake_case",
]

FORMAT_NAME = "mbo-wallet/qualification-catalog"
FORMAT_VERSION = 1

SCHEMA_HEADER: Mapping[str, str] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://mbo-wallet.example/schemas/catalog/catalog.schema.json",
    "title": "mbo-wallet qualification catalog",
    "description": "The project's own format for the kwalificatiestructuur: dossier versions"
    " with basisdeel and kwalificaties, keuzedelen, mbo-certificaten, generic requirements,"
    " diploma rules as data, and explicit equivalences. Kerntaak and werkproces codes are"
    " unique only within one dossier version. Unconfirmed values are null and named in"
    " 'uncertain'.",
}


@dataclass(frozen=True, slots=True)
class ValueType:
    """A named value shape, published once under ``$defs`` and referenced by members."""

    name: str
    schema: Mapping[str, Any]

    @property
    def nullable(self) -> bool:
        kind = self.schema.get("type")
        return isinstance(kind, list) and "null" in kind


@dataclass(frozen=True, slots=True)
class Member:
    """One JSON member of a record (see the module docstring)."""

    name: str
    attr: str = ""
    required: bool = False
    when_set: bool = False
    ref: ValueType | None = None
    #: The schema of an array's items or an object's values, when the type's default is not it.
    items: ValueType | Mapping[str, Any] | None = None
    #: Further JSON Schema keywords: pattern, minimum, maximum, minLength, minItems, ...
    schema: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None

    @property
    def attribute(self) -> str:
        return self.attr or snake_case(self.name)


@dataclass(frozen=True, slots=True)
class Record:
    """A model class and its members in file order; ``name`` is its ``$defs`` entry, or
    ``None`` when the schema writes it inline where it is used."""

    cls: type
    name: str | None
    members: tuple[Member, ...]
    inherit: Mapping[str, str] = field(default_factory=dict)


def snake_case(name: str) -> str:
    """``profielCode`` -> ``profiel_code``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_FIVE_DIGITS = "^[0-9]{5}$"

CREBO = ValueType("crebo", {"type": "string", "pattern": _FIVE_DIGITS})
KERNTAAK_CODE = ValueType("kerntaakCode", {"type": "string", "pattern": KERNTAAK_CODE_PATTERN})
WERKPROCES_CODE = ValueType(
    "werkprocesCode", {"type": "string", "pattern": WERKPROCES_CODE_PATTERN}
)
DATE = ValueType("date", {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
SBU = ValueType("sbu", {"type": ["integer", "null"], "minimum": 0})
UNCERTAIN = ValueType(
    "uncertain",
    {
        "type": "array",
        "items": {"type": "string"},
        "description": "Names of fields or aspects that no source confirms.",
    },
)
SOURCE_IDS = ValueType("sourceIds", {"type": "array", "items": {"type": "string"}})
NOTES = ValueType("notes", {"type": "array", "items": {"type": "string"}})
VALUE_TYPES = (CREBO, KERNTAAK_CODE, WERKPROCES_CODE, DATE, SBU, UNCERTAIN, SOURCE_IDS, NOTES)

_TITLE = Member("title", required=True, schema={"minLength": 1})
_SBB_NR = Member("sbbNr")
_META = (
    Member("uncertain", ref=UNCERTAIN),
    Member("sources", ref=SOURCE_IDS),
    Member("notes", ref=NOTES),
)
_GRADE = {"minimum": 1, "maximum": 10}
_NIVEAU = {"minimum": 1, "maximum": 4}
_NLQF = {"minimum": 1, "maximum": 8}

WERKPROCES = Record(
    Werkproces,
    "werkproces",
    (
        Member("code", required=True, ref=WERKPROCES_CODE),
        _TITLE,
        Member("sbu", ref=SBU),
        _SBB_NR,
        Member("competenties", items={"type": "string", "pattern": "^[A-Y]$"}),
    ),
)
KERNTAAK = Record(
    Kerntaak,
    "kerntaak",
    (
        Member("code", required=True, ref=KERNTAAK_CODE),
        _TITLE,
        Member("sbu", ref=SBU),
        _SBB_NR,
        Member("werkprocessen", required=True),
    ),
)
QUALIFICATION = Record(
    Qualification,
    "qualification",
    (
        Member("id", required=True, schema={"minLength": 1}),
        Member("crebo", required=True, ref=CREBO),
        _TITLE,
        Member("profielCode", required=True, schema={"pattern": "^P[1-9][0-9]*$"}),
        Member("niveau", required=True, schema=_NIVEAU),
        Member("nlqf", schema=_NLQF),
        Member("eqf", schema=_NLQF),
        Member("sbu", ref=SBU),
        Member("soortOpleiding"),
        Member("wettelijkeBeroepsvereisten"),
        Member("genericRequirements", required=True),
        Member("diplomaRule", required=True),
        Member("keuzedelen"),
        _SBB_NR,
        Member("leerwegen", when_set=True, items={"enum": ["BOL", "BBL"]}),
        Member("geldigVanaf", when_set=True),
        Member(
            "geldigTot",
            when_set=True,
            description="Last day the qualification could be awarded (einde opleiding);"
            " null or absent when no source gives it.",
        ),
        Member(
            "opvolgers",
            when_set=True,
            items=CREBO,
            description="Crebos of the qualifications that replace this one, when a source"
            " names them.",
        ),
        *_META,
        Member("profieldeel", required=True),
    ),
    inherit={"dossier_crebo": "crebo", "dossier_version": "version", "basisdeel": "basisdeel"},
)
DOSSIER = Record(
    Dossier,
    "dossier",
    (
        Member("crebo", required=True, ref=CREBO),
        Member(
            "version",
            required=True,
            schema={"minLength": 1},
            description="Opaque id of this dossier version, unique per crebo (SBB exports:"
            " sbb-<document nr>).",
        ),
        _TITLE,
        Member("geldigVanaf"),
        Member("geldigTot", when_set=True),
        Member("opleidingsdomein", when_set=True, schema={"pattern": _FIVE_DIGITS}),
        Member("sector"),
        Member("sectorkamer"),
        Member("status"),
        Member("versionLabel"),
        Member("previousVersion"),
        Member("vastgesteldOp"),
        _SBB_NR,
        *_META,
        Member("basisdeel", required=True),
        Member("kwalificaties", required=True, schema={"minItems": 1}),
    ),
)
GENERIC_REQUIREMENT = Record(
    GenericRequirement,
    None,
    (
        Member("subject", required=True),
        Member("level", schema={"pattern": "^([1-4]F|[ABC][12])$"}),
        Member("skill"),
    ),
)
GENERIC_REQUIREMENT_SET = Record(
    GenericRequirementSet,
    "genericRequirementSet",
    (
        Member("id", required=True),
        Member("appliesTo", required=True),
        Member("requirements", required=True),
        *_META,
    ),
)
COMPENSATION_RULE = Record(
    CompensationRule,
    None,
    (
        Member("subjects", required=True),
        Member("floorGrade", required=True, schema=_GRADE),
        Member("maxBelowPass", required=True, schema={"minimum": 0}),
    ),
)
DIPLOMA_RULE = Record(
    DiplomaRule,
    "diplomaRule",
    (
        Member("id", required=True),
        Member("title", required=True),
        Member("generic", required=True),
        Member("passGrade", schema=_GRADE),
        Member("compensation"),
        Member("keuzedelenSbu", ref=SBU),
        Member("keuzedelenRequired"),
        *_META,
    ),
)
KEUZEDEEL = Record(
    Keuzedeel,
    "keuzedeel",
    (
        Member("code", required=True, schema={"pattern": "^K[0-9]{4}$"}),
        Member("title", required=True),
        Member("sbu", ref=SBU),
        Member("niveau", schema=_NIVEAU),
        *_META,
    ),
)
CERTIFICATE_COVERAGE = Record(
    CertificateCoverage,
    None,
    (
        Member("kerntaak", required=True, ref=KERNTAAK_CODE),
        Member(
            "werkprocessen",
            items=WERKPROCES_CODE,
            description="null: the whole kerntaak; a list: only these werkprocessen ('deels').",
        ),
    ),
)
CERTIFICATE = Record(
    Certificate,
    "certificate",
    (
        Member("id", required=True),
        Member("code"),
        Member("title", required=True),
        Member("dossierCrebo", ref=CREBO),
        Member("dossierVersion"),
        Member("qualificationCrebo", ref=CREBO),
        Member("keuzedeel"),
        Member("sbu", ref=SBU),
        Member(
            "covers",
            required=True,
            description="null when no source says what the certificate covers.",
        ),
        Member("status"),
        *_META,
    ),
)
PART_KEY = Record(
    PartKey,
    "partKey",
    (
        Member("crebo", required=True, ref=CREBO),
        Member("version", required=True),
        Member("code", required=True),
    ),
)
EQUIVALENCE = Record(
    Equivalence,
    "equivalence",
    (
        Member("a", required=True),
        Member("b", required=True),
        Member("sources", ref=SOURCE_IDS),
        Member("note"),
    ),
)
STACKING_EDGE = Record(
    StackingEdge,
    "stackingEdge",
    (
        Member("from", attr="source", required=True),
        Member("to", attr="target", required=True),
        Member("sharedKerntaken", required=True),
        Member("remaining", required=True),
        Member("note"),
    ),
)

#: The catalog document itself, after ``format`` and ``formatVersion``. Its mappings are
#: merged across files by :mod:`qualifications.catalog_format`.
CATALOG = Record(
    Catalog,
    None,
    (
        Member("description"),
        Member(
            "sources",
            required=True,
            items={"type": "object", "additionalProperties": {"type": "string"}},
            description="Every source cited in the file, by id: repository + path + commit,"
            " or URL, and what it is.",
        ),
        Member(
            "competentieLegend",
            description="SBB competence letters (A-Y) used in werkproces 'competenties'.",
        ),
        Member(
            "opleidingsdomeinen",
            attr="domains",
            when_set=True,
            items={"type": "string", "minLength": 1},
            schema={"propertyNames": {"pattern": _FIVE_DIGITS}},
            description="Opleidingsdomein titles by code (79140 = Zorg en welzijn); dossiers"
            " name their domain by code.",
        ),
        Member("genericRequirementSets", attr="generic_sets", required=True),
        Member("diplomaRules", required=True),
        Member("dossiers", required=True),
        Member("keuzedelen"),
        Member("certificates"),
        Member("equivalences"),
        Member("stackingEdges"),
    ),
)

#: Every record of the format by model class, in the order the schema's ``$defs`` list them.
RECORDS: Mapping[type, Record] = {
    r.cls: r
    for r in (
        WERKPROCES,
        KERNTAAK,
        QUALIFICATION,
        DOSSIER,
        GENERIC_REQUIREMENT_SET,
        DIPLOMA_RULE,
        KEUZEDEEL,
        CERTIFICATE,
        PART_KEY,
        EQUIVALENCE,
        STACKING_EDGE,
        GENERIC_REQUIREMENT,
        COMPENSATION_RULE,
        CERTIFICATE_COVERAGE,
    )
}

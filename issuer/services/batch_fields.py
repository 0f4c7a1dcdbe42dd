"""The columns of a batch results CSV, defined once.

Each :class:`BatchField` says how its column is written in a header (the canonical name and
the other spellings accepted), what it holds (:class:`FieldType`), which field of the
:class:`~qualifications.achievements.AchievementRequest` or
:class:`~issuer.services.student_results.StudentResult` it fills, whether it is required,
whether it identifies the result (:func:`~issuer.services.batch_csv.row_reference`), the
template's example and, for the page and the docs, what goes in it. The reader
(:mod:`.batch_csv`), the template, the batch page's table of columns and
``docs/batch-csv.md`` are all made from :data:`FIELDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from qualifications.achievements import CredentialKind

__all__ = [
    "FIELDS",
    "BatchField",
    "ColumnRow",
    "FieldType",
    "column_rows",
    "markdown_table",
]


class FieldType(StrEnum):
    TEXT = "text"
    KIND = "kind"  # a credential kind (CredentialKind value)
    CODES = "codes"  # part codes, separated by spaces, commas or semicolons
    DATE = "date"  # 2026-07-01 or 1-7-2026, read as an ISO date
    DATETIME = "datetime"  # a date, read as midnight UTC
    EMAIL = "email"
    OUTCOMES = "outcomes"  # learning outcomes, "|" or line separated, "(5 EC)" optional
    REFERENCE = "reference"  # what identifies the result (given, else a digest)


@dataclass(frozen=True, slots=True)
class BatchField:
    column: str
    """The canonical column name (the template's header)."""
    aliases: tuple[str, ...] = ()
    """Other header spellings accepted (after lower-casing; spaces and hyphens are ``_``)."""
    type: FieldType = FieldType.TEXT
    target: Literal["request", "result"] | None = None
    """Which object the value goes to: the AchievementRequest or the StudentResult."""
    attribute: str | None = None
    """The attribute it fills there (errors about it name this column)."""
    required: bool = False
    identifies: bool = False
    """Part of what identifies the result (with the student), not of what it says."""
    example: str = ""
    """The template's example row."""
    help: str | None = None
    """Dutch: what goes in it, for the page's table of columns (fields sharing a sentence
    share a row; translated through the batch catalogs). None: listed only in the template."""
    sample: str | None = None
    """What the page shows as an example (default: ``example``)."""
    doc: str | None = None
    """English, for the docs, of a field without ``help``."""

    @property
    def headers(self) -> tuple[str, ...]:
        """Every accepted spelling, the canonical one first."""
        return (self.column, *self.aliases)


def _request(column: str, attribute: str, *aliases: str, **more: Any) -> BatchField:
    return BatchField(column, aliases, target="request", attribute=attribute, **more)


def _result(column: str, attribute: str, *aliases: str, **more: Any) -> BatchField:
    return BatchField(column, aliases, target="result", attribute=attribute, **more)


_DATES = "Datums als 2026-07-01 of 1-7-2026."
_PARTS = "De code van een keuzedeel of mbo-certificaat, en eventueel het cijfer."
_PRACTICE = "Voor een praktijkverklaring: het erkend leerbedrijf en wie de student begeleidde."
_STUDENT = "Om de student te vinden en het aanbod te sturen."

FIELDS: tuple[BatchField, ...] = (
    _result("reference", "reference", "referentie", "ref", "resultaat_id", "result_id",
            type=FieldType.REFERENCE, example="SIS-2026-000123",
            help="Het nummer van het resultaat in je studentvolgsysteem. Hetzelfde nummer "
            "wordt nooit twee keer uitgegeven, ook niet in een later bestand."),
    _result("studentnummer", "student_number", "student_nummer", "student_number",
            "studentnumber", example="123456", help=_STUDENT),
    _result("naam", "student_name", "name", "student_name", "studentnaam", "student",
            required=True, example="Sanne de Vries",
            help="Naam van de student, zoals die op het bewijs komt."),
    _result("email", "student_email", "e_mail", "mail", "emailadres", "e_mailadres",
            type=FieldType.EMAIL, example="sanne@example.nl", help=_STUDENT),
    _request("soort", "kind", "kind", "type", "credential_kind", "soort_credential",
             type=FieldType.KIND, required=True, identifies=True, example="examenresultaat",
             help="Wat voor bewijs het is:"),
    _request("kwalificatie", "qualification", "qualification", "crebo", identifies=True,
             example="25498",
             help="Het crebonummer van de kwalificatie (of het dossier). Nodig voor "
             "examenresultaten, praktijkverklaringen, EVC, vrijstellingen en diploma's."),
    _request("codes", "codes", "kerntaken", "werkprocessen", "onderdelen", type=FieldType.CODES,
             identifies=True, example="B1-K1", sample="B1-K1 P2-K1",
             help="De kerntaken en werkprocessen, gescheiden door spaties of komma's."),
    _request("keuzedeel", "keuzedeel", "elective", identifies=True, sample="K0123", help=_PARTS),
    _request("certificaat", "certificate_code", "certificate", "certificate_code",
             "certificaatcode", identifies=True, help=_PARTS),
    _request("generiek_vak", "generic_subject", "generic_subject", "vak", identifies=True,
             doc="A generic subject (Nederlands, Engels, rekenen, loopbaan en burgerschap)."),
    _request("generiek_niveau", "generic_level", "generic_level", "niveau", identifies=True,
             doc="The level of that generic subject (e.g. 2F, 3F, B1)."),
    _request("cijfer", "grade", "grade", help=_PARTS),
    _request("leerbedrijf", "leerbedrijf", "company", "training_company",
             sample="Zorggroep Noord", help=_PRACTICE),
    _request("leerbedrijf_kvk", "leerbedrijf_kvk", "kvk", "company_kvk", help=_PRACTICE),
    _request("praktijkopleider", "praktijkopleider", "workplace_trainer", "trainer",
             help=_PRACTICE),
    _request("periode_start", "period_start", "period_start", "start", type=FieldType.DATE,
             help=_DATES),
    _request("periode_eind", "period_end", "period_end", "eind", "end", type=FieldType.DATE,
             help=_DATES),
    _request("examencommissie", "examencommissie", "exam_board", "examination_board",
             sample="Examencommissie Zorg",
             help="Voor een vrijstelling of diploma: de examencommissie die besliste."),
    _request("besluitdatum", "decision_date", "decision_date", type=FieldType.DATE, help=_DATES),
    _result("behaald_op", "date_achieved", "date_achieved", "datum_behaald", "examendatum",
            "exam_date", type=FieldType.DATE, example="2026-06-26", sample="26-6-2026",
            help="De datum waarop het resultaat behaald is (de examendatum; bij een diploma de "
            "datum van het besluit). Niet in de toekomst. Leeg: de dag van uitgifte."),
    _result("geldig_vanaf", "valid_from", "valid_from", type=FieldType.DATETIME,
            example="2026-07-01", sample="1-7-2026", help=_DATES),
    _result("geldig_tot", "valid_until", "valid_until", type=FieldType.DATETIME, help=_DATES),
    _request("titel", "title", "title", doc="The title of a branchecertificaat."),
    _request("leeruitkomsten", "leeruitkomsten", "learning_outcomes", type=FieldType.OUTCOMES,
             doc="Its learning outcomes, separated by `|` or new lines, each optionally with "
             "its credits as `(5 EC)`."),
    _request("gekoppeld_door", "mapped_by", "mapped_by",
             doc="Who mapped the certificate to the werkprocessen in `codes`."),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ColumnRow:
    """One row of the page's table of columns: the columns one sentence describes."""

    columns: tuple[str, ...]
    help: str
    sample: str
    required: bool
    lists_kinds: bool
    """The row lists the credential kinds under its sentence."""


def column_rows(fields: tuple[BatchField, ...] = FIELDS) -> tuple[ColumnRow, ...]:
    """The page's table: required columns first, then in template order; the columns
    sharing a sentence in one row, with the first sample among them."""
    grouped: dict[str, list[BatchField]] = {}
    for field in sorted(fields, key=lambda f: not f.required):
        if field.help is not None:
            grouped.setdefault(field.help, []).append(field)
    return tuple(
        ColumnRow(
            tuple(f.column for f in group),
            text,
            next((s for f in group if (s := f.sample or f.example)), ""),
            any(f.required for f in group),
            any(f.type is FieldType.KIND for f in group),
        )
        for text, group in grouped.items()
    )


def markdown_table(english: Mapping[str, str], fields: tuple[BatchField, ...] = FIELDS) -> str:
    """The table of ``docs/batch-csv.md``: every column, its other spellings, whether it is
    required and (in English, from the batch catalog) what goes in it."""
    lines = [
        "| column | also accepted | required | identifies the result | meaning |",
        "|---|---|---|---|---|",
    ]
    for f in fields:
        aliases = ", ".join(f"`{a}`" for a in f.aliases if a != f.column)
        meaning = english.get(f.help, f.help) if f.help else (f.doc or "")
        if f.type is FieldType.KIND:
            meaning += " " + ", ".join(f"`{k.value}`" for k in CredentialKind) + "."
        lines.append(
            f"| `{f.column}` | {aliases} | {'yes' if f.required else 'no'} | "
            f"{'yes' if f.identifies else 'no'} | {meaning} |"
        )
    return "\n".join(lines) + "\n"

"""The batch CSV columns are defined once (issuer.services.batch_fields.FIELDS): the reader,
the template, the page's table of columns and docs/batch-csv.md all follow it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from issuer.services.batch_csv import (
    COLUMNS,
    REQUIRED_COLUMNS,
    column_for_field,
    parse_results_csv,
    result_from_fields,
    template_csv,
)
from issuer.services.batch_fields import FIELDS, BatchField, FieldType, column_rows, markdown_table
from issuer.services.student_results import StudentResult
from qualifications.achievements import AchievementRequest

ROOT = Path(__file__).resolve().parents[3]
ENGLISH = json.loads((ROOT / "issuer/translations/en_batches.json").read_text(encoding="utf-8"))
DOC = ROOT / "docs/batch-csv.md"


def test_the_reader_and_the_template_follow_the_fields() -> None:
    assert list(COLUMNS) == [f.column for f in FIELDS]
    assert REQUIRED_COLUMNS == ("naam", "soort")
    header = template_csv().decode("utf-8-sig").splitlines()[0].split(";")
    assert header == [f.column for f in FIELDS]
    for field in FIELDS:
        if field.attribute:
            assert column_for_field(field.attribute) == field.column


def test_every_field_fills_an_attribute_that_exists_and_each_once() -> None:
    targets = {"request": AchievementRequest, "result": StudentResult}
    filled = [(f.target, f.attribute) for f in FIELDS if f.target]
    assert len(filled) == len(set(filled))
    for target, attribute in filled:
        assert target is not None
        names = {f.name for f in dataclasses.fields(targets[target])}
        assert attribute in names, (target, attribute)


def test_an_alias_names_one_column_only() -> None:
    headers = [h for f in FIELDS for h in f.headers]
    assert len(headers) == len(set(headers))


def test_every_column_is_read_into_the_result() -> None:
    cells = {
        "reference": "R-1", "studentnummer": "42", "naam": "Sanne", "email": "s@example.nl",
        "soort": "branchecertificaat", "kwalificatie": "25498", "codes": "B1-K1-W1",
        "keuzedeel": "K0123", "certificaat": "C1", "generiek_vak": "rekenen",
        "generiek_niveau": "2F", "cijfer": "7", "leerbedrijf": "Zorggroep", "leerbedrijf_kvk":
        "12345678", "praktijkopleider": "Jan", "periode_start": "1-2-2026", "periode_eind":
        "2026-06-30", "examencommissie": "EC", "besluitdatum": "2026-07-01", "behaald_op":
        "2026-06-26", "geldig_vanaf": "2026-07-01", "geldig_tot": "2031-07-01", "titel": "VCA",
        "leeruitkomsten": "Veilig werken (5 EC)|Eerste hulp", "gekoppeld_door": "Examenbureau",
    }  # fmt: skip
    assert set(cells) == set(COLUMNS)
    text = ";".join(cells) + "\n" + ";".join(cells.values()) + "\n"
    parsed = parse_results_csv(text.encode())
    assert parsed.file_errors == ()
    assert parsed.rows[0].problems == ()
    result, problems = result_from_fields(parsed.rows[0].fields)
    assert problems == ()
    assert result is not None
    request = result.request
    assert (result.reference, result.student_number, result.student_email) == (
        "R-1", "42", "s@example.nl")  # fmt: skip
    assert request.codes == ("B1-K1-W1",)
    assert request.period_start == "2026-02-01"
    assert request.generic_level == "2F"
    assert request.mapped_by == "Examenbureau"
    assert [o.credits for o in request.leeruitkomsten] == [5.0, None]
    assert result.valid_until is not None
    assert result.valid_until.year == 2031
    assert result.date_achieved == "2026-06-26"


def test_the_page_table_is_made_from_the_fields() -> None:
    rows = column_rows()
    assert [r.columns for r in rows[:2]] == [("naam",), ("soort",)]
    assert all(r.required for r in rows[:2])
    assert not any(r.required for r in rows[2:])
    assert [r.lists_kinds for r in rows].count(True) == 1
    shown = [c for r in rows for c in r.columns]
    assert sorted(shown) == sorted(f.column for f in FIELDS if f.help)
    extra = BatchField("nieuw", help="Een nieuwe kolom.", sample="x")
    assert column_rows((*FIELDS, extra))[-1].columns == ("nieuw",)
    for row in rows:
        assert row.help in ENGLISH, row.help  # the English page translates every sentence


def test_the_docs_table_is_the_generated_one() -> None:
    """docs/batch-csv.md holds markdown_table(); regenerate it after changing FIELDS."""
    text = DOC.read_text(encoding="utf-8")
    assert markdown_table(ENGLISH) in text
    assert all(f.help or f.doc for f in FIELDS)
    assert FieldType.KIND in {f.type for f in FIELDS}

"""The offers file survives Excel: text cells in .xlsx, sep= and text codes in the CSV."""

from __future__ import annotations

import io

import openpyxl

from issuer.services.delivery_files import offers_csv, offers_xlsx

COLUMNS = ("naam", "studentnummer", "transactiecode")
ROWS = (('=HYPERLINK("x")', "007", "077088"), ("Zoë", "12", "123456"))


def test_xlsx_cells_are_text_never_numbers_or_formulas() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(offers_xlsx(COLUMNS, ROWS, title="Batch 1"))).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        list(COLUMNS),
        *map(list, ROWS),
    ]
    assert {c.data_type for row in sheet.iter_rows() for c in row} == {"s"}
    assert sheet.title == "Batch 1"


def test_csv_names_its_separator_and_writes_codes_as_text() -> None:
    text = offers_csv(COLUMNS, ROWS).decode("utf-8")
    lines = text.lstrip("\ufeff").split("\r\n")
    assert text.startswith("\ufeffsep=;\r\n")
    assert lines[1] == "naam;studentnummer;transactiecode"
    assert lines[2].endswith(';007;"=""077088"""')
    assert lines[3] == 'Zoë;12;"=""123456"""'

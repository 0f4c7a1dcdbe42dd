"""CSV cells that a spreadsheet would run as formulas are written as text (OWASP rule)."""

from __future__ import annotations

import csv
import io

import pytest

from web_common.spreadsheet import csv_bytes, safe_cell


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+31 6 1234", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd", " =cmd", "\uff1d1+1"],
)
def test_formula_cells_get_a_leading_quote(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Sanne de Vries", "123456", "2026-07-01", "a=b", ""])
def test_ordinary_cells_stay_as_they_are(value: str) -> None:
    assert safe_cell(value) == value


def test_csv_bytes_is_excel_shaped_and_every_cell_is_safe() -> None:
    data = csv_bytes([["naam", "code"], ['=HYPERLINK("x";"y")', 7], [None, "ok"]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["naam", "code"], ['\'=HYPERLINK("x";"y")', "7"], ["", "ok"]]

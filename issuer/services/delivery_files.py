"""The offers file (offer links and transaction codes) in forms Excel does not mangle.

Excel turns a transaction code like ``077088`` into the number 77088 when it opens a plain
CSV. So the file comes as ``.xlsx`` with every cell a text cell (openpyxl), and as a CSV
whose first line ``sep=;`` tells Excel the separator and whose code column is written as
Excel's text formula ``="077088"``. Pure: rows in, bytes out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from web_common.spreadsheet import safe_cell

__all__ = ["offers_csv", "offers_xlsx"]

#: Columns that hold digits with meaningful leading zeros.
TEXT_CODE_COLUMNS = frozenset({"transactiecode"})


def offers_csv(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with BOM, ``sep=;`` first, ``;``-separated; the code column as ``="…"``, every
    other cell neutralised against formula injection (:func:`web_common.spreadsheet.safe_cell`)."""
    out = io.StringIO()
    out.write("sep=;\r\n")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    coded = [i for i, name in enumerate(columns) if name in TEXT_CODE_COLUMNS]
    for row in rows:
        cells = [safe_cell(value) for value in row]  # names and links: never a formula
        for i in coded:
            if row[i].isascii() and row[i].isdigit():  # only our own digits become a formula
                cells[i] = f'="{row[i]}"'
        writer.writerow(cells)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def offers_xlsx(columns: Sequence[str], rows: Sequence[Sequence[str]], *, title: str) -> bytes:
    """A workbook with one sheet; every cell is text (never a number, never a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    for row_index, values in enumerate([list(columns), *map(list, rows)], start=1):
        for column_index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_index, column=column_index)
            cell.value = str(value)
            cell.data_type = "s"  # a value starting with "=" stays text, not a formula
            cell.number_format = "@"
    for column_index, name in enumerate(columns, start=1):
        width = max([len(name), *(len(str(r[column_index - 1])) for r in rows)], default=10)
        sheet.column_dimensions[get_column_letter(column_index)].width = min(width + 2, 80)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

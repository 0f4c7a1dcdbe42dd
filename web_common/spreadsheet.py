"""CSV files that people open in a spreadsheet program, safe from formula injection.

Staff open the files the services write (the batch template, the offers file for the mail
merge) in Excel or LibreOffice. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is read there as a formula (``=HYPERLINK(...)``, DDE), and every such cell
comes from someone else's input (a results file, a learner's name). Following the OWASP
CSV-injection rule, such a cell is written with a leading single quote, which the
spreadsheet shows as text; every CSV a service writes goes through :func:`csv_bytes`.

    >>> safe_cell("=1+1")
    "'=1+1"
    >>> safe_cell("Sanne de Vries")
    'Sanne de Vries'
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["FORMULA_TRIGGERS", "csv_bytes", "safe_cell"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP). Full-width
variants are included: some spreadsheet programs normalise them."""
_ALL_TRIGGERS = (*FORMULA_TRIGGERS, "\uff1d", "\uff0b", "\uff0d", "\uff20", "\n")


def safe_cell(value: object) -> str:
    """``value`` as cell text, with a leading ``'`` when a spreadsheet would run it.

    Leading spaces do not help an attacker through: ``" =cmd"`` is judged by its first
    non-space character too. ``None`` is the empty cell; numbers are written as they are
    (the services write no negative numbers; ``-5`` would become ``'-5``).
    """
    if value is None:
        return ""
    text = str(value)
    if text.lstrip(" ").startswith(_ALL_TRIGGERS):
        return "'" + text
    return text


def csv_bytes(rows: Iterable[Sequence[object]], *, delimiter: str = ";", bom: bool = True) -> bytes:
    """The rows as CSV for a spreadsheet program: every cell through :func:`safe_cell`,
    ``delimiter`` separated (``;`` is what Dutch Excel expects), CRLF line ends, UTF-8 with a
    byte order mark so Excel reads the accents right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    data = out.getvalue().encode("utf-8")
    return codecs.BOM_UTF8 + data if bom else data

"""Read a CSV of student results for batch issuance — pure, no database, no clock.

A school exports results from its student information system or Excel and uploads the file.
:func:`parse_results_csv` turns the bytes into rows of canonical fields, or says what is
wrong with the file as a whole; :func:`result_from_fields` turns one row into a
:class:`~issuer.services.student_results.StudentResult` or names each bad field.

    >>> parsed = parse_results_csv(template_csv())
    >>> parsed.file_errors, parsed.rows[0].row_number
    ((), 2)
    >>> result, problems = result_from_fields(parsed.rows[0].fields)
    >>> problems, result.request.kind
    ((), <CredentialKind.EXAMENRESULTAAT: 'examenresultaat'>)

What the reader accepts, because that is what Dutch offices produce:

* encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), else
  Windows-1252 (Excel "CSV" on Windows, with a warning); NUL bytes and workbooks (.xlsx,
  .xls) are refused with a hint to save as CSV;
* separators ``;`` (Dutch Excel), ``,`` or tab, sniffed from the header line, or named by
  Excel's ``sep=;`` first line (skipped, as Excel does, so row numbers match Excel's);
* headers in Dutch or English, any case, spaces or hyphens for underscores (``Student
  nummer``, ``student_number``); unknown columns are ignored with a warning; missing
  required columns are a file error;
* dates as ``2026-07-01`` or ``1-7-2026`` / ``01-07-2026`` (Dutch Excel);
* empty lines are skipped; at most :data:`MAX_ROWS` data rows.

Every row gets a ``reference`` that identifies its result: the given one (the result id from
the student information system) or ``row:`` plus a SHA-256 of the student number (else the
name), kind, qualification and parts — not of the name, grade or dates it states — so the
same result in any later upload maps to the same credential, and a corrected one is seen as
a change of it (:mod:`.result_match`), never as a second result.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from qualifications.achievements import AchievementRequest, CredentialKind, Leeruitkomst
from web_common.emails import is_email_address
from web_common.spreadsheet import csv_bytes

from .batch_fields import FIELDS, BatchField, FieldType
from .batch_problems import BatchProblem, problem
from .student_results import StudentResult

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "CsvProblem",
    "CsvRow",
    "ParsedCsv",
    "column_for_field",
    "legacy_row_reference",
    "parse_results_csv",
    "result_from_fields",
    "row_reference",
    "template_csv",
]

MAX_ROWS = 100_000

# canonical column -> accepted header spellings (after normalisation): all from FIELDS
COLUMNS: Mapping[str, tuple[str, ...]] = {f.column: f.headers for f in FIELDS}
REQUIRED_COLUMNS = tuple(f.column for f in FIELDS if f.required)
_ALIASES = {alias: f.column for f in FIELDS for alias in f.headers}

# AchievementRequest / StudentResult field -> CSV column, to name errors as the user wrote them
_FIELD_COLUMNS = {f.attribute: f.column for f in FIELDS if f.attribute}

_TEMPLATE_EXAMPLE = {f.column: f.example for f in FIELDS if f.example}
_SEPARATORS = (";", ",", "\t")
_CODE_SPLIT = re.compile(r"[\s,;]+")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_CREDITS = re.compile(r"^(.*?)\s*\(\s*(\d+(?:[.,]\d+)?)\s*(?:ec|EC|studiepunten)?\s*\)$")
_MAX_CELL = 2000


@dataclass(frozen=True, slots=True)
class CsvProblem:
    """A problem in the file (``row`` None) or in one row (``column`` None for the row)."""

    detail: str
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: its spreadsheet row number (the header is row 1), its canonical fields
    (only non-empty ones) and the problems the reader found in it."""

    row_number: int
    fields: Mapping[str, str]
    problems: tuple[CsvProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedCsv:
    """The outcome of reading a file. With ``file_errors`` there are no rows to trust."""

    rows: tuple[CsvRow, ...]
    file_errors: tuple[CsvProblem, ...] = ()
    warnings: tuple[CsvProblem, ...] = ()
    encoding: str = "utf-8"
    separator: str = ";"
    columns: tuple[str, ...] = ()


def column_for_field(field: str) -> str:
    """The CSV column a StudentResult/AchievementRequest field comes from."""
    return _FIELD_COLUMNS.get(field, field)


def template_csv() -> bytes:
    """The downloadable template: UTF-8 with BOM, ``;`` separated, headers and one example."""
    return csv_bytes([list(COLUMNS), [_TEMPLATE_EXAMPLE.get(name, "") for name in COLUMNS]])


def _normalise_header(header: str) -> str:
    text = header.strip().strip("\ufeff").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _decode(data: bytes) -> tuple[str | None, str, CsvProblem | None]:
    """Text, encoding name, and a file error when the bytes are not text."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig", None
        except UnicodeDecodeError as exc:
            return (
                None,
                "",
                CsvProblem(
                    problem(
                        BatchProblem.NOT_UTF8,
                        f"the file says UTF-8 but byte {exc.start} is not",
                        byte=exc.start,
                    )
                ),
            )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError:
            return (
                None,
                "",
                CsvProblem(problem(BatchProblem.NOT_UTF16, "the file says UTF-16 but is not")),
            )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            None,
            "",
            CsvProblem(
                problem(
                    BatchProblem.WORKBOOK, "this is a workbook (.xlsx/.xls); save it as CSV first"
                )
            ),
        )
    if b"\x00" in data:
        return (
            None,
            "",
            CsvProblem(
                problem(BatchProblem.NUL_BYTES, "this is not a text file (it contains NUL bytes)")
            ),
        )
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252", None
    except UnicodeDecodeError:
        return (
            None,
            "",
            CsvProblem(
                problem(BatchProblem.NOT_TEXT, "the file is neither UTF-8 nor Windows-1252 text")
            ),
        )


#: Excel writes (and reads) a first line ``sep=;`` naming the separator.
_SEP_LINE = re.compile(r"sep=([;,\t|])", re.IGNORECASE)


def _sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _iso_date(value: str) -> str | None:
    """``2026-07-01`` or ``1-7-2026`` as ISO, or None when it is not a date."""
    text = value.strip()
    if len(text) >= 10:
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            pass
    match = _DUTCH_DATE.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    return None


_DATE_COLUMNS = tuple(f.column for f in FIELDS if f.type in (FieldType.DATE, FieldType.DATETIME))


def _clean_row(fields: dict[str, str], row_number: int) -> CsvRow:
    problems: list[CsvProblem] = []
    for name in _DATE_COLUMNS:
        if name in fields:
            iso = _iso_date(fields[name])
            if iso is None:
                problems.append(
                    CsvProblem(
                        problem(
                            BatchProblem.CELL_NOT_A_DATE,
                            f"{fields[name]!r} is not a date (use 2026-07-01 or 1-7-2026)",
                            value=fields[name],
                        ),
                        row_number,
                        name,
                    )
                )
            else:
                fields[name] = iso
    email = fields.get("email", "").strip()
    if email and not is_email_address(email):
        problems.append(
            CsvProblem(
                problem(
                    BatchProblem.NOT_AN_EMAIL, f"{email!r} is not an e-mail address", value=email
                ),
                row_number,
                "email",
            )
        )
    if "soort" in fields:
        fields["soort"] = fields["soort"].strip().lower().replace("-", "_").replace(" ", "_")
    if "codes" in fields:
        fields["codes"] = " ".join(c.upper() for c in _CODE_SPLIT.split(fields["codes"]) if c)
    for name, value in fields.items():
        if len(value) > _MAX_CELL:
            problems.append(
                CsvProblem(
                    problem(
                        BatchProblem.TOO_LONG, f"longer than {_MAX_CELL} characters", max=_MAX_CELL
                    ),
                    row_number,
                    name,
                )
            )
    return CsvRow(row_number, fields, tuple(problems))


def parse_results_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> ParsedCsv:
    """Read an uploaded results file. File-level problems end reading; row problems don't."""
    if not data.strip():
        return ParsedCsv((), (CsvProblem(problem(BatchProblem.FILE_EMPTY, "the file is empty")),))
    text, encoding, refused = _decode(data)
    if refused is not None or text is None:
        return ParsedCsv(
            (), (refused or CsvProblem(problem(BatchProblem.UNREADABLE, "unreadable")),)
        )
    warnings: list[CsvProblem] = []
    if encoding == "cp1252":
        warnings.append(
            CsvProblem(
                problem(
                    BatchProblem.READ_AS_WINDOWS_1252,
                    "read as Windows-1252; save as 'CSV UTF-8' to be sure",
                )
            )
        )
    text = text.lstrip("\ufeff")
    first_line, _, rest = text.partition("\n")
    declared = _SEP_LINE.fullmatch(first_line.strip())
    if declared:  # Excel's "sep=;" line names the separator; the header follows it
        text, separator = rest, declared.group(1)
    else:
        separator = _sniff_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            return ParsedCsv(
                (), (CsvProblem(problem(BatchProblem.NO_HEADER, "the file has no header line")),)
            )
        columns: list[str | None] = []
        seen: set[str] = set()
        file_errors: list[CsvProblem] = []
        for cell in header:
            name = _ALIASES.get(_normalise_header(cell))
            if name is None:
                if cell.strip():
                    warnings.append(
                        CsvProblem(
                            problem(
                                BatchProblem.UNKNOWN_COLUMN,
                                f"unknown column {cell.strip()!r} is ignored",
                                column=cell.strip(),
                            )
                        )
                    )
                columns.append(None)
            elif name in seen:
                file_errors.append(
                    CsvProblem(
                        problem(
                            BatchProblem.COLUMN_TWICE, f"column {name!r} appears twice", column=name
                        ),
                        1,
                        name,
                    )
                )
                columns.append(None)
            else:
                seen.add(name)
                columns.append(name)
        missing = [name for name in REQUIRED_COLUMNS if name not in seen]
        if missing:
            file_errors.append(
                CsvProblem(
                    problem(
                        BatchProblem.COLUMNS_MISSING,
                        f"required column(s) missing: {', '.join(missing)}; "
                        "download the template for the column names",
                        columns=", ".join(missing),
                    )
                )
            )
        if file_errors:
            return ParsedCsv((), tuple(file_errors), tuple(warnings), encoding, separator)
        rows: list[CsvRow] = []
        row_number = 1
        for record in reader:
            row_number += 1
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= max_rows:
                limit = f"{max_rows:,}".replace(",", ".")
                return ParsedCsv(
                    (),
                    (
                        CsvProblem(
                            problem(
                                BatchProblem.TOO_MANY_ROWS,
                                f"more than {limit} rows; split the file",
                                max=limit,
                            )
                        ),
                    ),
                    tuple(warnings),
                    encoding,
                    separator,
                )
            if len(record) > len(columns) and any(c.strip() for c in record[len(columns) :]):
                cells = CsvProblem(
                    problem(
                        BatchProblem.CELL_COUNT,
                        f"the row has {len(record)} cells but the header {len(columns)}; "
                        f"is there a {separator!r} inside a value without quotes?",
                        cells=len(record),
                        header=len(columns),
                        separator=separator,
                    ),
                    row_number,
                )
                rows.append(CsvRow(row_number, {}, (cells,)))
                continue
            fields = {
                name: cell.strip()
                for name, cell in zip(columns, record, strict=False)
                if name is not None and cell.strip()
            }
            rows.append(_clean_row(fields, row_number))
    except csv.Error as exc:
        return ParsedCsv(
            (),
            (
                CsvProblem(
                    problem(
                        BatchProblem.INVALID_CSV, f"the file is not valid CSV: {exc}", reason=exc
                    ),
                    reader.line_num or None,
                ),
            ),
            tuple(warnings),
            encoding,
            separator,
        )
    if not rows:
        return ParsedCsv(
            (),
            (CsvProblem(problem(BatchProblem.NO_DATA_ROWS, "the file has no data rows")),),
            tuple(warnings),
            encoding,
            separator,
        )
    used = tuple(name for name in columns if name is not None)
    return ParsedCsv(tuple(rows), (), tuple(warnings), encoding, separator, used)


# what identifies a row's result besides the student; everything else is what it says
_IDENTITY_COLUMNS = tuple(f.column for f in FIELDS if f.identifies)


def _digest(prefix: str, content: Mapping[str, str]) -> str:
    canonical = json.dumps(dict(sorted(content.items())), ensure_ascii=False, separators=(",", ":"))
    return prefix + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def row_reference(fields: Mapping[str, str]) -> str:
    """What identifies the row's result: its own reference, or a digest of the student
    (number, else name) with the kind, qualification and parts — never of what it says
    (name, grade, dates), so a corrected row maps to the credential it corrects."""
    given = fields.get("reference", "").strip()
    if given:
        return given
    number = fields.get("studentnummer", "").strip()
    student = {"studentnummer": number} if number else {"naam": _folded(fields.get("naam", ""))}
    identity = {name: fields[name] for name in _IDENTITY_COLUMNS if name in fields}
    return _digest("row:", student | identity)


def legacy_row_reference(fields: Mapping[str, str]) -> str | None:
    """The reference earlier versions gave a row without one (a digest of everything it
    says): credentials issued under it keep their id and are still found."""
    if fields.get("reference", "").strip():
        return None
    return _digest("csv:", {k: v for k, v in fields.items() if k not in ("reference", "email")})


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def _leeruitkomsten(value: str) -> tuple[Leeruitkomst, ...]:
    items = [item.strip() for item in re.split(r"[|\n]", value) if item.strip()]
    outcomes = []
    for item in items:
        match = _CREDITS.match(item)
        if match:
            outcomes.append(Leeruitkomst(match.group(1), float(match.group(2).replace(",", "."))))
        else:
            outcomes.append(Leeruitkomst(item))
    return tuple(outcomes)


def _as_datetime(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC) if iso else None


def result_from_fields(
    fields: Mapping[str, str],
) -> tuple[StudentResult | None, tuple[tuple[str, str], ...]]:
    """The result a row describes, or the problems as ``(column, reason)``.

    Catalog checks happen later (``unsigned_credential_for``); this only reads the row.
    """
    kind_text = fields.get("soort", "")
    try:
        kind = CredentialKind(kind_text)
    except ValueError:
        choices = ", ".join(k.value for k in CredentialKind)
        reason = (
            problem(
                BatchProblem.KIND_UNKNOWN, f"{kind_text!r} is not one of {choices}",
                value=kind_text, choices=choices,
            )
            if kind_text
            else problem(BatchProblem.KIND_MISSING, f"one of {choices}", choices=choices)
        )  # fmt: skip
        return None, (("soort", reason),)
    values: dict[str, dict[str, Any]] = {"request": {}, "result": {}}
    for field in FIELDS:
        if field.target is not None and field.attribute is not None:
            values[field.target][field.attribute] = _value(field, fields)
    values["request"]["kind"] = kind
    request = AchievementRequest(**values["request"])
    return StudentResult(request=request, **values["result"]), ()


def _value(field: BatchField, fields: Mapping[str, str]) -> Any:
    """The value a row's cell gives its field (cells were cleaned by the reader)."""
    cell = fields.get(field.column)
    match field.type:
        case FieldType.REFERENCE:
            return row_reference(fields)
        case FieldType.CODES:
            return tuple((cell or "").split())
        case FieldType.OUTCOMES:
            return _leeruitkomsten(cell or "")
        case FieldType.DATETIME:
            return _as_datetime(cell)
    return "" if cell is None and field.required else cell

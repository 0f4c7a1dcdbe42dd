"""Reading results files: encodings, separators, headers, limits, references — no database."""

from __future__ import annotations

import codecs
import hashlib

import pytest

from issuer.services.batch_csv import (
    COLUMNS,
    legacy_row_reference,
    parse_results_csv,
    result_from_fields,
    row_reference,
    template_csv,
)
from qualifications.achievements import CredentialKind

ROWS = "naam;soort;kwalificatie;codes\nSanne de Vries;examenresultaat;25498;B1-K1\n"


def test_template_round_trip() -> None:
    data = template_csv()
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].split(";") == list(COLUMNS)
    parsed = parse_results_csv(data)
    assert parsed.file_errors == ()
    assert parsed.warnings == ()
    assert parsed.separator == ";"
    assert len(parsed.rows) == 1
    result, problems = result_from_fields(parsed.rows[0].fields)
    assert problems == ()
    assert result is not None
    assert result.reference == "SIS-2026-000123"
    assert result.request.kind is CredentialKind.EXAMENRESULTAAT


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("naam;soort\nZoë Brontë;diploma\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "naam;soort\nZoë Brontë;diploma\n".encode(), "utf-8-sig"),
        ("naam;soort\nZoë Brontë;diploma\n".encode("cp1252"), "cp1252"),
        ("naam\tsoort\r\nZoë Brontë\tdiploma\r\n".encode("utf-16"), "utf-16"),
    ],
)
def test_encodings(data: bytes, encoding: str) -> None:
    parsed = parse_results_csv(data)
    assert parsed.file_errors == ()
    assert parsed.encoding == encoding
    assert parsed.rows[0].fields["naam"] == "Zoë Brontë"
    if encoding == "cp1252":
        assert "Windows-1252" in parsed.warnings[0].detail


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_separators_are_sniffed(separator: str) -> None:
    sep = separator
    text = f'naam{sep}soort{sep}cijfer\n"Jansen, P."{sep}examenresultaat{sep}"7,5"\n'
    parsed = parse_results_csv(text.encode())
    assert parsed.separator == separator
    assert parsed.rows[0].fields == {
        "naam": "Jansen, P.",
        "soort": "examenresultaat",
        "cijfer": "7,5",
    }


def test_headers_any_case_english_aliases_and_unknown_columns() -> None:
    data = b"Student Name;KIND;Student-Nummer;Opmerking\nSanne;Diploma;123;hi\n"
    parsed = parse_results_csv(data)
    assert parsed.file_errors == ()
    assert parsed.rows[0].fields == {"naam": "Sanne", "soort": "diploma", "studentnummer": "123"}
    assert [w.detail for w in parsed.warnings] == ["unknown column 'Opmerking' is ignored"]


def test_missing_required_column_is_a_file_error() -> None:
    parsed = parse_results_csv(b"naam;kwalificatie\nSanne;25498\n")
    assert parsed.rows == ()
    assert "soort" in parsed.file_errors[0].detail


def test_duplicate_column_is_a_file_error() -> None:
    parsed = parse_results_csv(b"naam;soort;name\nSanne;diploma;X\n")
    assert "appears twice" in parsed.file_errors[0].detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (b"naam;soort\n", "no data rows"),
        (b"naam;soort\x00\x01\x02", "NUL"),
        (b"PK\x03\x04 rest of a zip", "workbook"),
        (b"\xd0\xcf\x11\xe0 old excel", "workbook"),
        (b"naam;soort\n\x81\x8d\x8f;diploma\n", "neither UTF-8 nor Windows-1252"),
        (b'naam;soort\n"unclosed;diploma\n', "not valid CSV"),
    ],
)
def test_unreadable_files(data: bytes, message: str) -> None:
    parsed = parse_results_csv(data)
    assert parsed.rows == ()
    assert message in parsed.file_errors[0].detail


def test_empty_lines_skipped_and_row_numbers_match_the_spreadsheet() -> None:
    data = b"naam;soort\n\nSanne;diploma\n;\nDaan;diploma\n"
    parsed = parse_results_csv(data)
    assert [(r.row_number, r.fields["naam"]) for r in parsed.rows] == [(3, "Sanne"), (5, "Daan")]


def test_too_many_rows_is_refused_without_reading_on() -> None:
    data = b"naam;soort\n" + b"a;diploma\n" * 100_001
    parsed = parse_results_csv(data)
    assert parsed.rows == ()
    assert "more than 100.000 rows" in parsed.file_errors[0].detail
    assert len(parse_results_csv(b"naam;soort\n" + b"a;diploma\n" * 100_000).rows) == 100_000


def test_row_with_more_cells_than_header_is_a_row_error() -> None:
    parsed = parse_results_csv(b"naam;soort\nJansen;P.;diploma\nSanne;diploma\n")
    assert parsed.file_errors == ()
    assert "3 cells but the header 2" in parsed.rows[0].problems[0].detail
    assert parsed.rows[1].problems == ()


def test_dates_dutch_and_iso_and_bad() -> None:
    data = (
        b"naam;soort;geldig_vanaf;geldig_tot;besluitdatum\n"
        b"S;diploma;1-7-2026;2031-07-01;31-02-2026\n"
    )
    row = parse_results_csv(data).rows[0]
    assert row.fields["geldig_vanaf"] == "2026-07-01"
    assert row.fields["geldig_tot"] == "2031-07-01"
    assert [(p.column, p.row) for p in row.problems] == [("besluitdatum", 2)]


def test_codes_split_on_spaces_commas_semicolons() -> None:
    data = b'naam;soort;codes\nS;evc;"b1-k1-w1, B1-K1-W2;B1-K1-W3  P2-K1"\n'
    fields = parse_results_csv(data).rows[0].fields
    assert fields["codes"] == "B1-K1-W1 B1-K1-W2 B1-K1-W3 P2-K1"
    result, _ = result_from_fields(fields)
    assert result is not None
    assert result.request.codes == ("B1-K1-W1", "B1-K1-W2", "B1-K1-W3", "P2-K1")


def test_reference_is_given_or_a_stable_digest() -> None:
    a = parse_results_csv(ROWS.encode()).rows[0].fields
    other_layout = (
        b"soort,codes,naam,kwalificatie,email\n"
        b"examenresultaat,B1-K1,Sanne de Vries,25498,x@example.nl\n"
    )
    b = parse_results_csv(other_layout).rows[0].fields
    assert row_reference(a) == row_reference(b)  # same result, other file layout and e-mail
    assert row_reference(a).startswith("row:")
    assert row_reference({**a, "reference": "SIS-1"}) == "SIS-1"
    assert row_reference({**a, "codes": "P2-K1"}) != row_reference(a)


def test_reference_names_the_result_not_what_it_says() -> None:
    row = {"naam": "Sane", "soort": "examenresultaat", "kwalificatie": "25498",
           "codes": "B1-K1", "studentnummer": "1001", "cijfer": "6"}  # fmt: skip
    corrected = row | {"naam": "Sanne", "cijfer": "7", "geldig_vanaf": "2026-07-02"}
    assert row_reference(corrected) == row_reference(row)
    for other in ({"studentnummer": "1002"}, {"soort": "diploma"}, {"kwalificatie": "25655"},
                  {"codes": "B1-K1 B1-K2"}, {"keuzedeel": "K0125"}):  # fmt: skip
        assert row_reference(row | other) != row_reference(row), other
    # without a student number the (normalised) name says who it is about
    nameless = {k: v for k, v in row.items() if k != "studentnummer"}
    assert row_reference(nameless | {"naam": "  SANE "}) == row_reference(nameless)
    assert row_reference(nameless | {"naam": "Sanne"}) != row_reference(nameless)


def test_legacy_reference_is_the_content_digest_of_earlier_versions() -> None:
    row = {"naam": "Sanne", "soort": "examenresultaat", "email": "s@example.nl"}
    # the value earlier versions computed for this row, so its credential id stays found
    expected = "csv:" + hashlib.sha256(b'{"naam":"Sanne","soort":"examenresultaat"}').hexdigest()
    assert legacy_row_reference(row) == expected
    assert legacy_row_reference(row | {"reference": "SIS-1"}) is None


def test_unknown_kind_names_the_column() -> None:
    result, problems = result_from_fields({"naam": "S", "soort": "zwemdiploma"})
    assert result is None
    assert problems[0][0] == "soort"
    assert "mbo_certificaat" in problems[0][1]


def test_leeruitkomsten_with_credits() -> None:
    fields = {"naam": "S", "soort": "branchecertificaat", "titel": "VCA",
              "leeruitkomsten": "Veilig werken (2,5) | Gevaren herkennen"}  # fmt: skip
    result, _ = result_from_fields(fields)
    assert result is not None
    outcomes = result.request.leeruitkomsten
    assert [(o.name, o.credits) for o in outcomes] == [("Veilig werken", 2.5),
                                                        ("Gevaren herkennen", None)]  # fmt: skip


@pytest.mark.parametrize("declared", ["sep=;", "SEP=;", "sep=,"])
def test_excels_sep_line_names_the_separator_and_is_skipped(declared: str) -> None:
    sep = declared[-1]
    text = f"\ufeff{declared}\r\nnaam{sep}soort{sep}email\r\nSanne{sep}diploma{sep}\r\n"
    parsed = parse_results_csv(text.encode())
    assert parsed.file_errors == ()
    assert parsed.separator == sep
    assert [row.fields for row in parsed.rows] == [{"naam": "Sanne", "soort": "diploma"}]
    assert parsed.rows[0].row_number == 2  # as Excel numbers it: the sep line is hidden


@pytest.mark.parametrize("address", ["sanne", "sanne@example", "sanne @example.nl", "a@b@c.nl"])
def test_a_row_with_an_invalid_email_address_is_refused(address: str) -> None:
    text = f"naam;soort;email\nSanne;diploma;{address}\nDaan;diploma;daan@example.nl\n"
    parsed = parse_results_csv(text.encode())
    bad, good = parsed.rows
    assert [(p.column, p.detail) for p in bad.problems] == [
        ("email", f"{address!r} is not an e-mail address")
    ]
    assert good.problems == ()

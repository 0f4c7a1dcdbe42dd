"""Crebo list CSV import: new crebos as list-only records, validity and successors, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualifications import Catalog, load_catalog
from qualifications.catalog import ImportOutcome
from qualifications.cli import app
from qualifications.crebo_list import (
    CreboListError,
    ListImportResult,
    apply_crebo_list,
    rows_from_csv,
)

from .conftest import REPO_ROOT

FULL = REPO_ROOT / "schemas" / "catalog" / "kwalificatiestructuur.json"
SOURCE = {"kind": "file", "path": "test.csv", "what": "test list"}

# The 2015 Mbo-Verpleegkundige is withdrawn and replaced by the 2020 crebo (which the
# catalog holds from the sample); a new crebo arrives in a new dossier.
CSV = (
    b"Crebo kwalificatie;Naam kwalificatie;Niveau;Crebo kwalificatiedossier;"
    b"Naam kwalificatiedossier;Opleidingsdomein;Naam opleidingsdomein;Leerweg;Begindatum;"
    b"Einddatum;Opvolger\n"
    b"25480;Mbo-Verpleegkundige;4;23182;Verzorging en verpleging;79140;Zorg en welzijn;"
    b"BOL/BBL;01-08-2015;31-07-2023;25655\n"
    b"25999;Voorbeeldberoep;3;23999;Voorbeelddossier;79140;Zorg en welzijn;BBL;2024-08-01;;\n"
)


@pytest.fixture(scope="module")
def full() -> Catalog:
    return load_catalog(FULL)


def _apply(catalog: Catalog, data: bytes) -> tuple[Catalog, ListImportResult]:
    rows, domains = rows_from_csv(data)
    result = apply_crebo_list(
        catalog, rows, version="list-test", source_id="src-test", source=SOURCE, domains=domains
    )
    return result.catalog, result


def test_a_withdrawn_crebo_reads_with_its_end_date_and_successor(full: Catalog) -> None:
    catalog, _result = _apply(full, CSV)
    (old,) = catalog.qualification("25480")
    assert old.geldig_tot == date(2023, 7, 31)
    assert old.opvolgers == ("25655",)
    assert old.replaced_on(date(2026, 12, 1))
    assert not old.replaced_on(date(2020, 1, 1))
    assert [q.crebo for q in catalog.successors(old)] == ["25655"]
    assert "src-test" in old.sources
    assert "src-regeling-2015" in old.sources
    assert old.id == full.qualification("25480")[0].id  # old credentials keep resolving


def test_a_new_crebo_becomes_a_list_only_record(full: Catalog) -> None:
    catalog, _result = _apply(full, CSV)
    (new,) = catalog.qualification("25999")
    assert not new.has_detail
    assert new.dossier_version == "list-test"
    assert new.leerwegen == ("BBL",)
    assert new.geldig_vanaf == date(2024, 8, 1)
    assert catalog.domain_of(new) == "79140"
    assert "kerntaken" in new.uncertain
    assert len(catalog.qualifications) == len(full.qualifications) + 1


def test_importing_the_same_list_twice_changes_nothing(full: Catalog) -> None:
    once, _ = _apply(full, CSV)
    twice, result = _apply(once, CSV)
    assert twice == once
    assert result.outcomes == ((("23999", "list-test"), ImportOutcome.UNCHANGED),)


def test_a_different_title_is_reported_and_the_catalog_title_kept(full: Catalog) -> None:
    data = (
        b"crebo,kwalificatie,niveau,dossier_crebo,dossier\n"
        b"25078,Betonboorder (nieuw),3,23045,Betonboren\n"
    )
    catalog, result = _apply(full, data)
    assert catalog.qualification("25078")[0].title == "Betonboorder"
    assert any("Betonboorder (nieuw)" in n for n in result.notes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"crebo,niveau\n25078,3\n", "missing column"),
        (b"crebo,kwalificatie,niveau,dossier_crebo,dossier\n2507,X,3,23045,D\n", "line 2"),
        (b"crebo,kwalificatie,niveau,dossier_crebo,dossier\n25078,X,7,23045,D\n", "niveau"),
        (
            b"crebo,kwalificatie,niveau,dossier_crebo,dossier,einddatum\n"
            b"25078,X,3,23045,D,morgen\n",
            "not a date",
        ),
        (b"\xff\xfe", "UTF-8"),
        (
            b"crebo,kwalificatie,niveau,dossier_crebo,dossier\n"
            b"25078,X,3,23045,D\n25078,Y,3,23045,D\n",
            "listed twice",
        ),
    ],
)
def test_bad_lists_are_refused_with_the_place(data: bytes, message: str) -> None:
    with pytest.raises(CreboListError, match=message):
        rows_from_csv(data) if message != "listed twice" else _apply(Catalog(), data)


def test_the_import_command_takes_xml_and_csv(tmp_path: Path, xml_dir: Path) -> None:
    csv_file = tmp_path / "crebolijst.csv"
    csv_file.write_bytes(CSV)
    out = tmp_path / "catalog.json"
    xml = xml_dir / "2755_Dienstverlening.xml"
    result = CliRunner().invoke(app, ["import", str(xml), str(csv_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 rows, 1 known qualifications updated" in result.output
    shown = CliRunner().invoke(app, ["show", "25480", "--catalog", str(out)])
    assert "geldig tot 2023-07-31; opvolger(s): 25655" in shown.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"crebo\n1\n")
    refused = CliRunner().invoke(app, ["import", str(bad), "--out", str(out)])
    assert refused.exit_code == 1
    assert "missing column" in refused.output

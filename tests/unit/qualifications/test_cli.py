"""The command line: python -m qualifications list | show | import | progress | related."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from qualifications.cli import app

from .conftest import SAMPLE, XML_FILES

runner = CliRunner()


def test_list_shows_the_sample() -> None:
    result = runner.invoke(app, ["list", "--catalog", str(SAMPLE)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 4
    assert any("Verzorgende IG" in line and " ? " in line for line in lines)


def test_list_reads_the_full_catalog_by_default() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    # 470 from the 2015 list, plus the sample's two 2020 Verzorging en verpleging records.
    assert len(lines) == 472
    assert any(" 25078 " in line and "Betonboorder" in line for line in lines)


def test_show_says_when_kerntaken_are_not_in_the_catalog() -> None:
    result = runner.invoke(app, ["show", "25078"])
    assert result.exit_code == 0
    assert "Betonboorder" in result.output
    assert "opleidingsdomein 79000 Bouw en infra" in result.output
    assert "kerntaken not in the catalog yet" in result.output


def test_show_prints_kerntaken_and_uncertainty() -> None:
    result = runner.invoke(app, ["show", "mbo-vig-verzorgende-ig"])
    assert result.exit_code == 0
    assert "crebo unknown" in result.output
    assert "B1-K3-W3" in result.output
    assert "uncertain: " in result.output


def test_show_unknown_is_an_error() -> None:
    result = runner.invoke(app, ["show", "12345"])
    assert result.exit_code == 1


def test_import_then_show(xml_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    files = [str(xml_dir / name) for name in XML_FILES]
    result = runner.invoke(app, ["import", *files, "--out", str(out), "--catalog", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "23189@sbb-2755 replaced" in result.output
    assert "23183@sbb-2635 added" in result.output
    shown = runner.invoke(app, ["show", "25486", "--catalog", str(out)])
    assert (
        "P1-K1-W1  Voert gesprekken met de ouders/vervangende opvoeders en het kind" in shown.output
    )


def test_reimporting_an_export_into_the_full_catalog_changes_nothing(
    xml_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "catalog.json"
    result = runner.invoke(app, ["import", str(xml_dir / XML_FILES[0]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "23183@sbb-2635 unchanged" in result.output
    shown = runner.invoke(app, ["show", "25486", "--catalog", str(out)])
    assert "opleidingsdomein 79140 Zorg en welzijn" in shown.output


def test_progress_prints_json_with_both_views(tmp_path: Path) -> None:
    evidence = [
        {
            "id": "vig",
            "kind": "diploma",
            "dossierCrebo": "23267",
            "dossierVersion": "2026",
            "profielCode": "P1",
        },
        {
            "id": "pv",
            "kind": "praktijkverklaring",
            "dossierCrebo": "23267",
            "dossierVersion": "2026",
            "codes": ["P2-K1-W1"],
        },
        {"id": "bad", "kind": "rumour"},
    ]
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(evidence), encoding="utf-8")
    result = runner.invoke(app, ["progress", "25655", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["missing"][0] == "P2-K1"
    assert doc["towardDiploma"]["werkprocessenCovered"] == 11
    assert doc["withExperience"]["werkprocessenCovered"] == 12
    assert doc["towardDiploma"]["sbuKnown"] is False
    assert doc["vrijstellingCandidates"] == ["P2-K1-W1"]
    assert [(i["code"], i["evidenceId"]) for i in doc["issues"]] == [("invalid_evidence", "bad")]
    text = runner.invoke(app, ["progress", "25655", str(path)])
    assert "missing: P2-K1, nederlands 3F" in text.output


def test_related_for_a_held_qualification() -> None:
    result = runner.invoke(app, ["related", "mbo-vig-verzorgende-ig", "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert [(r["crebo"], r["shared"], r["total"]) for r in doc["results"]] == [("25655", 11, 14)]


def test_related_needs_exactly_one_subject() -> None:
    assert runner.invoke(app, ["related"]).exit_code == 2

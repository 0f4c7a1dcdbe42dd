"""The shipped full catalog: the 2015 list at its published counts, layered with SBB detail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from qualifications import Catalog, Evidence, EvidenceKind, load_catalog, progress, related
from qualifications.build import build_full_catalog
from qualifications.catalog_format import catalog_to_json
from qualifications.issues import IssueCode
from qualifications.sbb_xml import parse_sbb_xml

from .conftest import REPO_ROOT, SAMPLE, SCHEMA, XML_FILES

FULL = REPO_ROOT / "schemas" / "catalog" / "kwalificatiestructuur.json"


@pytest.fixture(scope="module")
def full() -> Catalog:
    return load_catalog(FULL)


@pytest.fixture(scope="module")
def regeling(shared_dir: Path) -> dict[str, Any]:
    path = shared_dir / "catalog" / "qualification-lists" / "regeling-2015.json"
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def _from_list(catalog: Catalog) -> list[Any]:
    return [q for q in catalog.qualifications if "src-regeling-2015" in q.sources]


def test_the_shipped_file_is_valid_against_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    doc = json.loads(FULL.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)


def test_the_list_imports_with_exactly_the_published_counts(full: Catalog) -> None:
    listed = _from_list(full)
    assert len(listed) == 470
    assert len({q.crebo for q in listed}) == 470
    assert len({q.dossier_crebo for q in listed}) == 172
    per_niveau = {n: sum(1 for q in listed if q.niveau == n) for n in (1, 2, 3, 4)}
    assert per_niveau == {1: 12, 2: 126, 3: 154, 4: 178}
    assert len(full.domains) == 17
    entree = {q.dossier_crebo for q in listed if full.domain_of(q) is None}
    assert entree == {"23110", "23192"}


def test_every_list_record_matches_the_regulation(full: Catalog, regeling: dict[str, Any]) -> None:
    for row in regeling["kwalificaties"]:
        (q,) = full.qualification(row["crebo"])
        assert q.title == row["title"].strip()
        assert q.niveau == row["niveau"]
        assert q.dossier_crebo == row["dossier_crebo"]
        assert q.leerwegen == tuple(row["leerwegen"])
        assert q.geldig_vanaf is not None
        assert q.geldig_vanaf.isoformat() == "2015-08-01"
    assert full.qualification("25487")[0].leerwegen == ("BBL",)  # the one BBL-only entry


def test_every_crebo_in_the_sbb_exports_has_the_same_title_in_the_list(
    xml_dir: Path, full: Catalog, regeling: dict[str, Any]
) -> None:
    titles = {row["crebo"]: row["title"].strip() for row in regeling["kwalificaties"]}
    dossiers = {d["crebo"]: d["title"].strip() for d in regeling["dossiers"]}
    seen = 0
    for name in XML_FILES:
        export = parse_sbb_xml((xml_dir / name).read_bytes(), source_name=name)
        for dossier in export.dossiers:
            assert dossiers[dossier.crebo] == dossier.title
            for q in dossier.kwalificaties:
                assert q.crebo is not None
                assert titles[q.crebo] == q.title
                (shipped,) = full.qualification(q.crebo)
                assert shipped.title == titles[q.crebo]
                assert shipped.has_detail
                seen += 1
    assert seen == 14


def test_detail_where_exports_or_the_sample_have_it(full: Catalog) -> None:
    detailed = [q for q in full.qualifications if q.has_detail]
    # 14 from the four SBB exports (two via the sample, 25500 added from its export)
    # plus the sample's two 2020 Verzorging en verpleging records.
    assert len(detailed) == 16
    listed_only = full.qualification("25078")[0]
    assert not listed_only.has_detail
    assert "kerntaken" in listed_only.uncertain
    assert full.domain_title(full.domain_of(listed_only)) == "Bouw en infra"
    helpende = full.qualification("25498")[0]
    assert helpende.id == "mbo-25498-helpende-zorg-en-welzijn"  # the sample's id is kept
    assert full.domain_title(full.domain_of(helpende)) == "Zorg en welzijn"
    assert {"src-sbb-xml-dienstverlening", "src-regeling-2015"} <= set(helpende.sources)


def test_the_shipped_file_is_what_the_generator_derives(
    xml_dir: Path, regeling: dict[str, Any]
) -> None:
    exports = [(name, (xml_dir / name).read_bytes()) for name in sorted(XML_FILES)]
    built = build_full_catalog(load_catalog(SAMPLE), exports, regeling).catalog
    assert catalog_to_json(built) == json.loads(FULL.read_text(encoding="utf-8"))


def test_search_by_crebo_and_title(full: Catalog) -> None:
    assert [q.crebo for q in full.search("25078")] == ["25078"]
    assert {q.crebo for q in full.search("2549")} >= {"25498", "25499"}
    titles = [q.title for q in full.search("verpleeg")]
    assert titles.count("Mbo-Verpleegkundige") == 2  # 25480 (2015) and 25655 (2020)
    assert [q.crebo for q in full.search("pedagogisch KINDEROPVANG")] == ["25486"]
    assert full.search("   ") == ()


def test_progress_for_a_list_only_qualification(full: Catalog) -> None:
    q = full.qualification("25078")[0]
    none = progress(full, [], "25078")
    assert none.detail_known is False
    assert none.diploma_requirements_met is None
    assert IssueCode.KERNTAKEN_UNKNOWN in {i.code for i in none.issues}
    diploma = Evidence(
        id="urn:uuid:d",
        kind=EvidenceKind.DIPLOMA,
        dossier_crebo=q.dossier_crebo,
        dossier_version=q.dossier_version,
        qualification_crebo="25078",
    )
    held = progress(full, [diploma], "25078")
    assert held.diplomas == ("urn:uuid:d",)
    assert held.diploma_requirements_met is True
    assert held.unused_evidence == ()


def test_related_lists_list_only_neighbours_by_dossier_and_domain(full: Catalog) -> None:
    report = related(full, "25498", limit=None)
    shared = {r.qualification.crebo for r in report.results}
    assert {"25499", "25500"} <= shared  # same basisdeel in the SBB export
    by_domain = {q.crebo for q in report.same_domain}
    assert "25480" in by_domain  # Mbo-Verpleegkundige 2015, Zorg en welzijn, no detail
    assert not by_domain & shared
    entree = related(full, "25254", limit=None)  # Assistent logistiek, Entree, list only
    assert entree.results == ()
    assert {q.dossier_crebo for q in entree.same_dossier} == {"23110"}
    assert "25254" not in {q.crebo for q in entree.same_dossier}

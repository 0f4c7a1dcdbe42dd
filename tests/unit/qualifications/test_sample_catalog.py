"""The shipped sample: valid against the schema, faithful to the shared source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from qualifications import Catalog, CatalogError, catalog_from_json, catalog_to_json, save_catalog
from qualifications.progress import progress

from .conftest import SCHEMA


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_sample_is_valid_against_the_schema(sample_doc: dict[str, Any]) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in _validator().iter_errors(sample_doc)]
    assert errors == []


def test_schema_rejects_a_bad_werkproces_code(sample_doc: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(sample_doc))
    bad["dossiers"][0]["basisdeel"][0]["werkprocessen"][0]["code"] = "B1K1W1"
    assert not _validator().is_valid(bad)


def test_sample_has_the_four_real_qualifications(sample: Catalog) -> None:
    got = {(q.crebo, q.title, q.niveau, q.dossier_crebo) for q in sample.qualifications}
    assert got == {
        ("25498", "Helpende Zorg en Welzijn", 2, "23189"),
        ("25499", "Medewerker facilitaire dienstverlening", 2, "23189"),
        (None, "Verzorgende IG", 3, "23267"),
        ("25655", "Mbo-Verpleegkundige", 4, "23267"),
    }


def test_verzorgende_ig_has_no_invented_crebo(sample: Catalog) -> None:
    (vig,) = sample.qualification("mbo-vig-verzorgende-ig")
    assert vig.crebo is None
    assert "crebo" in vig.uncertain
    assert vig.sbu is None


def test_codes_and_titles_match_the_shared_sample(
    sample: Catalog, shared_sample: dict[str, Any]
) -> None:
    for src in shared_sample["qualifications"]:
        (q,) = sample.qualification(src["id"])
        assert q.crebo == src["crebo"]
        assert q.profiel_code == src["profielCode"]
        assert (q.nlqf, q.eqf, q.sbu) == (src["nlqf"], src["eqf"], src["studiebelastingSBU"])
        for part, ours in (("basisdeel", q.basisdeel), ("profieldeel", q.profieldeel)):
            theirs = src[part]["kerntaken"]
            assert [k.code for k in ours] == [k["code"] for k in theirs]
            for kt, their_kt in zip(ours, theirs, strict=True):
                assert kt.title == " ".join(their_kt["title"].split())
                assert [(w.code, w.title) for w in kt.werkprocessen] == [
                    (w["code"], " ".join(w["title"].split())) for w in their_kt["werkprocessen"]
                ]


def test_every_shared_source_is_kept(sample: Catalog, shared_sample: dict[str, Any]) -> None:
    for source_id, source in shared_sample["sources"].items():
        assert dict(sample.sources[source_id]) == source


def test_uncertain_values_stay_marked(sample: Catalog) -> None:
    vv = sample.dossier("23267", "2026")
    assert vv is not None
    assert {"titles", "codes", "version"} <= vv.uncertain
    assert sample.diploma_rule("rule-niveau-4").keuzedelen_sbu is None
    assert "keuzedelenSbu" in sample.diploma_rule("rule-niveau-4").uncertain
    for code in ("K0071", "K0802", "K0803", "K0089", "K1130"):
        keuzedeel = sample.keuzedeel(code)
        assert keuzedeel is not None
        assert "code" in keuzedeel.uncertain


def test_the_real_certificate_is_kept_with_unknown_coverage(sample: Catalog) -> None:
    c0021 = sample.certificate("C0021")
    assert c0021 is not None
    assert (c0021.title, c0021.sbu, c0021.qualification_crebo) == (
        "Koken in de horeca",
        480,
        "25180",
    )
    assert c0021.covers is None
    assert "covers" in c0021.uncertain


def test_json_round_trip_is_lossless(
    sample: Catalog, sample_doc: dict[str, Any], tmp_path: Path
) -> None:
    assert catalog_to_json(sample) == sample_doc
    assert catalog_from_json(catalog_to_json(sample)) == sample
    out = tmp_path / "copy.json"
    save_catalog(sample, out)
    assert json.loads(out.read_text(encoding="utf-8")) == sample_doc


@pytest.mark.parametrize("edge_index", [0, 1, 2])
def test_documented_stacking_edges_agree_with_progress(sample: Catalog, edge_index: int) -> None:
    """A holder of the 'from' diploma still needs exactly the edge's remaining kerntaken."""
    from qualifications import Evidence, EvidenceKind

    edge = sample.stacking_edges[edge_index]
    (held,) = sample.qualification(edge.source)
    diploma = Evidence(
        "d",
        EvidenceKind.DIPLOMA,
        dossier_crebo=held.dossier_crebo,
        dossier_version=held.dossier_version,
        profiel_code=held.profiel_code,
    )
    report = progress(sample, [diploma], edge.target)
    kerntaak_remaining = tuple(r for r in edge.remaining if not r.startswith("generic"))
    assert report.missing_kerntaken == kerntaak_remaining
    complete = {k.code for k in report.kerntaken if k.complete}
    assert set(edge.shared_kerntaken) <= complete


def test_a_dangling_reference_is_refused(sample_doc: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(sample_doc))
    bad["dossiers"][0]["kwalificaties"][0]["diplomaRule"] = "no-such-rule"
    with pytest.raises(CatalogError, match="no-such-rule"):
        catalog_from_json(bad)


def test_duplicate_codes_in_one_dossier_version_are_refused(sample_doc: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(sample_doc))
    wps = bad["dossiers"][0]["basisdeel"][0]["werkprocessen"]
    wps[1]["code"] = wps[0]["code"]
    with pytest.raises(CatalogError, match="appears twice"):
        catalog_from_json(bad)


def test_a_citation_of_an_unknown_source_is_refused(sample_doc: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(sample_doc))
    bad["dossiers"][1]["sources"].append("src-nowhere")
    with pytest.raises(CatalogError, match="src-nowhere"):
        catalog_from_json(bad)

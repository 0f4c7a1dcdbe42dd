"""related(): which qualifications are closest, and what each still needs."""

from __future__ import annotations

from typing import Any

from qualifications import Catalog, Evidence, EvidenceKind, related

MZ: dict[str, Any] = {"dossier_crebo": "23181", "dossier_version": "sbb-4156"}


def test_a_helpende_zw_diploma_is_closest_to_its_dossier_siblings(imported: Catalog) -> None:
    report = related(imported, "25498")
    assert report.source is not None
    assert report.source.crebo == "25498"
    top = [(r.qualification.crebo, r.shared, r.total) for r in report.results]
    assert top == [("25499", 9, 12), ("25500", 9, 12)]
    facilitair = report.results[0]
    assert facilitair.missing_kerntaken == ("P1-K1",)
    assert facilitair.missing_werkprocessen == ("P1-K1-W1", "P1-K1-W2", "P1-K1-W3")
    assert facilitair.missing_generic == ()  # same level: the generic parts carry over


def test_verzorgende_ig_is_closest_to_verpleegkundige(sample: Catalog) -> None:
    report = related(sample, "mbo-vig-verzorgende-ig")
    (vp,) = report.results
    assert (vp.qualification.crebo, vp.shared, vp.total) == ("25655", 11, 14)
    assert vp.missing_kerntaken == ("P2-K1",)
    assert "nederlands 3F" in vp.missing_generic
    assert "engels lezen B1" in vp.missing_generic


def test_an_experienced_care_worker_sees_the_close_professions(imported: Catalog) -> None:
    """Years in care, shown by praktijkverklaringen and an EVC result, no exams."""
    evidence = [
        Evidence("pv1", EvidenceKind.PRAKTIJKVERKLARING, codes=("B1-K1", "B1-K2"), **MZ),
        Evidence("evc", EvidenceKind.EVC, codes=("P1-K1-W1", "P1-K1-W3"), **MZ),
    ]
    report = related(imported, evidence, limit=3)
    assert [r.qualification.crebo for r in report.results] == ["25475", "25476", "25474"]
    best = report.results[0]
    assert best.title == "Begeleider gehandicaptenzorg"
    assert (best.shared, best.shared_toward_diploma, best.total) == (11, 0, 13)
    assert best.missing_werkprocessen == ("P1-K1-W2", "P1-K1-W4")
    # The rest of the dossier shares the 9 basisdeel werkprocessen; nothing else is related.
    everything = related(imported, evidence, limit=None)
    assert {r.qualification.dossier_crebo for r in everything.results} == {"23181"}
    assert all(r.shared >= 9 for r in everything.results)


def test_ranking_breaks_ties_by_share_then_id(imported: Catalog) -> None:
    evidence = [Evidence("b", EvidenceKind.EXAM_RESULT, codes=("B1-K1",), **MZ)]
    results = related(imported, evidence, limit=None).results
    keys = [(-r.shared, -r.fraction, r.id) for r in results]
    assert keys == sorted(keys)
    assert len(results) == 6


def test_certificates_for_missing_parts_are_named(small_synthetic: Catalog) -> None:
    cert = small_synthetic.certificates[0]
    assert cert.covers is not None
    (target,) = small_synthetic.qualification(f"{cert.qualification_crebo}")
    basis = target.basisdeel[0]
    evidence = [
        Evidence(
            "b",
            EvidenceKind.EXAM_RESULT,
            dossier_crebo=target.dossier_crebo,
            dossier_version=target.dossier_version,
            codes=(basis.werkprocessen[-1].code,),
        )
    ]
    result = next(
        r for r in related(small_synthetic, evidence, limit=None).results if r.id == target.id
    )
    option = next(o for o in result.certificates if o.id == cert.id)
    profile_kerntaak = cert.covers[0].kerntaak
    assert {c for c in option.covers_missing if c.startswith(profile_kerntaak)} == {
        wp.code for kt in target.profieldeel for wp in kt.werkprocessen
    }


def test_unknown_subject_and_bad_evidence_are_reported(imported: Catalog) -> None:
    unknown = related(imported, "00000")
    assert unknown.results == ()
    assert [i.code.value for i in unknown.issues] == ["unknown_qualification"]
    bad = related(
        imported, [Evidence("x", EvidenceKind.EXAM_RESULT, codes=("B1-K9",), **MZ)], limit=None
    )
    assert bad.results == ()
    assert [i.code.value for i in bad.issues] == ["unknown_code"]

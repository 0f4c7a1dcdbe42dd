"""progress(): what is covered, by what, and what is missing, on real data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qualifications import (
    Catalog,
    Evidence,
    EvidenceKind,
    IssueCode,
    catalog_from_json,
    progress,
)
from qualifications.rules import GenericStatus

DV: dict[str, Any] = {"dossier_crebo": "23189", "dossier_version": "sbb-2755"}
VV: dict[str, Any] = {"dossier_crebo": "23267", "dossier_version": "2026"}
NIVEAU_4_GENERIC = (
    "nederlands 3F",
    "rekenen 3F",
    "engels lezen B1",
    "engels luisteren B1",
    "engels schrijven A2",
    "engels spreken A2",
    "engels gesprekken_voeren A2",
)


def exam(evidence_id: str, *codes: str, dossier: dict[str, Any] = DV) -> Evidence:
    return Evidence(evidence_id, EvidenceKind.EXAM_RESULT, codes=codes, **dossier)


def generic(evidence_id: str, subject: str, level: str | None, **kw: Any) -> Evidence:
    return Evidence(
        evidence_id,
        EvidenceKind.GENERIC_RESULT,
        generic_subject=subject,
        generic_level=level,
        **kw,
    )


def codes_of(report_issues: tuple[Any, ...]) -> list[str]:
    return [i.code.value for i in report_issues]


# -- the real examples -------------------------------------------------------------------


def test_helpende_zw_results_cover_the_shared_basisdeel_of_facilitair(sample: Catalog) -> None:
    helpende = [exam(f"wp{i}", f"B1-K1-W{i}") for i in range(1, 10)] + [exam("p2", "P2-K1")]
    report = progress(sample, helpende, "25499")
    assert report.qualification is not None
    assert report.qualification.title == "Medewerker facilitaire dienstverlening"
    b1k1, p1k1 = report.kerntaken
    assert (b1k1.code, b1k1.complete) == ("B1-K1", True)
    assert [s.evidence_id for w in b1k1.werkprocessen for s in w.toward_diploma] == [
        f"wp{i}" for i in range(1, 10)
    ]
    assert (p1k1.code, p1k1.complete) == ("P1-K1", False)
    assert report.missing_kerntaken == ("P1-K1",)
    assert (
        report.toward_diploma.werkprocessen_covered,
        report.toward_diploma.werkprocessen_total,
    ) == (
        9,
        12,
    )
    # The profile kerntaak of Helpende ZW is not part of Facilitair: unused, not an error.
    assert report.unused_evidence == ("p2",)
    assert report.issues == ()


def test_a_helpende_zw_diploma_also_carries_the_generic_parts_of_the_same_level(
    sample: Catalog,
) -> None:
    diploma = Evidence("d", EvidenceKind.DIPLOMA, qualification_crebo="25498", **DV)
    report = progress(sample, [diploma], "25499")
    assert report.missing == ("P1-K1",)
    assert all(g.met for g in report.generic)


def test_verzorgende_ig_toward_verpleegkundige_needs_p2k1_and_niveau_4_generic(
    sample: Catalog,
) -> None:
    diploma = Evidence("vig", EvidenceKind.DIPLOMA, profiel_code="P1", **VV)
    report = progress(sample, [diploma], "25655")
    assert report.missing_kerntaken == ("P2-K1",)
    assert report.missing == ("P2-K1", *NIVEAU_4_GENERIC)
    assert report.toward_diploma.werkprocessen_covered == 11
    assert report.toward_diploma.kerntaken_complete == 3
    lb = next(g for g in report.generic if g.requirement.subject.value == "loopbaan_burgerschap")
    assert lb.met
    assert report.diploma_requirements_met is False


def test_verzorgende_ig_exam_results_give_the_same_answer(sample: Catalog) -> None:
    evidence = [
        exam("k1", "B1-K1", dossier=VV),
        exam("k2", "B1-K2", dossier=VV),
        exam("k3", "B1-K3", dossier=VV),
        generic("nl", "nederlands", "2F", grade=7),
        generic("re", "rekenen", "2F", grade=6),
        generic("lb", "loopbaan_burgerschap", None),
    ]
    report = progress(sample, evidence, "mbo-25655-mbo-verpleegkundige")
    assert report.missing == ("P2-K1", *NIVEAU_4_GENERIC)


def test_completing_verpleegkundige_leaves_only_the_unknown_keuzedeel_rule(
    sample: Catalog,
) -> None:
    evidence = [
        Evidence("vig", EvidenceKind.DIPLOMA, profiel_code="P1", **VV),
        exam("p2", "P2-K1", dossier=VV),
        generic("nl", "nederlands", "3F", grade=6),
        generic("re", "rekenen", "3F", grade=4),  # participation: the grade does not count
        generic("en", "engels", "B1", grade=7),
    ]
    report = progress(sample, evidence, "25655")
    assert report.missing == ()
    assert report.keuzedelen.met is None  # the sample does not know the SBU obligation
    assert report.diploma_requirements_met is None
    assert "diplomaRule.keuzedelenSbu" in report.uncertain


# -- the two views -----------------------------------------------------------------------


def test_experience_is_shown_but_does_not_count_toward_the_diploma(sample: Catalog) -> None:
    evidence = [
        Evidence("pv", EvidenceKind.PRAKTIJKVERKLARING, codes=("P1-K1-W1", "P1-K1-W2"), **DV),
        Evidence("evc", EvidenceKind.EVC, codes=("B1-K1",), **DV),
        Evidence("bc", EvidenceKind.MAPPED_CREDENTIAL, codes=("P1-K1-W3",), mapped_by="x", **DV),
    ]
    report = progress(sample, evidence, "25499")
    assert report.toward_diploma.werkprocessen_covered == 0
    assert report.with_experience.werkprocessen_covered == 12
    assert report.with_experience.kerntaken_complete == 2
    assert len(report.vrijstelling_candidates) == 12
    assert report.missing_kerntaken == ("B1-K1", "P1-K1")


def test_a_vrijstelling_counts_and_removes_the_candidate(sample: Catalog) -> None:
    evidence = [
        Evidence("pv", EvidenceKind.PRAKTIJKVERKLARING, codes=("P1-K1",), **DV),
        Evidence("vr", EvidenceKind.VRIJSTELLING, codes=("P1-K1-W2",), issuer="ec", **DV),
    ]
    report = progress(sample, evidence, "25499")
    w2 = report.kerntaken[1].werkprocessen[1]
    assert w2.code == "P1-K1-W2"
    assert [s.evidence_id for s in w2.toward_diploma] == ["vr"]
    assert [s.evidence_id for s in w2.experience] == ["pv"]
    assert report.vrijstelling_candidates == ("P1-K1-W1", "P1-K1-W3")
    assert report.missing_werkprocessen[-2:] == ("P1-K1-W1", "P1-K1-W3")


# -- generic rules as data ---------------------------------------------------------------


def _vig_plus(*extra: Evidence) -> list[Evidence]:
    return [
        Evidence("vig", EvidenceKind.DIPLOMA, profiel_code="P1", **VV),
        exam("p2", "P2-K1", dossier=VV),
        generic("re", "rekenen", "3F"),
        *extra,
    ]


def _status(report: Any, subject: str) -> set[GenericStatus]:
    return {g.status for g in report.generic if g.requirement.subject.value == subject}


def test_nederlands_five_is_compensated_by_engels_seven(sample: Catalog) -> None:
    evidence = _vig_plus(
        generic("nl", "nederlands", "3F", grade=5), generic("en", "engels", "B1", grade=7)
    )
    report = progress(sample, evidence, "25655")
    assert _status(report, "nederlands") == {GenericStatus.COMPENSATED}
    assert report.missing == ()


def test_two_fives_are_not_compensated(sample: Catalog) -> None:
    evidence = _vig_plus(
        generic("nl", "nederlands", "3F", grade=5), generic("en", "engels", "B1", grade=5)
    )
    report = progress(sample, evidence, "25655")
    assert _status(report, "nederlands") == {GenericStatus.INSUFFICIENT}
    assert "nederlands 3F" in report.missing


def test_a_grade_below_the_floor_fails(sample: Catalog) -> None:
    evidence = _vig_plus(
        generic("nl", "nederlands", "3F", grade=4), generic("en", "engels", "B1", grade=9)
    )
    report = progress(sample, evidence, "25655")
    assert _status(report, "nederlands") == {GenericStatus.FAILED}


def test_a_lower_level_does_not_meet_a_higher_requirement(sample: Catalog) -> None:
    evidence = _vig_plus(
        generic("nl", "nederlands", "2F", grade=9), generic("en", "engels", "A2", grade=9)
    )
    report = progress(sample, evidence, "25655")
    assert _status(report, "nederlands") == {GenericStatus.MISSING}
    # A2 meets the A2 skills of Engels but not the B1 ones.
    en = {
        g.requirement.skill: g.met
        for g in report.generic
        if g.requirement.subject.value == "engels"
    }
    assert en == {
        "lezen": False,
        "luisteren": False,
        "schrijven": True,
        "spreken": True,
        "gesprekken_voeren": True,
    }


def test_rules_are_data_changing_the_rule_changes_the_outcome(sample_doc: dict[str, Any]) -> None:
    doc = json.loads(json.dumps(sample_doc))
    rule = next(r for r in doc["diplomaRules"] if r["id"] == "rule-niveau-4")
    rule["compensation"] = []
    catalog = catalog_from_json(doc)
    evidence = _vig_plus(
        generic("nl", "nederlands", "3F", grade=5), generic("en", "engels", "B1", grade=7)
    )
    report = progress(catalog, evidence, "25655")
    assert _status(report, "nederlands") == {GenericStatus.FAILED}


# -- bad input is reported, never raised ---------------------------------------------------


def test_unknown_qualification(sample: Catalog) -> None:
    report = progress(sample, [exam("x", "B1-K1")], "99999")
    assert report.qualification is None
    assert codes_of(report.issues) == ["unknown_qualification"]
    assert report.diploma_requirements_met is False


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (exam("a", "B1-K7"), "unknown_code"),
        (
            exam("a", "B1-K1", dossier={"dossier_crebo": "12345", "dossier_version": "x"}),
            "unknown_dossier",
        ),
        (
            exam("a", "B1-K1", dossier={"dossier_crebo": "23189", "dossier_version": "sbb-1"}),
            "unknown_dossier_version",
        ),
        (Evidence("a", EvidenceKind.EXAM_RESULT, **DV), "invalid_evidence"),
        (
            Evidence("a", EvidenceKind.DIPLOMA, qualification_crebo="11111", **DV),
            "unknown_qualification",
        ),
        (
            Evidence("a", EvidenceKind.MBO_CERTIFICAAT, certificate_code="C9999"),
            "unknown_certificate",
        ),
        (
            Evidence("a", EvidenceKind.MBO_CERTIFICAAT, certificate_code="C0021"),
            "certificate_coverage_unknown",
        ),
        (Evidence("a", EvidenceKind.KEUZEDEEL, keuzedeel_code="K9999"), "unknown_keuzedeel"),
        (Evidence("a", EvidenceKind.KEUZEDEEL, keuzedeel_code="K0071"), "keuzedeel_sbu_unknown"),
        (generic("a", "latijn", "2F"), "unknown_generic_subject"),
        (generic("a", "nederlands", "B1"), "unknown_generic_level"),
    ],
)
def test_bad_evidence_is_reported_with_a_stable_code(
    sample: Catalog, item: Evidence, code: str
) -> None:
    good = exam("good", "B1-K1-W1")
    report = progress(sample, [item, good], "25499")
    assert [(i.code.value, i.evidence_id) for i in report.issues] == [(code, "a")]
    assert report.toward_diploma.werkprocessen_covered == 1


def test_partly_unknown_codes_still_count_the_known_ones(sample: Catalog) -> None:
    report = progress(sample, [exam("a", "B1-K1-W1", "B1-K1-W99")], "25499")
    assert report.toward_diploma.werkprocessen_covered == 1
    assert [i.code for i in report.issues] == [IssueCode.UNKNOWN_CODE]
    assert "B1-K1-W99" in report.issues[0].detail


def test_duplicate_evidence_is_counted_once_and_reported(sample: Catalog) -> None:
    item = exam("same", "B1-K1-W1")
    report = progress(sample, [item, item, item], "25499")
    assert codes_of(report.issues) == ["duplicate_evidence"]
    w1 = report.kerntaken[0].werkprocessen[0]
    assert len(w1.toward_diploma) == 1


def test_one_id_with_two_different_claims_is_reported(sample: Catalog) -> None:
    report = progress(sample, [exam("id", "B1-K1-W1"), exam("id", "B1-K1-W2")], "25499")
    assert codes_of(report.issues) == ["conflicting_evidence"]
    assert report.toward_diploma.werkprocessen_covered == 2


def test_codes_alone_never_match_another_dossier(imported: Catalog) -> None:
    """B1-K2-W1 'Werkt aan de eigen deskundigheid' exists in Pedagogisch werk and in Sociaal
    werk; evidence for one is not evidence for the other."""
    pedagogisch = exam(
        "pw", "B1-K2", dossier={"dossier_crebo": "23183", "dossier_version": "sbb-2635"}
    )
    report = progress(imported, [pedagogisch], "25489")
    assert report.toward_diploma.werkprocessen_covered == 0
    assert report.unused_evidence == ("pw",)
    assert report.issues == ()


# -- SBU ---------------------------------------------------------------------------------


def test_sbu_is_none_when_the_catalog_does_not_know_it(sample: Catalog) -> None:
    report = progress(sample, [exam("a", "B1-K1")], "25499")
    assert report.toward_diploma.sbu_total is None
    assert report.toward_diploma.sbu_covered is None
    assert report.toward_diploma.sbu_fraction is None
    assert report.kerntaken[0].sbu is None


def test_sbu_counts_complete_kerntaken(small_synthetic: Catalog) -> None:
    q = small_synthetic.qualifications[0]
    dossier = {"dossier_crebo": q.dossier_crebo, "dossier_version": q.dossier_version}
    first, *rest = q.kerntaken
    partial = rest[0].werkprocessen[0].code
    report = progress(small_synthetic, [exam("a", first.code, partial, dossier=dossier)], q)
    total = sum(k.sbu or 0 for k in q.kerntaken)
    assert report.toward_diploma.sbu_total == total
    # The partly covered kerntaak has no werkproces SBU, so only the whole one counts.
    assert report.toward_diploma.sbu_covered == first.sbu
    assert report.toward_diploma.werkprocessen_covered == len(first.werkprocessen) + 1


# -- certificates and equivalences -------------------------------------------------------


def test_a_certificate_covers_whole_and_partial_kerntaken(small_synthetic: Catalog) -> None:
    cert = small_synthetic.certificates[0]
    assert cert.covers is not None
    assert cert.code is not None
    (q,) = small_synthetic.qualification(f"{cert.qualification_crebo}")
    report = progress(
        small_synthetic,
        [Evidence("c", EvidenceKind.MBO_CERTIFICAAT, certificate_code=cert.code)],
        q,
    )
    whole, partial = cert.covers
    assert whole.werkprocessen is None
    assert partial.werkprocessen is not None
    by_code = {k.code: k for k in report.kerntaken}
    assert by_code[whole.kerntaak].complete
    covered = {w.code for w in by_code[partial.kerntaak].werkprocessen if w.covered}
    assert covered == set(partial.werkprocessen)


def _with_second_version(sample_doc: dict[str, Any], equivalences: list[dict[str, Any]]) -> Catalog:
    doc = json.loads(json.dumps(sample_doc))
    revised = json.loads(json.dumps(doc["dossiers"][0]))
    revised["version"] = "rev-2"
    revised["previousVersion"] = "sbb-2755"
    for q in revised["kwalificaties"]:
        q["id"] += "@rev-2"
    doc["dossiers"].append(revised)
    doc["equivalences"] = equivalences
    return catalog_from_json(doc)


def _key(version: str, code: str) -> dict[str, str]:
    return {"crebo": "23189", "version": version, "code": code}


def test_cross_version_matching_only_where_the_catalog_says_so(sample_doc: dict[str, Any]) -> None:
    catalog = _with_second_version(
        sample_doc, [{"a": _key("sbb-2755", "B1-K1-W1"), "b": _key("rev-2", "B1-K1-W1")}]
    )
    old = exam("old", "B1-K1")
    report = progress(catalog, [old], "25499@rev-2")
    w1 = report.kerntaken[0].werkprocessen[0]
    assert [(s.evidence_id, str(s.stated), str(s.via)) for s in w1.toward_diploma] == [
        ("old", "23189@sbb-2755:B1-K1", "23189@sbb-2755:B1-K1-W1")
    ]
    assert report.toward_diploma.werkprocessen_covered == 1
    assert codes_of(report.issues) == ["wrong_dossier_version"]
    assert report.issues[0].detail.startswith("B1-K1-W2, B1-K1-W3")
    assert "B1-K1-W1," not in report.issues[0].detail


def test_a_kerntaak_equivalence_carries_whole_kerntaak_evidence(sample_doc: dict[str, Any]) -> None:
    catalog = _with_second_version(
        sample_doc, [{"a": _key("sbb-2755", "B1-K1"), "b": _key("rev-2", "B1-K1")}]
    )
    whole = progress(catalog, [exam("old", "B1-K1")], "25499@rev-2")
    assert whole.kerntaken[0].complete
    assert whole.issues == ()
    single = progress(catalog, [exam("old", "B1-K1-W1")], "25499@rev-2")
    assert single.toward_diploma.werkprocessen_covered == 0
    assert codes_of(single.issues) == ["wrong_dossier_version"]


def test_an_equivalence_between_a_kerntaak_and_a_werkproces_is_refused(
    sample_doc: dict[str, Any],
) -> None:
    from qualifications import CatalogError

    with pytest.raises(CatalogError, match="joins a kerntaak and a werkproces"):
        _with_second_version(
            sample_doc, [{"a": _key("sbb-2755", "B1-K1"), "b": _key("rev-2", "B1-K1-W1")}]
        )

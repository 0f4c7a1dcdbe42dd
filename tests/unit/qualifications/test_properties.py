"""Properties of the stacking functions, checked with hypothesis on real data."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualifications import (
    Catalog,
    Evidence,
    EvidenceKind,
    catalog_from_json,
    catalog_to_json,
    import_sbb_xml,
    load_catalog,
    progress,
    related,
)
from qualifications.progress import ProgressReport
from qualifications.synthetic import generate_catalog_json

from .conftest import SAMPLE, SHARED_XML_DIR, XML_FILES

_CATALOG: Catalog | None = None


def _catalog() -> Catalog:
    """The sample plus the real exports, built once (hypothesis dislikes fixtures here)."""
    global _CATALOG
    if _CATALOG is None:
        catalog = load_catalog(SAMPLE)
        for name in XML_FILES:
            data = (SHARED_XML_DIR / name).read_bytes()
            catalog = import_sbb_xml(catalog, data, source_name=name).catalog
        _CATALOG = catalog
    return _CATALOG


def _units(catalog: Catalog) -> list[tuple[str, str, str]]:
    out = set()
    for q in catalog.qualifications:
        for kt in q.kerntaken:
            out.add((q.dossier_crebo, q.dossier_version, kt.code))
            out.update((q.dossier_crebo, q.dossier_version, wp.code) for wp in kt.werkprocessen)
    return sorted(out)


UNITS = _units(_catalog())
TARGETS = sorted(q.id for q in _catalog().qualifications)
BAD_UNITS = [("23189", "sbb-2755", "B1-K9"), ("23189", "sbb-1", "B1-K1"), ("11111", "x", "B1-K1")]

coded = st.builds(
    lambda i, kind, unit: Evidence(
        f"e{i}", kind, dossier_crebo=unit[0], dossier_version=unit[1], codes=(unit[2],)
    ),
    st.integers(0, 40),
    st.sampled_from(
        [
            EvidenceKind.EXAM_RESULT,
            EvidenceKind.VRIJSTELLING,
            EvidenceKind.PRAKTIJKVERKLARING,
            EvidenceKind.EVC,
            EvidenceKind.MAPPED_CREDENTIAL,
        ]
    ),
    st.sampled_from(UNITS + BAD_UNITS),
)
generic = st.builds(
    lambda i, subject, level, grade: Evidence(
        f"g{i}",
        EvidenceKind.GENERIC_RESULT,
        generic_subject=subject,
        generic_level=level,
        grade=grade,
    ),
    st.integers(0, 10),
    st.sampled_from(["nederlands", "rekenen", "engels", "loopbaan_burgerschap", "latijn"]),
    st.sampled_from(["2F", "3F", "A2", "B1", None]),
    st.one_of(st.none(), st.integers(1, 10).map(float)),
)
diploma = st.builds(
    lambda i, q: Evidence(
        f"d{i}",
        EvidenceKind.DIPLOMA,
        dossier_crebo=q.dossier_crebo,
        dossier_version=q.dossier_version,
        profiel_code=q.profiel_code,
    ),
    st.integers(0, 3),
    st.sampled_from(_catalog().qualifications),
)
evidence_item = st.one_of(coded, coded, coded, generic, diploma)
evidence_lists = st.lists(evidence_item, max_size=25)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _score(report: ProgressReport) -> tuple[int, ...]:
    return (
        report.toward_diploma.werkprocessen_covered,
        report.toward_diploma.kerntaken_complete,
        report.with_experience.werkprocessen_covered,
        report.with_experience.kerntaken_complete,
        sum(g.met for g in report.generic),
        report.keuzedelen.sbu_achieved,
    )


@SETTINGS
@given(evidence_lists, evidence_lists, st.sampled_from(TARGETS))
def test_adding_evidence_never_lowers_progress(
    base: list[Evidence], extra: list[Evidence], target: str
) -> None:
    catalog = _catalog()
    before = progress(catalog, base, target)
    after = progress(catalog, base + extra, target)
    assert all(a >= b for a, b in zip(_score(after), _score(before), strict=True))
    # A kerntaak with nothing covered is listed as the kerntaak; once part is covered, as its
    # remaining werkprocessen. Compare at werkproces level.
    assert set(after.missing_werkprocessen) <= set(before.missing_werkprocessen)
    assert set(after.missing_generic) <= set(before.missing_generic)
    if before.diploma_requirements_met is True:
        assert after.diploma_requirements_met is True


@SETTINGS
@given(evidence_lists, st.sampled_from(TARGETS), st.randoms(use_true_random=False))
def test_progress_does_not_depend_on_evidence_order(
    items: list[Evidence], target: str, rnd: random.Random
) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    catalog = _catalog()
    assert progress(catalog, items, target) == progress(catalog, shuffled, target)


@SETTINGS
@given(evidence_lists, st.sampled_from(TARGETS))
def test_counts_are_consistent(items: list[Evidence], target: str) -> None:
    report = progress(_catalog(), items, target)
    formal, shown = report.toward_diploma, report.with_experience
    assert (
        0
        <= formal.werkprocessen_covered
        <= shown.werkprocessen_covered
        <= formal.werkprocessen_total
    )
    assert (
        formal.werkprocessen_covered + len(report.missing_werkprocessen)
        == formal.werkprocessen_total
    )
    assert all(
        s.counts_toward_diploma
        for k in report.kerntaken
        for w in k.werkprocessen
        for s in w.toward_diploma
    )
    assert not any(
        s.counts_toward_diploma
        for k in report.kerntaken
        for w in k.werkprocessen
        for s in w.experience
    )
    ids = {e.id for e in items}
    assert set(report.unused_evidence) <= ids
    assert all(i.evidence_id is None or i.evidence_id in ids for i in report.issues)


@SETTINGS
@given(evidence_lists, evidence_lists)
def test_related_shares_never_shrink_with_more_evidence(
    base: list[Evidence], extra: list[Evidence]
) -> None:
    catalog = _catalog()
    before = {r.id: r.shared for r in related(catalog, base, limit=None).results}
    after = {r.id: r.shared for r in related(catalog, base + extra, limit=None).results}
    assert all(after.get(q, 0) >= n for q, n in before.items())


@SETTINGS
@given(evidence_lists, st.sampled_from(TARGETS))
def test_related_agrees_with_progress(items: list[Evidence], target: str) -> None:
    catalog = _catalog()
    shared = {r.id: r for r in related(catalog, items, limit=None).results}
    report = progress(catalog, items, target)
    expected = report.with_experience.werkprocessen_covered
    assert (shared[target].shared if target in shared else 0) == expected
    if target in shared:
        assert shared[target].shared_toward_diploma == report.toward_diploma.werkprocessen_covered


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 8), st.integers(0, 12))
def test_synthetic_catalogs_round_trip_through_json(seed: int, dossiers: int, extra: int) -> None:
    doc = generate_catalog_json(
        seed,
        dossiers=dossiers,
        qualifications=dossiers + extra,
        keuzedelen=15,
        certificates=3,
        equivalences=4,
    )
    catalog = catalog_from_json(doc)
    assert catalog_to_json(catalog) == doc
    assert catalog_from_json(catalog_to_json(catalog)) == catalog

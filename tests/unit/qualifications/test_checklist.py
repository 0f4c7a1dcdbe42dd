"""diploma_checklist(): the whole diploma, with names people read, from real catalog data."""

from __future__ import annotations

from qualifications import Catalog, progress
from qualifications.checklist import diploma_checklist

from .test_progress import DV, exam, generic


def test_all_werkprocessen_is_not_the_whole_diploma(sample: Catalog) -> None:
    # every kerntaak of Helpende Zorg en Welzijn, nothing generic, no keuzedelen
    report = progress(sample, [exam("b1", "B1-K1"), exam("p2", "P2-K1")], "25498")
    assert report.toward_diploma.fraction == 1.0  # the old bar said 100%
    checklist = diploma_checklist(report)
    assert not checklist.complete
    assert checklist.done < checklist.total
    parts = [i.part for i in checklist.items]
    assert parts == sorted(parts, key=["beroepsgericht", "generiek", "keuzedelen"].index)
    needed = [i.name_nl for i in checklist.still_needed]
    assert "Loopbaan en burgerschap" in needed
    assert any(name.startswith("Rekenen (") for name in needed)
    assert any(name.startswith("Keuzedelen") for name in needed)
    assert not any("_" in name for name in needed)  # no raw keys like loopbaan_burgerschap
    assert "Career and citizenship" in [i.name_en for i in checklist.still_needed]


def test_generic_results_tick_their_items(sample: Catalog) -> None:
    evidence = [
        exam("b1", "B1-K1"),
        generic("nl", "nederlands", "2F", grade=7),
        generic("re", "rekenen", "2F", grade=6),
        generic("lb", "loopbaan_burgerschap", None),
    ]
    checklist = diploma_checklist(progress(sample, evidence, "25498"))
    states = {i.name_nl: i.state for i in checklist.items}
    assert states["Nederlands (2F)"] == "met"
    assert states["Rekenen (2F)"] == "met"
    assert states["Loopbaan en burgerschap"] == "met"
    assert next(i for i in checklist.items if i.key == "P2-K1").state == "missing"


def test_the_same_dossier_outside_its_qualification(sample: Catalog) -> None:
    checklist = diploma_checklist(progress(sample, [exam("wp", "B1-K1-W1", dossier=DV)], "25499"))
    assert checklist.done == 0
    assert all(i.state != "met" for i in checklist.items)

"""Evidence as JSON: lenient reading, bad items reported."""

from __future__ import annotations

from typing import Any

import pytest

from qualifications import Evidence, EvidenceKind, evidence_from_json, evidence_to_json
from qualifications.evidence import EXPERIENCE_KINDS, FORMAL_KINDS


def test_kinds_are_split_into_formal_and_experience() -> None:
    assert FORMAL_KINDS.isdisjoint(EXPERIENCE_KINDS)
    assert set(EvidenceKind) == FORMAL_KINDS | EXPERIENCE_KINDS
    assert EvidenceKind.VRIJSTELLING.counts_toward_diploma
    assert not EvidenceKind.PRAKTIJKVERKLARING.counts_toward_diploma


def test_round_trip() -> None:
    items = [
        Evidence(
            "urn:1",
            EvidenceKind.EXAM_RESULT,
            issuer="did:web:roc.example",
            dossier_crebo="23189",
            dossier_version="sbb-2755",
            codes=("B1-K1-W1", "B1-K1-W2"),
        ),
        Evidence(
            "urn:2",
            EvidenceKind.GENERIC_RESULT,
            generic_subject="engels",
            generic_level="B1",
            generic_skill="lezen",
            grade=6.5,
        ),
    ]
    as_json = [evidence_to_json(e) for e in items]
    assert as_json[0]["dossierCrebo"] == "23189"
    assert "grade" not in as_json[0]
    assert evidence_from_json(as_json) == (tuple(items), ())


@pytest.mark.parametrize(
    ("item", "detail"),
    [
        ("not an object", "not an object"),
        ({"kind": "exam_result"}, "no string 'id'"),
        ({"id": "a", "kind": "rumour"}, "'kind' must be one of"),
        ({"id": "a", "kind": "exam_result", "codes": "B1-K1"}, "'codes' must be a list"),
        ({"id": "a", "kind": "exam_result", "codes": ["B1-K1"]}, "needs dossierCrebo"),
        (
            {"id": "a", "kind": "generic_result", "genericSubject": "nederlands", "grade": "zes"},
            "'grade'",
        ),
        ({"id": "a", "kind": "keuzedeel", "keuzedeelCode": 71}, "'keuzedeelCode' must be a string"),
        (
            {"id": "a", "kind": "keuzedeel", "keuzedeelCode": "K0071", "colour": "red"},
            "unknown field",
        ),
        (
            {"id": "a", "kind": "diploma", "dossierCrebo": "1", "dossierVersion": "v"},
            "qualificationCrebo",
        ),
    ],
)
def test_bad_items_become_invalid_evidence(item: Any, detail: str) -> None:
    good = {"id": "ok", "kind": "keuzedeel", "keuzedeelCode": "K0071"}
    items, issues = evidence_from_json([item, good])
    assert [e.id for e in items] == ["ok"]
    (issue,) = issues
    assert issue.code.value == "invalid_evidence"
    assert detail in issue.detail


def test_a_non_list_is_one_issue() -> None:
    items, issues = evidence_from_json({"id": "a"})
    assert items == ()
    assert [i.code.value for i in issues] == ["invalid_evidence"]

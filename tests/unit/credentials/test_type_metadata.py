"""Type Metadata vectors: integrity hashes of the exact bytes, the draft's extends merge, and
the NL Wallet profile (its own metadata documents pass; each broken rule is found)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from credentials.nl_wallet_profile import (
    credential_problems,
    disclosure_problems,
    merge_extending,
    metadata_problems,
)
from credentials.type_metadata import (
    TypeMetadataError,
    check_integrity,
    integrity_of,
    merge_claims,
    parse_type_metadata,
    resolve_type_metadata,
)

from .sd_vectors import NL_WALLET, SD_JWT_VC

EXAMPLE = (SD_JWT_VC / "type-metadata-example.json").read_bytes()
PID = (NL_WALLET / "eudi_pid_1.json").read_bytes()
PID_NL = (NL_WALLET / "eudi_pid_nl_1.json").read_bytes()
DEGREE = json.loads((NL_WALLET / "com.example.degree.json").read_text(encoding="utf-8"))


def test_vct_integrity_of_the_draft_example() -> None:
    expected = "sha256-vJKakJAQkDYkIhGrT1M3nxRuSj9udH0l1PXB06QHto8="
    assert integrity_of(EXAMPLE) == expected
    assert check_integrity(EXAMPLE, expected)
    assert not check_integrity(EXAMPLE.replace(b"v42", b"v43"), expected)
    metadata = parse_type_metadata(EXAMPLE, integrity=expected)
    assert metadata.vct == "https://betelgeuse.example.com/education_credential/v42"
    assert metadata.extends == "https://galaxy.example.com/galactic-education-credential/v2"


def test_extends_integrity_of_the_nl_wallet_pid_chain() -> None:
    child = json.loads(PID_NL)
    assert integrity_of(PID) == child["extends#integrity"]
    documents = {"urn:eudi:pid:nl:1": PID_NL, "urn:eudi:pid:1": PID}
    chain = resolve_type_metadata("urn:eudi:pid:nl:1", documents.__getitem__)
    assert [m.vct for m in chain] == ["urn:eudi:pid:nl:1", "urn:eudi:pid:1"]
    tampered = {**documents, "urn:eudi:pid:1": PID.replace(b"Personal", b"Persona1")}
    with pytest.raises(TypeMetadataError) as caught:
        resolve_type_metadata("urn:eudi:pid:nl:1", tampered.__getitem__)
    assert caught.value.code == "integrity"


def test_sri_rules_strongest_algorithm_and_malformed_values() -> None:
    data = b"abc"
    sha512 = integrity_of(data, "sha512")
    assert check_integrity(data, f"sha256-AAAA {sha512}")  # only sha512 counts
    assert not check_integrity(data, f"{integrity_of(data)} sha512-AAAA")
    assert check_integrity(data, f"{integrity_of(data)}?opt")
    assert not check_integrity(data, "md5-kAFQmDzST7DWlj99KOF/cg==")
    assert not check_integrity(data, None)


def test_extends_cycles_and_vct_mismatch_are_refused() -> None:
    a = json.dumps({"vct": "urn:a", "extends": "urn:b"}).encode()
    b = json.dumps({"vct": "urn:b", "extends": "urn:a"}).encode()
    with pytest.raises(TypeMetadataError) as cycle:
        resolve_type_metadata("urn:a", {"urn:a": a, "urn:b": b}.__getitem__)
    assert cycle.value.code == "extends_cycle"
    with pytest.raises(TypeMetadataError) as mismatch:
        resolve_type_metadata("urn:c", {"urn:c": a}.__getitem__)
    assert mismatch.value.code == "vct_mismatch"


def test_the_draft_merge_gives_the_effective_claims() -> None:
    data = json.loads((SD_JWT_VC / "type-metadata-extends-example.json").read_text("utf-8"))
    merged = merge_claims(data["base"]["claims"], data["child"]["claims"])
    assert merged == data["effective_claims"]["claims"]


@pytest.mark.parametrize(
    "document",
    [
        b"[]",
        b'{"vct": 1}',
        b'{"claims": [{"path": []}]}',
        b'{"claims": [{"path": ["a"], "sd": "sometimes"}]}',
        b'{"claims": [{"path": ["a"]}, {"path": ["a"]}]}',
        b'{"claims": [{"path": [-1]}]}',
        b'{"display": [{"name": "no locale"}]}',
        b'{"a": 1, "a": 2}',
    ],
)
def test_malformed_type_metadata_is_refused(document: bytes) -> None:
    with pytest.raises(TypeMetadataError):
        parse_type_metadata(document)


def test_the_nl_wallet_documents_pass_the_profile() -> None:
    assert metadata_problems(DEGREE) == []
    base, child = json.loads(PID), json.loads(PID_NL)
    assert metadata_problems(base, effective=False) == []
    merged = merge_extending(base, child)
    assert metadata_problems(merged) == []
    assert [d["locale"] for d in merged["display"]] == ["en-US", "nl-NL"]
    assert [c["path"] for c in merged["claims"]] == [c["path"] for c in child["claims"]]
    assert metadata_problems(base) == ["at least one display needs simple rendering"]


def _broken(change: Any) -> list[str]:
    document = copy.deepcopy(DEGREE)
    change(document)
    return metadata_problems(document)


def test_each_broken_profile_rule_is_reported() -> None:
    def http_logo(d: Any) -> None:
        d["display"][0]["rendering"]["simple"]["logo"] = {"uri": "https://x.example/l.png"}

    def gif_logo(d: Any) -> None:
        d["display"][0]["rendering"]["simple"]["logo"] = {"uri": "data:image/gif;base64,R0lG"}

    def same_locale(d: Any) -> None:
        d["display"][1]["locale"] = d["display"][0]["locale"]

    def unknown_placeholder(d: Any) -> None:
        d["display"][0]["summary"] = "{{nope}}"

    def svg_rendering(d: Any) -> None:
        d["display"][0]["rendering"]["svg_templates"] = []

    def claim_without_display(d: Any) -> None:
        del d["claims"][0]["display"]

    def no_claims(d: Any) -> None:
        del d["claims"]

    def extends_without_integrity(d: Any) -> None:
        d["extends"] = "urn:base"

    for change in (
        http_logo,
        gif_logo,
        same_locale,
        unknown_placeholder,
        svg_rendering,
        claim_without_display,
        no_claims,
        extends_without_integrity,
    ):
        assert _broken(change), change.__name__


def test_extending_rules_paths_superset_and_final_sd() -> None:
    base, child = json.loads(PID), json.loads(PID_NL)
    dropped = {**child, "claims": child["claims"][1:]}
    with pytest.raises(TypeMetadataError) as missing:
        merge_extending(base, dropped)
    assert missing.value.code == "extends_paths"
    overridden = copy.deepcopy(child)
    overridden["claims"][0]["sd"] = "never"
    with pytest.raises(TypeMetadataError) as final:
        merge_extending(base, overridden)
    assert final.value.code == "extends_sd"


def test_credential_claims_against_the_degree_metadata() -> None:
    good = {
        "vct": "com.example.degree",
        "iss": "https://issuer.example",
        "university": "Example University",
        "education": "Informatica",
        "graduation_date": "2026-07-01",
        "grade": "8",
        "cum_laude": True,
    }
    assert credential_problems(good, DEGREE) == []
    assert credential_problems({**good, "extra": 1}, DEGREE) == [
        "value at ['extra'] is not selected by any claim"
    ]
    assert any("array" in p for p in credential_problems({**good, "grade": [8]}, DEGREE))
    missing = {k: v for k, v in good.items() if k != "education"}
    assert credential_problems(missing, DEGREE) == ["mandatory claim ['education'] is missing"]


def test_sd_rules_against_an_issued_payload() -> None:
    document = {"claims": [{"path": ["a"], "sd": "always"}, {"path": ["b"], "sd": "never"}]}
    assert disclosure_problems([("a",)], {"_sd": ["x"], "b": 1}, document) == []
    assert disclosure_problems([("b",)], {"a": 1}, document) == [
        "claim ['a'] must be selectively disclosable",
        "claim ['b'] must not be selectively disclosable",
    ]

"""Every code the engine, trust list and JWT verifier produce has a plain explanation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from credentials.results import CheckResult, Outcome, Verdict
from verifier.services.explain import _EXPLANATIONS, explain, verdict_text

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    "credentials/verification.py",
    "credentials/data_integrity.py",
    "credentials/jose.py",
    "credentials/data_model.py",
    "credentials/related_resources.py",
    "verifier/services/trust.py",
    "verifier/routes/oid4vp.py",
]


def _codes_in_sources() -> set[str]:
    codes: set[str] = set()
    patterns = [
        re.compile(r'_check\(\s*"[a-z_]+",\s*\w+,\s*"([a-z_]+)"'),
        re.compile(r'fail\(\s*"([a-z_]+)"'),
        re.compile(r'ProofResult\(\s*False,\s*"([a-z_]+)"'),
        re.compile(r'_FailureError\(\s*"([a-z_]+)"'),
        re.compile(r'CheckResult\(\s*"[a-z_]+",\s*Outcome\.\w+,\s*"([a-z_]+)"'),
        re.compile(r'_failed\(\s*result,\s*"([a-z_]+)"'),
        re.compile(r'\.add\(\s*"([a-z_]+)",\s*"[0-9.]+"'),
        re.compile(r'Outcome\.\w+,\s*"([a-z_]+)",'),
        re.compile(r'party\(\s*\w+,\s*"\w+",\s*"[0-9.]+",\s*"([a-z_]+)"'),
    ]
    for source in SOURCES:
        text = (ROOT / source).read_text(encoding="utf-8")
        for pattern in patterns:
            codes.update(pattern.findall(text))
    return codes


def test_every_produced_code_is_explained() -> None:
    codes = _codes_in_sources()
    assert len(codes) > 30  # the scan itself works
    missing = sorted(c for c in codes if c not in _EXPLANATIONS)
    assert missing == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_explanations_and_verdicts(lang: str) -> None:
    name, text = explain(CheckResult("status", Outcome.FAILED, "revoked", "x"), lang)
    assert name == ("Niet ingetrokken" if lang == "nl" else "Not revoked")
    assert ("ingetrokken" if lang == "nl" else "revoked") in text
    fallback = explain(CheckResult("proof", Outcome.FAILED, "brand_new_code", "engine detail"))
    assert fallback[1] == "engine detail"
    headlines = {verdict_text(v, lang)[0] for v in Verdict}
    assert len(headlines) == 3
    assert verdict_text(Verdict.INVALID, "nl")[0].endswith("stop")

"""Every code the engine, trust list and JWT verifier produce has a plain explanation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from credentials.explain import _EXPLANATIONS, explain, headline, verdict_text
from credentials.results import CheckName, CheckResult, Judgement, Outcome, Verdict, judge

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
    name, text = explain(CheckResult(CheckName.STATUS, Outcome.FAILED, "revoked", "x"), lang)
    assert name == ("Niet ingetrokken" if lang == "nl" else "Not revoked")
    assert ("ingetrokken" if lang == "nl" else "revoked") in text
    fallback = explain(
        CheckResult(CheckName.PROOF, Outcome.FAILED, "brand_new_code", "engine detail")
    )
    assert fallback[1] == "engine detail"
    headlines = {verdict_text(v, lang)[0] for v in Verdict}
    assert len(headlines) == 3
    assert verdict_text(Verdict.INVALID, "nl")[0].endswith("stop")


def _checks(*failing: tuple[str, Outcome, str]) -> list[CheckResult]:
    passed = [
        CheckResult(CheckName(n), Outcome.PASSED, "ok", "") for n in ("proof", "issuer", "validity")
    ]
    return passed + [
        CheckResult(CheckName(name), outcome, code, "detail") for name, outcome, code in failing
    ]


@pytest.mark.parametrize(
    ("failing", "verdict", "nl", "en"),
    [
        (("status", Outcome.FAILED, "revoked"), Verdict.INVALID,
         "Ingetrokken door de uitgever", "Revoked by the issuer"),
        (("status", Outcome.FAILED, "suspension"), Verdict.INVALID,
         "Geschorst door de uitgever", "Suspended by the issuer"),
        (("proof", Outcome.FAILED, "invalid_signature"), Verdict.INVALID,
         "Gewijzigd na het uitgeven: stop", "Changed after it was issued: stop"),
        (("trust", Outcome.WARNING, "unknown_issuer"), Verdict.WARNING,
         "Uitgever niet erkend", "Issuer not recognised"),
        (("status", Outcome.WARNING, "status_unavailable"), Verdict.WARNING,
         "Nu niet te controleren", "Cannot be checked right now"),
        (("issuer", Outcome.FAILED, "issuer_unresolved"), Verdict.INVALID,
         "Nu niet te controleren", "Cannot be checked right now"),
        (("validity", Outcome.FAILED, "expired"), Verdict.INVALID, "Verlopen", "Expired"),
        (("holder_binding", Outcome.FAILED, "domain_mismatch"), Verdict.INVALID,
         "Niet door de houder zelf gedeeld", "Not shared by its holder"),
    ],
    ids=["revoked", "suspended", "tampered", "untrusted", "status-down", "did-down", "expired",
         "copied"],
)  # fmt: skip
def test_the_headline_says_what_happened(
    failing: tuple[str, Outcome, str], verdict: Verdict, nl: str, en: str
) -> None:
    judgement = judge(_checks(failing))
    assert judgement.verdict is verdict
    assert headline(judgement, "nl")[0] == nl
    assert headline(judgement, "en")[0] == en


def test_a_genuine_revoked_credential_is_never_called_not_genuine() -> None:
    title, sentence = headline(judge(_checks(("status", Outcome.FAILED, "revoked"))))
    assert "niet echt" not in (title + sentence).lower()
    assert "echt" in sentence


def test_the_worst_failure_wins_and_unknown_codes_get_a_safe_headline() -> None:
    both = _checks(
        ("status", Outcome.FAILED, "revoked"), ("proof", Outcome.FAILED, "bad_signature")
    )
    assert headline(judge(both))[0] == "Gewijzigd na het uitgeven: stop"
    # a warning does not name an invalid result
    mixed = _checks(("trust", Outcome.WARNING, "unknown_issuer"),
                    ("format", Outcome.FAILED, "brand_new_code"))  # fmt: skip
    assert headline(judge(mixed)) == verdict_text(Verdict.INVALID)
    assert headline(judge(mixed), "en")[0] == "Not valid: stop"
    odd_warning = _checks(("schema", Outcome.WARNING, "brand_new_warning"))
    assert headline(judge(odd_warning)) == verdict_text(Verdict.WARNING)
    assert headline(judge(_checks()))[0] == "Echt en geldig"
    assert headline(Judgement(Verdict.INVALID))[0] == "Niet geldig: stop"

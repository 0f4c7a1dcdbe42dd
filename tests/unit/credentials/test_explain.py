"""Every check name (:class:`CheckName`) and every code a failed or warning check carries
(:class:`CheckCode`) has a plain Dutch and English sentence; the judgement's table names only
codes that exist."""

from __future__ import annotations

import pytest

from credentials.check_codes import CheckCode
from credentials.explain import CATALOGS, CHECK_NAMES, explain, headline, verdict_text
from credentials.results import (
    _CODES,
    CheckName,
    CheckResult,
    Judgement,
    Outcome,
    Verdict,
    judge,
)

LANGS = ("nl", "en")


@pytest.mark.parametrize("name", list(CheckName))
def test_every_check_name_has_a_dutch_and_an_english_name_and_passed_sentence(
    name: CheckName,
) -> None:
    dutch, english = CHECK_NAMES[name]
    assert dutch, name
    assert english, name
    assert dutch != english, name
    passed = {lang: explain(CheckResult(name, Outcome.PASSED, "ok", "engine"), lang)[1]
              for lang in LANGS}  # fmt: skip
    assert "engine" not in passed.values(), passed
    assert passed["nl"] != passed["en"], passed


@pytest.mark.parametrize("code", list(CheckCode))
def test_every_check_code_has_a_dutch_and_an_english_sentence(code: CheckCode) -> None:
    for outcome in (Outcome.FAILED, Outcome.WARNING):
        check = CheckResult(CheckName.FORMAT, outcome, code, "the engine's own detail")
        said = {lang: explain(check, lang)[1] for lang in LANGS}
        assert "the engine's own detail" not in said.values(), (code, said)
        assert all(said.values()), (code, said)
        assert said["nl"] != said["en"], (code, said)


def test_the_judgement_and_the_explanations_name_only_codes_that_exist() -> None:
    known = set(CheckCode)
    judged = {code for _, codes in _CODES for code in codes}
    assert judged <= known, judged - known
    for lang, catalog in CATALOGS.items():
        worded = {key.removeprefix("code:") for key in catalog if key.startswith("code:")}
        assert worded == known, (lang, worded ^ known)


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

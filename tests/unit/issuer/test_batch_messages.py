"""Batch problems are worded by code from the JSON catalogs (``probleem:<code>``), with their
parameters; the English text the services write is never parsed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from issuer.routes.batch_messages import explain
from issuer.services.batch_csv import parse_results_csv, result_from_fields
from issuer.services.batch_problems import BatchProblem, problem
from issuer.services.diploma_decisions import DecisionRefusal, decision_problems
from issuer.services.offer_mail import MailProblem
from issuer.services.organisations import OrganisationProblem
from issuer.services.status import StatusRefusal
from issuer.services.student_results import StudentResult
from issuer.web import TRANSLATIONS
from qualifications import load_catalog
from qualifications.achievements import (
    AchievementRequest,
    CredentialKind,
    build_achievement,
    check_date_achieved,
)
from qualifications.messages import Message, ResultProblem, coded, message_of
from web_common.ui.i18n import Translations

CODES = [
    *BatchProblem,
    *ResultProblem,
    *DecisionRefusal,
    *MailProblem,
    *OrganisationProblem,
    *StatusRefusal,
]
SAMPLE = Path(__file__).resolve().parents[3] / "schemas" / "catalog" / "sample.json"


@pytest.fixture(scope="module")
def translations() -> Translations:
    return Translations.from_files(
        {lang: sorted(TRANSLATIONS.glob(f"{lang}*.json")) for lang in ("en", "nl")}
    )


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_code_has_a_dutch_and_an_english_wording(translations: Translations) -> None:
    assert len({str(c) for c in CODES}) == len(CODES)  # one catalog key each
    for code in CODES:
        key = f"probleem:{code}"
        dutch, english = translations.catalog("nl").get(key), translations.catalog("en").get(key)
        assert dutch, code
        assert english, code
        assert _placeholders(dutch) == _placeholders(english), code


def test_a_problem_is_worded_by_its_code_not_its_text(translations: Translations) -> None:
    say_nl = explain(translations.gettext("nl"))
    say_en = explain(translations.gettext("en"))
    fresh = problem(BatchProblem.SAME_RESULT, "whatever the service said", row=3)
    assert say_nl(fresh) == "Hetzelfde resultaat als rij 3; dat geven we één keer uit."
    assert say_en(fresh) == "The same result as row 3; we issue it once."
    stored = {"detail": "whatever", "code": "same_result", "params": {"row": "7"}}
    assert say_nl(stored) == "Hetzelfde resultaat als rij 7; dat geven we één keer uit."
    # a batch stored before codes, or a code the catalog lacks: the text, as a sentence
    assert say_nl({"detail": "the same result as row 3"}) == "The same result as row 3."
    assert say_en({"detail": "gave up", "code": "no_such_code"}) == "Gave up."


def test_the_reader_and_the_checks_attach_codes_and_parameters() -> None:
    [empty] = parse_results_csv(b"").file_errors
    assert isinstance(empty.detail, Message)
    assert empty.detail.code == "file_empty"
    missing = parse_results_csv(b"naam;cijfer\nSanne;7\n").file_errors
    assert [coded(p.detail) for p in missing] == [
        {"code": "columns_missing", "params": {"columns": "soort"}}
    ]
    parsed = parse_results_csv(b"naam;soort;opmerking\nSanne;examenresultaat;x\n")
    [unknown] = parsed.warnings
    assert coded(unknown.detail) == {"code": "unknown_column", "params": {"column": "opmerking"}}
    _, [(column, kind)] = result_from_fields({"soort": "zwemdiploma"})
    assert column == "soort"
    assert coded(kind)["code"] == "kind_unknown"
    assert coded(kind)["params"]["value"] == "zwemdiploma"
    _, reason = check_date_achieved("2999-01-01", datetime(2026, 7, 1, tzinfo=UTC).date())
    assert coded(reason or "") == {"code": "date_achieved_future", "params": {}}


def test_the_achievement_checks_attach_codes() -> None:
    built = build_achievement(
        load_catalog(SAMPLE),
        AchievementRequest(kind=CredentialKind.EXAMENRESULTAAT, qualification="99999"),
    )
    [(field, reason)] = built.problems
    assert field == "qualification"
    assert coded(reason) == {"code": "not_in_catalog", "params": {"value": "99999"}}
    assert str(reason) == "'99999' is not in the catalog"  # the API's English is unchanged


def test_message_of_keeps_the_code_that_str_drops() -> None:
    error = ValueError(problem(BatchProblem.ISSUED_DIFFERENTLY, "taken", reference="R1"))
    assert coded(message_of(error))["code"] == "issued_differently"
    assert coded(str(error)) == {}
    assert message_of(ValueError("plain")) == "plain"


def _diploma(decision_date: str | None) -> StudentResult:
    request = AchievementRequest(
        kind=CredentialKind.DIPLOMA, qualification="25498", decision_date=decision_date
    )
    return StudentResult(request=request, student_name="Noor Bakker", reference="R1")


@pytest.mark.parametrize(
    ("entered", "code", "dutch"),
    [
        (None, "decision_date_missing", "Vul de datum van het besluit van de examencommissie in."),
        ("29-13-2026", "decision_date_invalid", "‘29-13-2026’ is geen datum."),
        ("2999-01-01", "decision_date_future", "De datum van het besluit (2999-01-01) ligt in"),
        ("1949-12-31", "decision_date_too_old", "De datum van het besluit (1949-12-31) ligt vóór"),
    ],
    ids=["missing", "not-a-date", "future", "too-old"],
)
def test_decision_date_problems_carry_a_code_and_are_worded_by_it(
    translations: Translations, entered: str | None, code: str, dutch: str
) -> None:
    [(field, reason)] = decision_problems(_diploma(entered), datetime(2026, 7, 1).date())
    assert field == "decision_date"
    assert coded(reason)["code"] == code
    nl = translations.gettext("nl")(reason)
    assert nl.startswith(dutch), nl
    en = translations.gettext("en")(reason)
    assert en != str(reason)  # the catalog's English, not the service's text
    assert translations.catalog("en")[f"probleem:{code}"].split("{")[0] in en
    assert "decision" in str(reason)  # the API's English is unchanged


def test_the_one_gettext_words_a_coded_message_and_falls_back_to_its_text(
    translations: Translations,
) -> None:
    _ = translations.gettext("nl")
    gave_up = problem(BatchProblem.GAVE_UP, "gave up after 5 attempts", attempts=5)
    assert _(gave_up).startswith("Na 5 pogingen is deze rij niet uitgegeven.")
    assert translations.gettext("en")(gave_up).startswith("This row was not issued after 5")
    # a code the catalogs lack: the text as it is, never the catalog key
    assert _(Message("no_such_code", "plain text")) == "plain text"
    # a plain string is looked up as a Dutch source string, as before
    assert translations.gettext("en")("Uitloggen") == "Log out"

"""The employer's result says when the result was achieved and reads its validity as one
sentence ("vanaf … tot …"); the admin login backs off like the other logins (LoginGuard:
a 429 with Retry-After, and waiting is the way on)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from credentials.data_integrity import add_proof
from issuer.db.tables import Organisation
from issuer.services.templates import build_unsigned_credential
from qualifications.achievements import AchievementRequest, CredentialKind, build_achievement

from . import test_pages
from .test_pages import PASSWORD, Pages, _text
from .test_vc_api import CATALOG, SCHOOL, STUDENT

pages = test_pages.pages  # the verifier's pages on SQLite and PostgreSQL (a fixture)


def _dated(**changes: Any) -> dict[str, Any]:
    request = AchievementRequest(CredentialKind.EXAMENRESULTAAT, qualification="25498",
                                 codes=("B1-K1",))  # fmt: skip
    achievement = build_achievement(CATALOG, request).achievement
    assert achievement is not None
    org = Organisation(slug="x", name="ROC Midden Nederland", kind="school", did=SCHOOL.did_key)
    unsigned = build_unsigned_credential(
        CredentialKind.EXAMENRESULTAAT, achievement, org=org,
        credential_id="urn:uuid:0b4f4a2e-8d1e-4c55-9a57-2a3b0c7e9d12",
        subject_name="Sanne de Vries", subject_id=STUDENT.did_key,
        valid_from=datetime(2026, 7, 1, tzinfo=UTC), awarded_date=date(2026, 6, 26),
        **changes,
    )  # fmt: skip
    return add_proof(unsigned, SCHOOL, SCHOOL.did_key_verification_method,
                     created="2026-07-01T09:00:00Z")  # fmt: skip


def test_the_result_says_the_day_achieved_and_from_until(pages: Pages) -> None:
    credential = _dated(valid_until=datetime(2031, 7, 1, tzinfo=UTC))
    submitted = pages.submit(mode="paste", text=json.dumps(credential))
    assert submitted.status_code == 303, submitted.text[:2000]
    location = submitted.headers["location"]
    page = pages.client.get(location)
    assert page.status_code == 200
    text = _text(page)
    assert "Behaald op 26-06-2026" in text
    assert "vanaf 01-07-2026 tot 01-07-2031" in text
    assert re.search(r"\d{4}tot ", text) is None  # the words never run together
    english = pages.client.get(location + ("&" if "?" in location else "?") + "lang=en")
    assert "Achieved on 26-06-2026" in _text(english)
    assert "from 01-07-2026 until 01-07-2031" in _text(english)


def test_without_an_end_date_it_says_so(pages: Pages) -> None:
    page = pages.result(mode="paste", text=json.dumps(_dated()))
    assert "vanaf 01-07-2026, zonder einddatum" in _text(page)


def test_the_admin_login_backs_off_and_waiting_is_the_way_on(pages: Pages) -> None:
    token = pages.csrf("/trust/login")
    for _ in range(5):
        wrong = pages.client.post("/trust/login", data={"password": "wrong", "csrf_token": token})
        assert wrong.status_code == 400
    locked = pages.client.post("/trust/login", data={"password": PASSWORD, "csrf_token": token},
                               follow_redirects=False)  # fmt: skip
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) >= 1
    assert "Te veel mislukte pogingen. Wacht even" in _text(locked)
    pages.clock.now += timedelta(seconds=int(locked.headers["Retry-After"]))
    opened = pages.client.post("/trust/login", data={"password": PASSWORD, "csrf_token": token},
                               follow_redirects=False)  # fmt: skip
    assert opened.status_code == 303
    assert opened.headers["location"] == "/trust"

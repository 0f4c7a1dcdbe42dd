"""A diploma is signed only after a second staff member confirms the examencommissie's
decision: entering creates a pending record, the one who entered it cannot confirm, a
viewer or issuer role cannot decide, a rejection signs nothing, each step is audited."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from issuer.db.diploma_tables import DiplomaDecision
from issuer.db.tables import AuditEvent, IssuedCredential, Organisation
from issuer.services.staff import create_staff
from web_common.db import UnitOfWork

from .conftest import STAFF_PASSWORD, Issuer, csrf_of, login_client

QUALIFICATION = "mbo-25498-helpende-zorg-en-welzijn"


def _examencommissie(issuer: Issuer) -> TestClient:
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        org = uow.session.query(Organisation).filter_by(slug="roc-midden").one()
        create_staff(
            uow, org, email="ec@roc-midden.nl", name="Examen Commissie", role="examencommissie",
            password=STAFF_PASSWORD, now=issuer.clock(), actor="test",
        )  # fmt: skip
        uow.commit()
    return login_client(issuer, "ec@roc-midden.nl")


def _enter(client: TestClient, **fields: str) -> tuple[int, str]:
    step2 = client.get(f"/issue?step=2&kind=diploma&qualification={QUALIFICATION}")
    assert step2.status_code == 200, step2.text
    assert 'name="decision_date"' in step2.text
    assert 'name="date_achieved"' not in step2.text  # the decision date is the date
    reference = re.search(r'name="reference" value="([^"]+)"', step2.text)
    assert reference
    form = {
        "csrf_token": csrf_of(step2.text),
        "kind": "diploma",
        "qualification": QUALIFICATION,
        "reference": reference.group(1),
        "student_name": "Sanne de Vries",
        "decision_date": "2026-06-29",
        "examencommissie": "Examencommissie Zorg",
    }
    form.update(fields)
    response = client.post("/issue", data=form, follow_redirects=False)
    return response.status_code, response.text


def _signed(issuer: Issuer) -> list[int]:
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        return list(uow.session.scalars(select(IssuedCredential.id)))


def _actions(issuer: Issuer) -> list[tuple[str, str]]:
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("diploma.%")).order_by(AuditEvent.id)
        )
        return [(e.action, e.actor) for e in events]


def _decision_id(html: str) -> int:
    found = re.search(r'action="/diplomas/(\d+)/confirm"', html)
    assert found, html
    return int(found.group(1))


def test_diploma_waits_for_a_second_staff_member(staff: Issuer) -> None:
    clerk = login_client(staff, "issuer@roc-midden.nl")
    status, html = _enter(clerk)
    assert status == 200, html
    assert "wacht op bevestiging examencommissie" in html.lower()
    assert _signed(staff) == []  # nothing signed yet

    listing = clerk.get("/diplomas")
    assert "Sanne de Vries" in listing.text
    assert "/confirm" not in listing.text  # an issuer may not decide
    token = csrf_of(clerk.get("/issue").text)
    refused = clerk.post("/diplomas/1/confirm", data={"csrf_token": token})
    assert refused.status_code == 403

    committee = _examencommissie(staff)
    page = committee.get("/diplomas")
    decision_id = _decision_id(page.text)
    confirmed = committee.post(
        f"/diplomas/{decision_id}/confirm", data={"csrf_token": csrf_of(page.text)}
    )
    assert confirmed.status_code == 200, confirmed.text
    assert "openid-credential-offer://" in confirmed.text
    (row_id,) = _signed(staff)
    document = committee.get(f"/credentials/{row_id}/download").json()
    assert document["awardedDate"] == "2026-06-29T00:00:00Z"
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["decisionDate"] == "2026-06-29"
    assert achievement["examencommissie"] == "Examencommissie Zorg"
    again = committee.get("/diplomas")
    assert "Bevestigd en uitgegeven" in again.text
    assert "/confirm" not in again.text
    assert _actions(staff) == [
        ("diploma.enter", "issuer@roc-midden.nl"),
        ("diploma.confirm", "ec@roc-midden.nl"),
    ]


def test_the_one_who_entered_it_cannot_confirm(staff: Issuer) -> None:
    admin = login_client(staff, "admin@roc-midden.nl")
    status, html = _enter(admin)
    assert status == 200, html
    page = admin.get("/diplomas")
    assert "Je voerde dit diploma zelf in" in page.text
    app = staff.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        decision_id = uow.session.scalars(select(DiplomaDecision.id)).one()
    response = admin.post(
        f"/diplomas/{decision_id}/confirm",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    followed = admin.get(response.headers["location"])
    assert "Een tweede medewerker bevestigt het diploma" in followed.text
    assert _signed(staff) == []


def test_reject_needs_a_reason_and_signs_nothing(staff: Issuer) -> None:
    clerk = login_client(staff, "issuer@roc-midden.nl")
    assert _enter(clerk)[0] == 200
    admin = login_client(staff, "admin@roc-midden.nl")
    page = admin.get("/diplomas")
    decision_id = _decision_id(page.text)
    token = csrf_of(page.text)
    empty = admin.post(f"/diplomas/{decision_id}/reject", data={"csrf_token": token})
    assert empty.status_code == 400
    assert "Schrijf waarom het diploma wordt afgewezen." in empty.text
    done = admin.post(
        f"/diplomas/{decision_id}/reject",
        data={"csrf_token": token, "reason": "Stage nog niet afgerond"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    listing = admin.get("/diplomas")
    assert "Afgewezen" in listing.text
    assert "Stage nog niet afgerond" in listing.text
    twice = admin.post(f"/diplomas/{decision_id}/confirm", data={"csrf_token": token})
    assert "Over dit diploma is al besloten." in twice.text
    assert _signed(staff) == []
    assert [a for a, _ in _actions(staff)] == ["diploma.enter", "diploma.reject"]


def test_entry_checks_the_decision_date_and_is_idempotent(staff: Issuer) -> None:
    clerk = login_client(staff, "issuer@roc-midden.nl")
    status, html = _enter(clerk, decision_date="")
    assert status == 400
    assert "Vul de datum van het besluit van de examencommissie in." in html
    status, html = _enter(clerk, decision_date="2026-07-09")
    assert status == 400
    assert "De datum van het besluit (2026-07-09) ligt in de toekomst." in html
    step2 = clerk.get(f"/issue?step=2&kind=diploma&qualification={QUALIFICATION}")
    reference = re.search(r'name="reference" value="([^"]+)"', step2.text)
    assert reference
    form = {
        "csrf_token": csrf_of(step2.text), "kind": "diploma", "qualification": QUALIFICATION,
        "reference": reference.group(1), "student_name": "Daan", "decision_date": "2026-06-29",
    }  # fmt: skip
    assert clerk.post("/issue", data=form).status_code == 200
    assert clerk.post("/issue", data=form).status_code == 200  # a double submit
    app = staff.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        assert len(uow.session.scalars(select(DiplomaDecision)).all()) == 1


def test_a_batch_diploma_waits_for_the_decision_too(staff: Issuer) -> None:
    data = (
        "reference;naam;soort;kwalificatie;codes;besluitdatum\n"
        "R1;Sanne de Vries;examenresultaat;25498;B1-K1;\n"
        "R2;Noor Bakker;diploma;25498;;29-6-2026\n"
        "R3;Daan Jansen;diploma;25498;;\n"
    )
    preview = staff.client.post(
        "/api/batches", files={"file": ("r.csv", data.encode(), "text/csv")}, headers=staff.auth()
    ).json()
    assert [(e["row"], e["column"]) for e in preview["rowErrors"]] == [(4, "besluitdatum")]
    [missing] = preview["rowErrors"]
    assert missing["code"] == "decision_date_missing"  # the API's English has a code beside it
    # the batch page words it by code, in the reader's language
    reader = login_client(staff, "admin@roc-midden.nl")
    dutch = reader.get(f"/batches/{preview['id']}").text
    assert "Vul de datum van het besluit van de examencommissie in." in dutch
    assert "examencommissie's decision" not in dutch
    english = reader.get(f"/batches/{preview['id']}?lang=en").text
    assert "Fill in the date of the examination board&#39;s decision." in english
    assert staff.client.post(
        f"/api/batches/{preview['id']}/confirm", headers=staff.auth()
    ).status_code == 202  # fmt: skip
    deadline = time.monotonic() + 30
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = staff.client.get(f"/api/batches/{preview['id']}", headers=staff.auth()).json()
        if body["status"] == "done":
            break
        time.sleep(0.05)
    assert body["status"] == "done", body
    assert body["counts"]["issued"] == 1
    assert body["counts"]["awaitingDecision"] == 1
    assert body["progress"] == 100
    assert {r["row"]: r["status"] for r in body["rows"]}[3] == "awaiting"
    assert len(_signed(staff)) == 1  # the examenresultaat only

    admin = login_client(staff, "admin@roc-midden.nl")
    page = admin.get("/diplomas")
    assert "Noor Bakker" in page.text
    confirmed = admin.post(
        f"/diplomas/{_decision_id(page.text)}/confirm", data={"csrf_token": csrf_of(page.text)}
    )
    assert confirmed.status_code == 200, confirmed.text
    assert len(_signed(staff)) == 2
    entered = [actor for action, actor in _actions(staff) if action == "diploma.enter"]
    assert entered == ["token:sis"]  # who uploaded the file entered it

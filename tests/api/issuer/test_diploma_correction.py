"""A diploma is signed only after the examencommissie's decision, also when it is corrected
or sent by a system: a corrected diploma (a batch conflict resolved by "replace") waits for
the decision like the first one, a re-upload of a waiting diploma with other content is
refused instead of silently dropped, and the VC-API refuses to sign a diploma."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select

from credentials.examples import mbo_certificaat
from issuer.db.diploma_tables import DiplomaDecision
from issuer.db.tables import IssuedCredential
from web_common.db import UnitOfWork

from .conftest import Issuer, csrf_of, issued_credentials, login_client, run_batch

HEADER = "reference;naam;soort;kwalificatie;codes;besluitdatum\n"
FIRST = HEADER + "R2;Noor Bakker;diploma;25498;;29-6-2026\n"
CORRECTED = HEADER + "R2;Noor Bakkers;diploma;25498;;29-6-2026\n"


def _upload(issuer: Issuer, data: str) -> dict[str, Any]:
    response = issuer.client.post(
        "/api/batches", files={"file": ("r.csv", data.encode(), "text/csv")}, headers=issuer.auth()
    )
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def _decisions(issuer: Issuer) -> list[DiplomaDecision]:
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        rows = list(uow.session.scalars(select(DiplomaDecision).order_by(DiplomaDecision.id)))
        uow.session.expunge_all()
        return rows


def _confirm(issuer: Issuer, decision_id: int) -> None:
    admin = login_client(issuer, "admin@roc-midden.nl")
    page = admin.get("/diplomas")
    assert f'action="/diplomas/{decision_id}/confirm"' in page.text, page.text
    confirmed = admin.post(
        f"/diplomas/{decision_id}/confirm", data={"csrf_token": csrf_of(page.text)}
    )
    assert confirmed.status_code == 200, confirmed.text


def _name(credential: IssuedCredential) -> str:
    return str(json.loads(credential.document)["credentialSubject"]["name"])


def test_a_corrected_diploma_waits_for_the_decision(staff: Issuer) -> None:
    first = run_batch(staff, _upload(staff, FIRST)["id"])
    assert first["counts"]["awaitingDecision"] == 1
    [decision] = _decisions(staff)
    _confirm(staff, decision.id)
    [old] = issued_credentials(staff)
    assert _name(old) == "Noor Bakker"

    preview = _upload(staff, CORRECTED)
    assert preview["counts"]["conflicts"] == 1
    resolved = staff.client.post(
        f"/api/batches/{preview['id']}/conflicts", json={"action": "replace"}, headers=staff.auth()
    )
    assert resolved.status_code == 200, resolved.text
    done = run_batch(staff, preview["id"])
    assert done["counts"]["awaitingDecision"] == 1, done
    assert done["counts"]["issued"] == 0
    # nothing signed and nothing revoked before the examencommissie decides
    assert [c.id for c in issued_credentials(staff)] == [old.id]
    assert issued_credentials(staff)[0].revoked_at is None
    original, correction = _decisions(staff)
    assert (original.state, correction.state) == ("confirmed", "pending")
    assert correction.reference == original.reference
    assert correction.correction == 1
    assert correction.replaces_credential_id == old.id
    # a third version while the correction waits is refused, not offered as a conflict
    third = _upload(staff, CORRECTED.replace("Noor Bakkers", "Noor Bakker-Visser"))
    assert third["counts"]["conflicts"] == 0
    [error] = third["rowErrors"]
    assert "already waiting for the examencommissie" in error["detail"]

    _confirm(staff, correction.id)
    before, after = issued_credentials(staff)
    assert before.revoked_at is not None  # the corrected diploma replaces it
    assert _name(after) == "Noor Bakkers"
    assert after.revoked_at is None
    assert after.credential_ref != before.credential_ref
    assert json.loads(after.document)["awardedDate"] == "2026-06-29T00:00:00Z"
    assert _decisions(staff)[1].issued_credential_id == after.id

    # /diplomas says the first one was replaced, linking to the correction, in nl and en
    admin = login_client(staff, "admin@roc-midden.nl")
    rows = _decided_rows(admin.get("/diplomas").text)
    assert len(rows) == 2, rows
    replaced = next(r for r in rows if ">Noor Bakker<" in r)
    assert f'href="/credentials/{before.id}"' in replaced
    assert "Bevestigd en uitgegeven" not in replaced
    decided_at = _decisions(staff)[1].decided_at
    assert decided_at is not None
    date = re.escape(decided_at.strftime("%d-%m-%Y"))
    link = (
        rf'<a href="/credentials/{after.id}">vervangen door de correctie van '
        rf'<span class="nowrap">{date}</span></a>'
    )
    assert re.search(link, replaced), replaced
    correcting = next(r for r in rows if ">Noor Bakkers<" in r)
    assert "Bevestigd en uitgegeven" in correcting
    assert "vervangen door" not in correcting
    english = _decided_rows(admin.get("/diplomas?lang=en").text)
    replaced_en = next(r for r in english if ">Noor Bakker<" in r)
    link_en = link.replace("vervangen door de correctie van", "replaced by the correction of")
    assert re.search(link_en, replaced_en), replaced_en
    assert ">Replaced<" in replaced_en


def _decided_rows(page: str) -> list[str]:
    table = page.split('id="decided"', 1)[1].split("</table>", 1)[0]
    return table.split("<tr>")[2:]


def test_a_waiting_diploma_is_not_replaced_by_other_content(staff: Issuer) -> None:
    assert run_batch(staff, _upload(staff, FIRST)["id"])["counts"]["awaitingDecision"] == 1
    preview = _upload(staff, CORRECTED)
    [error] = preview["rowErrors"]
    assert (error["row"], error["column"]) == (2, "reference")
    assert "already waiting for the examencommissie" in error["detail"]
    assert preview["counts"]["pending"] == 0
    [decision] = _decisions(staff)
    assert decision.student_name == "Noor Bakker"  # what waits is what was entered
    # the same diploma again (in a new file) finds the waiting one: nothing twice
    again = _upload(staff, FIRST + "R9;Daan Jansen;examenresultaat;25498;B1-K1;\n")
    assert again["rowErrors"] == []
    run_batch(staff, again["id"])
    assert len(_decisions(staff)) == 1


def test_the_batch_preview_page_says_why_in_dutch(staff: Issuer) -> None:
    run_batch(staff, _upload(staff, FIRST)["id"])
    preview = _upload(staff, CORRECTED)
    admin = login_client(staff, "admin@roc-midden.nl")
    page = admin.get(f"/batches/{preview['id']}")
    assert page.status_code == 200
    assert "wacht al op het besluit van de examencommissie" in page.text


def _diploma(issuer: Issuer) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=issuer.did, subject_id="did:example:student")
    credential["type"] = ["VerifiableCredential", "OpenBadgeCredential", "DiplomaCredential"]
    return {"credential": credential}


def test_the_vc_api_does_not_sign_a_diploma(issuer: Issuer) -> None:
    response = issuer.client.post(
        "/credentials/issue", json=_diploma(issuer), headers=issuer.auth()
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/diploma-needs-decision")
    assert issued_credentials(issuer) == []


def test_status_purposes_other_than_revocation_and_suspension_are_refused(
    issuer: Issuer,
) -> None:
    credential = mbo_certificaat(issuer_id=issuer.did, subject_id="did:example:student")
    vc = issuer.client.post(
        "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
    ).json()["verifiableCredential"]
    for purpose in ("refresh", "message", "Revocation", ""):
        response = issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": vc["id"],
                "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
                "status": True,
            },
            headers=issuer.auth(issuer.status_token),
        )
        assert response.status_code == 400, (purpose, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/status-purpose-not-supported")
    assert issued_credentials(issuer)[0].revoked_at is None


def test_the_form_sent_again_with_other_content_is_refused(staff: Issuer) -> None:
    clerk = login_client(staff, "issuer@roc-midden.nl")
    step2 = clerk.get("/issue?step=2&kind=diploma&qualification=mbo-25498-helpende-zorg-en-welzijn")
    reference = re.search(r'name="reference" value="([^"]+)"', step2.text)
    assert reference
    form = {
        "csrf_token": csrf_of(step2.text), "kind": "diploma",
        "qualification": "mbo-25498-helpende-zorg-en-welzijn", "reference": reference.group(1),
        "student_name": "Noor Bakker", "decision_date": "2026-06-29",
    }  # fmt: skip
    assert clerk.post("/issue", data=form).status_code == 200
    # back in the browser, the name changed, sent again: the waiting one is not replaced
    again = clerk.post("/issue", data=form | {"student_name": "Noor Bakkers"})
    assert again.status_code == 400
    assert "wacht op het besluit van de examencommissie" in again.text
    [decision] = _decisions(staff)
    assert decision.student_name == "Noor Bakker"

"""A corrected result is never lost and a typo fix never issues a second valid credential.

A batch row is keyed on what identifies the result (its reference, or the student number,
kind, qualification and parts), not on what it says. A re-uploaded row that says something
else than the credential issued for it is a conflict the school resolves: keep the old
credential, or revoke it and issue the corrected one. SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from issuer.db.batch_tables import Batch, BatchRow
from issuer.db.tables import AuditEvent, IssuedCredential
from issuer.services.batch_csv import legacy_row_reference, result_from_fields, row_reference
from issuer.services.issuance import issue_credential
from issuer.services.organisations import active_signing_key, get_organisation
from issuer.services.student_results import credential_id_for, unsigned_credential_for
from web_common.db import UnitOfWork
from web_common.migrations import downgrade, upgrade

from .conftest import BASE_URL, Issuer, csrf_of, issued_credentials, login_client, run_batch
from .test_pages_batches import _batch_id, _confirm_and_wait
from .test_pages_batches import _upload as _page_upload

ISSUED = (
    "reference;naam;soort;kwalificatie;codes;studentnummer\n"
    "R1;Sanne de Vries;examenresultaat;25498;B1-K1;1001\n"
    "R2;Daan Jansen;examenresultaat;25498;P2-K1;1002\n"
)
# R2's name corrected under the same SIS reference
CORRECTED = ISSUED.replace("Daan Jansen", "Daan Janssen")
NO_REFERENCE = (
    "naam;soort;kwalificatie;codes;studentnummer\nSane de Vries;examenresultaat;25498;B1-K1;1001\n"
)
NO_REFERENCE_FIXED = NO_REFERENCE.replace("Sane de Vries", "Sanne de Vries")


def _upload(issuer: Issuer, data: str) -> dict[str, Any]:
    response = issuer.client.post(
        "/api/batches", files={"file": ("r.csv", data.encode(), "text/csv")}, headers=issuer.auth()
    )
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def _show(issuer: Issuer, batch_id: int, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = issuer.client.get(
        f"/api/batches/{batch_id}", params=params, headers=issuer.auth()
    ).json()
    return body


def _audit(issuer: Issuer, action: str) -> list[AuditEvent]:
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        rows = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
        uow.session.expunge_all()
        return rows


def _name(credential: IssuedCredential) -> str:
    return str(json.loads(credential.document)["credentialSubject"]["name"])


def test_a_corrected_result_under_the_same_reference_is_a_conflict(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    preview = _upload(issuer, CORRECTED)
    assert preview["counts"]["alreadyIssued"] == 1
    assert preview["counts"]["conflicts"] == 1
    assert preview["counts"]["pending"] == 0
    rows = {r["row"]: r for r in _show(issuer, preview["id"])["rows"]}
    assert rows[2]["status"] == "already_issued"
    assert rows[3]["status"] == "conflict"
    assert rows[3]["replacesCredentialId"] == issued_credentials(issuer)[1].credential_ref
    assert preview["conflictRows"] == [3]
    # unresolved conflicts block issuing: nobody is told "done" while a change waits
    refused = issuer.client.post(f"/api/batches/{preview['id']}/confirm", headers=issuer.auth())
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"


def test_revoke_and_reissue_a_corrected_result(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    preview = _upload(issuer, CORRECTED)
    resolved = issuer.client.post(
        f"/api/batches/{preview['id']}/conflicts",
        json={"action": "replace"},
        headers=issuer.auth(),
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["counts"]["conflicts"] == 0
    assert resolved.json()["counts"]["pending"] == 1
    done = run_batch(issuer, preview["id"])
    assert done["counts"]["issued"] == 1
    assert done["counts"]["alreadyIssued"] == 1
    old, new = issued_credentials(issuer)[1], issued_credentials(issuer)[2]
    assert _name(old) == "Daan Jansen"
    assert old.revoked_at is not None
    assert _name(new) == "Daan Janssen"
    assert new.revoked_at is None
    assert new.credential_ref != old.credential_ref
    revoked = _audit(issuer, "credential.revoke")
    assert [e.target for e in revoked] == [old.credential_ref]
    assert new.credential_ref in json.loads(revoked[0].detail)["reason"]
    issued = _audit(issuer, "credential.issue")
    assert issued[-1].target == new.credential_ref
    assert json.loads(issued[-1].detail)["replaces"] == old.credential_ref
    # the corrected file again: all issued, nothing to resolve, nothing new
    again = _upload(issuer, CORRECTED + "R3;Noor Bakker;examenresultaat;25498;B1-K1;1003\n")
    assert again["counts"]["alreadyIssued"] == 2
    assert again["counts"]["conflicts"] == 0
    # and the old file again is a conflict with the corrected credential
    old_again = _upload(issuer, ISSUED + "R4;Fleur Visser;examenresultaat;25498;B1-K1;1004\n")
    assert old_again["counts"]["conflicts"] == 1
    conflict = _show(issuer, old_again["id"], status="conflict")["rows"][0]
    assert conflict["replacesCredentialId"] == new.credential_ref


def test_keep_the_issued_credential_and_skip_the_change(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    preview = _upload(issuer, CORRECTED + "R3;Noor Bakker;examenresultaat;25498;B1-K1;1003\n")
    resolved = issuer.client.post(
        f"/api/batches/{preview['id']}/conflicts",
        json={"action": "skip", "rows": [3]},
        headers=issuer.auth(),
    )
    assert resolved.status_code == 200, resolved.text
    done = run_batch(issuer, preview["id"])
    assert done["counts"]["issued"] == 1
    assert done["counts"]["alreadyIssued"] == 2
    assert len(issued_credentials(issuer)) == 3
    assert all(c.revoked_at is None for c in issued_credentials(issuer))
    skipped = _audit(issuer, "batch.conflict_skip")
    assert json.loads(skipped[0].detail)["rows"] == [3]


def test_resolving_refuses_nonsense(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    preview = _upload(issuer, CORRECTED)
    url = f"/api/batches/{preview['id']}/conflicts"
    bodies: list[object] = [
        {"action": "burn"},
        {"action": "skip", "rows": "all"},
        {"action": "skip", "rows": [2**40]},
        {"action": "skip", "rows": [0]},
        [],
    ]
    for body in bodies:
        bad = issuer.client.post(url, json=body, headers=issuer.auth())
        assert bad.status_code == 400, body
        assert bad.headers["content-type"] == "application/problem+json"
    missing = issuer.client.post(
        url, json={"action": "skip", "rows": [2]}, headers=issuer.auth()
    )  # row 2 is not a conflict
    assert missing.status_code == 409
    assert _show(issuer, preview["id"])["counts"]["conflicts"] == 1


def test_a_typo_fix_without_reference_does_not_issue_a_second_credential(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, NO_REFERENCE)["id"])
    preview = _upload(issuer, NO_REFERENCE_FIXED)
    assert preview["counts"]["pending"] == 0
    assert preview["counts"]["conflicts"] == 1
    issuer.client.post(
        f"/api/batches/{preview['id']}/conflicts", json={"action": "replace"}, headers=issuer.auth()
    )
    run_batch(issuer, preview["id"])
    old, new = issued_credentials(issuer)
    assert (_name(old), old.revoked_at is not None) == ("Sane de Vries", True)
    assert (_name(new), new.revoked_at is None) == ("Sanne de Vries", True)


def test_a_change_issued_between_preview_and_confirm_fails_the_row(issuer: Issuer) -> None:
    waiting = _upload(issuer, CORRECTED)  # previewed before anything was issued
    assert waiting["counts"]["pending"] == 2
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    done = run_batch(issuer, waiting["id"])
    assert done["counts"]["alreadyIssued"] == 1
    assert done["counts"]["failed"] == 1
    failed = _show(issuer, waiting["id"], status="failed")["rows"][0]
    assert failed["row"] == 3
    assert "different credential" in failed["errors"][0]["detail"]
    assert len(issued_credentials(issuer)) == 2


# --------------------------------------------------------------------------- the pages


def test_the_preview_page_shows_a_changed_row_and_resolves_it(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    _confirm_and_wait(client, _batch_id(_page_upload(client, ISSUED, follow_redirects=False)))
    batch_id = _batch_id(_page_upload(client, CORRECTED, follow_redirects=False))
    page = client.get(f"/batches/{batch_id}").text
    assert re.search(r'id="count-conflicts">1<', page)
    assert "Gewijzigde resultaten" in page
    assert "Uitgeven (" not in page  # nothing to issue until the change is decided
    row3 = page.split('id="row-3"')[1].split("</tr>")[0]
    assert "Gewijzigd" in row3
    assert "Zegt iets anders dan het uitgegeven bewijs." in row3
    assert f'href="/credentials/{issued_credentials(staff)[1].id}"' in row3
    english = client.get(f"/batches/{batch_id}?lang=en").text
    assert "Changed results" in english
    assert "Keep the issued credential" in english
    refused = client.post(
        f"/batches/{batch_id}/confirm", data={"csrf_token": csrf_of(page)}, follow_redirects=True
    )
    assert "First decide what should happen to the changed rows." in refused.text  # ?lang=en

    resolved = client.post(
        f"/batches/{batch_id}/conflicts",
        data={"csrf_token": csrf_of(page), "row": "3", "action": "replace"},
        follow_redirects=True,
    )
    assert "the old credential is revoked and the corrected one issued" in resolved.text
    assert "Issue (1)" in resolved.text
    done = _confirm_and_wait(client, batch_id)
    assert done["counts"]["issued"] == 1
    old, new = issued_credentials(staff)[1:]
    assert old.revoked_at is not None
    assert new.revoked_at is None
    assert _name(new) == "Daan Janssen"


def test_keeping_the_issued_credential_from_the_page(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    _confirm_and_wait(client, _batch_id(_page_upload(client, ISSUED, follow_redirects=False)))
    batch_id = _batch_id(_page_upload(client, CORRECTED, follow_redirects=False))
    page = client.get(f"/batches/{batch_id}").text
    resolved = client.post(
        f"/batches/{batch_id}/conflicts",
        data={"csrf_token": csrf_of(page), "action": "skip"},
        follow_redirects=True,
    )
    assert "Het eerder uitgegeven bewijs blijft geldig" in resolved.text
    assert 'id="count-conflicts"' not in resolved.text
    nonsense = client.post(
        f"/batches/{batch_id}/conflicts",
        data={"csrf_token": csrf_of(page), "action": "burn"},
        follow_redirects=True,
    )
    assert "Kies wat er met de gewijzigde rijen moet gebeuren." in nonsense.text
    viewer = login_client(staff, "viewer@roc-midden.nl")
    forbidden = viewer.post(
        f"/batches/{batch_id}/conflicts",
        data={"csrf_token": csrf_of(viewer.get(f"/batches/{batch_id}").text), "action": "skip"},
        follow_redirects=False,
    )
    assert forbidden.status_code == 403
    assert len(issued_credentials(staff)) == 2
    assert all(c.revoked_at is None for c in issued_credentials(staff))


# --------------------------------------------------------------------------- earlier versions


def test_credentials_issued_under_content_keys_keep_their_ids_and_are_corrected(
    issuer: Issuer,
) -> None:
    """What an earlier version left: a row without reference keyed on its content, its
    credential issued under the id derived from that digest and no result key. The
    migration gives it its result key; the same row is already issued under its old id, a
    corrected row is a conflict with it (not a second credential)."""
    fields = {"naam": "Sane de Vries", "soort": "examenresultaat", "kwalificatie": "25498",
              "codes": "B1-K1", "studentnummer": "1001"}  # fmt: skip
    legacy = legacy_row_reference(fields)
    assert legacy is not None
    preview = _upload(issuer, NO_REFERENCE)  # the batch row; then issue as the old code did
    state = issuer.client.app.state  # type: ignore[attr-defined]
    with UnitOfWork(state.sessions) as uow:
        org = get_organisation(uow, "roc-midden")
        key, vm = active_signing_key(uow, org, state.box)
        result, _ = result_from_fields(fields)
        assert result is not None
        old_style = replace(result, reference=legacy)
        # built when the worker claimed the row, signed seconds later (another clock reading)
        claimed_at = issuer.clock() - timedelta(seconds=5)
        unsigned = unsigned_credential_for(state.catalog, org, old_style, claimed_at)
        issued = issue_credential(
            uow, org, unsigned, None, key=key, verification_method=vm,
            public_base_url=BASE_URL, status_list_size=131_072, now=issuer.clock(),
            actor="test",
        )  # fmt: skip
        uow.session.execute(
            update(BatchRow)
            .where(BatchRow.batch_id == preview["id"])
            .values(
                status="issued",
                issued_credential_id=issued.row.id,
                reference=legacy,
                credential_ref=issued.row.credential_ref,
            )
        )
        uow.session.execute(update(Batch).where(Batch.id == preview["id"]).values(status="done"))
        uow.commit()
    old_ref = credential_id_for(org, legacy)
    assert issued.row.result_key is None
    assert issued.row.credential_ref == old_ref
    with_email = NO_REFERENCE.replace("studentnummer", "studentnummer;email")
    # found by its old id even without a result key (say its batch rows were deleted)
    same = _upload(issuer, with_email.replace(";1001", ";1001;a@example.nl"))
    assert same["counts"]["alreadyIssued"] == 1
    assert _show(issuer, same["id"])["rows"][0]["credentialId"] == old_ref

    downgrade("issuer", issuer.database_url, "0002_batch")
    upgrade("issuer", issuer.database_url)
    assert issued_credentials(issuer)[0].result_key == row_reference(fields)
    same = _upload(issuer, with_email.replace(";1001", ";1001;b@example.nl"))
    assert same["counts"]["alreadyIssued"] == 1
    assert _show(issuer, same["id"])["rows"][0]["credentialId"] == old_ref
    fixed = _upload(issuer, NO_REFERENCE_FIXED)
    assert fixed["counts"]["conflicts"] == 1
    assert fixed["counts"]["pending"] == 0
    assert _show(issuer, fixed["id"])["rows"][0]["replacesCredentialId"] == old_ref

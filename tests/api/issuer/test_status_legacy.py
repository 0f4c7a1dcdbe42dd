"""Credentials issued before the one-entry status (two entries, in 1-bit ``revocation`` and
``suspension`` lists) keep working: their lists are served, staff can still suspend and
revoke them, and the verifier reads the two-entry form."""

from __future__ import annotations

import json
from typing import Any

from credentials.data_integrity import add_proof
from credentials.results import Verdict
from credentials.status_list import StatusList, build_status_entry
from issuer.db.tables import IssuedCredential, StatusListRow
from issuer.services.organisations import active_signing_key, get_organisation
from web_common.db import UnitOfWork

from .conftest import BASE_URL, Issuer
from .test_vc_api import _request, _verify

INDEX = 777


def _legacy_credential(issuer: Issuer) -> dict[str, Any]:
    """A credential as the issuer made them before: stored with two status entries."""
    state = issuer.client.app.state  # type: ignore[attr-defined]
    credential = _request(issuer)["credential"]
    with UnitOfWork(state.sessions) as uow:
        org = get_organisation(uow, "roc-midden")
        rows = {}
        for purpose in ("revocation", "suspension"):
            allocated = StatusList.new().set(INDEX, True).bitstring
            rows[purpose] = StatusListRow(
                organisation_id=org.id, purpose=purpose, number=1, size=131_072,
                bits=bytes(131_072 // 8), allocated=allocated, allocated_count=1, version=1,
                updated_at=issuer.clock(),
            )  # fmt: skip
            uow.session.add(rows[purpose])
        uow.flush()
        credential["credentialStatus"] = [
            build_status_entry(
                list_credential_url=f"{BASE_URL}/roc-midden/status/{purpose}/1",
                index=INDEX,
                purpose=purpose,
            )
            for purpose in ("revocation", "suspension")
        ]
        key, vm = active_signing_key(uow, org, state.box)
        signed = add_proof(credential, key, vm, created=issuer.clock())
        uow.session.add(
            IssuedCredential(
                organisation_id=org.id, credential_ref=signed["id"],
                credential_type="MboCertificaatCredential", subject_id=None, title="legacy",
                document=json.dumps(signed), request_digest="0" * 64,
                revocation_list_id=rows["revocation"].id, revocation_index=INDEX,
                suspension_list_id=rows["suspension"].id, suspension_index=INDEX,
                issued_at=issuer.clock(),
            )
        )  # fmt: skip
        uow.commit()
    return signed


def _set(issuer: Issuer, credential_id: str, purpose: str, value: bool) -> None:
    response = issuer.client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
            "status": value,
        },
        headers=issuer.auth(issuer.status_token),
    )
    assert response.status_code == 200, response.text


def _bit(issuer: Issuer, purpose: str) -> bool:
    listed = issuer.client.get(f"/roc-midden/status/{purpose}/1").json()
    assert listed["credentialSubject"]["statusPurpose"] == purpose
    return StatusList.decode(listed["credentialSubject"]["encodedList"]).get(INDEX)


def test_two_entry_credentials_still_suspend_and_revoke(issuer: Issuer) -> None:
    legacy = _legacy_credential(issuer)
    assert _verify(issuer, legacy).verdict is Verdict.VALID
    _set(issuer, legacy["id"], "suspension", True)
    assert (_bit(issuer, "revocation"), _bit(issuer, "suspension")) == (False, True)
    assert _verify(issuer, legacy).check("status").code == "suspension"
    _set(issuer, legacy["id"], "suspension", False)
    _set(issuer, legacy["id"], "revocation", True)
    assert (_bit(issuer, "revocation"), _bit(issuer, "suspension")) == (True, False)
    assert _verify(issuer, legacy).check("status").code == "revoked"

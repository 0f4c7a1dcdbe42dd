"""IETF Token Status List per organisation: every credential record gets a random, never
reused entry at issuance (single and batch), the ``statuslist+jwt`` is served as a cacheable
GET signed with the status-list certificate, and revoking or suspending a record flips the
Bitstring and the Token Status List in the same transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cryptography import x509
from sqlalchemy import select

from credentials.status_list import StatusList
from issuer.db.tables import IssuedCredential, StatusListRow
from issuer.services.organisations import get_organisation
from issuer.services.token_status import TSL_PURPOSE
from issuer.services.x509_keys import create_dev_chain
from web_common.db import UnitOfWork

from .conftest import BASE_URL, Issuer, run_batch
from .spec_jose import list_size, read_x5c_jws, status_at
from .test_batch_api import GOOD, _upload
from .test_vc_api import _request

MEDIA = "application/statuslist+jwt"


def _dev_ca(issuer: Issuer) -> x509.Certificate:
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        root = create_dev_chain(
            uow, get_organisation(uow, "roc-midden"), app.state.box,  # type: ignore[attr-defined]
            issuer_id=f"{BASE_URL}/roc-midden", now=issuer.clock(), actor="test",
        )  # fmt: skip
        uow.commit()
    return root.certificate


def _records(issuer: Issuer) -> list[tuple[str, int | None, int | None]]:
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        return [
            (r.credential_ref, r.token_status_list_id, r.token_status_index)
            for r in uow.session.scalars(select(IssuedCredential).order_by(IssuedCredential.id))
        ]


def _fetch(issuer: Issuer, anchor: x509.Certificate, path: str) -> dict[str, Any]:
    response = issuer.client.get(path, headers={"Accept": MEDIA})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA
    assert response.headers["cache-control"] == "public, max-age=60"  # ISSUER_STATUS_LIST_MAX_AGE
    header, claims = read_x5c_jws(response.text, anchor, issuer.clock())
    assert header["typ"] == "statuslist+jwt"
    assert claims["sub"] == f"{BASE_URL}{path}"
    assert claims["ttl"] == 60  # ISSUER_STATUS_LIST_MAX_AGE
    assert claims["iat"] <= issuer.clock().timestamp() < claims["exp"]
    return dict(claims["status_list"])


def test_revoke_and_suspend_flip_both_mechanisms(issuer: Issuer) -> None:
    vc = issuer.client.post(
        "/credentials/issue", json=_request(issuer), headers=issuer.auth()
    ).json()["verifiableCredential"]
    assert vc["credentialStatus"]["type"] == "BitstringStatusListEntry"  # ldp_vc unchanged
    [(ref, list_id, index)] = _records(issuer)
    assert ref == vc["id"]
    assert list_id is not None
    assert index is not None
    path = "/roc-midden/token-status/1"
    # without a status-list certificate the list cannot be signed: a clear 404
    missing = issuer.client.get(path)
    assert missing.status_code == 404
    assert "certificate" in missing.json()["detail"]
    anchor = _dev_ca(issuer)
    listed = _fetch(issuer, anchor, path)
    assert listed["bits"] == 2
    assert list_size(listed) >= 131_072
    assert status_at(listed, index) == 0x00
    etag = issuer.client.get(path).headers["etag"]
    assert issuer.client.get(path, headers={"If-None-Match": etag}).status_code == 304
    bitstring = vc["credentialStatus"]["statusListCredential"].removeprefix(BASE_URL)

    def set_status(purpose: str, value: bool) -> None:
        response = issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": vc["id"],
                "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
                "status": value,
            },
            headers=issuer.auth(issuer.status_token),
        )
        assert response.status_code == 200, response.text

    def bitstring_value() -> int:
        subject = issuer.client.get(bitstring).json()["credentialSubject"]
        entry = int(vc["credentialStatus"]["statusListIndex"])
        return StatusList.decode(subject["encodedList"], status_size=2).get_value(entry)

    issuer.clock.now += timedelta(minutes=1)
    set_status("suspension", True)
    assert status_at(_fetch(issuer, anchor, path), index) == 0x02
    assert bitstring_value() == 0b01
    assert issuer.client.get(path, headers={"If-None-Match": etag}).status_code == 200
    set_status("suspension", False)
    assert status_at(_fetch(issuer, anchor, path), index) == 0x00
    set_status("suspension", True)
    set_status("revocation", True)
    assert status_at(_fetch(issuer, anchor, path), index) == 0x01  # revoked wins
    assert bitstring_value() == 0b11
    set_status("suspension", False)
    assert status_at(_fetch(issuer, anchor, path), index) == 0x01


def test_batch_records_get_distinct_random_entries(issuer: Issuer) -> None:
    batch = _upload(issuer, GOOD).json()
    run_batch(issuer, batch["id"])
    records = _records(issuer)
    assert len(records) == 3
    entries = {(list_id, index) for _, list_id, index in records}
    assert len(entries) == 3
    assert None not in {index for _, index in entries}
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        [row] = uow.session.scalars(
            select(StatusListRow).where(StatusListRow.purpose == TSL_PURPOSE)
        )
        assert row.size >= 131_072
        assert row.allocated_count == 3
        assert {list_id for list_id, _ in entries} == {row.id}
    # random among 131,072: three consecutive indexes from 0 would mean sequential allocation
    assert sorted(index or 0 for _, index in entries) != [0, 1, 2]


def test_hostile_requests_are_clear_problems(issuer: Issuer) -> None:
    issuer.client.post("/credentials/issue", json=_request(issuer), headers=issuer.auth())
    _dev_ca(issuer)
    assert issuer.client.get("/roc-midden/token-status/2").status_code == 404
    assert issuer.client.get("/roc-midden/token-status/0").status_code == 400
    assert issuer.client.get("/nobody/token-status/1").status_code == 404
    refused = issuer.client.get("/roc-midden/token-status/1", headers={"Accept": "text/html"})
    assert refused.status_code == 406

"""The issuer's database-backed lists honour the entry width: one 2-bit ``message`` entry
per credential (high bit revoked, low bit suspended), changed bit by bit, published as a
list of 131,072 two-bit entries and read by the engine as the entry's ``statusSize`` says."""

from __future__ import annotations

from typing import Any

from credentials.status_list import MIN_ENTRIES, StatusList, check_status

from .conftest import BASE_URL, Issuer
from .test_vc_api import _request, _verify


def _set(issuer: Issuer, vc: dict[str, Any], purpose: str, value: bool) -> None:
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


def test_lifting_a_suspension_keeps_the_revocation_bit(issuer: Issuer) -> None:
    vc = issuer.client.post(
        "/credentials/issue", json=_request(issuer), headers=issuer.auth()
    ).json()["verifiableCredential"]
    entry = vc["credentialStatus"]
    assert (entry["statusPurpose"], entry["statusSize"]) == ("message", 2)
    path = entry["statusListCredential"].removeprefix(BASE_URL)

    def read() -> tuple[int, str | None, str | None]:
        served = issuer.client.get(path).json()
        bits = StatusList.decode(served["credentialSubject"]["encodedList"], status_size=2)
        assert len(bits) >= MIN_ENTRIES  # 131,072 entries of 2 bits: 32 KB
        result = check_status(entry, served)
        return result.status, result.message, result.outcome

    assert read() == (0, "valid", None)
    _set(issuer, vc, "suspension", True)
    assert read() == (0b01, "suspended", "suspension")
    _set(issuer, vc, "revocation", True)
    assert read() == (0b11, "revoked", "revocation")
    _set(issuer, vc, "suspension", False)
    assert read() == (0b10, "revoked", "revocation")
    assert _verify(issuer, vc).check("status").code == "revoked"

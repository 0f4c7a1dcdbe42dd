"""The whole journey over real HTTP between three separate processes, through the services'
APIs: a school issues results as a batch with offers → a worker accepts an offer in the
wallet (OpenID4VCI) → shares it as a link → an employer's verifier checks the link → the school
revokes → the verifier shows it revoked. Runs on SQLite and on PostgreSQL (one database each).
The browser version of the same story is tests/browser/test_journey.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from devstack.stack import SCHOOL, WALLET_ACCOUNT, Ports, Seeded, Stack, running, seed

from ..conftest import PG_ADMIN_DSN
from ..processes import free_port


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    urls: dict[str, str] = {}
    databases: list[str] = []
    if request.param == "postgres":
        request.getfixturevalue("postgres_url")  # the server must answer (fails in CI if not)
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            for service in ("issuer", "wallet", "verifier"):
                name = f"journey_{service}_{uuid.uuid4().hex[:10]}"
                admin.execute(f'CREATE DATABASE "{name}"')
                databases.append(name)
                urls[service] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    ports = Ports(free_port(), free_port(), free_port())
    # status lists are re-fetched on every check, so a revocation shows at once
    extra = {"VERIFIER_STATUS_LIST_CACHE_SECONDS": "0", "WALLET_STATUS_LIST_CACHE_SECONDS": "0"}
    the_stack = Stack(tmp_path / "stack", ports, database_urls=urls, extra_env=extra)
    try:
        with running(the_stack):
            yield the_stack
    finally:
        if databases:
            with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
                for name in databases:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wallet_session(stack: Stack) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=stack.url("wallet"), timeout=30)
    login = client.post(
        "/api/session",
        json={"email": WALLET_ACCOUNT["email"], "password": WALLET_ACCOUNT["password"]},
    )
    assert login.status_code == 200, login.text
    return client, str(login.json()["csrf_token"])


def _check_share(stack: Stack, url: str) -> dict[str, Any]:
    response = httpx.post(f"{stack.url('verifier')}/shares/check", json={"url": url}, timeout=30)
    assert response.headers["content-type"].startswith("application/"), response.text
    return dict(response.json())


def test_issue_receive_share_verify_revoke(stack: Stack) -> None:
    seeded: Seeded = seed(stack)
    assert seeded.wallet_ready
    sanne = [o for o in seeded.offers if o["naam"] == "Sanne de Vries"]
    assert len(sanne) == 3

    wallet, csrf = _wallet_session(stack)
    headers = {"X-CSRF-Token": csrf}
    received = []
    for offer in sanne:
        accepted = wallet.post(
            "/api/offers/accept",
            json={"offer": offer["offer_link"], "tx_code": offer["transactiecode"]},
            headers=headers,
        )
        assert accepted.status_code == 201, accepted.text
        received.extend(accepted.json()["credentials"])
    # each offer names both formats: the wallet takes the ldp_vc and the SD-JWT VC copy
    assert sorted(c["format"] for c in received) == ["dc+sd-jwt"] * 3 + ["ldp_vc"] * 3
    received = [c for c in received if c["format"] == "ldp_vc"]  # shared below
    again = wallet.post(
        "/api/offers/accept",
        json={"offer": sanne[0]["offer_link"], "tx_code": sanne[0]["transactiecode"]},
        headers=headers,
    )
    assert again.status_code >= 400  # an offer is redeemed once

    passport = wallet.get("/api/passport").json()
    assert passport  # the wallet groups what it received

    share = wallet.post(
        "/api/shares",
        json={"credentials": [c["id"] for c in received], "label": "sollicitatie", "valid_days": 7},
        headers=headers,
    )
    assert share.status_code == 201, share.text
    share_url = share.json()["url"]

    checked = _check_share(stack, share_url)
    assert checked["verdict"] == "valid", checked
    assert len(checked["credentials"]) == 3
    assert {c["issuerName"] for c in checked["credentials"]} == {SCHOOL["name"]}

    # the school revokes one credential through its VC-API
    token = stack.run(
        "issuer", "create-token", "--organisation", SCHOOL["slug"], "--name", "journey",
        "--scope", "credentials:status",
    ).strip().splitlines()[-1]  # fmt: skip
    vc = wallet.get(f"/api/credentials/{received[0]['id']}/download").json()
    revoke = httpx.post(
        f"{stack.url('issuer')}/credentials/status",
        json={
            "credentialId": vc["id"],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert revoke.status_code == 200, revoke.text

    after = _check_share(stack, share_url)
    assert after["verdict"] == "invalid"
    revoked = [c for c in after["credentials"] if c["verdict"] == "invalid"]
    assert len(revoked) == 1
    assert any(p["title"] == "revoked" for p in revoked[0]["problemDetails"])

    # the learner withdraws the link: the employer can no longer open it
    share_id = share.json()["id"]
    assert wallet.post(f"/api/shares/{share_id}/revoke", headers=headers).status_code == 200
    gone = httpx.post(f"{stack.url('verifier')}/shares/check", json={"url": share_url})
    assert gone.status_code == 400
    wallet.close()

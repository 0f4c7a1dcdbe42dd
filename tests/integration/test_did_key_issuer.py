"""An organisation whose DID is a did:key (development, tests, conformance suites): made with
``create-organisation --did-method key``, it issues credentials that our verifier checks
(the key resolves from the DID itself; the status list is fetched from the issuer), the
trust list can name it, and it has no did.json and no key rotation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi.testclient import TestClient

from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from issuer.services.errors import IssuanceError
from issuer.services.organisations import create_organisation, rotate_key
from issuer.services.tokens import create_api_token
from verifier.app import create_app
from verifier.services.trust import TrustEntry, add_trusted_issuer
from verifier.settings import VerifierSettings
from web_common.db import UnitOfWork
from web_common.migrations import upgrade

from ..api.issuer.conftest import BASE_URL, Issuer, _issuer
from ..processes import issuer_cli

STUDENT = Ed25519KeyPair.from_seed(bytes(range(60, 92)))


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[Issuer]:
    yield from _issuer(f"sqlite:///{tmp_path / 'issuer.db'}")


def _did_key_organisation(issuer: Issuer) -> tuple[str, str, str]:
    """A did:key organisation beside roc-midden: (did, issue token, status token)."""
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        org = create_organisation(
            uow, slug="conformance", name="Conformance School", kind="school", identifier=None,
            public_base_url=BASE_URL, box=app.state.box,  # type: ignore[attr-defined]
            now=issuer.clock(), actor="test", did_method="key",
        )  # fmt: skip
        tokens = [
            create_api_token(uow, org, name=s, scopes=[s], now=issuer.clock(), actor="test")
            for s in ("credentials:issue", "credentials:status")
        ]
        with pytest.raises(IssuanceError, match="cannot rotate"):
            rotate_key(uow, org, app.state.box, issuer.clock(), "test")  # type: ignore[attr-defined]
        uow.commit()
        return org.did, tokens[0], tokens[1]


def test_did_key_organisation_issues_credentials_our_verifier_accepts(
    issuer: Issuer, tmp_path: Path
) -> None:
    did, issue_token, status_token = _did_key_organisation(issuer)
    assert did.startswith("did:key:z6Mk")
    assert issuer.client.get("/conformance/did.json").status_code == 404
    credential = mbo_certificaat(issuer_id=did, subject_id=STUDENT.did_key)
    response = issuer.client.post(
        "/credentials/issue",
        json={"credential": credential},
        headers={"Authorization": f"Bearer {issue_token}"},
    )
    assert response.status_code == 201, response.text
    vc: dict[str, Any] = response.json()["verifiableCredential"]
    assert vc["issuer"]["id"] == did
    assert vc["proof"][0]["verificationMethod"] == f"{did}#{did.removeprefix('did:key:')}"
    listed = issuer.client.get(
        vc["credentialStatus"]["statusListCredential"].removeprefix(BASE_URL)
    )
    assert listed.json()["issuer"] == did

    url = f"sqlite:///{tmp_path / 'verifier.db'}"
    upgrade("verifier", url)
    settings = VerifierSettings(
        environment="test", database_url=url, log_json=False,
        dev_allow_hosts=frozenset({"issuer.test"}),
    )  # fmt: skip
    app = create_app(
        settings,
        clock=lambda: issuer.clock() + timedelta(minutes=5),
        http_client=cast(httpx.Client, issuer.client),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )
    with TestClient(app) as verifier:
        unknown = verifier.post("/credentials/verify", json={"verifiableCredential": vc}).json()
        assert unknown["verdict"] == "warning"  # genuine, but not on the trust list
        with UnitOfWork(verifier.app.state.sessions) as uow:  # type: ignore[attr-defined]
            add_trusted_issuer(
                uow, TrustEntry(did, "Conformance School", "school", ("*",)),
                source="test", now=issuer.clock(),
            )  # fmt: skip
            uow.commit()
        trusted = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
        assert trusted.status_code == 200, trusted.text
        assert trusted.json()["verdict"] == "valid", trusted.json()
        revoked = issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": vc["id"],
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                },
                "status": True,
            },
            headers={"Authorization": f"Bearer {status_token}"},
        )
        assert revoked.status_code == 200
        verifier.app.state.status_fetcher.clear()  # type: ignore[attr-defined]
        after = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
        assert after.status_code == 400
        assert after.json()["problemDetails"][0]["title"] == "revoked"


def test_create_organisation_command_makes_a_did_key(tmp_path: Path) -> None:
    env = {
        "ISSUER_ENVIRONMENT": "test",
        "ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'issuer.db'}",
        "ISSUER_PUBLIC_BASE_URL": "http://localhost:8001",
        "ISSUER_LOG_JSON": "false",
    }
    issuer_cli(["migrate"], env)
    made = issuer_cli(
        ["create-organisation", "--slug", "suite", "--name", "Suite", "--did-method", "key"], env
    )
    assert made.startswith("created suite: did:key:z6Mk"), made
    web = issuer_cli(["create-organisation", "--slug", "web", "--name", "Web"], env)
    assert web == "created web: did:web:localhost%3A8001:web"
    with pytest.raises(AssertionError, match="did_method"):
        issuer_cli(
            ["create-organisation", "--slug", "x", "--name", "X", "--did-method", "ion"], env
        )

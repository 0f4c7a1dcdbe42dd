"""X.509 issuer keys per organisation: the development CA and importing a school's chain
(through the services on SQLite and PostgreSQL, and through ``python -m issuer``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from credentials.jwk import P256KeyPair
from credentials.x509_dev_ca import create_intermediate_ca, create_leaf, create_root_ca
from credentials.x509_trust import issuer_auth_of, leaf_names_issuer, verify_x5c
from issuer.db.tables import Organisation
from issuer.db.x509_tables import X509IssuerKey
from issuer.services.errors import IssuanceError, NotFoundError
from issuer.services.organisations import get_organisation
from issuer.services.x509_keys import (
    CREDENTIAL,
    ISSUER_AUTH_MEMBERS,
    STATUS_LIST,
    active_x509_signer,
    create_dev_chain,
    import_chain,
)
from issuer.settings import IssuerSettings
from web_common.db import UnitOfWork, make_engine, make_session_factory

from ...processes import issuer_cli
from .conftest import BASE_URL, Issuer

ISSUER_ID = f"{BASE_URL}/roc-midden"


def _org(uow: UnitOfWork) -> Organisation:
    return get_organisation(uow, "roc-midden")


def test_dev_ca_makes_separate_credential_and_status_signers(issuer: Issuer) -> None:
    app = issuer.client.app
    box = app.state.box  # type: ignore[attr-defined]
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        with pytest.raises(NotFoundError, match="no credential certificate"):
            active_x509_signer(uow, _org(uow), box, CREDENTIAL)
        root = create_dev_chain(
            uow,
            _org(uow),
            box,
            issuer_id=f"{BASE_URL}/roc-midden",
            now=issuer.clock(),
            actor="test",
        )
        uow.commit()
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        credential = active_x509_signer(uow, _org(uow), box, CREDENTIAL)
        status = active_x509_signer(uow, _org(uow), box, STATUS_LIST)
        stored = [row.encrypted_private_key for row in uow.session.query(X509IssuerKey)]
    assert credential.key.public_jwk != status.key.public_jwk
    for signer in (credential, status):
        result = verify_x5c(signer.x5c, [root.certificate], now=issuer.clock())
        assert result.ok, result.reason
        assert result.leaf is not None
        assert result.leaf.public_key() == signer.key.public_key
    assert leaf_names_issuer(credential.leaf, f"{BASE_URL}/roc-midden")
    found = issuer_auth_of(credential.leaf)
    assert found is not None
    auth: dict[str, Any] = dict(found)
    # the NL Wallet's Organization (serde camelCase): known members only, the required
    # ones present, LocalizedStrings in nl and en, no kvk for a BRIN code
    assert set(auth) <= ISSUER_AUTH_MEMBERS
    for member in ("displayName", "legalName", "description", "category"):
        assert set(auth[member]) == {"nl", "en"}, member
        assert all(isinstance(text, str) and text for text in auth[member].values())
    assert auth["displayName"]["nl"] == "ROC Midden Nederland"
    assert auth["countryCode"] == "NL"
    assert auth["webUrl"] == f"{BASE_URL}/roc-midden"
    assert "kvk" not in auth
    assert "identifier" not in auth
    # the private keys are encrypted at rest
    assert len(stored) == 2
    for blob in stored:
        assert credential.key.private_jwk["d"].encode() not in blob
        assert status.key.private_jwk["d"].encode() not in blob


def _pem(*certificates: object) -> bytes:
    return b"".join(c.pem for c in certificates)  # type: ignore[attr-defined]


def test_import_chain_replaces_the_active_key_and_rejects_mismatches(issuer: Issuer) -> None:
    app = issuer.client.app
    box = app.state.box  # type: ignore[attr-defined]
    root = create_root_ca("School CA root")
    intermediate = create_intermediate_ca(root, "School CA issuing")
    leaf = create_leaf(intermediate, "ROC Midden", san_uris=[f"{BASE_URL}/roc-midden"])
    key_pem = leaf.key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"geheim"),
    )
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        create_dev_chain(
            uow,
            _org(uow),
            box,
            issuer_id=f"{BASE_URL}/roc-midden",
            now=issuer.clock(),
            actor="test",
        )
        other_key = P256KeyPair.generate().private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        bad = [
            (_pem(leaf, intermediate), other_key, None, "does not belong"),
            (_pem(intermediate, leaf), key_pem, b"geheim", "does not belong"),
            (_pem(leaf, intermediate, root), key_pem, b"geheim", "leave the root"),
            (b"not a certificate", key_pem, b"geheim", "not a PEM certificate"),
            (_pem(leaf), b"garbage", None, "not a usable P-256"),
            (_pem(leaf), key_pem, b"wrong", "not a usable P-256"),
        ]
        for chain_pem, private_pem, password, message in bad:
            with pytest.raises(IssuanceError, match=message):
                import_chain(
                    uow, _org(uow), box, purpose=CREDENTIAL, chain_pem=chain_pem,
                    key_pem=private_pem, key_password=password, now=issuer.clock(), actor="t",
                )  # fmt: skip
        import_chain(
            uow, _org(uow), box, purpose=CREDENTIAL, chain_pem=_pem(leaf, intermediate),
            key_pem=key_pem, key_password=b"geheim", now=issuer.clock(), actor="test",
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        signer = active_x509_signer(uow, _org(uow), box, CREDENTIAL)
        rows = [
            (r.active, r.retired_at is not None, r.source)
            for r in uow.session.query(X509IssuerKey).filter_by(purpose=CREDENTIAL)
        ]
    assert signer.key.public_jwk == leaf.key.public_jwk
    assert len(signer.x5c) == 2
    assert verify_x5c(signer.x5c, [root.certificate]).ok
    assert rows == [(False, True, "dev-ca"), (True, False, "imported")]


def test_cli_dev_ca_and_import_certificate(tmp_path: Path) -> None:
    env = {
        "ISSUER_ENVIRONMENT": "test",
        "ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'issuer.db'}",
        "ISSUER_PUBLIC_BASE_URL": BASE_URL,
        "ISSUER_LOG_JSON": "false",
    }
    issuer_cli(["migrate"], env)
    issuer_cli(["create-organisation", "--slug", "roc-a", "--name", "ROC A"], env)
    anchor = tmp_path / "root.pem"
    out = issuer_cli(["dev-ca", "--organisation", "roc-a", "--anchor-out", str(anchor)], env)
    assert str(anchor) in out
    anchor_cert = x509.load_pem_x509_certificate(anchor.read_bytes())
    status_root = create_root_ca("status CA")
    status_leaf = create_leaf(status_root, "ROC A status lists")
    (tmp_path / "chain.pem").write_bytes(status_leaf.pem)
    (tmp_path / "key.pem").write_bytes(
        status_leaf.key.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    out = issuer_cli(
        ["import-certificate", "--organisation", "roc-a", "--purpose", STATUS_LIST,
         "--chain", str(tmp_path / "chain.pem"), "--key", str(tmp_path / "key.pem")],
        env,
    )  # fmt: skip
    assert "status_list certificate installed" in out
    settings = IssuerSettings(database_url=env["ISSUER_DATABASE_URL"])
    with UnitOfWork(make_session_factory(make_engine(settings.database_url))) as uow:
        org = get_organisation(uow, "roc-a")
        credential = active_x509_signer(uow, org, settings.secret_box(), CREDENTIAL)
        status = active_x509_signer(uow, org, settings.secret_box(), STATUS_LIST)
    assert verify_x5c(credential.x5c, [anchor_cert]).ok
    assert verify_x5c(status.x5c, [status_root.certificate]).ok

"""TLS in development: the issuer serves https (``serve --ssl-keyfile --ssl-certfile``) with
a certificate from a CA made here; a verifier that allow-lists the host and trusts that CA
(``dev_ca_file``) resolves the issuer's did:web over https (as the method says) and fetches
its status list over https. Without the CA, or for a host not on the allow-list, the
certificate is refused."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fastapi.testclient import TestClient

from credentials.errors import FetchError
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.net import guarded_request
from verifier.app import create_app
from verifier.services.trust import TrustEntry, add_trusted_issuer
from verifier.settings import VerifierSettings
from web_common.db import UnitOfWork
from web_common.migrations import upgrade
from web_common.outbound import outbound_client

from ..processes import free_port, issuer_cli, serve

STUDENT = Ed25519KeyPair.from_seed(bytes(range(60, 92)))


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_dev_pki(folder: Path) -> tuple[Path, Path, Path]:
    """A self-signed CA and a ``localhost`` server certificate: (ca.pem, key.pem, cert.pem)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("mbo-wallet test CA"))
        .issuer_name(_name("mbo-wallet test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "key.pem", folder / "cert.pem"
    paths[0].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(_pem_key(key))
    paths[2].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return paths


@dataclass
class HttpsIssuer:
    base: str
    authority: str
    did: str
    ca: Path
    issue_token: str
    status_token: str


@pytest.fixture(scope="module")
def https_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpsIssuer]:
    tmp_path = tmp_path_factory.mktemp("https-issuer")
    ca, key, cert = make_dev_pki(tmp_path)
    port = free_port()
    base = f"https://localhost:{port}"
    env = {
        "ISSUER_ENVIRONMENT": "test",
        "ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'issuer.db'}",
        "ISSUER_PUBLIC_BASE_URL": base,
        "ISSUER_LOG_JSON": "false",
        "ISSUER_LOG_LEVEL": "WARNING",
        "ISSUER_BATCH_WORKER_IN_PROCESS": "false",
    }
    issuer_cli(["migrate"], env)
    created = issuer_cli(
        ["create-organisation", "--slug", "roc-midden", "--name", "ROC Midden Nederland"], env
    )
    did = created.rsplit(": ", 1)[1]
    assert did == f"did:web:localhost%3A{port}:roc-midden"
    tokens = [
        issuer_cli(
            ["create-token", "--organisation", "roc-midden", "--name", scope, "--scope", scope],
            env,
        ).splitlines()[-1]
        for scope in ("credentials:issue", "credentials:status")
    ]
    code = (
        "import sys; from issuer.cli import main; "
        f"sys.argv = ['issuer', 'serve', '--port', '{port}', '--no-migrate', "
        f"'--ssl-keyfile', {str(key)!r}, '--ssl-certfile', {str(cert)!r}]; main()"
    )
    with serve(code, env, port, tmp_path / "issuer.log", scheme="https"):
        yield HttpsIssuer(base, f"localhost:{port}", did, ca, *tokens)


def _issue(issuer: HttpsIssuer) -> dict[str, object]:
    credential = mbo_certificaat(
        issuer_id=issuer.did, subject_id=STUDENT.did_key, credential_id=f"urn:uuid:{uuid.uuid4()}"
    )
    response = httpx.post(
        f"{issuer.base}/credentials/issue", json={"credential": credential},
        headers={"Authorization": f"Bearer {issuer.issue_token}"}, timeout=30,
        verify=ssl.create_default_context(cafile=issuer.ca),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return dict(response.json()["verifiableCredential"])


def _verifier(tmp_path: Path, issuer: HttpsIssuer, *, trust_ca: bool) -> TestClient:
    url = f"sqlite:///{tmp_path / ('verifier-ca.db' if trust_ca else 'verifier.db')}"
    upgrade("verifier", url)
    settings = VerifierSettings(
        environment="test",
        database_url=url,
        log_json=False,
        dev_allow_hosts=frozenset({issuer.authority}),
        dev_ca_file=str(issuer.ca) if trust_ca else None,
    )
    return TestClient(create_app(settings))  # its own outbound client: real TLS


def test_https_issuer_on_localhost_verifies_with_the_dev_ca(
    https_issuer: HttpsIssuer, tmp_path: Path
) -> None:
    with pytest.raises(httpx.HTTPError):  # the port speaks TLS only
        httpx.get(f"http://{https_issuer.authority}/healthz")
    vc = _issue(https_issuer)
    entry = vc["credentialStatus"]
    assert isinstance(entry, dict)
    assert str(entry["statusListCredential"]).startswith("https://localhost:")
    with _verifier(tmp_path, https_issuer, trust_ca=True) as verifier:
        with UnitOfWork(verifier.app.state.sessions) as uow:  # type: ignore[attr-defined]
            add_trusted_issuer(
                uow, TrustEntry(https_issuer.did, "ROC Midden", "school", ("*",)),
                source="test", now=dt.datetime.now(dt.UTC),
            )  # fmt: skip
            uow.commit()
        response = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["verdict"] == "valid", body
        checks = {c["check"]: c["outcome"] for c in body["checks"]}
        assert checks["proof"] == checks["status"] == checks["issuer"] == "passed"


def test_without_the_dev_ca_the_certificate_is_refused(
    https_issuer: HttpsIssuer, tmp_path: Path
) -> None:
    vc = _issue(https_issuer)
    with _verifier(tmp_path, https_issuer, trust_ca=False) as verifier:
        response = verifier.post("/credentials/verify", json={"verifiableCredential": vc})
    body = response.json()
    assert body["verdict"] == "invalid", body
    proof = next(c for c in body["checks"] if c["check"] == "proof")
    assert proof["outcome"] == "failed"
    assert "CERTIFICATE_VERIFY_FAILED" in proof["detail"], proof


def test_the_dev_ca_is_trusted_for_allow_listed_hosts_only(https_issuer: HttpsIssuer) -> None:
    health = f"{https_issuer.base}/healthz"
    ca = str(https_issuer.ca)
    allowed = {https_issuer.authority}  # the network guard lets both requests through
    with outbound_client(timeout=5, dev_allow_hosts=allowed, dev_ca_file=ca) as client:
        assert guarded_request("GET", health, client, allow_hosts=allowed).status == 200
    other = outbound_client(timeout=5, dev_allow_hosts={"localhost:1"}, dev_ca_file=ca)
    with other, pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
        guarded_request("GET", health, other, allow_hosts=allowed)
    outside = outbound_client(timeout=5, dev_allow_hosts=allowed, dev_ca_file=ca)
    with outside, pytest.raises(httpx.ConnectError, match=r"not checked by credentials\.net"):
        outside.get(health)  # outside the guard, the client connects nowhere

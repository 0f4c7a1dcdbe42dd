"""The compose shape's TLS proxy for real: Caddy (Debian's ``caddy``) runs
``deploy/Caddyfile`` in front of a real wallet process, with a mounted certificate from a CA
made here (``TLS="cert key"``, the school's own certificate). The wallet's DNS name answers
over https with that certificate, plain http is redirected to https, a client's own
``X-Forwarded-For`` does not get through the proxy, and the healthcheck commands of
docker-compose.yml (proxy and wallet) succeed against the running processes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..processes import REPO, free_port, wallet_process
from ..unit.test_deployment import healthcheck_command

pytestmark = pytest.mark.skipif(shutil.which("caddy") is None, reason="needs Debian's caddy")

NAMES = {"issuer": "bewijzen.school.test", "wallet": "wallet.school.test",
         "verifier": "controle.school.test"}  # fmt: skip


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for the three names signed by it: (ca, chain, key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "school test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                       key_agreement=False, encipher_only=False, decipher_only=False),
                       critical=True)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAMES["wallet"])]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in NAMES.values()]),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "fullchain.pem").write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "ca.pem", folder / "fullchain.pem", folder / "privkey.pem"


@contextmanager
def caddy(tmp_path: Path, upstreams: dict[str, str]) -> Iterator[tuple[int, int, int]]:
    """Caddy with deploy/Caddyfile; yields (https port, http port, admin port)."""
    _, chain, key = _certificates(tmp_path)
    https_port, http_port, admin_port = free_port(), free_port(), free_port()
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HTTPS_PORT": str(https_port), "HTTP_PORT": str(http_port),
        "CADDY_ADMIN": f"127.0.0.1:{admin_port}", "TLS": f"{chain} {key}",
        **{f"{s.upper()}_DOMAIN": name for s, name in NAMES.items()},
        **{f"{s.upper()}_UPSTREAM": address for s, address in upstreams.items()},
    }  # fmt: skip
    log = tmp_path / "caddy.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["caddy", "run", "--config", str(REPO / "deploy" / "Caddyfile"),
             "--adapter", "caddyfile"], env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{admin_port}/config/", timeout=1).is_success:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("caddy did not start:\n" + log.read_text())
                time.sleep(0.2)
            yield https_port, http_port, admin_port
        finally:
            process.terminate()
            process.wait(timeout=10)


def _get(client: httpx.Client, port: int, path: str, **kwargs: Any) -> httpx.Response:
    """A request to the wallet's DNS name, sent to 127.0.0.1 (no DNS here): SNI and Host
    name the wallet, and the certificate is checked against that name."""
    return client.request(
        kwargs.pop("method", "GET"), f"https://127.0.0.1:{port}{path}",
        headers={"Host": NAMES["wallet"], **kwargs.pop("headers", {})},
        extensions={"sni_hostname": NAMES["wallet"]}, **kwargs,
    )  # fmt: skip


def _healthcheck(service: str, replace: tuple[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the service's compose healthcheck command here, with its port moved."""
    command = [p.replace(*replace) for p in healthcheck_command(service)]
    if command[0] == "python":
        command[0] = sys.executable
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def test_the_proxy_serves_each_name_over_tls_and_forwards_to_its_service(
    tmp_path: Path,
) -> None:
    env = {"WALLET_TRUSTED_PROXIES": '["127.0.0.1/32"]'}
    with wallet_process(tmp_path, [], extra_env=env) as base:
        wallet_port = base.rsplit(":", 1)[1]
        closed = str(free_port())  # the issuer and verifier are not running here
        upstreams = {"wallet": f"127.0.0.1:{wallet_port}", "issuer": f"127.0.0.1:{closed}",
                     "verifier": f"127.0.0.1:{closed}"}  # fmt: skip
        with caddy(tmp_path, upstreams) as (https_port, http_port, admin_port):
            context = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
            with httpx.Client(verify=context, timeout=10) as client:
                health = _get(client, https_port, "/healthz")
                assert health.status_code == 200, health.text
                assert health.headers["strict-transport-security"].startswith("max-age=")
                assert "server" not in health.headers
                # a client's own X-Forwarded-For is replaced by the proxy: ten wrong logins
                # from "ten addresses" are one client, and the eleventh is throttled
                codes = [
                    _get(client, https_port, "/api/session", method="POST",
                         json={"email": f"x{i}@example.nl", "password": "guess guess"},
                         headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code
                    for i in range(11)
                ]  # fmt: skip
                assert codes[:10] == [401] * 10
                assert codes[10] == 429
            system_trust = httpx.Client(verify=ssl.create_default_context(), timeout=10)
            with system_trust, pytest.raises(httpx.ConnectError):  # a certificate of our own CA
                _get(system_trust, https_port, "/healthz")
            plain = httpx.get(
                f"http://127.0.0.1:{http_port}/healthz", headers={"Host": NAMES["wallet"]}
            )
            assert plain.status_code in (301, 308)
            assert plain.headers["location"] == f"https://{NAMES['wallet']}/healthz"

            proxy_check = _healthcheck("proxy", ("127.0.0.1:2019", f"127.0.0.1:{admin_port}"))
            assert proxy_check.returncode == 0, proxy_check.stderr
        wallet_check = _healthcheck("wallet", ("127.0.0.1:8002", f"127.0.0.1:{wallet_port}"))
        assert wallet_check.returncode == 0, wallet_check.stderr
    stopped = _healthcheck("wallet", ("127.0.0.1:8002", f"127.0.0.1:{wallet_port}"))
    assert stopped.returncode != 0  # the same command fails once the service is gone

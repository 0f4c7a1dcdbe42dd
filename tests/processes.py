"""Real service processes for cross-process tests: ``free_port``, ``serve`` (start a
process and wait for its ``/healthz``), and ready-made issuer (``python -m issuer``), wallet
(``python -m wallet``) and verifier (uvicorn) processes, each on a free 127.0.0.1 port with
its own temporary SQLite database.

The issuer's public URL uses ``localhost`` (did:web refuses IP addresses); the wallet
allow-lists exactly that ``host:port`` for plain http and loopback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

from credentials.examples import mbo_certificaat

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(port: int, process: subprocess.Popen[bytes], log: Path, scheme: str = "http") -> None:
    deadline = time.monotonic() + 40
    while True:
        try:
            # a readiness probe of our own process: the certificate is checked by the test
            probe = httpx.get(f"{scheme}://127.0.0.1:{port}/healthz", timeout=1, verify=False)
            if probe.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the server did not start:\n" + log.read_text())
        time.sleep(0.2)


@contextmanager
def serve(
    code: str, env: dict[str, str], port: int, log: Path, *, scheme: str = "http"
) -> Iterator[None]:
    """Run ``code`` in a new Python process until its ``/healthz`` answers over ``scheme``."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=REPO, env={**os.environ, **env},
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait(port, process, log, scheme)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a hung server ignores SIGTERM; never leak it
                process.kill()
                process.wait(timeout=10)
                raise


@dataclass
class IssuerProcess:
    base: str
    database_url: str
    env: dict[str, str]
    issue_token: str
    status_token: str
    did: str

    def issue(self, number: int = 1) -> dict[str, Any]:
        """Issue an mbo-certificaat (no holder yet) through the issuer's HTTP API."""
        credential = mbo_certificaat(
            issuer_id=self.did,
            subject_id="unused",
            credential_id=f"urn:uuid:5c7a0f44-0000-4000-8000-{number:012d}",
        )
        del credential["credentialSubject"]["id"]
        credential["credentialSubject"]["achievement"]["dossierVersion"] = "sbb-2755"
        response = httpx.post(
            f"{self.base}/credentials/issue", json={"credential": credential},
            headers={"Authorization": f"Bearer {self.issue_token}"}, timeout=30,
        )  # fmt: skip
        assert response.status_code == 201, response.text
        issued: dict[str, Any] = response.json()["verifiableCredential"]
        return issued

    def offer(self, credential_id: str) -> tuple[str, str]:
        """An OpenID4VCI offer for an issued credential, made with the issuer's own service
        on its database: ``(offer URI, transaction code)``."""
        from sqlalchemy import select

        from issuer.db.tables import IssuedCredential
        from issuer.services.offers import create_offer
        from issuer.services.organisations import get_organisation
        from web_common.db import UnitOfWork, make_engine, make_session_factory
        from web_common.secrets import SecretBox

        box = SecretBox.from_setting(self.env["ISSUER_DATA_ENCRYPTION_KEYS"])
        engine = make_engine(self.database_url)
        try:
            with UnitOfWork(make_session_factory(engine)) as uow:
                org = get_organisation(uow, "roc-midden")
                row = uow.session.scalar(
                    select(IssuedCredential).where(IssuedCredential.credential_ref == credential_id)
                )
                assert row is not None
                created = create_offer(
                    uow, org, row, public_base_url=self.base, now=datetime.now(UTC), box=box
                )
                uow.commit()
        finally:
            engine.dispose()
        return created.offer_uri, created.tx_code

    def revoke(self, credential_id: str) -> None:
        response = httpx.post(
            f"{self.base}/credentials/status",
            json={"credentialId": credential_id,
                  "credentialStatus": {"type": "BitstringStatusListEntry",
                                       "statusPurpose": "revocation"},
                  "status": True},
            headers={"Authorization": f"Bearer {self.status_token}"}, timeout=30,
        )  # fmt: skip
        assert response.status_code == 200, response.text


def issuer_cli(args: list[str], env: dict[str, str]) -> str:
    """Run ``python -m issuer ARGS`` with ``env``; its standard output (it must succeed)."""
    return _cli(args, env)


def _cli(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "issuer", *args], cwd=REPO, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout.strip()


@contextmanager
def issuer_process(
    tmp_path: Path, database_url: str | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[IssuerProcess]:
    """An issuer with organisation ``roc-midden`` and two API tokens, made with its CLI, on
    ``database_url`` (default: a new SQLite file), with ``extra_env`` settings."""
    port = free_port()
    base = f"http://localhost:{port}"
    database_url = database_url or f"sqlite:///{tmp_path / 'issuer.db'}"
    env = {
        "ISSUER_ENVIRONMENT": "test",
        "ISSUER_DATABASE_URL": database_url,
        "ISSUER_PUBLIC_BASE_URL": base,
        "ISSUER_LOG_JSON": "false",
        "ISSUER_LOG_LEVEL": "WARNING",
        "ISSUER_BATCH_WORKER_IN_PROCESS": "false",
        # known here too: offers made on its database (IssuerProcess.offer) key their codes
        "ISSUER_DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        **(extra_env or {}),
    }
    _cli(["migrate"], env)
    created = _cli(
        ["create-organisation", "--slug", "roc-midden", "--name", "ROC Midden Nederland",
         "--kind", "school", "--identifier", "25PZ"], env,
    )  # fmt: skip
    did = created.rsplit(": ", 1)[1]
    issue_token = _cli(
        ["create-token", "--organisation", "roc-midden", "--name", "sis",
         "--scope", "credentials:issue"], env,
    ).splitlines()[-1]  # fmt: skip
    status_token = _cli(
        ["create-token", "--organisation", "roc-midden", "--name", "admin",
         "--scope", "credentials:status"], env,
    ).splitlines()[-1]  # fmt: skip
    code = (
        "import sys; from issuer.cli import main; "
        f"sys.argv = ['issuer', 'serve', '--port', '{port}', '--no-migrate']; main()"
    )
    with serve(code, env, port, tmp_path / "issuer.log"):
        yield IssuerProcess(base, database_url, env, issue_token, status_token, did)


@contextmanager
def wallet_process(
    tmp_path: Path, allow_hosts: list[str], extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """The wallet as a process (``python -m wallet serve``); yields its base URL."""
    from web_common.migrations import upgrade

    port = free_port()
    base = f"http://localhost:{port}"
    database_url = f"sqlite:///{tmp_path / 'wallet.db'}"
    upgrade("wallet", database_url)
    env = {
        "WALLET_ENVIRONMENT": "test",
        "WALLET_DATABASE_URL": database_url,
        "WALLET_PUBLIC_BASE_URL": base,
        "WALLET_LOG_JSON": "false",
        "WALLET_LOG_LEVEL": "WARNING",
        "WALLET_DEV_ALLOW_HOSTS": '["' + '","'.join(allow_hosts) + '"]',
        **(extra_env or {}),
    }
    code = (
        "import sys; from wallet.cli import main; "
        f"sys.argv = ['wallet', 'serve', '--port', '{port}', '--no-migrate']; main()"
    )
    with serve(code, env, port, tmp_path / "wallet.log"):
        yield base


@contextmanager
def verifier_process(tmp_path: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """The verifier as a process (uvicorn on ``create_app()``); yields its base URL."""
    from web_common.migrations import upgrade

    port = free_port()
    database_url = f"sqlite:///{tmp_path / 'verifier.db'}"
    upgrade("verifier", database_url)
    env = {
        "VERIFIER_ENVIRONMENT": "test",
        "VERIFIER_DATABASE_URL": database_url,
        "VERIFIER_PUBLIC_BASE_URL": f"http://localhost:{port}",
        "VERIFIER_LOG_JSON": "false",
        "VERIFIER_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    code = (
        "import uvicorn; from verifier.app import create_app; "
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"
    )
    with serve(code, env, port, tmp_path / "verifier.log"):
        yield f"http://127.0.0.1:{port}"

"""Start, seed and stop the three services as separate processes.

The services only meet over HTTP, as they would at three organisations: seeding uses each
service's own command line and API, never its database or its Python modules.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("issuer", "wallet", "verifier")
_PREFIXES = tuple(service.upper() + "_" for service in SERVICES)


@dataclass(frozen=True, slots=True)
class Ports:
    issuer: int = 8001
    wallet: int = 8002
    verifier: int = 8003

    def of(self, service: str) -> int:
        return int(getattr(self, service))


@dataclass
class Stack:
    """The three services on one machine. ``database_urls`` replaces the SQLite default per
    service (e.g. one PostgreSQL database each); ``extra_env`` adds settings."""

    data_dir: Path
    ports: Ports = field(default_factory=Ports)
    database_urls: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://localhost:{self.ports.of(service)}"

    def host(self, service: str) -> str:
        return f"localhost:{self.ports.of(service)}"

    # configuration -----------------------------------------------------------------------
    def secrets(self) -> dict[str, str]:
        """Per-data-dir secrets, made once and kept (mode 0600) so restarts can decrypt."""
        path = self.data_dir / "secrets.json"
        if path.exists():
            return dict(json.loads(path.read_text()))
        values = {
            f"{service}_{name}": value
            for service in SERVICES
            for name, value in (
                ("secret", secrets.token_urlsafe(32)),
                ("data_key", Fernet.generate_key().decode()),
            )
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(values, handle)
        return values

    def env(self, service: str) -> dict[str, str]:
        prefix = service.upper() + "_"
        base = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
        others = [self.host(s) for s in SERVICES if s != service]
        keys = self.secrets()
        return {
            **base,
            prefix + "ENVIRONMENT": "development",
            prefix + "DATABASE_URL": self.database_urls.get(
                service, f"sqlite:///{self.data_dir / (service + '.db')}"
            ),
            prefix + "PUBLIC_BASE_URL": self.url(service),
            prefix + "SECRET_KEY": keys[f"{service}_secret"],
            prefix + "DATA_ENCRYPTION_KEYS": keys[f"{service}_data_key"],
            prefix + "DEV_ALLOW_HOSTS": json.dumps(others),
            "WALLET_VERIFIER_URL": self.url("verifier"),
            "WALLET_X509_TRUST_ANCHORS_FILE": str(self.dev_ca_anchor()),
            **self.request_signing_env(service),
            **self._anchors_env(service),
            prefix + "LOG_JSON": "false",
            prefix + "LOG_LEVEL": "WARNING",
            **{k: v for k, v in self.extra_env.items() if k.startswith(prefix)},
        }

    def request_signing_env(self, service: str) -> dict[str, str]:
        """The verifier's OpenID4VP request signing certificate, made once per data dir
        (``python -m verifier dev-cert`` does the same by hand)."""
        if service != "verifier":
            return {}
        folder = self.data_dir / "verifier-cert"
        if not (folder / "key.pem").exists():
            from verifier.services.request_signing import verifier_host, write_dev_certificate

            write_dev_certificate(folder, verifier_host(self.url("verifier")))
        return {
            "VERIFIER_REQUEST_SIGNING_KEY_FILE": str(folder / "key.pem"),
            "VERIFIER_REQUEST_CERTIFICATE_FILE": str(folder / "chain.pem"),
        }

    def _anchors_env(self, service: str) -> dict[str, str]:
        """The demo organisations' development roots, once seeding made them."""
        anchors = self.data_dir / "dev-ca" / "anchors.pem"
        if service != "verifier" or not anchors.exists():
            return {}
        return {"VERIFIER_X509_TRUST_ANCHORS_FILE": str(anchors)}

    def dev_ca_anchor(self) -> Path:
        """The demo school's development CA root (PEM), made by ``issuer dev-ca`` while
        seeding: the trust anchor of its SD-JWT VCs (``x5c``) for the wallet."""
        return self.data_dir / "dev-ca" / f"{SCHOOL['slug']}-root.pem"

    def run(self, service: str, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", service, *args], env=self.env(service), cwd=ROOT,
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{service} {' '.join(args[:1])} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    # processes ---------------------------------------------------------------------------
    def start(self, services: Sequence[str] | None = None) -> None:
        services = available_services() if services is None else services
        for service in services:
            self.run(service, "migrate")
            self.processes[service] = subprocess.Popen(
                [sys.executable, "-m", service, "serve", "--port", str(self.ports.of(service)),
                 "--no-migrate"],
                env=self.env(service), cwd=ROOT,
            )  # fmt: skip
        for service in services:
            self.wait_ready(service)

    def wait_ready(self, service: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[service]
            if process.poll() is not None:
                raise RuntimeError(f"{service} stopped while starting (exit {process.returncode})")
            try:
                if httpx.get(self.url(service) + "/readyz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{service} did not become ready on {self.url(service)}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def available_services() -> tuple[str, ...]:
    """The services that have a command line (``python -m <service>``) in this checkout."""
    return tuple(s for s in SERVICES if importlib.util.find_spec(f"{s}.__main__") is not None)


@contextmanager
def running(stack: Stack, services: Sequence[str] | None = None) -> Iterator[Stack]:
    try:
        stack.start(services)
        yield stack
    finally:
        stack.stop()


# demo data -------------------------------------------------------------------------------

SCHOOL = {"slug": "roc-midden", "name": "ROC Midden Nederland", "kind": "school",
          "identifier": "25PZ", "email": "beheer@roc-midden.example", "person": "Anna de Beheerder",
          "password": "demo-roc-2026"}  # fmt: skip
LEERBEDRIJF = {"slug": "zorggroep-de-linde", "name": "Zorggroep De Linde",
               "kind": "leerbedrijf", "identifier": "12345678",
               "email": "opleider@delinde.example", "person": "Jeroen Jansen",
               "password": "demo-linde-2026"}  # fmt: skip
#: The school's examencommissie member: confirms (or rejects) the diplomas others entered.
EXAMENCOMMISSIE = {"email": "examencommissie@roc-midden.example", "person": "Evi Kramer",
                   "password": "demo-exam-2026"}  # fmt: skip
WALLET_ACCOUNT = {"email": "sanne@example.nl", "password": "demo-wallet-2026",
                  "name": "Sanne de Vries"}  # fmt: skip

DEMO_RESULTS = [
    # Sanne de Vries, Helpende Zorg en Welzijn, exam results after the summer exams
    {"reference": "DEMO-0001", "studentnummer": "123456", "naam": "Sanne de Vries",
     "soort": "examenresultaat", "kwalificatie": "25498", "codes": "B1-K1"},
    {"reference": "DEMO-0002", "studentnummer": "123456", "naam": "Sanne de Vries",
     "soort": "examenresultaat", "kwalificatie": "25498", "codes": "P2-K1"},
    {"reference": "DEMO-0003", "studentnummer": "123456", "naam": "Sanne de Vries",
     "soort": "examenresultaat", "generiek_vak": "nederlands", "generiek_niveau": "2F",
     "cijfer": "7"},
    {"reference": "DEMO-0004", "studentnummer": "223344", "naam": "Mohamed El Amrani",
     "soort": "examenresultaat", "kwalificatie": "mbo-vig-verzorgende-ig",
     "codes": "B1-K1 B1-K2"},
    # Pedagogisch medewerker kinderopvang: kerntaken from its SBB export
    {"reference": "DEMO-0005", "studentnummer": "334455", "naam": "Lotte Visser",
     "soort": "examenresultaat", "kwalificatie": "25486", "codes": "B1-K1"},
    # Verkoper, Handel en ondernemerschap: known from the crebo list only, so a diploma; it
    # waits for a second staff member (EXAMENCOMMISSIE) to confirm the decision at /diplomas
    {"reference": "DEMO-0006", "studentnummer": "445566", "naam": "Kevin de Boer",
     "soort": "diploma", "kwalificatie": "25167", "besluitdatum": "2026-07-03"},
]  # fmt: skip

#: What the demo school offers, by crebo, in two opleidingsdomeinen (Zorg en welzijn 79140,
#: Handel en ondernemerschap 79080); seeded as its accreditations on the verifier's trust list.
SCHOOL_OFFERS = ("25498", "25499", "25486", "25655", "25167", "25153", "25162")


def _csv(rows: Sequence[dict[str, str]]) -> bytes:
    columns = sorted({k for row in rows for k in row})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@dataclass
class Seeded:
    offers: list[dict[str, str]] = field(default_factory=list)
    school_did: str = ""
    leerbedrijf_did: str = ""
    wallet_ready: bool = False


def _run_once(stack: Stack, *args: str) -> bool:
    """Run a service command that creates something; False when it exists already (a demo
    started again), any other failure raises."""
    try:
        stack.run(*args)
    except RuntimeError as exc:
        if "exists" not in str(exc).lower():
            raise
        return False
    return True


def seed(stack: Stack) -> Seeded:
    """Organisations and staff, demo results issued as a batch with offers, the employer's
    trust list, and a wallet account. Safe to run again: it creates nothing twice."""
    seeded = Seeded()
    for org in (SCHOOL, LEERBEDRIJF):
        if _run_once(
            stack, "issuer", "create-organisation", "--slug", org["slug"], "--name",
            org["name"], "--kind", org["kind"], "--identifier", org["identifier"],
        ):  # fmt: skip
            _run_once(
                stack, "issuer", "create-admin", "--organisation", org["slug"], "--email",
                org["email"], "--name", org["person"], "--password", org["password"],
            )  # fmt: skip
    _run_once(
        stack, "issuer", "create-admin", "--organisation", SCHOOL["slug"], "--email",
        EXAMENCOMMISSIE["email"], "--name", EXAMENCOMMISSIE["person"], "--password",
        EXAMENCOMMISSIE["password"], "--role", "examencommissie",
    )  # fmt: skip
    # once per organisation: a new chain would leave earlier SD-JWT VCs untrusted; the
    # school's root is also stack.dev_ca_anchor(), the wallet's trust anchor
    x509_trust = _dev_cas(stack)
    issuer = stack.url("issuer")
    seeded.school_did = httpx.get(f"{issuer}/{SCHOOL['slug']}/did.json").json()["id"]
    seeded.leerbedrijf_did = httpx.get(f"{issuer}/{LEERBEDRIJF['slug']}/did.json").json()["id"]
    token = stack.run(
        "issuer", "create-token", "--organisation", SCHOOL["slug"], "--name", "demo seeding",
        "--scope", "credentials:issue",
    ).strip().splitlines()[-1]  # fmt: skip
    seeded.offers = _issue_demo_results(issuer, token)
    if "verifier" not in stack.processes:
        return seeded
    for did, name, kind, types in (
        (seeded.school_did, SCHOOL["name"], "school", "*"),
        (
            seeded.leerbedrijf_did,
            LEERBEDRIJF["name"],
            "leerbedrijf",
            "PraktijkverklaringCredential",
        ),
    ):
        stack.run("verifier", "trust", "add", did, "--name", name, "--kind", kind, "--types", types)
    stack.run("verifier", "trust", "import", str(x509_trust))
    register = stack.data_dir / "accreditations.csv"
    register.write_text(
        "did,crebo\n" + "".join(f"{seeded.school_did},{crebo}\n" for crebo in SCHOOL_OFFERS),
        encoding="utf-8",
    )
    stack.run("verifier", "trust", "accreditations", str(register))
    if "wallet" not in stack.processes:
        return seeded
    try:
        stack.run(
            "wallet", "create-account", "--email", WALLET_ACCOUNT["email"], "--name",
            WALLET_ACCOUNT["name"], "--password", WALLET_ACCOUNT["password"],
        )  # fmt: skip
        seeded.wallet_ready = True
    except RuntimeError as exc:
        seeded.wallet_ready = "exists" in str(exc).lower()
    return seeded


def dev_ca_dir(stack: Stack) -> Path:
    return stack.data_dir / "dev-ca"


def _dev_cas(stack: Stack) -> Path:
    """Give each demo organisation a development X.509 chain (``issuer dev-ca``, once: its
    root is kept in the data dir) so it issues SD-JWT VCs; returns the trust list file that
    names each root as a CA entry with the organisation's policy; the roots also form
    the verifier's anchors file (``VERIFIER_X509_TRUST_ANCHORS_FILE``) from the next start."""
    folder = dev_ca_dir(stack)
    entries: list[dict[str, Any]] = []
    roots: list[str] = []
    for org, types in ((SCHOOL, ["*"]), (LEERBEDRIJF, ["PraktijkverklaringCredential"])):
        anchor = folder / f"{org['slug']}-root.pem"
        if not anchor.exists():
            stack.run("issuer", "dev-ca", "--organisation", org["slug"],
                      "--anchor-out", str(anchor))  # fmt: skip
        roots.append(anchor.read_text(encoding="ascii"))
        entries.append({"x509": {"ca": roots[-1]}, "name": org["name"], "kind": org["kind"],
                        "credentialTypes": types})  # fmt: skip
    (folder / "anchors.pem").write_text("".join(roots), encoding="ascii")
    trust_file = folder / "trust-x509.json"
    trust_file.write_text(json.dumps({"issuers": entries}, indent=2), encoding="utf-8")
    return trust_file


def _issue_demo_results(issuer: str, token: str) -> list[dict[str, str]]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=issuer, headers=headers, timeout=30) as client:
        preview = client.post("/api/batches", files={"file": ("demo.csv", _csv(DEMO_RESULTS),
                                                          "text/csv")})  # fmt: skip
        preview.raise_for_status()
        batch: dict[str, Any] = preview.json()
        batch_id = batch["id"]
        if batch.get("status") == "previewed":
            client.post(f"/api/batches/{batch_id}/confirm").raise_for_status()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = client.get(f"/api/batches/{batch_id}").json()
            if status["status"] in ("done", "failed", "cancelled"):
                break
            time.sleep(0.3)
        offers = client.get(f"/api/batches/{batch_id}/offers.csv")
        if offers.status_code != 200:  # downloaded by an earlier run: shown once only
            return []
        return list(csv.DictReader(io.StringIO(offers.content.decode("utf-8-sig")), delimiter=";"))

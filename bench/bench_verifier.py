"""Verifier throughput and latency over HTTP, with warm caches.

    python bench/bench_verifier.py [--requests 300]

Starts a real issuer process (SQLite) and a real verifier process (one uvicorn worker) on
localhost, issues five mbo credentials through the issuer's VC-API, wraps them in a
presentation signed by the holder, and POSTs it to ``/presentations/verify`` repeatedly:
DID documents and status lists are fetched once over HTTP, then served from the verifier's
bounded caches. Prints p50/p95/p99 latency and requests per second, and the same for a single
credential. Target (issue "Verifier service"): p95 < 15 ms for a 5-credential presentation.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from credentials.contexts import VC_V2
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.verification import sign_presentation

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args], env=env, cwd=ROOT, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return done.stdout


def wait_ready(url: str, deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(client: httpx.Client, path: str, body: dict[str, Any], n: int) -> list[float]:
    for _ in range(20):  # warm-up: fills DID and status-list caches
        assert client.post(path, json=body).status_code == 200
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.post(path, json=body)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:300]
    return times


def report(label: str, times: list[float]) -> None:
    total = sum(times) / 1000
    print(
        f"  {label:38s} p50 {statistics.median(times):6.2f} ms  p95 {percentile(times, 95):6.2f} ms"
        f"  p99 {percentile(times, 99):6.2f} ms  {len(times) / total:6.0f} req/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    options = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-verifier-"))
    issuer_port, verifier_port = free_port(), free_port()
    issuer_host = f"localhost:{issuer_port}"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("ISSUER_", "VERIFIER_"))}
    issuer_env = {
        **base_env,
        "ISSUER_DATABASE_URL": f"sqlite:///{tmp / 'issuer.db'}",
        "ISSUER_PUBLIC_BASE_URL": f"http://{issuer_host}",
        "ISSUER_BATCH_WORKER_IN_PROCESS": "false",
        "ISSUER_LOG_LEVEL": "WARNING",
    }
    verifier_env = {
        **base_env,
        "VERIFIER_DATABASE_URL": f"sqlite:///{tmp / 'verifier.db'}",
        "VERIFIER_PUBLIC_BASE_URL": f"http://localhost:{verifier_port}",
        "VERIFIER_DEV_ALLOW_HOSTS": f'["{issuer_host}"]',
        "VERIFIER_LOG_LEVEL": "WARNING",
    }
    run(["issuer", "migrate"], issuer_env)
    run(["issuer", "create-organisation", "--slug", "roc", "--name", "ROC Bench"], issuer_env)
    token = run(["issuer", "create-token", "--organisation", "roc", "--name", "bench",
                 "--scope", "credentials:issue"], issuer_env).strip().splitlines()[-1]  # fmt: skip
    run(["verifier", "migrate"], verifier_env)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "issuer", "serve", "--port", str(issuer_port)],
            env=issuer_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "verifier", "serve", "--port", str(verifier_port)],
            env=verifier_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    try:
        wait_ready(f"http://{issuer_host}/healthz")
        wait_ready(f"http://localhost:{verifier_port}/healthz")
        did = httpx.get(f"http://{issuer_host}/roc/did.json").json()["id"]
        run(["verifier", "trust", "add", did, "--name", "ROC Bench"], verifier_env)
        holder = Ed25519KeyPair.generate()
        credentials = []
        with httpx.Client(base_url=f"http://{issuer_host}", timeout=10) as issuer:
            for i in range(5):
                unsigned = mbo_certificaat(
                    issuer_id=did, subject_id=holder.did_key,
                    credential_id=f"urn:uuid:00000000-0000-4000-8000-00000000000{i}",
                )  # fmt: skip
                response = issuer.post(
                    "/credentials/issue",
                    json={"credential": unsigned},
                    headers={"Authorization": f"Bearer {token}"},
                )
                response.raise_for_status()
                credentials.append(response.json()["verifiableCredential"])
        domain = f"http://localhost:{verifier_port}"
        presentation = sign_presentation(
            {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": holder.did_key,
             "verifiableCredential": credentials},
            holder, holder.did_key_verification_method, challenge="bench", domain=domain,
            created="2026-01-01T00:00:00Z",
        )  # fmt: skip
        print(f"verifier: one uvicorn worker; issuer did:web {did}; {options.requests} requests")
        with httpx.Client(base_url=domain, timeout=10) as client:
            report(
                "5-credential presentation",
                measure(client, "/presentations/verify",
                        {"verifiablePresentation": presentation,
                         "options": {"challenge": "bench", "domain": domain}},
                        options.requests),
            )  # fmt: skip
            report(
                "1 credential",
                measure(client, "/credentials/verify",
                        {"verifiableCredential": credentials[0]}, options.requests),
            )  # fmt: skip
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


if __name__ == "__main__":
    main()

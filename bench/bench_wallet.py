"""Wallet benchmarks: the passport page for a person with 200 credentials (target p95 under
100 ms), and creating a share link (a holder-signed presentation) of 5 credentials.

    python bench/bench_wallet.py [--credentials 200] [--rounds 50]

Runs the real app in-process (TestClient) on a temporary SQLite database; credentials are
signed by a did:key issuer and received through the normal upload path (verified on receipt).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient

from credentials.data_integrity import add_proof
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from wallet.app import create_app
from wallet.settings import WalletSettings
from web_common.migrations import upgrade

ISSUER = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
PASSWORD = "correct horse battery"


def _credential(subject: str, number: int) -> dict[str, object]:
    credential = mbo_certificaat(
        issuer_id=ISSUER.did_key,
        subject_id=subject,
        credential_id=f"urn:uuid:6b7a0f44-0000-4000-8000-{number:012d}",
    )
    credential["credentialSubject"]["achievement"]["dossierVersion"] = "sbb-2755"
    return add_proof(
        credential, ISSUER, ISSUER.did_key_verification_method, created="2026-07-01T00:00:00Z"
    )


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--credentials", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'wallet.db'}"
        upgrade("wallet", url)
        settings = WalletSettings(
            environment="test",
            database_url=url,
            log_json=False,
            log_level="WARNING",
            public_base_url="http://wallet.test",
        )
        with TestClient(create_app(settings), base_url="http://wallet.test") as client:
            body = client.post(
                "/api/accounts",
                json={"email": "b@example.nl", "name": "Bench", "password": PASSWORD},
            ).json()
            headers = {"X-CSRF-Token": body["csrf_token"]}
            started = time.perf_counter()
            ids = []
            for n in range(args.credentials):
                response = client.post(
                    "/api/credentials",
                    headers=headers,
                    json={"credential": _credential(body["holder_did"], n)},
                )
                assert response.status_code == 201, response.text
                ids.append(response.json()["id"])
            receive = time.perf_counter() - started
            print(
                f"received and verified {args.credentials} credentials in {receive:.1f} s "
                f"({receive / args.credentials * 1000:.1f} ms each)"
            )
            client.put("/api/goal", headers=headers, json={"qualification": "25498"})
            html = {"Accept": "text/html"}
            client.get("/", headers=html)  # warm up
            samples = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                page = client.get("/", headers=html)
                samples.append(time.perf_counter() - t)
                assert page.status_code == 200
            print(
                f"passport page, {args.credentials} credentials, with progress: "
                f"{_percentiles(samples)} (target p95 < 100 ms)"
            )
            samples = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                response = client.post(
                    "/api/shares", headers=headers, json={"credentials": ids[:5], "valid_days": 7}
                )
                samples.append(time.perf_counter() - t)
                assert response.status_code == 201
            print(
                f"share link creation (5 credentials, signed presentation + QR): "
                f"{_percentiles(samples)}"
            )


if __name__ == "__main__":
    main()

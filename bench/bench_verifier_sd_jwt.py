"""Verifier latency for five SD-JWT VC presentations, beside the Data Integrity one.

    python bench/bench_verifier_sd_jwt.py [--requests 200]

Starts a real verifier process (one uvicorn worker, SQLite) with a development CA as its
``VERIFIER_X509_TRUST_ANCHORS_FILE`` and that CA on its trust list, and a tiny status-list
server (a thread of this process) serving the issuer's ``statuslist+jwt``. Five mbo
credentials are issued as SD-JWT VCs the way the issuer does (flat claims, every one a
Disclosure, ES256 with ``x5c``, Token Status List, ``vct#integrity``), presented with a
selection and a KB-JWT. Measured:

- in process: :func:`verifier.services.checking.check_sd_jwt_presentation` for the five
  (what one OpenID4VP ``vp_token`` with five presentations costs the verifier, status list
  cached as in the service);
- over HTTP: the five posted to ``/credentials/verify`` (``application/json`` with
  ``options.challenge``/``domain``), one after the other, timed together;
- over HTTP: one SD-JWT VC as an ``application/dc+sd-jwt`` body.

Run ``python bench/bench_verifier.py`` for the 5-credential Data Integrity presentation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_verifier import free_port, percentile, run, wait_ready

from credentials.examples import mbo_certificaat
from credentials.jwk import P256KeyPair
from credentials.keys import Ed25519KeyPair
from credentials.sd_jwt_holder import KeyBindingRequest, present
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import issue_sd_jwt_vc
from credentials.token_status_list import (
    StatusReference,
    TokenStatusList,
    sign_status_list_token,
)
from credentials.type_metadata import integrity_of
from credentials.x509_dev_ca import create_leaf, create_root_ca
from qualifications import load_catalog
from qualifications.sd_jwt_vc_claims import sd_jwt_vc_claims, type_metadata_bytes
from verifier.services.checking import check_sd_jwt_presentation
from verifier.services.sd_jwt_fetching import (
    CachingTokenStatusFetcher,
    TypeMetadataFetcher,
)

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "schemas" / "catalog" / "sample.json"
NONCE = "bench-nonce"


def _status_server(token: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = token.encode("ascii")
            self.send_response(200)
            self.send_header("Content-Type", "application/statuslist+jwt")
            self.send_header("Cache-Control", "max-age=60")
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def report(label: str, times: list[float]) -> None:
    print(
        f"  {label:44s} p50 {statistics.median(times):6.2f} ms  p95 {percentile(times, 95):6.2f}"
        f" ms  p99 {percentile(times, 99):6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    options = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-verifier-sd-jwt-"))
    now = datetime.now(UTC)
    moment = int(now.timestamp())
    status_port = free_port()
    iss = f"http://localhost:{status_port}/roc"
    root = create_root_ca("bench root", now=now)
    leaf = create_leaf(root, "ROC Bench", organization="ROC Bench", san_uris=[iss], now=now)
    status_leaf = create_leaf(root, "ROC Bench status", san_uris=[iss], now=now)
    status_uri = f"{iss}/token-status/1"
    token = sign_status_list_token(
        TokenStatusList.new(1024), status_leaf.key, uri=status_uri, iat=moment, ttl=60,
        header={"x5c": status_leaf.x5c([])},
    )  # fmt: skip
    catalog = load_catalog(CATALOG)
    holder = P256KeyPair.generate()
    did_holder = Ed25519KeyPair.generate()
    verifier_port = free_port()
    audience = f"http://localhost:{verifier_port}"
    presentations = []
    for i in range(5):
        credential = mbo_certificaat(
            issuer_id="did:web:bench.example", subject_id=did_holder.did_key,
            credential_id=f"urn:uuid:00000000-0000-4000-8000-00000000000{i}",
        )  # fmt: skip
        mapped = sd_jwt_vc_claims(credential, catalog)
        claims = {k: v if k == "kind" else Sd(v) for k, v in mapped.claims.items()}
        issued = issue_sd_jwt_vc(
            vct=mapped.vct, iss=iss, claims=claims, signer=leaf.key, iat=moment - 60,
            nbf=mapped.nbf, holder_jwk=holder.public_jwk, status=StatusReference(i, status_uri),
            vct_integrity=integrity_of(type_metadata_bytes(mapped.kind)), x5c=leaf.x5c([]),
        )  # fmt: skip
        selection = [(n,) for n in mapped.claims if n != "achievement_description"]
        presentations.append(present(issued.compact, select=selection, key_binding=(
            KeyBindingRequest(holder, audience, NONCE, moment))))  # fmt: skip

    server = _status_server(token, status_port)

    # in process: the service function, status list cached like the service does
    client = httpx.Client()
    fetcher = CachingTokenStatusFetcher(
        client, allow_hosts=[f"localhost:{status_port}"], resolve=lambda h, p: ["127.0.0.1"]
    )
    metadata = TypeMetadataFetcher(None)

    def check_five() -> None:
        for text in presentations:
            report_ = check_sd_jwt_presentation(
                text, nonce=NONCE, audience=audience, trusted={}, now=datetime.now(UTC),
                fetch_status_list=fetcher, require_key_binding=True,
                anchors=[root.certificate], fetch_type_metadata=metadata,
            )  # fmt: skip
            assert report_.verdict.value == "warning", report_.credentials[0].result.checks

    for _ in range(10):
        check_five()
    in_process = []
    for _ in range(options.requests):
        start = time.perf_counter()
        check_five()
        in_process.append((time.perf_counter() - start) * 1000)

    anchors = tmp / "anchors.pem"
    anchors.write_bytes(root.pem)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}
    env = {
        **base_env,
        "VERIFIER_DATABASE_URL": f"sqlite:///{tmp / 'verifier.db'}",
        "VERIFIER_PUBLIC_BASE_URL": audience,
        "VERIFIER_DEV_ALLOW_HOSTS": f'["localhost:{status_port}"]',
        "VERIFIER_X509_TRUST_ANCHORS_FILE": str(anchors),
        "VERIFIER_LOG_LEVEL": "WARNING",
    }
    run(["verifier", "migrate"], env)
    trust = tmp / "trust.json"
    pem = root.pem.decode().replace("\n", "\\n")
    trust.write_text('{"issuers": [{"x509": {"ca": "' + pem + '"}, "name": "ROC Bench", '
                     '"kind": "school", "credentialTypes": ["*"]}]}')  # fmt: skip
    run(["verifier", "trust", "import", str(trust)], env)
    process = subprocess.Popen(
        [sys.executable, "-m", "verifier", "serve", "--port", str(verifier_port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_ready(f"{audience}/healthz")
        options_json = {"challenge": NONCE, "domain": audience}
        with httpx.Client(base_url=audience, timeout=10) as http:

            def post_five() -> None:
                for text in presentations:
                    response = http.post("/credentials/verify", json={
                        "verifiableCredential": text, "options": options_json})  # fmt: skip
                    assert response.status_code == 200, response.text[:300]
                    assert response.json()["verdict"] == "valid", response.text[:600]

            for _ in range(10):
                post_five()
            over_http = []
            for _ in range(options.requests):
                start = time.perf_counter()
                post_five()
                over_http.append((time.perf_counter() - start) * 1000)
            single = []
            body = presentations[0].encode()
            for _ in range(options.requests):
                start = time.perf_counter()
                response = http.post("/credentials/verify", content=body,
                                     headers={"content-type": "application/dc+sd-jwt"})  # fmt: skip
                single.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text[:300]
        print(f"verifier: one uvicorn worker; {options.requests} rounds; SD-JWT VC x5c ES256, "
              f"{len(presentations[0])} bytes each with KB-JWT")  # fmt: skip
        report("5 SD-JWT VCs, check_sd_jwt_presentation", in_process)
        report("5 SD-JWT VCs, 5 x POST /credentials/verify", over_http)
        report("1 SD-JWT VC, POST application/dc+sd-jwt", single)
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.shutdown()


if __name__ == "__main__":
    main()

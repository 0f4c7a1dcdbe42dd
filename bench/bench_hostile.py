"""Honest traffic while attackers arrive: does anything freeze?

    python bench/bench_hostile.py [--seconds 20] [--postgres] [--attackers N]
                                  [--honest-rate 15 | --closed-loop]

Loopback only, bounded in time. Starts a real issuer and a real verifier process (one uvicorn
worker each; SQLite, or fresh PostgreSQL databases with ``--postgres``), issues an honest
credential, then runs two phases of ``--seconds`` each:

* **quiet**: ``/healthz`` probes on both services every 50 ms, and honest clients that verify a
  credential at the verifier, issue one at the issuer and fetch a status list, each kind
  ``--honest-rate`` times a second at fixed times (open loop: the load a school's and its
  employers' systems put on a service, well below what it can do; a request's time counts
  from when it was due, so a late one is charged its wait); with ``--closed-loop`` instead
  one client per kind sending the next request as soon as it has the answer, which fills the
  machine in the quiet phase already, so that under attack its latency says what share of
  the service it got rather than how fast it was served;
* **attack**: the same, while attackers send poison graphs (blank nodes that all point at each
  other) and ``@context`` bombs to the verifier's VC-API and OpenID4VP ``direct_post``, a
  hostile credential to the issuer's VC-API, slow request bodies and wrong or already used
  offer codes to the issuer's token endpoint.

Prints ``/healthz`` p50/p99 per service and honest p50/p95 per phase, for every kind of
hostile request how many were sent, how they were answered and the slowest answer, and the
CPU seconds each process used per phase (issuer, verifier, the honest clients, the
attackers), to tell a service that queues from a machine that is simply full. Targets
(issue "Hardening"): ``/healthz`` p99 < 100 ms under attack; honest p95 within 2x of quiet;
every hostile request answered with a 4xx within its budget.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.fernet import Fernet

from credentials.contexts import VC_V2
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.multibase import encode_base58btc
from verifier.services.presentation_requests import QUERY_ID

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(service: str, args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", service, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def wait_ready(url: str, deadline: float = 40.0) -> None:
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
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- hostile documents ------------------------------------------------------------------------


ATTACKER = Ed25519KeyPair.generate()


def fake_proof() -> dict[str, Any]:
    """A well-formed Data Integrity proof by a real did:key with a wrong 64-byte signature:
    verification has to canonicalise the document before it can tell."""
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": ATTACKER.did_key_verification_method,
        "proofPurpose": "assertionMethod",
        "proofValue": encode_base58btc(os.urandom(64)),
    }


def poison_graph(nodes: int = 8) -> dict[str, Any]:
    """A credential whose subject is ``nodes`` blank nodes that all point at each other: the
    worst case of RDFC-1.0's N-degree hash."""
    ids = [f"_:b{i}" for i in range(nodes)]
    subjects = [{"id": me, "knows": [other for other in ids if other != me]} for me in ids]
    return {
        "@context": [VC_V2, {"knows": {"@id": "https://example.org/knows", "@type": "@id"}}],
        "type": ["VerifiableCredential"],
        "issuer": ATTACKER.did_key,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": subjects,
        "proof": fake_proof(),
    }


def context_bomb(entries: int = 20_000) -> dict[str, Any]:
    """The same context repeated many times (about 700 KiB), below the body limit."""
    return {
        "@context": [VC_V2] * entries,
        "type": ["VerifiableCredential"],
        "issuer": ATTACKER.did_key,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:123"},
        "proof": fake_proof(),
    }


# --- the system under test --------------------------------------------------------------------


@dataclass
class System:
    issuer: str
    verifier: str
    token: str
    did: str
    honest: dict[str, Any]
    status_url: str
    used_code: str
    locked_code: str
    request_id: str
    pids: dict[str, int] = field(default_factory=dict)


@contextmanager
def databases(postgres: bool, tmp: Path) -> Iterator[tuple[str, str]]:
    if not postgres:
        yield f"sqlite:///{tmp / 'issuer.db'}", f"sqlite:///{tmp / 'verifier.db'}"
        return
    import psycopg

    names = [f"bench_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            urls = [f"postgresql+psycopg://postgres@127.0.0.1:5432/{n}" for n in names]
            yield urls[0], urls[1]
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_offer(database_url: str, base: str, credential_id: str, data_keys: str) -> tuple[str, str]:
    """An OpenID4VCI offer made with the issuer's own service: (pre-authorized code, tx_code)."""
    from sqlalchemy import select

    from issuer.db.tables import IssuedCredential
    from issuer.services.offers import create_offer
    from issuer.services.organisations import get_organisation
    from web_common.db import UnitOfWork, make_engine, make_session_factory
    from web_common.secrets import SecretBox

    engine = make_engine(database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            org = get_organisation(uow, "roc")
            row = uow.session.scalar(
                select(IssuedCredential).where(IssuedCredential.credential_ref == credential_id)
            )
            assert row is not None
            created = create_offer(
                uow, org, row, public_base_url=base, now=datetime.now(UTC),
                box=SecretBox.from_setting(data_keys),
            )  # fmt: skip
            uow.commit()
    finally:
        engine.dispose()
    offer = httpx.get(created.credential_offer_uri, timeout=10).json()
    grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    return str(grant["pre-authorized_code"]), created.tx_code


def token_request(
    base: str, code: str, tx_code: str, client: httpx.Client | None = None
) -> httpx.Response:
    post = client.post if client is not None else httpx.post  # one-off: no client to leak
    return post(
        f"{base}/roc/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": code,
            "tx_code": tx_code,
        },
        timeout=TIMEOUT,
    )


def unsigned_credential(did: str) -> dict[str, Any]:
    credential = mbo_certificaat(
        issuer_id=did, subject_id="unused", credential_id=f"urn:uuid:{uuid.uuid4()}"
    )
    del credential["credentialSubject"]["id"]
    return credential


@contextmanager
def system(postgres: bool) -> Iterator[System]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    issuer_port, verifier_port = free_port(), free_port()
    issuer, verifier = f"http://localhost:{issuer_port}", f"http://localhost:{verifier_port}"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("ISSUER_", "VERIFIER_"))}
    with databases(postgres, tmp) as (issuer_db, verifier_db):
        issuer_env = {
            **base_env,
            "ISSUER_DATABASE_URL": issuer_db,
            "ISSUER_PUBLIC_BASE_URL": issuer,
            "ISSUER_BATCH_WORKER_IN_PROCESS": "false",
            "ISSUER_LOG_LEVEL": "WARNING",
            # known here too: make_offer keys the offers' codes as the issuer does
            "ISSUER_DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        }
        verifier_env = {
            **base_env,
            "VERIFIER_DATABASE_URL": verifier_db,
            "VERIFIER_PUBLIC_BASE_URL": verifier,
            "VERIFIER_DEV_ALLOW_HOSTS": f'["localhost:{issuer_port}"]',
            "VERIFIER_LOG_LEVEL": "WARNING",
        }
        cli("issuer", ["migrate"], issuer_env)
        cli("issuer", ["create-organisation", "--slug", "roc", "--name", "ROC Bench"], issuer_env)
        token = cli(
            "issuer",
            [
                "create-token",
                "--organisation",
                "roc",
                "--name",
                "bench",
                "--scope",
                "credentials:issue",
            ],
            issuer_env,
        ).splitlines()[-1]
        cli("verifier", ["migrate"], verifier_env)
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", service, "serve", "--port", str(port)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for service, port, env in (
                ("issuer", issuer_port, issuer_env),
                ("verifier", verifier_port, verifier_env),
            )
        ]
        try:
            wait_ready(f"{issuer}/healthz")
            wait_ready(f"{verifier}/healthz")
            did = httpx.get(f"{issuer}/roc/did.json", timeout=10).json()["id"]
            cli("verifier", ["trust", "add", did, "--name", "ROC Bench"], verifier_env)
            auth = {"Authorization": f"Bearer {token}"}
            issued = []
            for _ in range(3):
                response = httpx.post(
                    f"{issuer}/credentials/issue",
                    headers=auth,
                    timeout=30,
                    json={"credential": unsigned_credential(did)},
                )
                response.raise_for_status()
                issued.append(response.json()["verifiableCredential"])
            honest = issued[0]
            status_url = honest["credentialStatus"]
            status_url = (status_url[0] if isinstance(status_url, list) else status_url)[
                "statusListCredential"
            ]
            used_code, tx_code = make_offer(
                issuer_db, issuer, issued[1]["id"], issuer_env["ISSUER_DATA_ENCRYPTION_KEYS"]
            )
            assert token_request(issuer, used_code, tx_code).status_code == 200
            locked_code, _ = make_offer(
                issuer_db, issuer, issued[2]["id"], issuer_env["ISSUER_DATA_ENCRYPTION_KEYS"]
            )
            request = httpx.post(
                f"{verifier}/oid4vp/requests", json={"profile": "by_value"}, timeout=10
            )
            request.raise_for_status()
            request_id = str(request.json()["id"])
            pids = {"issuer": processes[0].pid, "verifier": processes[1].pid}
            yield System(
                issuer,
                verifier,
                token,
                did,
                honest,
                status_url,
                used_code,
                locked_code,
                request_id,
                pids,
            )
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()  # an issuer frozen by an attacker ignores SIGTERM


# --- load -------------------------------------------------------------------------------------


@dataclass
class Samples:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    answers: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds used during the phase, per process."""

    def record(self, kind: str, started: float, answer: str) -> None:
        with self.lock:
            self.times[kind].append((time.perf_counter() - started) * 1000)
            self.answers[kind][answer] += 1


def loop(
    until: float,
    samples: Samples,
    kind: str,
    send: Callable[[httpx.Client], httpx.Response],
    pause: float = 0.0,
    source: str | None = None,
) -> None:
    """Send one request after another on one client (as a real client keeps its connection
    and TLS set-up: a new ``httpx.Client`` per request costs ~25 ms of the bench's own CPU,
    which would be measured as server latency), from loopback address ``source``."""
    transport = httpx.HTTPTransport(local_address=source) if source else None
    with httpx.Client(timeout=TIMEOUT, transport=transport) as client:
        _loop(until, samples, kind, partial(send, client), pause)


def _loop(
    until: float,
    samples: Samples,
    kind: str,
    send: Callable[[], httpx.Response],
    pause: float,
) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            answer = str(send().status_code)
        except httpx.HTTPError as exc:
            answer = type(exc).__name__
        samples.record(kind, started, answer)
        if pause:
            time.sleep(pause)


SLOW_BODY_BUDGET = 10.0
"""The services' default ``*_BODY_READ_TIMEOUT_SECONDS``: a trickled body is answered 408
within this (plus a second per 64 KiB received, nothing for a trickle)."""
SLOW_BODY_GRACE = 5.0
"""How much longer than its budget a slow body waits for its answer before "no answer"."""


def slow_body(until: float, samples: Samples, host: str, port: int, source: str) -> None:
    """POST to the token endpoint, sending the declared body one byte every half second.

    New slow bodies start until ``until``; the one in progress then keeps trickling until it is
    answered or its budget and grace are over (stopping at the end of the phase would count a
    body the server had not yet had time to refuse as "no answer")."""
    while time.monotonic() < until:
        started = time.perf_counter()
        give_up = time.monotonic() + SLOW_BODY_BUDGET + SLOW_BODY_GRACE
        answer = "no answer"
        try:
            with socket.create_connection(
                (host, port), timeout=TIMEOUT, source_address=(source, 0)
            ) as s:
                s.sendall(
                    b"POST /roc/token HTTP/1.1\r\nHost: localhost\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 4000\r\n\r\n"
                )
                s.settimeout(0.5)
                while time.monotonic() < give_up:
                    try:
                        s.sendall(b"a")
                        data = s.recv(64)
                        if data:
                            answer = data.split(b" ", 2)[1].decode() if b" " in data else "?"
                            break
                        answer = "closed"
                        break
                    except TimeoutError:
                        continue
                    except OSError:
                        answer = "closed"
                        break
        except OSError as exc:
            answer = type(exc).__name__
        samples.record("slow body → issuer token", started, answer)


def attacker_address(number: int) -> str:
    """The loopback address attacker ``number`` sends from (honest clients use 127.0.0.1)."""
    return f"127.0.66.{1 + number % 250}"


Send = Callable[[httpx.Client], httpx.Response]


def paced(
    until: float,
    samples: Samples,
    kind: str,
    send: Send,
    rate: float,
    senders: int = 4,
) -> list[Callable[[], None]]:
    """Open-loop load: ``rate`` requests a second at fixed times, whatever the answers, from
    ``senders`` clients that take turns (as many independent users do). A request's time runs
    from when it was *due*, so one that had to wait for a sender is charged that wait too (no
    coordinated omission: a slow server cannot lower its own offered load)."""
    start = time.monotonic() + 0.05
    interval = 1.0 / rate

    def sender(number: int) -> None:
        with httpx.Client(timeout=TIMEOUT) as client:
            due = start + number * interval
            while due < until:
                time.sleep(max(0.0, due - time.monotonic()))
                started = time.perf_counter() - max(0.0, time.monotonic() - due)
                try:
                    answer = str(send(client).status_code)
                except httpx.HTTPError as exc:
                    answer = type(exc).__name__
                samples.record(kind, started, answer)
                due += senders * interval

    return [partial(sender, number) for number in range(senders)]


def run_jobs(jobs: list[Callable[[], None]], seconds: float) -> None:
    threads = [threading.Thread(target=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT + 5)


def honest_jobs(
    sut: System, until: float, samples: Samples, rate: float | None
) -> list[Callable[[], None]]:
    """``/healthz`` probes every 50 ms and the honest kinds: ``rate`` requests a second each
    (open loop, :func:`paced`), or with ``rate`` None one client per kind sending the next
    request as soon as the last is answered (closed loop: that fills the machine, so its
    latency is the share of the service an honest client gets, not how fast it is served)."""
    auth = {"Authorization": f"Bearer {sut.token}"}
    jobs: list[Callable[[], None]] = []

    def every(kind: str, send: Send, pause: float = 0.0) -> None:
        jobs.append(lambda: loop(until, samples, kind, send, pause))

    every("healthz issuer", lambda c: c.get(f"{sut.issuer}/healthz"), 0.05)
    every("healthz verifier", lambda c: c.get(f"{sut.verifier}/healthz"), 0.05)
    honest: dict[str, Send] = {
        "honest verify": lambda c: c.post(
            f"{sut.verifier}/credentials/verify", json={"verifiableCredential": sut.honest}
        ),
        "honest issue": lambda c: c.post(
            f"{sut.issuer}/credentials/issue",
            headers=auth,
            json={"credential": unsigned_credential(sut.did)},
        ),
        "honest status list": lambda c: c.get(sut.status_url),
    }
    for kind, send in honest.items():
        if rate is None:
            every(kind, send)
        else:
            jobs.extend(paced(until, samples, kind, send, rate))
    return jobs


def _json_body(value: Any) -> dict[str, Any]:
    """Encoded once: the attacker's CPU is not what is measured."""
    return {
        "content": json.dumps(value).encode(),
        "headers": {"Content-Type": "application/json"},
    }


def hostile_jobs(
    sut: System, until: float, samples: Samples, attackers: int
) -> list[Callable[[], None]]:
    jobs: list[Callable[[], None]] = []

    def hostile(kind: str, send: Send) -> None:
        source = attacker_address(len(jobs) % attackers)
        jobs.append(lambda: loop(until, samples, kind, send, 0.0, source))

    poison, bomb = poison_graph(), context_bomb()
    poison_vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [poison],
        "proof": fake_proof(),
    }
    verify = f"{sut.verifier}/credentials/verify"
    poison_body, bomb_body = (
        _json_body({"verifiableCredential": poison}),
        _json_body({"verifiableCredential": bomb}),
    )
    for _ in range(2):
        hostile("poison graph → verifier VC-API", lambda c: c.post(verify, **poison_body))
    hostile("context bomb → verifier VC-API", lambda c: c.post(verify, **bomb_body))
    vp_form = {"vp_token": json.dumps({QUERY_ID: [poison_vp]}), "state": sut.request_id}
    hostile(
        "poison graph → verifier direct_post",
        lambda c: c.post(f"{sut.verifier}/oid4vp/response/{sut.request_id}", data=vp_form),
    )
    issue_body = _json_body({"credential": poison})
    issue_body["headers"]["Authorization"] = f"Bearer {sut.token}"
    hostile(
        "poison graph → issuer VC-API",
        lambda c: c.post(f"{sut.issuer}/credentials/issue", **issue_body),
    )
    for code, kind in ((sut.used_code, "used code"), (sut.locked_code, "wrong tx_code")):
        for _ in range(2):
            hostile(f"{kind} → issuer token", partial(token_request, sut.issuer, code, "000000"))
    port = int(urlsplit(sut.issuer).port or 80)
    for number in range(4):
        source = attacker_address(number % attackers)
        jobs.append(partial(slow_body, until, samples, "127.0.0.1", port, source))
    return jobs


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _attack_process(sut: System, until: float, seconds: float, attackers: int, out: Any) -> None:
    samples = Samples()
    started = time.process_time()
    run_jobs(hostile_jobs(sut, until, samples, attackers), seconds)
    used = time.process_time() - started
    out.put((dict(samples.times), {k: dict(v) for k, v in samples.answers.items()}, used))


def phase(
    sut: System, seconds: float, attack: bool, rate: float | None, attackers: int = 1
) -> Samples:
    """One phase; the attackers run in a process of their own, so that the honest clients'
    latencies are not the bench's own GIL contention."""
    samples = Samples()
    until = time.monotonic() + seconds
    attacker = None
    services_before = {name: cpu_seconds(pid) for name, pid in sut.pids.items()}
    own_before = time.process_time()
    if attack:
        context = multiprocessing.get_context("fork")  # before any thread of ours starts
        results = context.Queue()
        attacker = context.Process(
            target=_attack_process, args=(sut, until, seconds, attackers, results)
        )
        attacker.start()
    run_jobs(honest_jobs(sut, until, samples, rate), seconds)
    samples.cpu["honest clients"] = time.process_time() - own_before
    for name, pid in sut.pids.items():
        samples.cpu[name] = cpu_seconds(pid) - services_before[name]
    samples.cpu["attackers"] = 0.0
    if attacker is not None:
        times, answers, samples.cpu["attackers"] = results.get(timeout=seconds + TIMEOUT + 10)
        attacker.join(timeout=10)
        for kind, values in times.items():
            samples.times[kind].extend(values)
        for kind, counts in answers.items():
            samples.answers[kind].update(counts)
    return samples


def cpu_summary(quiet: Samples, attack: Samples, seconds: float) -> None:
    cores = os.cpu_count() or 1
    print(f"CPU seconds per phase ({seconds:.0f} s wall each, {cores} cores):")
    print(f"  {'':32s} {'quiet':>8s} {'attack':>8s}")
    for name in ("issuer", "verifier", "honest clients", "attackers"):
        print(f"  {name:32s} {quiet.cpu.get(name, 0.0):7.1f}s {attack.cpu.get(name, 0.0):7.1f}s")
    q, a = sum(quiet.cpu.values()), sum(attack.cpu.values())
    print(
        f"  {'all':32s} {q:7.1f}s {a:7.1f}s   "
        f"(of all the machine's CPU: {q / (seconds * cores):.0%} / {a / (seconds * cores):.0%})"
    )


def summary(quiet: Samples, attack: Samples) -> None:
    print(
        f"{'':34s} {'quiet p50':>10s} {'quiet p95/99':>12s} {'attack p50':>11s} "
        f"{'attack p95/99':>13s} {'ratio':>6s}"
    )
    for kind, p in (
        ("healthz issuer", 99),
        ("healthz verifier", 99),
        ("honest verify", 95),
        ("honest issue", 95),
        ("honest status list", 95),
    ):
        q, a = quiet.times[kind], attack.times[kind]
        ratio = percentile(a, p) / percentile(q, p) if q else float("nan")
        print(
            f"  {kind:32s} {statistics.median(q):8.1f}ms {percentile(q, p):10.1f}ms "
            f"{statistics.median(a) if a else float('nan'):9.1f}ms {percentile(a, p):11.1f}ms "
            f"{ratio:5.1f}x   (n={len(q)}/{len(a)}, p{p}; attack answers "
            f"{dict(attack.answers[kind])})"
        )
    print("hostile requests (answers by status; slowest answer):")
    for kind in sorted(attack.times):
        if kind.startswith(("healthz", "honest")):
            continue
        print(
            f"  {kind:38s} n={len(attack.times[kind]):4d}  {dict(attack.answers[kind])}  "
            f"max {max(attack.times[kind]):8.0f} ms"
        )
    slow = attack.times.get("slow body → issuer token", [])
    if slow:
        late = sum(1 for t in slow if t > (SLOW_BODY_BUDGET + 1) * 1000)
        print(f"  slow bodies answered later than budget + 1 s: {late} of {len(slow)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--attackers",
        type=int,
        default=1,
        help="loopback addresses the hostile requests come from (honest ones: 127.0.0.1)",
    )
    parser.add_argument(
        "--honest-rate",
        type=float,
        default=15.0,
        help="requests a second of each honest kind, sent at fixed times (open loop)",
    )
    parser.add_argument(
        "--closed-loop",
        action="store_true",
        help="instead: one honest client per kind, each sending as fast as it is answered",
    )
    options = parser.parse_args()
    rate = None if options.closed_loop else options.honest_rate
    with system(options.postgres) as sut:
        print(
            f"issuer {sut.issuer}, verifier {sut.verifier}, "
            f"{'PostgreSQL' if options.postgres else 'SQLite'}; "
            f"{options.seconds:.0f} s per phase; honest clients from 127.0.0.1, attackers from "
            f"{attacker_address(0)}..{attacker_address(options.attackers - 1)}; a slow body's "
            f"budget {SLOW_BODY_BUDGET:g} s"
        )
        print(
            "honest load: "
            + ("closed loop, one client per kind" if rate is None else f"{rate:g}/s per kind")
        )
        quiet = phase(sut, options.seconds, attack=False, rate=rate)
        attack = phase(sut, options.seconds, attack=True, rate=rate, attackers=options.attackers)
        summary(quiet, attack)
        cpu_summary(quiet, attack, options.seconds)


if __name__ == "__main__":
    main()

"""Credential engine throughput on one core: eddsa-rdfc-2022 and vc+jwt, with Ed25519 as floor.

    python bench/bench_credentials.py [--seconds 3]

Prints sign/s and verify/s for a typical mbo-certificaat (Open Badges 3.0 shape, about 2 KB),
the same through plain pyld (no context caching) for comparison, and raw Ed25519 sign/verify.
Targets (issue "Foundation"): eddsa-rdfc-2022 sign >= 1,200/s, verify >= 1,000/s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from typing import Any

from credentials.canonicalization import default_engine, plain_pyld_canonicalize
from credentials.data_integrity import add_proof, hash_data, verify_proofs
from credentials.did import StaticDidResolver
from credentials.examples import mbo_certificaat
from credentials.jose import sign_vc_jwt, verify_vc_jwt
from credentials.keys import Ed25519KeyPair

CREATED = "2026-07-01T09:00:00Z"


def rate(fn: Callable[[], Any], seconds: float) -> tuple[float, float]:
    """Operations per second and mean latency (µs), after a warm-up."""
    for _ in range(20):
        fn()
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            fn()
        n += 50
        now = time.perf_counter()
        if now >= deadline:
            break
    elapsed = now - start
    return n / elapsed, elapsed / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    key = Ed25519KeyPair.generate()
    holder = Ed25519KeyPair.generate()
    credential = mbo_certificaat(issuer_id=key.did_key, subject_id=holder.did_key)
    vm = key.did_key_verification_method
    engine = default_engine()
    resolver = StaticDidResolver()
    signed = add_proof(credential, key, vm, created=CREATED)
    size = len(json.dumps(signed).encode())
    assert all(r.verified for r in verify_proofs(signed, resolver=resolver))

    rows: list[tuple[str, float, float]] = []

    def measure(label: str, fn: Callable[[], Any]) -> None:
        ops, us = rate(fn, args.seconds)
        rows.append((label, ops, us))
        print(f"  {label:44s} {ops:9.0f}/s  {us:8.1f} µs", flush=True)

    print(f"Python {platform.python_version()} on {platform.machine()}, one core")
    print(
        f"credential: mbo-certificaat, {len(json.dumps(credential).encode())} bytes unsigned, "
        f"{size} bytes signed"
    )
    measure(
        "eddsa-rdfc-2022 sign (cached engine)",
        lambda: add_proof(credential, key, vm, created=CREATED),
    )
    measure(
        "eddsa-rdfc-2022 verify (cached engine)",
        lambda: verify_proofs(signed, resolver=resolver, engine=engine),
    )
    measure("canonicalize document (cached engine)", lambda: engine.canonicalize(credential))
    loader = engine.loader
    measure(
        "canonicalize document (plain pyld)", lambda: plain_pyld_canonicalize(credential, loader)
    )

    def plain_sign() -> None:
        config = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": CREATED,
            "verificationMethod": vm,
            "proofPurpose": "assertionMethod",
            "@context": credential["@context"],
        }
        key.sign(
            hash_data(
                plain_pyld_canonicalize(config, loader), plain_pyld_canonicalize(credential, loader)
            )
        )

    measure("eddsa-rdfc-2022 sign (plain pyld)", plain_sign)
    token = sign_vc_jwt(credential, key, vm)
    assert verify_vc_jwt(token, resolver).verified
    measure("vc+jwt sign", lambda: sign_vc_jwt(credential, key, vm))
    measure("vc+jwt verify", lambda: verify_vc_jwt(token, resolver))
    message = hash_data("a", "b")
    signature = key.sign(message)
    measure("raw Ed25519 sign (64-byte message)", lambda: key.sign(message))
    measure("raw Ed25519 verify", lambda: key.verify(signature, message))


if __name__ == "__main__":
    main()

"""The issuer and the verifier as real processes hold back a client whose requests they
refuse as hostile (``web_common.strikes``): after its burst of strikes its next request gets
429 with ``Retry-After``, answered only when it may send again, while another client is
served; a verdict (a forged credential is not valid) is never a strike.

The clients are written from the specifications (OpenID4VCI 1.0 §6.1 token requests, VC-API
verify), each from a loopback address of its own (the honest one is 127.0.0.1).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from credentials.data_integrity import add_proof
from credentials.keys import Ed25519KeyPair
from tests.hostile import poison_credential
from tests.vc11 import v11_credential

from ..processes import IssuerProcess, issuer_process, verifier_process
from .test_issuer_stays_responsive import GRANT, _pre_authorized_code

BURST = 3
STRIKE_SECONDS = 1.5


def _from(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def _timed_post(client: httpx.Client, url: str, body: object) -> tuple[float, int]:
    started = time.monotonic()
    response = client.post(url, json=body)
    return time.monotonic() - started, response.status_code


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[IssuerProcess]:
    env = {
        "ISSUER_WORK_STRIKE_BURST": str(BURST),
        "ISSUER_WORK_STRIKE_SECONDS": str(STRIKE_SECONDS),
    }
    with issuer_process(tmp_path, extra_env=env) as process:
        yield process


def test_wrong_codes_from_one_client_are_held_back_and_a_learner_still_gets_a_token(
    issuer: IssuerProcess,
) -> None:
    offer_uri, tx_code = issuer.offer(issuer.issue(1)["id"])
    endpoint, code = _pre_authorized_code(offer_uri)
    guess = {"grant_type": GRANT, "pre-authorized_code": "x" * 43, "tx_code": "000000"}

    with _from("127.0.66.21") as attacker, _from("127.0.0.1") as learner:
        burst = [attacker.post(endpoint, data=guess) for _ in range(BURST)]
        assert [r.status_code for r in burst] == [400] * BURST
        assert {r.json()["error"] for r in burst} == {"invalid_grant"}

        started = time.monotonic()
        held = attacker.post(endpoint, data=guess)
        waited = time.monotonic() - started
        assert held.status_code == 429, held.text
        assert held.headers["content-type"] == "application/problem+json"
        assert int(held.headers["retry-after"]) >= 1
        assert waited > STRIKE_SECONDS / 2  # held back, not answered at once

        token = learner.post(
            endpoint, data={"grant_type": GRANT, "pre-authorized_code": code, "tx_code": tx_code}
        )
        assert token.status_code == 200, token.text
        assert token.json()["token_type"] in ("Bearer", "DPoP")

        time.sleep(STRIKE_SECONDS)  # one strike regained: one more guess is worked on
        assert attacker.post(endpoint, data=guess).status_code == 400


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[str]:
    env = {
        "VERIFIER_WORK_STRIKE_BURST": str(BURST),
        "VERIFIER_WORK_STRIKE_SECONDS": str(STRIKE_SECONDS),
    }
    with verifier_process(tmp_path, env) as base:
        yield base


def _forged(key: Ed25519KeyPair) -> dict[str, object]:
    """A credential signed by ``key``, then changed: its proof does not hold."""
    signed = add_proof(
        v11_credential(key, "did:example:learner"),
        key,
        key.did_key_verification_method,
        created="2020-03-01T08:00:00Z",
    )
    signed["credentialSubject"] = {"id": "did:example:someone-else"}
    return signed


def test_poison_graphs_from_one_client_are_held_back_and_verdicts_never_are(
    verifier: str,
) -> None:
    key = Ed25519KeyPair.generate()
    verify = f"{verifier}/credentials/verify"
    poison = {"verifiableCredential": poison_credential(key)}

    with _from("127.0.66.22") as attacker, _from("127.0.0.1") as employer:
        burst = [attacker.post(verify, json=poison) for _ in range(BURST)]
        assert [r.status_code for r in burst] == [422] * BURST
        assert {r.json()["type"].rsplit("/", 1)[1] for r in burst} == {"budget-exceeded"}

        waited, status = _timed_post(attacker, verify, poison)
        assert status == 429
        assert waited > STRIKE_SECONDS / 2

        # another client's refusal is its own: answered, not held back
        assert employer.post(verify, json=poison).status_code == 422
        # an employer checking forged credentials gets every verdict, as often as they ask
        forged = {"verifiableCredential": _forged(key)}
        verdicts = [employer.post(verify, json=forged) for _ in range(BURST * 3)]
        assert {r.status_code for r in verdicts} == {400}
        assert {r.json()["verified"] for r in verdicts} == {False}

"""Each service reads its operator-pinned contexts at start (``*_EXTRA_CONTEXTS_DIR``) and
refuses to start when a pinned file's hash differs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from credentials.canonicalization import use_operator_contexts
from credentials.contexts import load_context_dir
from credentials.data_integrity import add_proof
from credentials.keys import Ed25519KeyPair
from issuer.app import create_app as create_issuer
from issuer.settings import IssuerSettings
from tests.databases import migrated
from tests.pinned_contexts import EXAMPLES_V2, pinned_folder
from verifier.app import create_app as create_verifier
from verifier.settings import VerifierSettings
from wallet.app import create_app as create_wallet
from wallet.settings import WalletSettings
from web_common.settings import explain_invalid_settings

from .conftest import Clock

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(60, 92)))


@pytest.fixture(autouse=True)
def _bundled_only_afterwards() -> Iterator[None]:
    yield
    use_operator_contexts({})


def _example_credential(shared_dir: Path, folder: Path) -> dict[str, Any]:
    """The W3C alumni example, issued by our test school, signed with the pinned context."""
    unsigned = json.loads((shared_dir / "vectors/vc-di-eddsa/unsigned.json").read_text())
    unsigned["issuer"] = SCHOOL.did_key
    assert EXAMPLES_V2 in unsigned["@context"]
    use_operator_contexts(*load_context_dir(folder))
    signed = add_proof(unsigned, SCHOOL, SCHOOL.did_key_verification_method,
                       created="2026-07-01T00:00:00Z")  # fmt: skip
    use_operator_contexts({})
    return signed


def _verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: Path | None, vc: Any) -> Any:
    if folder is not None:
        monkeypatch.setenv("VERIFIER_EXTRA_CONTEXTS_DIR", str(folder))
    url = f"sqlite:///{tmp_path / 'verifier.db'}"
    migrated("verifier", url)
    settings = VerifierSettings(environment="test", database_url=url, log_json=False)
    with TestClient(create_verifier(settings, clock=Clock())) as client:
        return client.post("/credentials/verify", json={"verifiableCredential": vc})


def test_verifier_uses_the_operators_pinned_context(
    shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = pinned_folder(shared_dir, tmp_path / "ctx")
    credential = _example_credential(shared_dir, folder)
    refused = _verify(tmp_path, monkeypatch, None, credential)
    assert refused.status_code == 400
    assert "not bundled" in json.dumps(refused.json()["problemDetails"])
    accepted = _verify(tmp_path, monkeypatch, folder, credential)
    assert accepted.status_code == 200, accepted.text
    checks = {c["check"]: c["outcome"] for c in accepted.json()["checks"]}
    assert checks["proof"] == checks["issuer"] == checks["format"] == "passed"


@pytest.mark.parametrize(
    ("prefix", "start"),
    [
        ("VERIFIER", lambda: create_verifier(VerifierSettings(environment="test"))),
        ("WALLET", lambda: create_wallet(WalletSettings(environment="test"))),
        ("ISSUER", lambda: create_issuer(IssuerSettings(environment="test"))),
    ],
    ids=["verifier", "wallet", "issuer"],
)
def test_every_service_refuses_to_start_when_a_hash_differs(
    shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str, start: Any
) -> None:
    folder = pinned_folder(shared_dir, tmp_path / "ctx")
    (folder / "examples-v2.json").write_text('{"@context": {}}')
    monkeypatch.setenv(f"{prefix}_EXTRA_CONTEXTS_DIR", str(folder))
    with pytest.raises(ValidationError, match="does not match its pinned SHA-256") as refused:
        start()
    explained = explain_invalid_settings(refused.value, f"{prefix}_")
    assert f"{prefix}_EXTRA_CONTEXTS_DIR: operator context {EXAMPLES_V2}" in explained
    monkeypatch.setenv(f"{prefix}_EXTRA_CONTEXTS_DIR", str(pinned_folder(shared_dir, folder)))
    assert start() is not None  # the same folder, repaired, is accepted

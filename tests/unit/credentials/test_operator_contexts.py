"""Operator-pinned JSON-LD contexts: a folder + manifest (each file pinned by SHA-256), the
vectors' contexts.map.json on the command line, refusals with clear reasons."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from credentials.canonicalization import (
    default_engine,
    pinned_context_bytes,
    use_operator_contexts,
)
from credentials.cli import app
from credentials.contexts import VC_V2, load_context_dir
from credentials.errors import DocumentLoaderError
from tests.pinned_contexts import EXAMPLES_V2, pinned_folder

runner = CliRunner()


@pytest.fixture(autouse=True)
def _bundled_only_afterwards() -> Iterator[None]:
    yield
    use_operator_contexts({})


def test_a_pinned_folder_is_served_beside_the_bundled_contexts(
    shared_dir: Path, tmp_path: Path
) -> None:
    documents, raw = load_context_dir(pinned_folder(shared_dir, tmp_path / "ctx"))
    assert list(documents) == [EXAMPLES_V2]
    engine = use_operator_contexts(documents, raw)
    assert EXAMPLES_V2 in engine.loader
    assert VC_V2 in engine.loader
    assert default_engine() is engine
    assert pinned_context_bytes(EXAMPLES_V2) == raw[EXAMPLES_V2]
    assert use_operator_contexts(documents, raw) is engine  # unchanged set: same engine
    use_operator_contexts({})
    assert EXAMPLES_V2 not in default_engine().loader
    assert pinned_context_bytes(VC_V2) is not None  # bundled bytes stay available


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sha256": "0" * 64}, "does not match its pinned SHA-256"),
        ({"file": "../outside.json"}, "not a file inside it"),
        ({"file": "missing.json"}, "cannot be read"),
        ({"url": VC_V2}, "bundled contexts cannot be replaced"),
    ],
    ids=["hash-differs", "outside-the-folder", "missing-file", "replaces-bundled"],
)
def test_bad_folders_are_refused_with_the_reason(
    shared_dir: Path, tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    (tmp_path / "outside.json").write_text('{"@context": {}}')
    folder = pinned_folder(shared_dir, tmp_path / "ctx", **overrides)
    with pytest.raises(DocumentLoaderError, match=message):
        load_context_dir(folder)


def test_a_changed_file_is_refused(shared_dir: Path, tmp_path: Path) -> None:
    folder = pinned_folder(shared_dir, tmp_path / "ctx")
    (folder / "examples-v2.json").write_text('{"@context": {"evil": "https://evil.example/"}}')
    with pytest.raises(DocumentLoaderError, match="does not match its pinned SHA-256"):
        load_context_dir(folder)


def test_other_refusals(shared_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(DocumentLoaderError, match="does not exist"):
        load_context_dir(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DocumentLoaderError, match=r"no manifest\.json"):
        load_context_dir(tmp_path / "empty")
    not_a_context = tmp_path / "plain"
    not_a_context.mkdir()
    (not_a_context / "x.json").write_text('{"hello": 1}')
    digest = hashlib.sha256((not_a_context / "x.json").read_bytes()).hexdigest()
    (not_a_context / "manifest.json").write_text(
        json.dumps({"contexts": [{"url": "https://o.example/x", "file": "x.json",
                                  "sha256": digest}]})
    )  # fmt: skip
    with pytest.raises(DocumentLoaderError, match="not a JSON-LD context"):
        load_context_dir(not_a_context)
    # The vectors' map has no pins: services refuse it, the command line may read it.
    vectors = shared_dir / "vectors" / "contexts"
    with pytest.raises(DocumentLoaderError, match="no SHA-256 pins"):
        load_context_dir(vectors)
    documents, _ = load_context_dir(vectors, require_pins=False)
    assert set(documents) == {EXAMPLES_V2, "https://w3id.org/citizenship/v4rc1"}


def test_cli_verifies_the_w3c_signed_example_with_the_vectors_contexts(shared_dir: Path) -> None:
    signed = shared_dir / "vectors" / "vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json"
    without = runner.invoke(app, ["verify", str(signed), "--json"])
    checks = {c["check"]: c for c in json.loads(without.stdout)["checks"]}
    assert checks["proof"]["outcome"] == "failed"
    assert "not bundled" in checks["proof"]["detail"]

    contexts = str(shared_dir / "vectors" / "contexts")
    result = runner.invoke(app, ["verify", "--contexts", contexts, str(signed), "--json"])
    body = json.loads(result.stdout)
    checks = {c["check"]: c for c in body["checks"]}
    assert checks["format"]["outcome"] == "passed"
    assert checks["proof"]["outcome"] == "passed", checks["proof"]
    # The example is signed by a did:key but names https://vc.example/issuers/5678 as its
    # issuer: genuine signature, yet not the issuer's, which this verifier refuses.
    assert [c["code"] for c in body["checks"] if c["outcome"] == "failed"] == ["issuer_mismatch"]
    assert f"context {EXAMPLES_V2} sha256 " in result.stderr


def test_cli_refuses_a_bad_contexts_folder(shared_dir: Path, tmp_path: Path) -> None:
    folder = pinned_folder(shared_dir, tmp_path / "ctx", sha256="1" * 64)
    signed = shared_dir / "vectors" / "vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json"
    result = runner.invoke(app, ["verify", "--contexts", str(folder), str(signed)])
    assert result.exit_code == 2
    assert "does not match its pinned SHA-256" in result.stderr

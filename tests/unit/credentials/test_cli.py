"""The engine's command line: keygen → sign → verify, and readable errors."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from typer.testing import CliRunner

from credentials.cli import app
from credentials.examples import mbo_certificaat

runner = CliRunner()


def test_keygen_sign_verify_round_trip(tmp_path: Path) -> None:
    key_file = tmp_path / "key.json"
    result = runner.invoke(app, ["keygen", "--out", str(key_file)])
    assert result.exit_code == 0, result.output
    key = json.loads(key_file.read_text())
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key["secretKeyMultibase"] not in result.output  # the secret goes only to the file
    assert key["id"] in result.output

    unsigned = tmp_path / "credential.json"
    unsigned.write_text(json.dumps(mbo_certificaat(issuer_id=key["id"], subject_id=key["id"])))
    signed = runner.invoke(app, ["sign", str(unsigned), "--key", str(key_file)])
    assert signed.exit_code == 0, signed.output
    signed_file = tmp_path / "signed.json"
    signed_file.write_text(signed.stdout)
    assert json.loads(signed.stdout)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    verified = runner.invoke(app, ["verify", str(signed_file), "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["verdict"] == "valid"

    document = json.loads(signed_file.read_text())
    document["credentialSubject"]["achievement"]["niveau"] = 4
    signed_file.write_text(json.dumps(document))
    tampered = runner.invoke(app, ["verify", str(signed_file)])
    assert tampered.exit_code == 1
    assert "signature does not match" in tampered.stdout


def test_keygen_never_overwrites(tmp_path: Path) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text("{}")
    result = runner.invoke(app, ["keygen", "--out", str(key_file)])
    assert result.exit_code == 2
    assert key_file.read_text() == "{}"


def test_bad_files_give_readable_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = runner.invoke(app, ["verify", str(broken)])
    assert result.exit_code == 2
    assert "not valid JSON" in result.output
    missing = runner.invoke(app, ["verify", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2
    assert "No such file" in missing.output
    unsigned = tmp_path / "u.json"
    unsigned.write_text(json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"]}))
    bad_key = runner.invoke(app, ["sign", str(unsigned), "--key", str(broken)])
    assert bad_key.exit_code == 2


def test_sign_refuses_undefined_terms(tmp_path: Path) -> None:
    key_file = tmp_path / "key.json"
    runner.invoke(app, ["keygen", "--out", str(key_file)])
    did = json.loads(key_file.read_text())["id"]
    credential = mbo_certificaat(issuer_id=did, subject_id=did)
    credential["credentialSubject"]["shoeSize"] = "10"
    unsigned = tmp_path / "credential.json"
    unsigned.write_text(json.dumps(credential))
    result = runner.invoke(app, ["sign", str(unsigned), "--key", str(key_file)])
    assert result.exit_code == 1
    assert "shoeSize" in result.output


def test_demo_runs_every_step() -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    for title in ("genuine", "tampered", "undefined term", "revoked"):
        assert title in result.stdout
    assert result.stdout.count("verdict: valid") == 1
    assert result.stdout.count("verdict: invalid") == 3

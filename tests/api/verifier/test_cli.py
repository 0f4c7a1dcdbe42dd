"""The verifier's operator commands, against a real SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verifier.cli import app

runner = CliRunner()
SCHOOL = "did:web:roc.example:roc-midden"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VERIFIER_DATABASE_URL", f"sqlite:///{tmp_path / 'v.db'}")
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    return tmp_path


def test_trust_list_import_export_add_remove(env: Path) -> None:
    listing = env / "trust.json"
    entry = {"did": SCHOOL, "name": "ROC Midden", "kind": "school", "credentialTypes": ["*"]}
    listing.write_text(json.dumps({"issuers": [entry]}))
    assert runner.invoke(app, ["trust", "import", str(listing)]).exit_code == 0
    added = runner.invoke(
        app,
        ["trust", "add", "did:web:linde.example", "--name", "De Linde", "--kind", "leerbedrijf",
         "--types", "PraktijkverklaringCredential"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    exported = json.loads(runner.invoke(app, ["trust", "export"]).stdout)
    assert {i["did"] for i in exported["issuers"]} == {SCHOOL, "did:web:linde.example"}
    assert runner.invoke(app, ["trust", "remove", SCHOOL]).exit_code == 0
    assert runner.invoke(app, ["trust", "remove", SCHOOL]).exit_code == 1
    assert "De Linde" in runner.invoke(app, ["trust", "list"]).stdout


def test_bad_trust_list_is_refused_with_a_reason(env: Path) -> None:
    bad = env / "bad.json"
    bad.write_text(
        json.dumps({"issuers": [{"did": "not-a-did", "name": "X", "credentialTypes": ["*"]}]})
    )
    result = runner.invoke(app, ["trust", "import", str(bad)])
    assert result.exit_code == 1
    assert "'did' must be a DID" in result.output
    bad.write_text("{")
    assert "not JSON" in runner.invoke(app, ["trust", "import", str(bad)]).output

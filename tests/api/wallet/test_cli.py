"""The wallet's operator commands against a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from wallet.cli import app

runner = CliRunner()


def test_create_account_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALLET_DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    args = ["create-account", "--email", "Sanne@Example.nl", "--name", "Sanne de Vries",
            "--password", "een lang wachtwoord"]  # fmt: skip
    created = runner.invoke(app, args)
    assert created.exit_code == 0, created.output
    assert "sanne@example.nl" in created.output
    assert "did:key:z6Mk" in created.output
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "cannot create the account" in again.output
    short = runner.invoke(app, ["create-account", "--email", "b@example.nl", "--name", "B",
                                "--password", "kort"])  # fmt: skip
    assert short.exit_code == 1

"""``python -m web_common.healthcheck``: the compose file's container healthcheck."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import free_port
from web_common.healthcheck import check


def test_a_database_that_answers_is_healthy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("X_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert check(["--database", "X_DATABASE_URL"]) is None


def test_an_unset_or_unreachable_database_is_unhealthy_without_its_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("X_DATABASE_URL", raising=False)
    assert check(["--database", "X_DATABASE_URL"]) == "X_DATABASE_URL is not set"
    url = f"postgresql+psycopg://mbo:very-secret@127.0.0.1:{free_port()}/nothing"
    monkeypatch.setenv("X_DATABASE_URL", url)
    problem = check(["--database", "X_DATABASE_URL"])
    assert problem
    assert problem.startswith("the database does not answer")
    assert "very-secret" not in problem


def test_a_url_that_does_not_answer_fails_with_exit_status_1() -> None:
    url = f"http://127.0.0.1:{free_port()}/readyz"
    result = subprocess.run(
        [sys.executable, "-m", "web_common.healthcheck", url],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "did not answer" in result.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "web_common.healthcheck"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert usage.returncode == 1
    assert usage.stderr.startswith("usage:")

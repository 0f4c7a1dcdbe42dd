#!/usr/bin/env bash
# One entry point for people and CI. Needs only python3 (3.11+) on the machine.
#   ./dev.sh start   start issuer, wallet and verifier on SQLite with demo data (Ctrl-C stops)
#   ./dev.sh test    install what is needed, then lint, type-check and run every test
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=.venv

ensure_env() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  # Reinstall only when the lock file or pyproject.toml changed since the last install.
  # The whole tree comes from requirements/dev.txt, every file checked against its hash; the
  # project itself goes in editable, adding nothing (see docs/production.md, "Lock file").
  local stamp="$VENV/.installed-$(cat requirements/dev.txt pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --require-hashes -r requirements/dev.txt
    "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e .
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

case "${1:-help}" in
  start)
    ensure_env
    shift || true
    exec "$VENV/bin/python" -m devstack start "$@"
    ;;
  test)
    ensure_env
    shift || true
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy" .
    set +e
    "$VENV/bin/python" -m pytest "$@"
    rc=$?
    set -e
    if [ "$rc" -eq 5 ]; then
      echo "pytest collected no tests: treating as a failure" >&2
      exit 1
    fi
    exit "$rc"
    ;;
  *)
    echo "usage: ./dev.sh start | test [pytest args]" >&2
    exit 2
    ;;
esac

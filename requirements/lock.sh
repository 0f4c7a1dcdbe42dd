#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml: ./requirements/lock.sh [--upgrade]
#   requirements/runtime.txt  what the services run (the Docker image installs this)
#   requirements/dev.txt      runtime + the dev extra (./dev.sh test and CI install this)
# Both pin every package of the tree with the SHA-256 of every file on PyPI, for every
# platform (--universal), so `pip install --require-hashes` refuses anything else. dev.txt is
# resolved with runtime.txt as constraints: the tests run on exactly the image's versions.
# Without --upgrade, versions already pinned stay where they are (only what pyproject.toml
# newly asks for changes); with it, everything moves to the newest allowed release.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
TOOLS=${TMPDIR:-/tmp}/mbo-wallet-lock-tools
if [ ! -x "$TOOLS/bin/uv" ] || [ "$("$TOOLS/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install -q "uv==$UV_VERSION"
fi
compile() {
  "$TOOLS/bin/uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
    --custom-compile-command "./requirements/lock.sh" "$@"
}
compile pyproject.toml requirements/build.in "${@}" -o requirements/runtime.txt
compile pyproject.toml requirements/build.in --extra dev -c requirements/runtime.txt "${@}" \
  -o requirements/dev.txt

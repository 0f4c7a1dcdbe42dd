"""Digital Bazaar's ``@digitalbazaar/vc-bitstring-status-list`` (the library JavaScript
verifiers use) reads our status entry and list: ``checkStatus`` accepts the one ``message``
entry against the served list credential (same purpose, same issuer, decodable list), and
the two bits at ``index * statusSize`` of the list it decoded are the state we set.

The library implements only ``statusSize`` 1: the ``status`` boolean it returns reads bit
``index``, not the entry, so the 2-bit value is read here from its decoded bitstring (the
arithmetic Bitstring Status List §3.2 prescribes). Needs node and the npm registry; skipped
without node locally, required in CI (``CI`` set).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import BASE_URL, Issuer
from .test_vc_api import _request

PACKAGE = "@digitalbazaar/vc-bitstring-status-list@2.0.1"

SCRIPT = """
import {readFileSync} from 'node:fs';
import {checkStatus, decodeList} from '@digitalbazaar/vc-bitstring-status-list';
const {credential, list} = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const documentLoader = async url => {
  if(url !== list.id) { throw new Error(`unexpected fetch of ${url}`); }
  return {document: list, documentUrl: url};
};
const result = await checkStatus({
  credential, documentLoader, verifyBitstringStatusListCredential: false
});
const entry = credential.credentialStatus;
const decoded = await decodeList({encodedList: list.credentialSubject.encodedList});
const index = parseInt(entry.statusListIndex, 10) * entry.statusSize;
const value = (decoded.bitstring.get(index) ? 2 : 0) + (decoded.bitstring.get(index + 1) ? 1 : 0);
const message = entry.statusMessage.find(m => parseInt(m.status, 16) === value).message;
console.log(JSON.stringify({
  verified: result.verified, error: result.error ? result.error.message : null,
  purpose: result.results && result.results[0].credentialStatus.statusPurpose,
  value, message
}));
"""


@pytest.fixture(scope="module")
def node_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are required in CI for the status list interop test")
        pytest.skip("node/npm not installed")
    folder = tmp_path_factory.mktemp("dbstatus")
    (folder / "package.json").write_text('{"type": "module", "private": true}')
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", PACKAGE],
        cwd=folder, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if installed.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"npm install failed: {installed.stderr}")
        pytest.skip(f"npm install failed (registry unreachable?): {installed.stderr[-300:]}")
    (folder / "check.mjs").write_text(SCRIPT)
    return folder


def _read_with_digital_bazaar(
    folder: Path, credential: dict[str, Any], listed: dict[str, Any]
) -> dict[str, Any]:
    (folder / "input.json").write_text(json.dumps({"credential": credential, "list": listed}))
    run = subprocess.run(
        ["node", "check.mjs", "input.json"],
        cwd=folder, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout))


def test_digital_bazaar_reads_our_message_status(issuer: Issuer, node_project: Path) -> None:
    vc = issuer.client.post(
        "/credentials/issue", json=_request(issuer), headers=issuer.auth()
    ).json()["verifiableCredential"]
    list_path = vc["credentialStatus"]["statusListCredential"].removeprefix(BASE_URL)

    def state() -> dict[str, Any]:
        served = issuer.client.get(list_path, headers={"Accept": "application/vc+ld+json"})
        return _read_with_digital_bazaar(node_project, vc, served.json())

    def set_status(purpose: str, value: bool) -> None:
        response = issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": vc["id"],
                "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
                "status": value,
            },
            headers=issuer.auth(issuer.status_token),
        )
        assert response.status_code == 200, response.text

    fresh = state()
    assert (fresh["verified"], fresh["error"]) == (True, None)
    assert (fresh["purpose"], fresh["value"], fresh["message"]) == ("message", 0, "valid")
    set_status("suspension", True)
    assert (state()["value"], state()["message"]) == (1, "suspended")
    set_status("suspension", False)
    set_status("revocation", True)
    revoked = state()
    assert (revoked["verified"], revoked["value"], revoked["message"]) == (True, 2, "revoked")

"""Digital Bazaar's verifier (``@digitalbazaar/vc`` with ``@digitalbazaar/data-integrity``
and ``@digitalbazaar/eddsa-rdfc-2022-cryptosuite``, what JavaScript verifiers and the W3C
suites' reference implementation run) verifies what we sign: a credential issued through
the VC-API (did:web issuer) and a presentation signed the way the wallet signs one, with
challenge and domain. A changed credential is refused by it too. The eddsa suite's
"${verifierName} should verify ${issuerName}" (docs/conformance.md).

The loader serves our bundled contexts and the DID documents, nothing from the network.
Needs node and the npm registry; skipped without node locally, required in CI (``CI`` set).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from credentials.contexts import VC_V2, bundled_contexts
from credentials.did import did_key_document
from credentials.keys import Ed25519KeyPair
from credentials.verification import sign_presentation

from .conftest import Issuer
from .test_vc_api import STUDENT, _request

PACKAGES = (
    "@digitalbazaar/vc@7.3.0",
    "@digitalbazaar/data-integrity@2.5.0",
    "@digitalbazaar/eddsa-rdfc-2022-cryptosuite@1.3.0",
)

SCRIPT = """
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const {contexts, dids} = input;
const documentLoader = async url => {
  if(contexts[url]) { return {contextUrl: null, document: contexts[url], documentUrl: url}; }
  const [did] = url.split('#');
  const doc = dids[did];
  if(!doc) { throw new Error(`unexpected fetch of ${url}`); }
  if(!url.includes('#')) { return {contextUrl: null, document: doc, documentUrl: url}; }
  const vm = doc.verificationMethod.find(m => m.id === url);
  if(!vm) { throw new Error(`no ${url}`); }
  return {contextUrl: null, document: {'@context': doc['@context'], ...vm}, documentUrl: url};
};
const suite = new DataIntegrityProof({cryptosuite});
const checkStatus = async () => ({verified: true});  // the proof is what is compared here
const summary = r => ({verified: r.verified,
  error: r.error ? String(r.error.message || r.error) : null});
const out = {};
if(input.credential) {
  out.credential = summary(await vc.verifyCredential({
    credential: input.credential, suite, documentLoader, checkStatus, now: input.now}));
}
if(input.presentation) {
  out.presentation = summary(await vc.verify({
    presentation: input.presentation, suite, documentLoader, checkStatus, now: input.now,
    challenge: input.challenge, domain: input.domain}));
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node_verifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are required in CI for the eddsa interop test")
        pytest.skip("node/npm not installed")
    folder = tmp_path_factory.mktemp("dbvc")
    (folder / "package.json").write_text('{"type": "module", "private": true}')
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", *PACKAGES],
        cwd=folder, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if installed.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"npm install failed: {installed.stderr}")
        pytest.skip(f"npm install failed (registry unreachable?): {installed.stderr[-300:]}")
    (folder / "verify.mjs").write_text(SCRIPT)
    return folder


def _digital_bazaar(folder: Path, **values: Any) -> dict[str, Any]:
    values["contexts"] = dict(bundled_contexts())
    (folder / "input.json").write_text(json.dumps(values))
    run = subprocess.run(
        ["node", "verify.mjs", "input.json"],
        cwd=folder, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout))


def test_digital_bazaar_verifies_our_credential_and_presentation(
    issuer: Issuer, node_verifier: Path
) -> None:
    issued = issuer.client.post("/credentials/issue", json=_request(issuer), headers=issuer.auth())
    assert issued.status_code == 201, issued.text
    credential = issued.json()["verifiableCredential"]
    did_document = issuer.client.get("/roc-midden/did.json").json()
    holder: Ed25519KeyPair = STUDENT
    dids = {issuer.did: did_document, holder.did_key: did_key_document(holder.did_key)}
    now = (issuer.clock()).strftime("%Y-%m-%dT%H:%M:%SZ")
    presentation = sign_presentation(
        {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": holder.did_key,
         "verifiableCredential": [credential]},
        holder, holder.did_key_verification_method, challenge="c-42",
        domain="https://werkgever.example", created=now,
    )  # fmt: skip
    result = _digital_bazaar(
        node_verifier, credential=credential, presentation=presentation, dids=dids, now=now,
        challenge="c-42", domain="https://werkgever.example",
    )  # fmt: skip
    assert result["credential"] == {"verified": True, "error": None}, result
    assert result["presentation"]["verified"] is True, result

    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["name"] = "Iemand Anders"
    refused = _digital_bazaar(node_verifier, credential=changed, dids=dids, now=now)
    assert refused["credential"]["verified"] is False

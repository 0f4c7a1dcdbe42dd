"""An SD-JWT VC the real issuer app issues over OpenID4VCI (the spec-written client of the
issuer's journey test), presented selectively with a KB-JWT and checked by the verifier's
``check_sd_jwt_presentation``: the issuer's development root as the only anchor, its Token
Status List fetched from the issuer app, its published type metadata. Then revoked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from credentials.jwk import P256KeyPair
from credentials.results import Outcome, Verdict
from credentials.sd_jwt_holder import KeyBindingRequest, present
from verifier.services.checking import check_sd_jwt_presentation
from verifier.services.sd_jwt_fetching import TypeMetadataFetcher
from verifier.services.trust import parse_trust_list

from ..issuer.conftest import Issuer, _issuer, run_batch
from ..issuer.test_batch_api import GOOD, _upload
from ..issuer.test_sd_jwt_journey import SpecWallet, _dev_ca, _path

AUD = "https://verifier.example"


@pytest.fixture
def issuer(tmp_path: Path) -> Iterator[Issuer]:
    yield from _issuer(f"sqlite:///{tmp_path / 'issuer.db'}")


def test_an_issued_sd_jwt_vc_is_verified_shown_and_seen_revoked(issuer: Issuer) -> None:
    anchor = _dev_ca(issuer)
    batch = _upload(issuer, GOOD).json()
    run_batch(issuer, batch["id"])
    rows = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
    lines = [line.split(";") for line in rows.content.decode("utf-8-sig").splitlines()]
    header, first = lines[0], lines[1]
    wallet = SpecWallet(issuer)
    offer, token = wallet.access(first[header.index("offer_link")],
                                 first[header.index("transactiecode")])  # fmt: skip
    config = next(i for i in offer["credential_configuration_ids"] if i.endswith("_dc_sd_jwt"))
    holder = P256KeyPair.generate()
    compact = wallet.sd_jwt(token, config, holder.private_key)
    now = issuer.clock()
    binding = KeyBindingRequest(holder, AUD, "n-1", int(now.timestamp()))
    shown = present(compact, select=[("achievement_name",), ("holder_name",)], key_binding=binding)
    fetched: list[str] = []

    def fetch_status(uri: str) -> str:
        fetched.append(uri)
        response = issuer.client.get(_path(uri), headers={"accept": "application/statuslist+jwt"})
        assert response.status_code == 200
        return response.text

    trusted = {
        e.did: e
        for e in parse_trust_list(
            '{"issuers": [{"x509": {"subject": "O=ROC Midden Nederland"}, '
            '"name": "ROC Midden Nederland", "kind": "school", "credentialTypes": ["*"]}]}'
        )
    }

    def check() -> tuple[Verdict, dict[str, tuple[Outcome, str]]]:
        report = check_sd_jwt_presentation(
            shown, nonce="n-1", audience=AUD, trusted=trusted, now=now,
            fetch_status_list=fetch_status, require_key_binding=True, anchors=[anchor],
            fetch_type_metadata=TypeMetadataFetcher(None),
        )  # fmt: skip
        (credential,) = report.credentials
        assert credential.disclosure is not None
        assert {c.name for c in credential.disclosure.claims} == {
            "kind", "achievement_name", "holder_name"}  # fmt: skip
        assert credential.disclosure.withheld > 0
        codes = {str(c.name): (c.outcome, c.code) for c in credential.result.checks}
        return credential.verdict, codes

    verdict, codes = check()
    assert verdict is Verdict.VALID, codes
    assert codes["type_metadata"] == (Outcome.PASSED, "type_metadata")  # vct#integrity matches
    assert codes["trust"] == (Outcome.PASSED, "ok")
    assert fetched
    assert fetched[0].endswith("/roc-midden/token-status/1")

    response = issuer.client.post(
        "/credentials/status",
        json={"credentialId": first[header.index("credential_id")],
              "credentialStatus": {"type": "BitstringStatusListEntry",
                                   "statusPurpose": "revocation"},
              "status": True},
        headers=issuer.auth(issuer.status_token),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    verdict, codes = check()
    assert verdict is Verdict.INVALID
    assert codes["status"] == (Outcome.FAILED, "revoked")

"""OpenID4VCI end to end over real HTTP: a real issuer process (``python -m issuer serve``)
offers a credential; the wallet accepts the offer with the transaction code, proves its key,
receives the credential bound to its did:key, verifies it (did:web and the status list
fetched from the issuer over HTTP) and later sees it revoked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from credentials.did_web import DidWebResolver
from credentials.results import Verdict
from credentials.verification import verify_presentation
from wallet.app import create_app
from wallet.settings import WalletSettings
from web_common.migrations import upgrade

from ..processes import IssuerProcess, issuer_cli, issuer_process

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IssuerProcess]:
    with issuer_process(tmp_path_factory.mktemp("issuer")) as running:
        yield running


def _wallet(tmp_path: Path, issuer: IssuerProcess) -> TestClient:
    url = f"sqlite:///{tmp_path / 'wallet.db'}"
    upgrade("wallet", url)
    host = issuer.base.removeprefix("http://")
    settings = WalletSettings(
        environment="test", database_url=url, public_base_url="http://wallet.test",
        log_json=False, dev_allow_hosts=frozenset({host}),
    )  # fmt: skip
    return TestClient(create_app(settings), base_url="http://wallet.test")


def test_receive_over_real_http_then_see_it_revoked(issuer: IssuerProcess, tmp_path: Path) -> None:
    issued = issuer.issue(1)
    offer_uri, tx_code = issuer.offer(issued["id"])
    with _wallet(tmp_path, issuer) as client:
        body = client.post(
            "/api/accounts",
            json={"email": "sanne@example.nl", "name": "Sanne", "password": PASSWORD},
        ).json()
        csrf = {"X-CSRF-Token": body["csrf_token"]}
        preview = client.post("/api/offers/preview", json={"offer": offer_uri}, headers=csrf)
        assert preview.status_code == 200, preview.text
        assert preview.json()["tx_code"]["length"] == 6
        assert preview.json()["credential_issuer"] == f"{issuer.base}/roc-midden"
        asked = client.post("/api/offers/accept", json={"offer": offer_uri}, headers=csrf)
        assert asked.json()["code"] == "tx_code_required"
        wrong = "000000" if tx_code != "000000" else "111111"
        refused = client.post(
            "/api/offers/accept", json={"offer": offer_uri, "tx_code": wrong}, headers=csrf
        )
        assert refused.json()["code"] == "tx_code_wrong"
        accepted = client.post(
            "/api/offers/accept", json={"offer": offer_uri, "tx_code": tx_code}, headers=csrf
        )
        assert accepted.status_code == 201, accepted.text
        [credential] = accepted.json()["credentials"]
        assert credential["state"] == "ok"
        assert credential["bound_to_holder"] is True
        assert credential["issuer"] == issuer.did
        detail = client.get(f"/api/credentials/{credential['id']}").json()
        assert detail["document"]["credentialSubject"]["id"] == body["holder_did"]
        status = next(c for c in detail["checks"] if c["check"] == "status")
        assert status["outcome"] == "passed", status
        # the offer is used up: a second accept is refused and stores nothing
        again = client.post(
            "/api/offers/accept", json={"offer": offer_uri, "tx_code": tx_code}, headers=csrf
        )
        assert again.json()["code"] == "offer_used"
        assert len(client.get("/api/credentials").json()) == 1
        # passport: filed under dossier 23189
        passport = client.get("/api/passport?goal=25498").json()
        assert passport["groups"][0]["crebo"] == "23189"
        assert passport["goal"]["toward_diploma"]["covered"] == 9
        # share it; the presentation verifies with did:web resolved over real HTTP
        share = client.post(
            "/api/shares", json={"credentials": [credential["id"]]}, headers=csrf
        ).json()
        vp = client.get(share["url"], headers={"Accept": "application/json"}).json()
        host = issuer.base.removeprefix("http://")
        with DidWebResolver(allow_http_hosts={host}) as resolver:
            result = verify_presentation(
                vp, resolver=resolver, now=datetime.now(UTC), challenge=None,
                domain="http://wallet.test",
            )  # fmt: skip
        assert result.credentials[0].check("proof").outcome.value == "passed"  # type: ignore[union-attr]
        assert result.check("holder_binding").outcome.value == "passed"  # type: ignore[union-attr]
        assert result.verdict is not Verdict.INVALID
        # the issuer revokes; the wallet sees it when the credential is shown again
        issuer.revoke(issued["id"])
        client.app.state.status_fetcher.clear()  # type: ignore[attr-defined]
        revoked = client.get(f"/api/credentials/{credential['id']}").json()
        assert revoked["state"] == "revoked"
        passport = client.get("/api/passport?goal=25498").json()
        assert passport["problems"][0]["state"] == "revoked"  # marked, never hidden
        assert passport["goal"]["toward_diploma"]["covered"] == 0


def test_receive_page_shows_who_offers_what_and_answers_in_dutch(
    issuer: IssuerProcess, tmp_path: Path
) -> None:
    """The https link an issuer's QR code can carry (``{wallet}/receive?offer=…``) shows the
    issuer's name and the credential's title before the code is asked; a wrong code is
    answered in plain Dutch (English with the switch), never with the issuer's English."""
    issued = issuer.issue(2)
    offer_uri, tx_code = issuer.offer(issued["id"])
    with _wallet(tmp_path, issuer) as client:
        body = client.post(
            "/api/accounts",
            json={"email": "nikola@example.nl", "name": "Nikola", "password": PASSWORD},
        ).json()
        html = {"Accept": "text/html"}
        page = client.get("/receive", params={"offer": offer_uri}, headers=html)
        assert page.status_code == 200, page.text
        preview = page.text[page.text.index('id="offer-preview"') :]
        assert "ROC Midden Nederland" in preview[: preview.index("</section>")]
        assert 'id="field-tx_code"' in page.text  # and only then the code
        assert page.text.index('id="offer-preview"') < page.text.index('id="field-tx_code"')

        wrong = "000000" if tx_code != "000000" else "111111"
        refused = client.post(
            "/receive/offer",
            data={"offer": offer_uri, "tx_code": wrong, "csrf_token": body["csrf_token"]},
            headers=html,
        )
        assert refused.status_code == 400
        assert "De code klopt niet" in refused.text
        assert "attempt" not in refused.text
        assert "tx_code is" not in refused.text
        assert 'id="offer-preview"' in refused.text  # still says who offers what

        english = client.post(
            "/receive/offer?lang=en",
            data={"offer": offer_uri, "tx_code": wrong, "csrf_token": body["csrf_token"]},
            headers=html,
        )
        assert "The code is not right" in english.text


def test_our_wallet_keeps_ldp_vc_when_the_offered_dc_sd_jwt_does_not_verify(
    issuer: IssuerProcess, tmp_path: Path
) -> None:
    """With an X.509 credential certificate the issuer offers both formats; our wallet asks
    for both with one access token. This wallet does not trust the development CA, so the
    SD-JWT VC is refused: the ``ldp_vc`` is kept and the answer says what did not come in."""
    issuer_cli(
        ["dev-ca", "--organisation", "roc-midden", "--anchor-out", str(tmp_path / "root.pem")],
        issuer.env,
    )
    issued = issuer.issue(7)
    offer_uri, tx_code = issuer.offer(issued["id"])
    by_reference = parse_qs(urlsplit(offer_uri).query)["credential_offer_uri"][0]
    ids = httpx.get(by_reference).json()["credential_configuration_ids"]
    assert [i.rsplit("_", 2)[-2:] for i in ids] == [["ldp", "vc"], ["sd", "jwt"]]
    with _wallet(tmp_path, issuer) as client:
        body = client.post(
            "/api/accounts",
            json={"email": "daan@example.nl", "name": "Daan", "password": PASSWORD},
        ).json()
        csrf = {"X-CSRF-Token": body["csrf_token"]}
        accepted = client.post(
            "/api/offers/accept", json={"offer": offer_uri, "tx_code": tx_code}, headers=csrf
        )
        assert accepted.status_code == 201, accepted.text
        [credential] = accepted.json()["credentials"]
        assert credential["state"] == "ok"
        assert credential["format"] == "ldp_vc"
        [missing] = accepted.json()["not_received"]
        assert missing["format"] == "dc+sd-jwt"
        detail = client.get(f"/api/credentials/{credential['id']}").json()
        assert detail["document"]["credentialSubject"]["id"] == body["holder_did"]

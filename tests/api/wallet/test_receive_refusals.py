"""The wallet tells the issuer's refusals apart by code: ``error`` plus our ``refusal``
extension member, never the issuer's ``error_description``. A used offer that still carries
a transaction code is "used", not "wrong code"; a wrong code says how many tries are left;
the fifth wrong code says the offer is locked. The offer travels by value (inside the QR
code), so the wallet cannot learn from the offer URL that it is gone: only the token
answer says it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi.testclient import TestClient

from credentials.oid4vci import CREDENTIAL_OFFER_SCHEME, LDP_VC, parse_offer_uri
from wallet.services.issuer_errors import credential_error, token_error

from . import test_receive_sd_jwt
from .test_receive_sd_jwt import Setup, _person, _wallet

setup = test_receive_sd_jwt.setup  # the fixture: an issuer with a batch of offers


def _by_value(setup: Setup, link: str) -> str:
    """The offer URI with the offer itself inside, as a QR code can carry it."""
    query = urlsplit(link).query
    reference = parse_offer_uri(f"{CREDENTIAL_OFFER_SCHEME}?{query}", allow_http=True)
    assert reference.credential_offer_uri is not None
    document = setup.issuer.client.get(urlsplit(reference.credential_offer_uri).path).json()
    return f"{CREDENTIAL_OFFER_SCHEME}?credential_offer={quote(json.dumps(document))}"


def _accept(client: TestClient, csrf: dict[str, str], offer: str, tx_code: str) -> Any:
    return client.post(
        "/api/offers/accept", json={"offer": offer, "tx_code": tx_code}, headers=csrf
    )


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def test_used_offer_is_told_from_a_wrong_code(setup: Setup, tmp_path: Path) -> None:
    link, code, _ident = setup.offers[0]
    offer = _by_value(setup, link)
    with _wallet(tmp_path, setup, anchors=None, formats=(LDP_VC,)) as client:
        csrf = _person(client)
        refused = _accept(client, csrf, offer, _wrong(code))
        assert refused.status_code == 422
        assert refused.json()["code"] == "tx_code_wrong"
        assert refused.json()["attempts_left"] == 4
        assert "nog 4 keer" in refused.json()["detail"]
        assert _accept(client, csrf, offer, code).status_code == 201
        again = _accept(client, csrf, offer, code)
        assert again.json()["code"] == "offer_used", again.text  # the code was right


def test_fifth_wrong_code_says_the_offer_is_locked(setup: Setup, tmp_path: Path) -> None:
    link, code, _ident = setup.offers[1]
    offer = _by_value(setup, link)
    with _wallet(tmp_path, setup, anchors=None, formats=(LDP_VC,)) as client:
        csrf = _person(client)
        answers = [_accept(client, csrf, offer, _wrong(code)).json() for _ in range(5)]
        assert [a.get("attempts_left") for a in answers[:4]] == [4, 3, 2, 1]
        assert answers[4]["code"] == "offer_locked"
        assert _accept(client, csrf, offer, code).json()["code"] == "offer_locked"
        page = client.post(
            "/receive/offer?lang=en",
            data={"offer": offer, "tx_code": _wrong(code), "csrf_token": csrf["X-CSRF-Token"]},
            headers={"Accept": "text/html"},
        )
        assert "This offer is now locked" in page.text


def test_wrong_code_page_names_the_tries_left_in_both_languages(
    setup: Setup, tmp_path: Path
) -> None:
    link, code, _ident = setup.offers[2]
    offer = _by_value(setup, link)
    with _wallet(tmp_path, setup, anchors=None, formats=(LDP_VC,)) as client:
        csrf = _person(client)
        form = {"offer": offer, "tx_code": _wrong(code), "csrf_token": csrf["X-CSRF-Token"]}
        html = {"Accept": "text/html"}
        dutch = client.post("/receive/offer", data=form, headers=html)
        assert dutch.status_code == 400
        assert "je kunt het nog 4 keer proberen" in dutch.text
        english = client.post("/receive/offer?lang=en", data=form, headers=html)
        assert "you can try 3 more time(s)" in english.text
        assert "{attempts_left}" not in english.text


def test_the_description_is_never_read() -> None:
    """Another issuer's prose cannot turn "used" into "wrong code", nor the reverse."""
    used = {"error": "invalid_grant", "error_description": "tx_code wrong", "refusal": "offer_used"}
    assert token_error(400, used, sent_tx_code=True).code == "offer_used"  # type: ignore[union-attr]
    wrong = {
        "error": "invalid_grant",
        "error_description": "offer used",
        "refusal": "tx_code_wrong",
    }
    assert token_error(400, wrong, sent_tx_code=True).code == "tx_code_wrong"  # type: ignore[union-attr]
    # without our refusal member: the protocol code and what was sent decide
    plain = {"error": "invalid_grant", "error_description": "the offer was used"}
    assert token_error(400, plain, sent_tx_code=True).code == "tx_code_wrong"  # type: ignore[union-attr]
    assert token_error(400, {**plain, "refusal": "nonsense"}, sent_tx_code=False).code == (  # type: ignore[union-attr]
        "offer_used"
    )


def test_credential_refusals_by_code() -> None:
    denied = {"error": "credential_request_denied", "error_description": "no"}
    assert credential_error(400, denied).code == "issuer_refused"
    revoked = {**denied, "refusal": "credential_revoked"}
    assert credential_error(400, revoked).code == "credential_revoked"
    assert credential_error(400, {**denied, "refusal": "other_holder"}).code == "offer_used"

"""OpenID4VP 1.0 under HAIP 1.0, answered by a wallet written here from the specification
(not our wallet's code), as a foreign wallet would: fetch the signed Request Object by
reference (``request_uri_method=post`` with a ``wallet_nonce``), check ``typ``, the
signature by ``x5c[0]`` and that ``x509_hash`` is its hash, answer with an encrypted
``direct_post.jwt`` response (ECDH-ES to the request's key). Also the same-device redirect
with its response code, the Digital Credentials API answer (``dc_api.jwt``) posted by the
employer page, and the verifier's dev certificate."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography import x509
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwcrypto import jwe, jwk, jws
from pydantic import SecretStr
from sqlalchemy import select
from typer.testing import CliRunner

from credentials.oid4vp import VC_TYPE_IRI, parse_authorization_request
from tests.databases import migrated
from verifier.app import create_app
from verifier.cli import app as cli
from verifier.db.request_tables import PresentationRequest
from verifier.settings import VerifierSettings
from web_common.db import UnitOfWork

from .test_pages import Pages, _credential, _pages, _presentation, _text

BASE = "http://localhost:8003"
ORIGIN = BASE
LDP = "mbo_ldp_vc"
SD_JWT = "diploma"  # the Credential Query of a kind is named after it


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def pages(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pages]:
    if request.param == "sqlite":
        yield from _pages(f"sqlite:///{tmp_path / 'verifier.db'}")
    else:
        yield from _pages(request.getfixturevalue("new_postgres_url"))


def _b64url_json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _local(url: str) -> str:
    assert url.startswith(BASE), url
    return url.removeprefix(BASE)


@dataclass
class Request:
    client_id: str
    claims: dict[str, Any]
    header: dict[str, Any]


class SpecWallet:
    """A minimal OpenID4VP 1.0 / HAIP 1.0 wallet, from the specification."""

    def __init__(self, http: TestClient | httpx.Client, base: str = BASE) -> None:
        self.http = http
        self.base = base

    def _local(self, url: str) -> str:
        assert url.startswith(self.base), url
        return url.removeprefix(self.base)

    def open(self, link: str, *, method: str | None = None) -> Request:
        parts = urlsplit(link)
        assert parts.scheme == "openid4vp"
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert set(params) == {"client_id", "request_uri", "request_uri_method"}
        client_id, request_uri = params["client_id"], params["request_uri"]
        assert client_id.startswith("x509_hash:")
        wallet_nonce = None
        if (method or params["request_uri_method"]) == "post":
            wallet_nonce = secrets.token_urlsafe(16)
            metadata: dict[str, Any] = {"vp_formats_supported": {"ldp_vc": {}, "dc+sd-jwt": {}}}
            response = self.http.post(
                self._local(request_uri),
                data={"wallet_nonce": wallet_nonce, "wallet_metadata": json.dumps(metadata)},
                headers={"Accept": "application/oauth-authz-req+jwt"},
            )
        else:
            response = self.http.get(self._local(request_uri))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/oauth-authz-req+jwt")
        token = response.text
        header = _b64url_json(token.split(".")[0])
        assert header["typ"] == "oauth-authz-req+jwt"  # §5: refuse anything else
        assert header["alg"] == "ES256"  # HAIP
        leaf_der = base64.b64decode(header["x5c"][0])
        digest = base64.urlsafe_b64encode(hashlib.sha256(leaf_der).digest()).rstrip(b"=")
        assert client_id == "x509_hash:" + digest.decode()  # §5.9.3
        leaf = x509.load_der_x509_certificate(leaf_der)
        checked = jws.JWS()
        checked.deserialize(token)
        checked.verify(jwk.JWK.from_pyca(leaf.public_key()), alg="ES256")
        claims: dict[str, Any] = json.loads(checked.payload)
        assert claims["client_id"] == client_id  # §5.10.1: identical, prefix included
        assert claims.get("wallet_nonce") == wallet_nonce
        assert claims["response_type"] == "vp_token"
        return Request(client_id, claims, header)

    @staticmethod
    def encryption_key(claims: dict[str, Any]) -> dict[str, Any]:
        keys = claims["client_metadata"]["jwks"]["keys"]
        key: dict[str, Any] = next(
            k for k in keys if k.get("use", "enc") == "enc" and k["alg"] == "ECDH-ES"
        )
        return key

    @classmethod
    def encrypt(
        cls,
        claims: dict[str, Any],
        payload: dict[str, Any],
        *,
        enc: str | None = None,
        to: dict[str, Any] | None = None,
    ) -> str:
        key = to or cls.encryption_key(claims)
        offered = claims["client_metadata"].get("encrypted_response_enc_values_supported")
        protected = {"alg": key["alg"], "enc": enc or (offered or ["A128GCM"])[0]}
        if "kid" in key:
            protected["kid"] = key["kid"]
        token = jwe.JWE(json.dumps(payload).encode(), protected=json.dumps(protected))
        token.add_recipient(jwk.JWK(**key))
        return str(token.serialize(compact=True))

    def post(self, claims: dict[str, Any], form: dict[str, str]) -> Any:
        assert claims["response_mode"] == "direct_post.jwt"
        return self.http.post(self._local(claims["response_uri"]), data=form)

    def answer(self, claims: dict[str, Any], vp_token: dict[str, list[Any]], **options: Any) -> Any:
        payload = {"vp_token": vp_token, "state": options.pop("state", claims["state"])}
        return self.post(claims, {"response": self.encrypt(claims, payload, **options)})


def _vp(request: Request, *, nonce: str | None = None, audience: str | None = None) -> Any:
    return _presentation(
        _credential(),
        challenge=request.claims["nonce"] if nonce is None else nonce,
        domain=request.client_id if audience is None else audience,
    )


def _new(pages: Pages) -> dict[str, Any]:
    created = pages.client.post("/oid4vp/requests", json={"target": "25498"})
    assert created.status_code == 201, created.text
    info: dict[str, Any] = created.json()
    return info


def _status(pages: Pages, info: dict[str, Any]) -> dict[str, Any]:
    status: dict[str, Any] = pages.client.get(
        f"/oid4vp/requests/{info['id']}?key={info['resultKey']}"
    ).json()
    return status


def _row(pages: Pages, request_id: str) -> PresentationRequest:
    with UnitOfWork(cast(FastAPI, pages.client.app).state.sessions) as uow:
        row = uow.session.scalar(
            select(PresentationRequest).where(PresentationRequest.id == request_id)
        )
        assert row is not None
        uow.session.expunge(row)
        return row


# --- the request ---------------------------------------------------------------------------


def test_the_request_is_signed_by_reference_with_x509_hash(pages: Pages) -> None:
    info = _new(pages)
    assert info["profile"] == "haip"
    assert info["link"].startswith("openid4vp://?client_id=x509_hash%3A")
    wallet = SpecWallet(TestClient(pages.client.app))
    request = wallet.open(info["link"])
    assert request.client_id == info["clientId"]
    claims = request.claims
    assert claims["response_mode"] == "direct_post.jwt"
    assert claims["response_uri"] == f"{BASE}/oid4vp/response/{info['id']}"
    assert claims["aud"] == "https://self-issued.me/v2"
    assert claims["iat"] < claims["exp"] <= claims["iat"] + 15 * 60
    assert claims["state"] != info["id"]  # a fresh value, not the id in the URLs
    assert len(claims["nonce"]) >= 32
    queries = {q["id"]: q for q in claims["dcql_query"]["credentials"]}
    assert {q["format"] for q in queries.values()} == {"dc+sd-jwt", "ldp_vc"}
    assert queries[SD_JWT]["meta"]["vct_values"] == ["https://w3id.org/mbo-wallet/vct/diploma"]
    assert queries[LDP]["format"] == "ldp_vc"
    # the part codes, asked as a ladder so a wallet discloses every code it holds
    ladder = queries["mbo_werkprocessen"]["claim_sets"]
    assert [len(s) for s in ladder] == list(range(len(ladder), 0, -1))
    assert claims["client_metadata"]["encrypted_response_enc_values_supported"]
    # the private half of the response key is kept encrypted, not as a JWK
    stored = _row(pages, info["id"])
    assert stored.response_key
    assert '"d"' not in stored.response_key
    assert stored.state == claims["state"]
    # GET works too (no wallet_nonce then); the QR code holds the short link
    assert "wallet_nonce" not in wallet.open(info["link"], method="get").claims
    qr = pages.client.get(f"/oid4vp/requests/{info['id']}/qr.svg")
    assert qr.status_code == 200


def test_request_uri_of_unknown_expired_and_answered_requests(pages: Pages) -> None:
    assert pages.client.get("/oid4vp/request/nope").status_code == 404
    assert pages.client.get("/oid4vp/request/" + "x" * 100).status_code == 404
    info = _new(pages)
    too_long = pages.client.post(f"/oid4vp/request/{info['id']}", data={"wallet_nonce": "n" * 300})
    assert too_long.status_code == 400
    from datetime import timedelta

    pages.clock.now += timedelta(minutes=16)
    expired = pages.client.get(f"/oid4vp/request/{info['id']}")
    assert expired.status_code == 400
    assert expired.json()["error"] == "invalid_request"


# --- answers -------------------------------------------------------------------------------


def test_a_foreign_wallet_answers_with_ldp_vc_once(pages: Pages) -> None:
    info = _new(pages)
    wallet = SpecWallet(TestClient(pages.client.app))
    request = wallet.open(info["link"])
    answer = wallet.answer(request.claims, {LDP: [_vp(request)]})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    redirect = answer.json()["redirect_uri"]
    assert redirect.startswith(f"{BASE}/requests/{info['id']}?response_code=")
    status = _status(pages, info)
    assert status["status"] == "answered"
    assert status["result"]["verdict"] == "warning"  # genuine; the school is not on the list
    holder = next(
        c for c in status["result"]["presentationChecks"] if c["check"] == "holder_binding"
    )
    assert holder["outcome"] == "passed"

    replay = wallet.answer(request.claims, {LDP: [_vp(request)]})
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_request"
    assert "already answered" in replay.json()["error_description"]
    assert _row(pages, info["id"]).replays == 1
    assert wallet.http.get(_local(request.claims["response_uri"])).status_code == 405


def test_wrong_answers_are_refused_and_leave_the_request_open(pages: Pages) -> None:
    info = _new(pages)
    wallet = SpecWallet(TestClient(pages.client.app))
    request = wallet.open(info["link"])
    claims = request.claims
    stranger = jwk.JWK.generate(kty="EC", crv="P-256").export_public(as_dict=True)
    stranger.update({"alg": "ECDH-ES", "kid": wallet.encryption_key(claims)["kid"]})
    good = wallet.encrypt(claims, {"vp_token": {LDP: [_vp(request)]}, "state": claims["state"]})
    head, key, iv, text, tag = good.split(".")
    tampered = ".".join([head, key, iv, text[:-3] + ("AAA" if text[-3:] != "AAA" else "BBB"), tag])
    attempts: dict[str, Any] = {
        "wrong nonce": wallet.answer(claims, {LDP: [_vp(request, nonce="other-nonce")]}),
        "wrong aud": wallet.answer(
            claims, {LDP: [_vp(request, audience="redirect_uri:" + claims["response_uri"])]}
        ),
        "wrong state": wallet.answer(claims, {LDP: [_vp(request)]}, state="other-state"),
        "no state": wallet.post(
            claims, {"response": wallet.encrypt(claims, {"vp_token": {LDP: [_vp(request)]}})}
        ),
        "unencrypted": wallet.post(
            claims, {"vp_token": json.dumps({LDP: [_vp(request)]}), "state": claims["state"]}
        ),
        "tampered JWE": wallet.post(claims, {"response": tampered}),
        "enc not offered": wallet.answer(claims, {LDP: [_vp(request)]}, enc="A128CBC-HS256"),
        "another key": wallet.answer(claims, {LDP: [_vp(request)]}, to=stranger),
        "unknown query": wallet.answer(claims, {"other": [_vp(request)]}),
        "empty form": wallet.post(claims, {}),
    }
    for name, response in attempts.items():
        assert response.status_code == 400, (name, response.text)
        assert response.json()["error"] == "invalid_request", name
    assert "encrypted" in attempts["unencrypted"].json()["error_description"]
    # the wallet's error response is processed (200, §8.2) and the request stays open
    declined = wallet.post(claims, {"error": "access_denied", "state": claims["state"]})
    assert declined.status_code == 200
    assert declined.json() == {}
    assert "nonce or audience" in attempts["wrong nonce"].json()["error_description"]
    assert _status(pages, info)["status"] == "pending"
    assert _row(pages, info["id"]).replays == 0
    # the holder's real answer still works
    assert wallet.answer(claims, {LDP: [_vp(request)]}).status_code == 200


def test_a_dc_sd_jwt_answer_must_be_an_sd_jwt_bound_to_the_request(pages: Pages) -> None:
    """(The selective SD-JWT VC journey is in test_oid4vp_haip_sd_jwt.py.)"""
    info = _new(pages)
    wallet = SpecWallet(TestClient(pages.client.app))
    request = wallet.open(info["link"])
    not_sd_jwt = wallet.answer(request.claims, {SD_JWT: ["just text"]})
    assert not_sd_jwt.status_code == 400
    assert "not an SD-JWT" in not_sd_jwt.json()["error_description"]
    garbage = wallet.answer(request.claims, {SD_JWT: ["eyJhbGciOiJFUzI1NiJ9.e30.c2ln~"]})
    assert garbage.status_code == 400
    assert _status(pages, info)["status"] == "pending"


def test_by_value_requests_stay_for_our_wallet(pages: Pages) -> None:
    created = pages.client.post("/oid4vp/requests", json={"profile": "by_value"}).json()
    assert created["profile"] == "by_value"
    assert "request_uri=" not in created["link"]
    assert "response_mode=direct_post&" in created["link"]
    # B.1.1: type_values are fully expanded IRIs, not the compact names of the JSON
    [query] = parse_authorization_request(created["link"]).dcql_query["credentials"]
    assert query["meta"] == {"type_values": [[VC_TYPE_IRI]]}
    refused = pages.client.post("/oid4vp/requests", json={"profile": "other"})
    assert refused.status_code == 400


# --- the employer's page: same device and the Digital Credentials API ----------------------


def _page_request(pages: Pages) -> tuple[str, str]:
    made = pages.client.post("/requests", data={"csrf_token": pages.csrf()},
                             follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    wait_url = made.headers["location"]
    return wait_url, wait_url.rsplit("/", 1)[1]


def test_same_device_redirect_carries_a_response_code_for_this_session(pages: Pages) -> None:
    wait_url, request_id = _page_request(pages)
    waiting = pages.client.get(wait_url)
    assert f'src="/oid4vp/requests/{request_id}/qr.svg"' in waiting.text
    assert 'id="same-device" href="openid4vp://?client_id=x509_hash' in waiting.text
    assert '<p id="dc-api" hidden>' in waiting.text  # shown only by the script, if supported
    assert '<script src="/static/verifier/dc_api.js" defer></script>' in waiting.text
    assert "<script>" not in waiting.text  # no inline scripts (CSP)
    start = waiting.text.index('id="same-device" href="') + len('id="same-device" href="')
    link = waiting.text[start : waiting.text.index('"', start)].replace("&amp;", "&")

    phone = TestClient(pages.client.app)
    wallet = SpecWallet(phone)
    request = wallet.open(link)
    answer = wallet.answer(request.claims, {LDP: [_vp(request)]})
    assert answer.status_code == 200, answer.text
    redirect = _local(answer.json()["redirect_uri"])
    # another browser (session fixation: not the one that made the request) sees no result
    assert "Verstuurd" in _text(phone.get(redirect))
    assert "flow%3Dsame-device" in link  # the request_uri of the same-device link says so
    # polling alone does not open a same-device answer: it needs the redirect's code
    assert pages.client.get(f"{wait_url}/state").json() == {"state": "answered"}
    polled = pages.client.get(wait_url, follow_redirects=False)
    assert polled.status_code == 200
    assert "Het antwoord is binnen." in _text(polled)
    # the employer's browser: a wrong code is refused, the right one opens the result
    wrong = pages.client.get(f"{wait_url}?response_code=guess", follow_redirects=False)
    assert wrong.status_code == 404
    shown = pages.client.get(redirect, follow_redirects=False)
    assert shown.status_code == 303
    assert shown.headers["location"].startswith("/check/")
    text = _text(pages.client.get(shown.headers["location"]))
    assert "Gedeeld vanuit de wallet-app als antwoord op uw verzoek" in text


def test_cross_device_the_waiting_page_shows_the_answer(pages: Pages) -> None:
    wait_url, _request_id = _page_request(pages)
    waiting = pages.client.get(wait_url)
    start = waiting.text.index('class="mono break" href="') + len('class="mono break" href="')
    link = waiting.text[start : waiting.text.index('"', start)].replace("&amp;", "&")
    assert "flow" not in link  # the QR code's link: cross-device
    wallet = SpecWallet(TestClient(pages.client.app))
    request = wallet.open(link)
    assert wallet.answer(request.claims, {LDP: [_vp(request)]}).status_code == 200
    shown = pages.client.get(wait_url, follow_redirects=False)
    assert shown.status_code == 303  # the phone has no browser session to return to
    assert shown.headers["location"].startswith("/check/")


def test_the_digital_credentials_api_answer_is_checked_for_the_origin(pages: Pages) -> None:
    wait_url, request_id = _page_request(pages)
    csrf = pages.csrf(wait_url)
    made = pages.client.get(f"/requests/{request_id}/dc-api")
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["protocol"] == "openid4vp-v1-signed"
    token = body["data"]["request"]
    # the wallet behind the browser checks the signed request as for request_uri
    header = _b64url_json(token.split(".")[0])
    assert header["typ"] == "oauth-authz-req+jwt"
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    checked = jws.JWS()
    checked.deserialize(token)
    checked.verify(jwk.JWK.from_pyca(leaf.public_key()), alg="ES256")
    claims = json.loads(checked.payload)
    assert claims["response_mode"] == "dc_api.jwt"
    assert claims["expected_origins"] == [ORIGIN]
    assert claims["client_id"].startswith("x509_hash:")
    assert "response_uri" not in claims

    def post(audience: str, **headers: str) -> Any:
        vp = _presentation(_credential(), challenge=claims["nonce"], domain=audience)
        data = {"response": SpecWallet.encrypt(claims, {"vp_token": {LDP: [vp]}})}
        return pages.client.post(f"/requests/{request_id}/dc-api", json={"data": data},
                                 headers=headers)  # fmt: skip

    # Appendix A.4: the audience is the origin, not the client id, even for signed requests
    wrong = post(claims["client_id"], **{"X-CSRF-Token": csrf})
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_request"
    assert post("origin:" + ORIGIN).status_code == 403  # no CSRF token
    other_browser = TestClient(pages.client.app)
    assert other_browser.get(f"/requests/{request_id}/dc-api").status_code == 404
    plain = pages.client.post(f"/requests/{request_id}/dc-api", headers={"X-CSRF-Token": csrf},
                              json={"data": {"vp_token": {LDP: [{}]}}})  # fmt: skip
    assert plain.status_code == 400
    bad = pages.client.post(f"/requests/{request_id}/dc-api", headers={"X-CSRF-Token": csrf},
                            content=b"not json")  # fmt: skip
    assert bad.status_code == 400

    good = post("origin:" + ORIGIN, **{"X-CSRF-Token": csrf})
    assert good.status_code == 200, good.text
    assert good.json() == {"redirect": wait_url}
    shown = pages.client.get(wait_url, follow_redirects=False)
    assert shown.status_code == 303
    assert shown.headers["location"].startswith("/check/")
    again = post("origin:" + ORIGIN, **{"X-CSRF-Token": csrf})
    assert again.status_code == 400  # answered once
    assert pages.client.get(f"/requests/{request_id}/dc-api").status_code == 400


def test_a_by_value_request_from_the_page_for_our_wallet(pages: Pages) -> None:
    made = pages.client.post("/requests", data={"csrf_token": pages.csrf(), "profile": "by_value"},
                             follow_redirects=False)  # fmt: skip
    waiting = pages.client.get(made.headers["location"])
    assert 'id="same-device"' not in waiting.text
    assert "dc_api.js" not in waiting.text
    assert "response_mode=direct_post&amp;" in waiting.text


# --- the verifier's certificate ------------------------------------------------------------


def test_dev_cert_makes_the_identity_the_settings_load(tmp_path: Path) -> None:
    out = tmp_path / "cert"
    result = CliRunner().invoke(cli, ["dev-cert", "--out-dir", str(out), "--host",
                                      "verifier.example"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "key.pem").stat().st_mode & 0o077 == 0
    leaf = x509.load_pem_x509_certificate((out / "chain.pem").read_bytes())
    root = x509.load_pem_x509_certificate((out / "root.pem").read_bytes())
    leaf.verify_directly_issued_by(root)
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["verifier.example"]
    client_id = next(
        line.split(": ", 1)[1]
        for line in result.output.splitlines()
        if line.startswith("client_id")
    )

    database_url = f"sqlite:///{tmp_path / 'verifier.db'}"
    migrated("verifier", database_url)
    settings = VerifierSettings(
        environment="test", database_url=database_url, log_json=False,
        request_signing_key_file=out / "key.pem", request_certificate_file=out / "chain.pem",
    )  # fmt: skip
    with TestClient(create_app(settings)) as client:
        info = client.post("/oid4vp/requests", json={}).json()
        assert info["clientId"] == client_id
        assert SpecWallet(client).open(info["link"]).client_id == client_id


def test_production_needs_a_request_signing_certificate() -> None:
    with pytest.raises(ValueError, match="REQUEST_SIGNING_KEY_FILE"):
        VerifierSettings(
            environment="production", secret_key=SecretStr("s" * 40),
            data_encryption_keys=SecretStr("aGVsbG9oZWxsb2hlbGxvaGVsbG9oZWxsb2hlbGxvMTI="),
            public_base_url="https://verifier.example",
        )  # fmt: skip

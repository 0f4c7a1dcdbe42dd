"""The page that answers a verifier's OpenID4VP request: who asks and what for, choosing
credentials (expired ones cannot be sent), the outcome, readable errors; end to end against a
real verifier app reached in-process through the wallet's network guard."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from credentials.oid4vp import build_authorization_request, mbo_dcql_query, request_uri
from tests.databases import migrated
from verifier.app import create_app as create_verifier
from verifier.settings import VerifierSettings

from .conftest import Clock, Person, Wallet, make_wallet, signed_credential

HTML = {"Accept": "text/html"}


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'verifier.db'}"
    migrated("verifier", url)
    settings = VerifierSettings(
        environment="test", database_url=url, log_json=False,
        public_base_url="http://verifier.test",
    )  # fmt: skip
    with TestClient(create_verifier(settings, clock=Clock()), base_url="http://verifier.test") as c:
        yield c


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def wallet(
    request: pytest.FixtureRequest, tmp_path: Path, verifier: TestClient
) -> Iterator[Wallet]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'wallet.db'}"
    else:
        url = request.getfixturevalue("new_postgres_url")
    yield from make_wallet(
        url,
        http_client=cast(httpx.Client, verifier),
        resolve_host=lambda host, port: ["93.184.216.34"],
        allow_hosts=frozenset({"verifier.test"}),
    )


def _with_credentials(wallet: Wallet) -> tuple[Person, str, str]:
    person = wallet.person()
    good = person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    old = person.post(
        "/api/credentials",
        json={
            "credential": signed_credential(
                person.did, number=2, valid_until="2026-08-01T00:00:00Z"
            )
        },
    )
    assert good.status_code == 201, good.text
    assert old.json()["state"] == "expired"
    return person, good.json()["id"], old.json()["id"]


def _send(person: Person, link: str, credentials: list[str]) -> Any:
    return person.client.post(
        "/respond/send",
        data={"csrf_token": person.csrf, "request": link, "credential": credentials},
        headers=HTML,
        follow_redirects=False,
    )


def test_answer_page_end_to_end_against_the_verifier(wallet: Wallet, verifier: TestClient) -> None:
    person, good, old = _with_credentials(wallet)
    created = verifier.post(
        "/oid4vp/requests", json={"target": "25498", "profile": "by_value"}
    ).json()
    # opened from a QR scan: /respond?request=openid4vp://…
    page = person.get(f"/respond?request={quote(created['link'], safe='')}", headers=HTML)
    assert page.status_code == 200, page.text
    html = page.text
    assert 'id="response-host">verifier.test<' in html
    assert "Werkgever" in html  # the verifier's client_name
    assert "redirect_uri:http://verifier.test/oid4vp/response/" in html
    assert "Eén of meer bewijzen" in html
    # the expired credential is listed but cannot be ticked
    assert re.search(rf'value="mbo_credentials:{old}"\s+disabled', html)
    assert not re.search(rf'value="mbo_credentials:{good}"\s+disabled', html)
    assert 'name="credential" value="mbo_credentials:' + good + '"' in html

    # the send form may be redirected to the verifier's origin, and nowhere else
    csp = page.headers["content-security-policy"]
    assert "form-action 'self' http://verifier.test;" in csp + ";"
    sent = _send(person, created["link"], [good])
    # the wallet sends the browser on to the verifier's redirect_uri (§8.2)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith("http://verifier.test/requests/")
    status = verifier.get(f"/oid4vp/requests/{created['id']}?key={created['resultKey']}").json()
    assert status["status"] == "answered", status
    [checked] = status["result"]["credentials"]
    assert checked["verified"] is True
    binding = {c["check"]: c["outcome"] for c in status["result"]["presentationChecks"]}
    assert binding["holder_binding"] == "passed"


def test_expired_or_foreign_credentials_are_not_sent(wallet: Wallet, verifier: TestClient) -> None:
    person, good, old = _with_credentials(wallet)
    created = verifier.post("/oid4vp/requests", json={"profile": "by_value"}).json()
    refused = _send(person, created["link"], [old])
    assert refused.status_code == 400
    assert "kun je niet sturen" in refused.text
    assert _send(person, created["link"], []).status_code == 400
    other = wallet.person("other@example.nl", "Ander")
    foreign = _send(other, created["link"], [good])
    assert foreign.status_code == 400
    assert "staat niet in je portemonnee" in foreign.text
    assert (
        verifier.get(f"/oid4vp/requests/{created['id']}?key={created['resultKey']}").json()[
            "status"
        ]
        != "answered"
    )


def test_paste_form_csrf_and_english(wallet: Wallet, verifier: TestClient) -> None:
    person, _good, _old = _with_credentials(wallet)
    form = person.get("/respond", headers=HTML)
    assert form.status_code == 200
    assert 'action="/respond"' in form.text
    assert 'href="/respond"' in person.get("/shares", headers=HTML).text  # in the navigation
    created = verifier.post("/oid4vp/requests", json={"profile": "by_value"}).json()
    no_csrf = person.client.post("/respond", data={"request": created["link"]}, headers=HTML)
    assert no_csrf.status_code == 403
    pasted = person.client.post(
        "/respond", data={"csrf_token": person.csrf, "request": created["link"]}, headers=HTML
    )
    assert pasted.status_code == 200
    assert "Wat wordt er gevraagd?" in pasted.text
    english = person.client.post(
        "/respond?lang=en",
        data={"csrf_token": person.csrf, "request": created["link"]},
        headers=HTML,
    )
    assert "What is being asked?" in english.text
    assert "One or more credentials" in english.text


def test_readable_errors(wallet: Wallet) -> None:
    person = wallet.person()

    def paste(text: str) -> Any:
        return person.client.post(
            "/respond", data={"csrf_token": person.csrf, "request": text}, headers=HTML
        )

    malformed = paste("openid4vp://?foo=bar")
    assert malformed.status_code == 400
    assert "geen geldig verzoek om bewijs" in malformed.text
    empty = paste("   ")
    assert empty.status_code == 400
    assert "Plak de link" in empty.text

    def link(response_uri: str) -> str:
        return request_uri(
            build_authorization_request(
                response_uri=response_uri, nonce="n-1", state="s", dcql_query=mbo_dcql_query()
            )
        )

    private = paste(link("https://10.0.0.7/oid4vp/response/x"))
    assert private.status_code == 400
    assert "privé-adres" in private.text
    plain_http = paste(link("http://elsewhere.example/response"))
    assert plain_http.status_code == 400
    assert "privé-adres" in plain_http.text


def test_unreachable_verifier(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refuse))
    for wallet in make_wallet(
        f"sqlite:///{tmp_path / 'w.db'}",
        http_client=client,
        resolve_host=lambda host, port: ["93.184.216.34"],
    ):
        person = wallet.person()
        good = person.post(
            "/api/credentials", json={"credential": signed_credential(person.did)}
        ).json()["id"]
        link = request_uri(
            build_authorization_request(
                response_uri="https://verifier.example/oid4vp/response/x",
                nonce="n-1",
                state="x",
                dcql_query=mbo_dcql_query(),
                client_name="Zorggroep Noord",
            )
        )
        answer = _send(person, link, [good])
        assert answer.status_code == 400
        assert "niet bereikbaar" in answer.text
        assert "Zorggroep Noord" in answer.text  # the request is shown again to retry

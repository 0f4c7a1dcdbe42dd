"""The wallet answers an OpenID4VP 1.0 request as HAIP 1.0 makes it: a signed Request Object
by reference (``x509_hash`` client id, ``request_uri_method=post`` with ``wallet_nonce``),
a DCQL query, ``direct_post.jwt``. The verifier is written in the test from the spec
(tests/spec_verifier.py, served in-process): it decrypts the answer and checks the KB-JWT
with jwcrypto; only the claims the person left ticked are disclosed."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlencode

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.testclient import TestClient
from sqlalchemy import select

from credentials.jwk import P256KeyPair, public_jwk_of
from credentials.keys import public_key_from_multibase
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import issue_sd_jwt_vc
from credentials.x509_dev_ca import create_leaf, create_root_ca
from qualifications.sd_jwt_vc_claims import VCT_BASE
from tests.databases import migrated
from tests.spec_verifier import SpecVerifier
from wallet.app import create_app
from wallet.db.tables import Account, StoredCredential
from wallet.services import accounts
from wallet.settings import WalletSettings
from web_common.db import UnitOfWork

from .conftest import Clock, Person, Wallet, make_wallet, signed_credential

HTML = {"Accept": "text/html"}
NOW = Clock().now
VCT = VCT_BASE + "diploma"
DCQL_SD = {
    "credentials": [
        {
            "id": "diploma",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [VCT]},
            "claims": [{"path": ["holder_name"]}, {"path": ["achievement_name"]}],
        }
    ]
}
DCQL_EITHER = {
    "credentials": [
        dict(
            DCQL_SD["credentials"][0],
            claims=[{"id": "name", "path": ["holder_name"]},
                    {"id": "what", "path": ["achievement_name"]}],
            claim_sets=[["name", "what"], ["name"], ["what"]],
        )
    ]
}  # fmt: skip
"""Either claim answers (§6.4.1), so the person may withhold the other; without claim sets
every listed claim is needed."""
DCQL_LDP = {
    "credentials": [
        {
            "id": "mbo",
            "format": "ldp_vc",
            "meta": {"type_values": [["VerifiableCredential"]]},
        }
    ]
}


@dataclass
class Served:
    """The spec verifier as an HTTP server: Request Objects by id, and the response endpoint."""

    spec: SpecVerifier
    objects: dict[str, Any] = field(default_factory=dict)
    fetches: list[dict[str, str]] = field(default_factory=list)
    responses: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/request/{rid}", methods=["GET", "POST"])
        async def request_object(rid: str, request: Request) -> Response:
            form = dict(await request.form()) if request.method == "POST" else {}
            self.fetches.append({"method": request.method, **{k: str(v) for k, v in form.items()}})
            make = self.objects.pop(rid, None)  # served once, as careful verifiers do
            if make is None:
                return JSONResponse({"error": "invalid_request_uri"}, status_code=404)
            token = make(form.get("wallet_nonce"))
            return PlainTextResponse(token, media_type="application/oauth-authz-req+jwt")

        @app.post("/response")
        async def response(request: Request) -> Response:
            self.responses.append({k: str(v) for k, v in (await request.form()).items()})
            return JSONResponse({"redirect_uri": "https://verifier.example/done/abc"})

        return app

    def link(self, rid: str, *, method: str = "post", scheme: str = "haip-vp") -> str:
        params = {
            "client_id": self.spec.client_id,
            "request_uri": f"https://verifier.example/request/{rid}",
            "request_uri_method": method,
        }
        return f"{scheme}://?" + urlencode(params)

    def offer(self, rid: str, dcql: dict[str, Any], **overrides: Any) -> str:
        """Serve a Request Object for ``dcql`` under ``rid`` (the wallet_nonce included)."""

        def make(wallet_nonce: str | None) -> str:
            extra = {"wallet_nonce": wallet_nonce} if wallet_nonce else {}
            claims = self.spec.claims(dcql, now=int(NOW.timestamp()), **{**extra, **overrides})
            return self.spec.sign(claims)

        self.objects[rid] = make
        return self.link(rid)


@pytest.fixture
def served() -> Served:
    root = create_root_ca("verifier root", now=NOW)
    leaf = create_leaf(root, "verifier.example", organization="Werkgever BV", now=NOW)
    return Served(
        SpecVerifier(root=root, leaf=leaf, response_uri="https://verifier.example/response")
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def wallet(request: pytest.FixtureRequest, tmp_path: Path, served: Served) -> Iterator[Wallet]:
    client = TestClient(served.app(), base_url="https://verifier.example")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'wallet.db'}"
    else:
        url = request.getfixturevalue("new_postgres_url")
    yield from make_wallet(
        url,
        http_client=cast(httpx.Client, client),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )


def _store_sd_jwt(wallet: Wallet, person: Person, *, p256: bool = True) -> str:
    """An SD-JWT VC bound to the person's P-256 holder key (or the Ed25519 one), stored as
    h/w-hold stores them (``format`` ``dc+sd-jwt``, ``document`` the issued SD-JWT ending in
    ``~``)."""
    public_id = "sdjwt-diploma-p256" if p256 else "sdjwt-diploma-ed25519"
    with UnitOfWork(wallet.app.state.sessions) as uow:
        account = uow.session.scalar(select(Account).where(Account.email == person.email))
        assert account is not None
        if p256:
            key = accounts.sd_jwt_holder_key(uow, account.id, wallet.app.state.box, now=NOW)
            holder, holder_did = key.public_jwk, accounts.sd_jwt_key_id(key)
        else:
            holder = public_jwk_of(public_key_from_multibase(person.did.split(":")[2]))
            holder_did = person.did
        issued = issue_sd_jwt_vc(
            vct=VCT,
            iss="https://issuer.example/roc",
            claims={
                "kind": "diploma",
                "holder_name": Sd("Sanne de Vries"),
                "achievement_name": Sd("Verzorgende IG"),
                "student_number": Sd("123456"),
            },
            signer=P256KeyPair.generate(),
            iat=int(NOW.timestamp()),
            holder_jwk=holder,
        )
        uow.session.add(
            StoredCredential(
                public_id=public_id,
                account_id=account.id,
                digest=hashlib.sha256(issued.compact.encode()).hexdigest(),
                format="dc+sd-jwt",
                document=issued.compact,
                credential_id=None,
                kind="diploma",
                types="DiplomaCredential",
                title="Diploma Verzorgende IG",
                issuer="https://issuer.example/roc",
                issuer_name="ROC Voorbeeld",
                subject_id=None,
                holder_did=holder_did,
                valid_from=None,
                valid_until=None,
                source="oid4vci",
                received_at=NOW,
                evidence="[]",
                checked_at=NOW,
                verdict="valid",
                state="ok",
                checks="[]",
            )
        )
        uow.commit()
    return public_id


def _send(person: Person, page: str, fields: dict[str, Any]) -> Any:
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    import html as html_module

    data = {k: html_module.unescape(v) for k, v in hidden.items()}
    data["csrf_token"] = person.csrf
    return person.client.post("/respond/send", data={**data, **fields}, headers=HTML,
                              follow_redirects=False)  # fmt: skip


def test_selective_sd_jwt_answer_encrypted_to_the_verifier(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person)
    link = served.offer("r1", DCQL_EITHER)
    page = person.get(f"/respond?request={quote(link, safe='')}", headers=HTML)
    assert page.status_code == 200, page.text
    html = page.text
    # fetched once, by POST with a wallet_nonce and our metadata (§5.10)
    [fetch] = served.fetches
    assert fetch["method"] == "POST"
    assert fetch["wallet_nonce"]
    assert "dc+sd-jwt" in json.loads(fetch["wallet_metadata"])["vp_formats_supported"]
    assert 'id="client-name">Werkgever BV<' in html  # from the certificate
    assert "uit het certificaat" in html
    assert 'id="response-host">verifier.example<' in html
    assert "versleuteld" in html
    # each requested claim by its display name with the value it would reveal
    assert "Naam: <strong>Sanne de Vries</strong>" in html
    assert "Behaald: <strong>Verzorgende IG</strong>" in html
    assert "123456" not in html  # not asked, not shown
    assert f'value="diploma:{pid}"' in html
    assert served.responses == []  # nothing sent before pressing send

    # the person sends the diploma but unticks the achievement: only the name is disclosed
    sent = _send(person, html, {"credential": [f"diploma:{pid}"], "claim": [f"diploma:{pid}:0"]})
    # the verifier's redirect_uri on its own origin: the browser goes there (§8.2)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "https://verifier.example/done/abc"
    assert "form-action 'self' https://verifier.example" in page.headers[
        "content-security-policy"]  # fmt: skip
    assert len(served.fetches) == 1  # the Request Object was not fetched again
    [answer] = served.responses
    assert set(answer) == {"response"}
    header, payload = served.spec.decrypt(answer["response"])
    assert header["alg"] == "ECDH-ES"
    assert header["enc"] == "A128GCM"
    assert payload["state"] == served.spec.state
    [presentation] = payload["vp_token"]["diploma"]
    kb, disclosures = served.spec.check_kb_jwt(presentation)
    assert kb["iat"] == int(NOW.timestamp())
    assert [d[1:] for d in disclosures] == [["holder_name", "Sanne de Vries"]]


def test_sd_jwt_bound_to_the_ed25519_key_and_plain_direct_post(
    wallet: Wallet, served: Served
) -> None:
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person, p256=False)
    plain = served.spec.metadata()
    link = served.offer("ed", DCQL_SD, response_mode="direct_post", client_metadata=plain)
    page = person.get(f"/respond?request={quote(link, safe='')}", headers=HTML)
    assert page.status_code == 200, page.text
    assert "versleuteld" not in page.text
    claims = re.findall(r'name="claim" value="([^"]+)" checked', page.text)
    assert claims == [f"diploma:{pid}:0", f"diploma:{pid}:1"]  # ticked by default
    sent = _send(person, page.text, {"credential": [f"diploma:{pid}"], "claim": claims})
    assert sent.status_code == 303, sent.text  # on to the redirect_uri
    [answer] = served.responses
    assert answer["state"] == served.spec.state
    [presentation] = json.loads(answer["vp_token"])["diploma"]
    _, disclosures = served.spec.check_kb_jwt(presentation)
    assert sorted(d[1] for d in disclosures) == ["achievement_name", "holder_name"]


def test_ldp_vc_answer_binds_nonce_and_client_id(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    good = person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    assert good.status_code == 201, good.text
    link = served.offer("r2", DCQL_LDP)
    page = person.get(f"/respond?request={quote(link, safe='')}", headers=HTML)
    assert page.status_code == 200, page.text
    sent = _send(person, page.text, {"credential": [f"mbo:{good.json()['id']}"]})
    assert sent.status_code == 303, sent.text  # on to the redirect_uri
    _, payload = served.spec.decrypt(served.responses[0]["response"])
    [vp] = payload["vp_token"]["mbo"]
    assert vp["proof"]["challenge"] == served.spec.nonce
    assert vp["proof"]["domain"] == served.spec.client_id
    assert len(vp["verifiableCredential"]) == 1


def _refused(person: Person, link: str) -> str:
    page = person.get(f"/respond?request={quote(link, safe='')}", headers=HTML)
    assert page.status_code == 400, page.text
    return str(page.text)


def test_bad_requests_are_refused_in_dutch(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    spec = served.spec
    now = int(NOW.timestamp())
    impostor = create_leaf(spec.root, "impostor.example", now=NOW)

    def claims(nonce: str | None) -> dict[str, Any]:
        return spec.claims(DCQL_SD, now=now, wallet_nonce=nonce)

    served.objects["sig"] = lambda n: spec.sign(claims(n), signer=impostor)
    assert "handtekening onder dit verzoek klopt niet" in _refused(person, served.link("sig"))

    served.objects["hash"] = lambda n: spec.sign(claims(n), signer=impostor, x5c=impostor.x5c([]))
    assert "hoort niet bij de controleur" in _refused(person, served.link("hash"))

    served.offer("old", DCQL_SD, exp=now - 3600)
    assert "verlopen" in _refused(person, served.link("old"))

    served.offer("mode", DCQL_SD, response_mode="query.jwt")
    assert "manier ontvangen die je portemonnee niet" in _refused(person, served.link("mode"))

    served.objects["typ"] = lambda n: spec.sign(claims(n), typ="JWT")
    assert "niet in orde" in _refused(person, served.link("typ"))

    big = {"credentials": [dict(DCQL_SD["credentials"][0], id=f"q{i}") for i in range(30)]}
    served.offer("big", big)
    assert "te veel tegelijk" in _refused(person, served.link("big"))

    # unsigned, by value, where HAIP wants a signature
    by_value = "haip-vp://?" + urlencode(
        {
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "client_id": "redirect_uri:https://verifier.example/response",
            "response_uri": "https://verifier.example/response",
            "nonce": "n",
            "dcql_query": json.dumps(DCQL_LDP),
        }
    )
    assert "niet ondertekend" in _refused(person, by_value)

    # the Request Object is gone (served once): a readable error, not a crash
    assert "kon niet worden opgehaald" in _refused(person, served.link("sig"))
    assert served.responses == []


def test_get_method_and_no_match(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    served.offer("g", DCQL_SD)
    link = quote(served.link("g", method="get"), safe="")
    page = person.get(f"/respond?request={link}", headers=HTML)
    assert page.status_code == 200, page.text
    assert served.fetches[0] == {"method": "GET"}
    assert "geen bewijs dat past" in page.text
    english = person.get(f"/respond?lang=en&request={link}", headers=HTML)
    assert english.status_code == 400  # served once: gone now
    assert "could not be fetched from the verifier" in english.text


def test_expired_between_preview_and_send(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person)
    now = int(NOW.timestamp())
    served.offer("short", DCQL_SD, exp=now + 120)
    page = person.get(f"/respond?request={quote(served.link('short'), safe='')}", headers=HTML)
    assert page.status_code == 200, page.text
    wallet.clock.now = datetime.fromtimestamp(now + 600, UTC)
    person.login()
    sent = _send(person, page.text, {"credential": [f"diploma:{pid}"]})
    assert sent.status_code == 400
    assert "verlopen" in sent.text
    assert served.responses == []


def _anchored_wallet(
    tmp_path: Path, served: Served, roots: bytes, issuer_roots: bytes = b""
) -> Iterator[Wallet]:
    anchors = tmp_path / "verifier-roots.pem"
    anchors.write_bytes(roots)
    issuers = tmp_path / "issuer-roots.pem"
    issuers.write_bytes(issuer_roots)
    url = f"sqlite:///{tmp_path / 'anchored.db'}"
    migrated("wallet", url)
    settings = WalletSettings(
        environment="test", database_url=url, public_base_url="http://wallet.test",
        log_json=False, verifier_trust_anchors_file=str(anchors),
        x509_trust_anchors_file=str(issuers),
    )  # fmt: skip
    client = TestClient(served.app(), base_url="https://verifier.example")
    clock = Clock()
    app = create_app(
        settings, clock=clock, http_client=cast(httpx.Client, client),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )  # fmt: skip
    with TestClient(app, base_url="http://wallet.test") as wallet_client:
        yield Wallet(app, wallet_client, clock, url)


def test_configured_verifier_anchors(tmp_path: Path, served: Served) -> None:
    for wallet in _anchored_wallet(tmp_path, served, served.spec.root.pem):
        person = wallet.person()
        page = person.get(f"/respond?request={quote(served.offer('a', DCQL_SD), safe='')}")
        assert page.status_code == 200, page.text
        assert "certificaat van een erkende controleur" in page.text
    other = create_root_ca("another verifier CA", now=NOW)
    (tmp_path / "other").mkdir()
    for wallet in _anchored_wallet(tmp_path / "other", served, other.pem):
        person = wallet.person()
        page = person.get(f"/respond?request={quote(served.offer('b', DCQL_SD), safe='')}")
        assert page.status_code == 400
        assert "niet bij de erkende controleurs" in page.text


def test_request_object_by_value_with_purpose(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    spec = served.spec
    token = spec.sign(
        spec.claims(DCQL_SD, now=int(NOW.timestamp()), purpose="Sollicitatie als verzorgende")
    )
    link = "openid4vp://?" + urlencode({"client_id": spec.client_id, "request": token})
    page = person.get(f"/respond?request={quote(link, safe='')}", headers=HTML)
    assert page.status_code == 200, page.text
    assert "<q>Sollicitatie als verzorgende</q>" in page.text
    assert served.fetches == []


def test_received_sd_jwt_answered_end_to_end(tmp_path: Path, served: Served) -> None:
    """Uploaded (verified by the wallet against its issuer roots), then presented."""
    issuer_root = create_root_ca("issuer root", now=NOW)
    issuer = create_leaf(issuer_root, "ROC", san_uris=["https://roc.example"], now=NOW)
    for wallet in _anchored_wallet(tmp_path, served, served.spec.root.pem, issuer_root.pem):
        person = wallet.person()
        with UnitOfWork(wallet.app.state.sessions) as uow:
            account = uow.session.scalars(select(Account)).one()
            key = accounts.sd_jwt_holder_key(uow, account.id, wallet.app.state.box, now=NOW)
            uow.commit()
        compact = issue_sd_jwt_vc(
            vct=VCT,
            iss="https://roc.example",
            claims={
                "kind": "diploma",
                "holder_name": Sd("Sanne de Vries"),
                "achievement_name": Sd("Verzorgende IG"),
                "student_number": Sd("123456"),
            },
            signer=issuer.key,
            iat=int(NOW.timestamp()),
            holder_jwk=key.public_jwk,
            x5c=issuer.x5c([]),
        ).compact
        stored = person.post("/api/credentials", json={"credential": compact})
        assert stored.status_code == 201, stored.text
        assert stored.json()["bound_to_holder"] is True
        pid = stored.json()["id"]
        page = person.get(f"/respond?request={quote(served.offer('e2e', DCQL_EITHER), safe='')}")
        assert page.status_code == 200, page.text
        assert "certificaat van een erkende controleur" in page.text
        sent = _send(
            person,
            page.text,
            {"credential": [f"diploma:{pid}"], "claim": [f"diploma:{pid}:1"]},
        )
        assert sent.status_code == 303, sent.text  # on to the redirect_uri
        _, payload = served.spec.decrypt(served.responses[0]["response"])
        [presentation] = payload["vp_token"]["diploma"]
        _, disclosures = served.spec.check_kb_jwt(presentation)
        assert [d[1:] for d in disclosures] == [["achievement_name", "Verzorgende IG"]]
        assert presentation.startswith(compact.split("~")[0] + "~")


def test_json_api_answers_a_signed_request(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person)
    preview = person.post("/api/requests/preview", json={"request": served.offer("p", DCQL_SD)})
    assert preview.status_code == 200, preview.text
    assert preview.json()["client_name"] == "Werkgever BV"
    assert preview.json()["response_mode"] == "direct_post.jwt"
    answered = person.post(
        "/api/requests/answer",
        json={"request": served.offer("a", DCQL_SD), "credentials": [pid]},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["redirect_uri"] == "https://verifier.example/done/abc"
    _, payload = served.spec.decrypt(served.responses[0]["response"])
    _, disclosures = served.spec.check_kb_jwt(payload["vp_token"]["diploma"][0])
    assert sorted(d[1] for d in disclosures) == ["achievement_name", "holder_name"]
    refused = person.post(
        "/api/requests/answer",
        json={"request": served.link("a"), "credentials": [pid]},  # served once: gone
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "request_unreachable"


def test_tampered_consent_form_is_refused(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person)
    page = person.get(f"/respond?request={quote(served.offer('t', DCQL_SD), safe='')}")
    assert page.status_code == 200, page.text
    base = {"credential": [f"diploma:{pid}"]}
    garbage = _send(person, page.text, {**base, "request_object": "x" * 5000})
    assert garbage.status_code == 400
    assert "niet in orde" in garbage.text
    other_nonce = _send(person, page.text, {**base, "wallet_nonce": "not-the-one"})
    assert other_nonce.status_code == 400
    wrong_query = _send(person, page.text, {"credential": [f"nope:{pid}"]})
    assert wrong_query.status_code == 400
    assert "past niet bij wat er gevraagd wordt" in wrong_query.text
    flood = _send(person, page.text, {**base, "claim": [f"diploma:{pid}:{i}" for i in range(2000)]})
    assert flood.status_code == 400  # more form fields than any consent page has
    assert "Ongeldig verzoek" in flood.text
    many = _send(person, page.text, {**base, "claim": [f"diploma:{pid}:{i}" for i in range(500)]})
    assert many.status_code == 303, many.text  # unknown indexes are ignored
    _, payload = served.spec.decrypt(served.responses[0]["response"])
    _, disclosures = served.spec.check_kb_jwt(payload["vp_token"]["diploma"][0])
    assert sorted(d[1] for d in disclosures) == ["achievement_name", "holder_name"]


def test_always_visible_claims_have_no_checkbox(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person)
    query = {
        "credentials": [
            dict(DCQL_SD["credentials"][0],
                 claims=[{"id": "kind", "path": ["kind"]}, {"id": "name", "path": ["holder_name"]}],
                 claim_sets=[["kind", "name"], ["kind"]])
        ]
    }  # fmt: skip
    page = person.get(f"/respond?request={quote(served.offer('k', query), safe='')}")
    assert page.status_code == 200, page.text
    assert re.search(r'data-always="kind">Soort: <strong>diploma</strong>', page.text)
    assert re.findall(r'name="claim" value="([^"]+)"', page.text) == [f"diploma:{pid}:1"]
    sent = _send(person, page.text, {"credential": [f"diploma:{pid}"], "claim": []})
    assert sent.status_code == 303, sent.text  # on to the redirect_uri
    _, payload = served.spec.decrypt(served.responses[0]["response"])
    _, disclosures = served.spec.check_kb_jwt(payload["vp_token"]["diploma"][0])
    assert disclosures == []  # the name withheld; the kind is in the issuer-signed JWT anyway


def test_consent_page_in_english(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    _store_sd_jwt(wallet, person)
    link = quote(served.offer("en", DCQL_SD), safe="")
    page = person.get(f"/respond?lang=en&request={link}", headers=HTML)
    assert page.status_code == 200, page.text
    assert "Name (from the verifier&#39;s certificate)" in page.text
    assert "Your answer is encrypted so that only this verifier can read it." in page.text
    assert "Achievement: <strong>Verzorgende IG</strong>" in page.text  # en-US claim label
    assert "</strong> asks for proof of your education." in page.text


def test_self_declared_name_is_shown_apart(wallet: Wallet, served: Served) -> None:
    person = wallet.person()
    metadata = served.spec.metadata(client_name="Echte Bank")
    link = quote(served.offer("n", DCQL_SD, client_metadata=metadata), safe="")
    page = person.get(f"/respond?request={link}", headers=HTML)
    assert page.status_code == 200, page.text
    assert 'id="client-name">Werkgever BV<' in page.text
    assert 'id="self-declared-name">Echte Bank<' in page.text
    assert "zoals de controleur die zelf opgeeft" in page.text


def test_a_companion_query_is_shown_and_sent_with_the_credential(
    wallet: Wallet, served: Served
) -> None:
    """The employer's shape (OpenID4VP §6.4: several queries for one credential): a query of
    the kind, and an optional companion asking more of the same credential. The consent page
    shows the companion's claims inside the credential's card, not as a question of its
    own; the credential is presented once, with both queries' claims, under both ids."""
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person)
    query = {
        "credentials": [
            dict(DCQL_SD["credentials"][0], claims=[{"path": ["holder_name"]}]),
            {"id": "extra", "format": "dc+sd-jwt", "multiple": True,
             "meta": {"vct_values": [VCT]}, "claims": [{"path": ["student_number"]}]},
            {"id": "evc", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT_BASE + "evc"]}},
        ],
        "credential_sets": [{"options": [["diploma"], ["evc"]]},
                            {"options": [["extra"]], "required": False}],
    }  # fmt: skip
    page = person.get(f"/respond?request={quote(served.offer('c1', query), safe='')}")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<fieldset data-query="extra"' not in html  # no question of its own
    assert 'data-query="extra" data-companion="yes"' in html
    # a kind she does not hold, while another option is met: one line, not a "nothing fits"
    assert re.search(r'id="not-held">[^<]*niet in je portemonnee[^<]*EVC', html)
    assert "Voor deze vraag heb je geen passend bewijs" not in html
    card = html.split(f'data-credential="{pid}"', 1)[1].split("</div>", 1)[0]
    assert f'value="diploma:{pid}:0"' in card
    assert f'value="extra:{pid}:0"' in card
    assert "Studentnummer: <strong>123456</strong>" in card
    sent = _send(person, html, {"credential": [f"diploma:{pid}"],
                                "claim": [f"diploma:{pid}:0", f"extra:{pid}:0"]})  # fmt: skip
    assert sent.status_code == 303, sent.text
    _, payload = served.spec.decrypt(served.responses[0]["response"])
    token = payload["vp_token"]
    assert set(token) == {"diploma", "extra"}
    assert token["diploma"] == token["extra"]  # one presentation of the one credential
    _, disclosures = served.spec.check_kb_jwt(token["diploma"][0])
    assert sorted(d[1] for d in disclosures) == ["holder_name", "student_number"]

    # unticking every companion claim leaves the companion out
    page = person.get(f"/respond?request={quote(served.offer('c2', query), safe='')}")
    sent = _send(person, page.text, {"credential": [f"diploma:{pid}"],
                                     "claim": [f"diploma:{pid}:0"]})  # fmt: skip
    assert sent.status_code == 303, sent.text
    _, payload = served.spec.decrypt(served.responses[1]["response"])
    assert set(payload["vp_token"]) == {"diploma"}
    _, disclosures = served.spec.check_kb_jwt(payload["vp_token"]["diploma"][0])
    assert [d[1] for d in disclosures] == ["holder_name"]


def test_type_values_are_matched_as_expanded_iris(wallet: Wallet, served: Served) -> None:
    """OpenID4VP 1.0 B.1.1: ``type_values`` are the fully expanded type IRIs (the employer's
    query asks so); the compact names older requests send still match too."""
    person = wallet.person()
    good = person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    assert good.status_code == 201, good.text
    public_id = good.json()["id"]
    expanded = {"credentials": [dict(DCQL_LDP["credentials"][0], meta={"type_values": [[
        "https://www.w3.org/2018/credentials#VerifiableCredential",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
    ]]})]}  # fmt: skip
    page = person.get(f"/respond?request={quote(served.offer('x1', expanded), safe='')}")
    assert page.status_code == 200, page.text
    assert f'value="mbo:{public_id}"' in page.text
    assert "credentials#VerifiableCredential" not in page.text  # a generic type, not a kind
    other = {"credentials": [dict(DCQL_LDP["credentials"][0], meta={"type_values": [[
        "https://www.w3.org/2018/credentials#VerifiablePresentation"]]})]}  # fmt: skip
    page = person.get(f"/respond?request={quote(served.offer('x2', other), safe='')}")
    assert f'value="mbo:{public_id}"' not in page.text


DCQL_SETS = {
    "credentials": [
        dict(
            DCQL_SD["credentials"][0],
            claims=[{"id": "name", "path": ["holder_name"]},
                    {"id": "what", "path": ["achievement_name"]}],
            claim_sets=[["name", "what"], ["what"]],
        )
    ]
}  # fmt: skip


def test_a_choice_that_meets_no_claim_set_is_not_sent(wallet: Wallet, served: Served) -> None:
    """OpenID4VP 1.0 §6.4.1: unticking the achievement leaves only the name, which none of
    the claim sets is; the wallet sends nothing and says which claim is needed at least,
    with the person's own ticks kept."""
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person)
    page = person.get(f"/respond?request={quote(served.offer('cs', DCQL_SETS), safe='')}")
    assert page.status_code == 200, page.text
    assert "data-needed" not in page.text
    refused = _send(person, page.text, {"credential": [f"diploma:{pid}"],
                                        "claim": [f"diploma:{pid}:0"]})  # fmt: skip
    assert refused.status_code == 400, refused.text
    assert served.responses == []  # nothing went to the verifier
    assert "te weinig gegevens aangevinkt" in refused.text
    needed = re.search(rf'data-needed="{pid}">([^<]*)<strong>([^<]*)</strong>', refused.text)
    assert needed is not None, refused.text
    assert needed.group(2) == "Behaald"  # the achievement, by its display name
    assert f'value="diploma:{pid}:0" checked' in refused.text  # her ticks stay as they were
    assert f'value="diploma:{pid}:1">' in refused.text
    english = person.get(f"/respond?request={quote(served.offer('cs-en', DCQL_SETS), safe='')}"
                         "&lang=en")  # fmt: skip
    refused_en = _send(person, english.text, {"credential": [f"diploma:{pid}"],
                                              "claim": [f"diploma:{pid}:0"]})  # fmt: skip
    assert refused_en.status_code == 400
    assert "tick at least:" in refused_en.text
    # the achievement alone is the second claim set: sent, with only that Disclosure
    sent = _send(person, refused.text, {"credential": [f"diploma:{pid}"],
                                        "claim": [f"diploma:{pid}:1"]})  # fmt: skip
    assert sent.status_code == 303, sent.text
    _, payload = served.spec.decrypt(served.responses[0]["response"])
    _, disclosures = served.spec.check_kb_jwt(payload["vp_token"]["diploma"][0])
    assert [d[1] for d in disclosures] == ["achievement_name"]


DCQL_TWO_SETS = {
    "credentials": [
        dict(
            DCQL_SD["credentials"][0],
            claims=[{"id": "what", "path": ["achievement_name"]},
                    {"id": "name", "path": ["holder_name"]},
                    {"id": "number", "path": ["student_number"]}],
            claim_sets=[["what", "name"], ["what", "number"]],
        )
    ]
}  # fmt: skip


def _api_answer(person: Person, served: Served, rid: str, pid: str, **body: Any) -> Any:
    link = served.offer(rid, DCQL_TWO_SETS)
    return person.post("/api/requests/answer", json={"request": link, "credentials": [pid],
                                                     **body})  # fmt: skip


def _disclosed(served: Served) -> list[str]:
    _, payload = served.spec.decrypt(served.responses[-1]["response"])
    _, disclosures = served.spec.check_kb_jwt(payload["vp_token"]["diploma"][0])
    return sorted(d[1] for d in disclosures)


def test_json_api_discloses_the_chosen_claims_or_the_first_claim_set(
    wallet: Wallet, served: Served
) -> None:
    """The API answer takes claims paths per credential; by default exactly the first claim
    set the credential meets goes (not every claim asked for: the student number is asked
    too, and held, but only in the second set); a choice meeting no set, or a claim not
    asked for, is refused with 400 problem+json and nothing is sent."""
    person = wallet.person()
    pid = _store_sd_jwt(wallet, person)
    default = _api_answer(person, served, "d", pid)
    assert default.status_code == 200, default.text
    assert _disclosed(served) == ["achievement_name", "holder_name"]

    second = _api_answer(person, served, "s", pid,
                         claims={pid: [["achievement_name"], ["student_number"]]})  # fmt: skip
    assert second.status_code == 200, second.text
    assert _disclosed(served) == ["achievement_name", "student_number"]

    sent = len(served.responses)
    short = _api_answer(person, served, "x", pid, claims={pid: [["holder_name"]]})
    assert short.status_code == 400, short.text
    assert short.headers["content-type"].startswith("application/problem+json")
    problem = short.json()
    assert problem["code"] == "claims_needed"
    assert problem["needed"] == [
        {"query": "diploma", "credential": pid, "claims": [["achievement_name"]]}
    ]
    too_much = [["achievement_name"], ["holder_name"], ["secret"]]
    not_asked = _api_answer(person, served, "y", pid, claims={pid: too_much})
    assert not_asked.status_code == 400, not_asked.text
    assert not_asked.json()["code"] == "claim_not_asked"
    assert '["secret"]' in not_asked.json()["detail"]
    other = _api_answer(person, served, "z", pid, claims={"someone-else": [["holder_name"]]})
    assert other.status_code == 400
    assert other.json()["code"] == "claim_not_asked"
    hostiles: list[Any] = [[[]], [[-1]], [[1.5]], [[{"a": 1}]], [["x"] * 17], "x"]
    for hostile in hostiles:
        bad = _api_answer(person, served, "h", pid, claims={pid: hostile})
        assert bad.status_code == 400, (hostile, bad.text)  # the schema refuses it
        assert bad.headers["content-type"].startswith("application/problem+json")
    assert len(served.responses) == sent  # none of the refused choices reached the verifier


def test_json_api_documents_the_claims_choice(wallet: Wallet) -> None:
    schema = wallet.client.get("/openapi.json").json()
    body = schema["components"]["schemas"]["AnswerRequest"]["properties"]["claims"]
    assert "first claim set" in body["description"]
    answer = schema["paths"]["/api/requests/answer"]["post"]
    assert "400" in answer["responses"]
    assert "claims_needed" in answer["responses"]["400"]["description"]

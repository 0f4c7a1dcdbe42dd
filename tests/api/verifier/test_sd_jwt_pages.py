"""The employer page and the VC-API with SD-JWT VCs our issuer makes: paste, upload, a
share link that serves ``application/dc+sd-jwt``, the verdict with disclosed and withheld
claims (nl/en), stacking, trust by X.509 added on the admin page, and hostile bodies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import httpx2
import pytest
from fastapi import FastAPI, Header, Response
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.databases import migrated
from verifier.app import create_app
from verifier.services.admin import hash_password
from verifier.settings import VerifierSettings

from ...unit.verifier.sd_jwt_factory import KERNTAAK_EXAM, NOW, DevIssuer

PASSWORD = "correct horse battery staple"
SHOWN = ["achievement_name", "crebo", "kerntaak_1_code", "dossier_crebo", "dossier_version"]
WALLET = "https://wallet.example"


class Clock:
    def __call__(self) -> Any:
        return NOW


def _world(issuer: DevIssuer, shared: dict[str, str], fetches: list[str]) -> FastAPI:
    world = FastAPI()

    @world.get("/roc/token-status/1")
    def token_status(if_none_match: str | None = Header(default=None)) -> Response:
        token = issuer.status_token()
        etag = f'"{hash(token) & 0xFFFF}"'
        fetches.append(if_none_match or "")
        if if_none_match == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(token, media_type="application/statuslist+jwt",
                        headers={"ETag": etag, "Cache-Control": "max-age=0"})  # fmt: skip

    @world.get("/s/{token}")
    def share(token: str) -> Response:
        if token not in shared:
            return Response(status_code=404)
        return Response(shared[token], media_type="application/dc+sd-jwt")

    return world


@dataclass
class Site:
    client: TestClient
    issuer: DevIssuer
    shared: dict[str, str]
    fetches: list[str]

    def csrf(self, path: str = "/") -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.client.get(path).text)
        assert found
        return found.group(1)

    def result(self, **form: Any) -> httpx2.Response:
        files = form.pop("files", None)
        response = self.client.post("/check", data={"csrf_token": self.csrf(), **form},
                                    files=files, follow_redirects=False)  # fmt: skip
        assert response.status_code == 303, response.text[:2000]
        return self.client.get(response.headers["location"])


def _text(response: httpx2.Response) -> str:
    plain = re.sub(r"<[^>]+>", " ", response.text)
    return re.sub(r"\s+", " ", plain).replace("&#34;", '"').replace("&#39;", "'")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'verifier.db'}"
    else:
        url = request.getfixturevalue("new_postgres_url")
    migrated("verifier", url)
    issuer = DevIssuer()
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(issuer.root.pem)
    settings = VerifierSettings(
        environment="test", database_url=url, log_json=False,
        admin_password_hash=SecretStr(hash_password(PASSWORD)),
        x509_trust_anchors_file=str(anchors),
    )  # fmt: skip
    shared: dict[str, str] = {}
    fetches: list[str] = []
    world = TestClient(_world(issuer, shared, fetches))
    app = create_app(settings, clock=Clock(), http_client=cast(httpx.Client, world),
                     resolve_host=lambda host, port: ["93.184.216.34"])  # fmt: skip
    with TestClient(app) as client:
        yield Site(client, issuer, shared, fetches)


def _presentation(site: Site, **kw: Any) -> str:
    sd_jwt, _ = site.issuer.issue(KERNTAAK_EXAM)
    return site.issuer.present(sd_jwt, select=SHOWN, **kw)


def test_a_pasted_sd_jwt_vc_shows_its_verdict_and_what_was_withheld(site: Site) -> None:
    sd_jwt, _ = site.issuer.issue(KERNTAAK_EXAM)
    page = site.result(mode="paste", text=sd_jwt)  # issued form: every claim, no KB-JWT
    text = _text(page)
    assert page.status_code == 200
    assert "SD-JWT VC" in text
    assert "Alle gegevens van dit bewijs zijn gedeeld." in text
    selective = site.result(mode="paste", text=site.issuer.present(sd_jwt, select=SHOWN))
    text = _text(selective)
    assert "Gedeelde gegevens" in text
    assert "Crebo kwalificatie: 25498" in text
    assert re.search(r"\b\d+ gegevens niet gedeeld", text), text
    assert "Uitgever niet erkend" in text  # the chain is fine, the issuer not on the list
    assert "B1-K1" in text
    english = _text(site.client.get(selective.url.path + "?lang=en"))
    assert "Qualification crebo: 25498" in english
    assert re.search(r"\b\d+ details not shared", english)
    stacking = site.client.get(selective.url.path + "?target=25498")
    assert stacking.status_code == 200
    assert "B1-K1" in _text(stacking)


def test_an_uploaded_sd_jwt_file_and_a_damaged_one(site: Site) -> None:
    text = _presentation(site)
    page = site.result(mode="upload", files={"file": ("bewijs.sd-jwt", text.encode())})
    assert "Gedeelde gegevens" in _text(page)
    damaged = site.client.post("/check", data={"csrf_token": site.csrf(), "mode": "paste",
                                               "text": "eyJ.eyJ.x~WyJ~"})  # fmt: skip
    assert damaged.status_code == 400
    assert "SD-JWT VC" in _text(damaged)


def test_a_share_link_may_serve_an_sd_jwt_presentation_bound_to_its_origin(site: Site) -> None:
    site.shared["good"] = _presentation(site, audience=WALLET, nonce="wallet-chosen")
    site.shared["copied"] = _presentation(site, audience="https://elsewhere.example")
    page = site.client.get(f"/?share={WALLET}/s/good")
    assert "Gedeelde gegevens" in _text(page)
    assert "Niet door de houder zelf gedeeld" not in _text(page)
    copied = _text(site.client.get(f"/?share={WALLET}/s/copied"))
    assert "Niet door de houder zelf gedeeld" in copied


def test_revocation_is_seen_and_the_list_is_revalidated(site: Site) -> None:
    sd_jwt, index = site.issuer.issue(KERNTAAK_EXAM)
    page = site.result(mode="paste", text=site.issuer.present(sd_jwt, select=SHOWN))
    assert "Ingetrokken" not in _text(page)
    site.issuer.revoke(index)
    again = _text(site.client.get(page.url.path))
    assert "Ingetrokken door de uitgever" in again
    assert site.fetches[0] == ""  # the first fetch has no validator, later ones do
    assert any(f.startswith('"') for f in site.fetches[1:])


def test_trust_by_x509_added_on_the_admin_page(site: Site) -> None:
    client = site.client
    token = site.csrf("/trust/login")
    client.post("/trust/login", data={"password": PASSWORD, "csrf_token": token})
    token = site.csrf("/trust")
    bad = client.post("/trust/add-x509", data={"csrf_token": token, "x509_kind": "ca",
                                               "x509_value": "not a pem", "name": "ROC",
                                               "kind": "school", "types": "*"})  # fmt: skip
    assert bad.status_code == 400
    assert "Dit is niet geldig" in _text(bad)
    added = client.post("/trust/add-x509", data={
        "csrf_token": token, "x509_kind": "subject", "x509_value": "O=ROC Midden Nederland",
        "name": "ROC Midden Nederland", "kind": "school", "types": "*"})  # fmt: skip
    assert added.status_code == 200
    assert "ROC Midden Nederland staat nu op de lijst." in _text(added)
    assert "O=ROC Midden Nederland" in _text(added)
    exported = client.get("/trust/export").json()["issuers"]
    assert exported == [{"x509": {"subject": "O=ROC Midden Nederland"},
                         "name": "ROC Midden Nederland", "kind": "school",
                         "credentialTypes": ["*"]}]  # fmt: skip
    page = _text(site.result(mode="paste", text=_presentation(site)))
    assert "Echt en geldig" in page
    assert "erkende school" in page
    client.cookies.clear()
    public = _text(client.get("/trust"))
    assert "Naam in certificaat O=ROC Midden Nederland" in public


def test_vc_api_takes_the_media_type_a_string_or_an_envelope(site: Site) -> None:
    text = _presentation(site)
    raw = site.client.post("/credentials/verify", content=text,
                           headers={"content-type": "application/dc+sd-jwt"})  # fmt: skip
    assert raw.status_code == 200, raw.text
    body = raw.json()
    assert body["format"] == "dc+sd-jwt"
    assert body["verdict"] == "warning"  # issuer not on the trust list
    assert set(body["disclosed"]) == {"kind", *SHOWN}
    assert body["withheld"] > 0
    options = {"challenge": "n-123", "domain": "https://verifier.example"}
    wrapped = site.client.post(
        "/credentials/verify", json={"verifiableCredential": text, "options": options}
    )
    assert wrapped.status_code == 200, wrapped.text
    envelope = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "EnvelopedVerifiableCredential",
                "id": "data:application/dc+sd-jwt," + text}  # fmt: skip
    enveloped = site.client.post("/credentials/verify", json={"verifiableCredential": envelope})
    assert enveloped.status_code == 200, enveloped.text
    replayed = site.client.post("/credentials/verify", json={
        "verifiableCredential": text, "options": {"challenge": "other"}})  # fmt: skip
    assert replayed.status_code == 400
    assert [p["title"] for p in replayed.json()["problemDetails"]] == ["kb_nonce"]


def test_vc_api_presentations_verify_takes_an_enveloped_sd_jwt_presentation(site: Site) -> None:
    """VC Data Model 2.0 §4.13: an ``EnvelopedVerifiablePresentation`` (or the compact
    string) on ``/presentations/verify``; its KB-JWT is the holder's proof."""
    text = _presentation(site)
    options = {"challenge": "n-123", "domain": "https://verifier.example"}
    envelope = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "EnvelopedVerifiablePresentation",
                "id": "data:application/dc+sd-jwt," + text}  # fmt: skip
    for presented in (envelope, text):
        answer = site.client.post(
            "/presentations/verify", json={"verifiablePresentation": presented, "options": options}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["format"] == "dc+sd-jwt"
        assert body["verified"] is True
        assert [c["check"] for c in body["checks"]] == ["holder_binding"]
        (credential,) = body["credentials"]
        assert set(credential["disclosed"]) == {"kind", *SHOWN}
    other = site.client.post(
        "/presentations/verify",
        json={"verifiablePresentation": envelope, "options": {**options, "challenge": "other"}},
    )
    assert other.status_code == 400
    assert [p["title"] for p in other.json()["problemDetails"]] == ["kb_nonce"]
    # without its KB-JWT it is no presentation
    bare = text.rsplit("~", 1)[0] + "~"
    missing = site.client.post("/presentations/verify", json={"verifiablePresentation": {
        **envelope, "id": "data:application/dc+sd-jwt," + bare}})  # fmt: skip
    assert missing.status_code == 400
    assert "kb_missing" in [p["title"] for p in missing.json()["problemDetails"]]
    # an envelope of another media type is not unwrapped (and is no presentation)
    foreign = site.client.post("/presentations/verify", json={"verifiablePresentation": {
        **envelope, "id": "data:application/vp+jwt," + text}})  # fmt: skip
    assert foreign.status_code == 400


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"eyJ.eyJ.x~", 400),
        (b"\xff\xfe~~", 400),
        (b"~" * 10, 400),
        (b"eyJ.eyJ.x~" + b"WyJhIiwiYiJd~" * 2000, 422),
        (b"eyJhbGciOiJFUzI1NiJ9.e30." + b"A" * 600_000 + b"~", 422),
    ],
    ids=["garbage", "not-text", "tildes", "too-many-disclosures", "too-large"],
)
def test_vc_api_hostile_sd_jwt_bodies_get_4xx(site: Site, content: bytes, status: int) -> None:
    response = site.client.post("/credentials/verify", content=content,
                                headers={"content-type": "application/dc+sd-jwt"})  # fmt: skip
    assert response.status_code == status, response.text[:300]
    assert "json" in response.headers["content-type"]


def test_vc_api_refuses_other_media_types_with_415(site: Site) -> None:
    response = site.client.post("/credentials/verify", content=b"<xml/>",
                                headers={"content-type": "application/xml"})  # fmt: skip
    assert response.status_code == 415
    assert "dc+sd-jwt" in response.json()["detail"]

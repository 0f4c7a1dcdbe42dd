"""The employer's pages: verdicts in plain words, input errors on the page (never a 500),
share links through a stand-in wallet, stacking toward a diploma, the OpenID4VP waiting
page, the trust list behind a login with CSRF, and the English switch."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import httpx2
import pytest
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import SecretStr

from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof
from credentials.errors import FetchError, FetchProblem
from credentials.jose import sign_vc_jwt
from credentials.keys import Ed25519KeyPair
from credentials.oid4vp import build_response_form, parse_authorization_request
from credentials.status_list import (
    StatusList,
    build_status_entry,
    build_status_list_credential,
)
from credentials.verification import sign_presentation
from issuer.db.tables import Organisation
from issuer.services.templates import build_unsigned_credential
from qualifications import Catalog
from qualifications.achievements import AchievementRequest, CredentialKind, build_achievement
from tests.databases import migrated
from verifier.app import create_app
from verifier.services.admin import hash_password
from verifier.services.trust import Accreditation, TrustEntry, add_trusted_issuer
from verifier.settings import VerifierSettings
from web_common.db import UnitOfWork

from .test_vc_api import CATALOG, LEERBEDRIJF, SCHOOL, STUDENT

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
STATUS_URL = "https://school.example/status/1"
PASSWORD = "correct horse battery staple"
PASSWORD_HASH = hash_password(PASSWORD)
REVOKED_INDEX = 7


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _credential(
    kind: CredentialKind = CredentialKind.EXAMENRESULTAAT,
    *,
    key: Ed25519KeyPair = SCHOOL,
    status_index: int | None = None,
    status_url: str = STATUS_URL,
    catalog: Catalog = CATALOG,
    **fields: Any,
) -> dict[str, Any]:
    fields = fields or {"qualification": "25498", "codes": ("B1-K1",)}
    achievement = build_achievement(catalog, AchievementRequest(kind, **fields)).achievement
    assert achievement is not None
    org = Organisation(slug="x", name="ROC Midden Nederland", kind="school", did=key.did_key)
    unsigned = build_unsigned_credential(
        kind, achievement, org=org, credential_id=f"urn:uuid:{kind.value}-{status_index}",
        subject_name="Sanne de Vries", subject_id=STUDENT.did_key,
        valid_from=datetime(2026, 7, 1, tzinfo=UTC),
    )  # fmt: skip
    if status_index is not None:
        unsigned["credentialStatus"] = build_status_entry(
            list_credential_url=status_url, index=status_index, purpose="revocation"
        )
    return add_proof(unsigned, key, key.did_key_verification_method,
                     created="2026-07-01T09:00:00Z")  # fmt: skip


def _presentation(*credentials: dict[str, Any], domain: str, challenge: str) -> dict[str, Any]:
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": STUDENT.did_key,
          "verifiableCredential": list(credentials)}  # fmt: skip
    return sign_presentation(vp, STUDENT, STUDENT.did_key_verification_method,
                             challenge=challenge, domain=domain,
                             created="2026-11-24T11:59:00Z")  # fmt: skip


def _world() -> FastAPI:
    """The internet the verifier sees: a school's status list and a wallet's share links."""
    world = FastAPI()
    bits = StatusList.new().set(REVOKED_INDEX, True)
    status = add_proof(
        build_status_list_credential(
            list_id=STATUS_URL, issuer=SCHOOL.did_key, purpose="revocation",
            encoded_list=bits.encode(), valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        ),
        SCHOOL, SCHOOL.did_key_verification_method, created="2026-01-01T00:00:00Z",
    )  # fmt: skip
    shared = _presentation(
        _credential(status_index=3),
        _credential(CredentialKind.PRAKTIJKVERKLARING, key=LEERBEDRIJF, qualification="25498",
                    codes=("P2-K1-W1",), leerbedrijf="Zorggroep De Linde"),
        domain="https://wallet.example", challenge="wallet-chosen",
    )  # fmt: skip

    @world.get("/status/1")
    def status_list() -> dict[str, Any]:
        return status

    @world.get("/s/broken")
    def broken() -> JSONResponse:
        return JSONResponse({"error": "oops"}, status_code=500)

    @world.get("/s/text")
    def text() -> Response:
        return Response("not a presentation", media_type="text/plain")

    @world.get("/s/JSON")  # the message of a redirect names the URL; it is never read
    def moved() -> Response:
        return Response(status_code=302, headers={"Location": "https://wallet.example/s/abc"})

    @world.get("/s/{token}")
    def share(token: str) -> JSONResponse:
        if token != "abc":
            return JSONResponse({"error": "gone"}, status_code=404)
        return JSONResponse(shared)

    return world


@dataclass
class Pages:
    client: TestClient
    clock: Clock

    def csrf(self, path: str = "/") -> str:
        page = self.client.get(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found, page.text[:500]
        return found.group(1)

    def submit(self, **form: Any) -> httpx2.Response:
        files = form.pop("files", None)
        data = {"csrf_token": self.csrf(), **form}
        return self.client.post("/check", data=data, files=files, follow_redirects=False)

    def result(self, **form: Any) -> httpx2.Response:
        response = self.submit(**form)
        assert response.status_code == 303, response.text[:2000]
        return self.client.get(response.headers["location"])

    def trust(self, key: Ed25519KeyPair, name: str, kind: str, *types: str) -> None:
        app = cast(FastAPI, self.client.app)
        with UnitOfWork(app.state.sessions) as uow:
            add_trusted_issuer(uow, TrustEntry(key.did_key, name, kind, types or ("*",)),
                               source="test", now=NOW)  # fmt: skip
            uow.commit()


def _resolve(host: str, port: int) -> list[str]:
    if host == "down.example":
        raise FetchError(
            FetchProblem.HOST_UNRESOLVED, f"host {host!r} could not be resolved: no such host"
        )
    return ["93.184.216.34"]


def _pages(database_url: str, admin_hash: str | None = PASSWORD_HASH) -> Iterator[Pages]:
    migrated("verifier", database_url)
    settings = VerifierSettings(
        environment="test", database_url=database_url, log_json=False,
        admin_password_hash=SecretStr(admin_hash) if admin_hash else None,
    )  # fmt: skip
    clock = Clock()
    app = create_app(settings, clock=clock, http_client=cast(httpx.Client, TestClient(_world())),
                     resolve_host=_resolve)  # fmt: skip
    with TestClient(app) as client:
        yield Pages(client, clock)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def pages(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pages]:
    if request.param == "sqlite":
        yield from _pages(f"sqlite:///{tmp_path / 'verifier.db'}")
    else:
        yield from _pages(request.getfixturevalue("new_postgres_url"))


def _text(response: httpx2.Response) -> str:
    """The page as a person reads it (tags dropped, spaces collapsed)."""
    plain = re.sub(r"<[^>]+>", " ", response.text)
    return re.sub(r"\s+", " ", plain).replace("&#34;", '"').replace("&#39;", "'")


# --- verdicts --------------------------------------------------------------------------------


def test_genuine_credential_from_a_recognised_school_is_green(pages: Pages) -> None:
    pages.trust(SCHOOL, "ROC Midden Nederland", "school")
    page = pages.result(mode="paste", text=json.dumps(_credential(status_index=3)))
    assert page.status_code == 200
    text = _text(page)
    assert 'class="verdict verdict-valid"' in page.text
    assert "Echt en geldig" in text
    assert "ROC Midden Nederland (erkende school)" in text
    assert "Examenresultaat" in text
    assert "Helpende Zorg en Welzijn (crebo 25498, niveau 2)" in text
    assert "B1-K1 Voert dienstverlenende werkzaamheden uit" in text
    assert "vanaf 01-07-2026" in text
    assert "Niet ingetrokken: De uitgever heeft het niet ingetrokken." in text
    # when the status was asked, honestly: the list may be cached for a while
    assert "Intrekking nagevraagd bij de uitgever op " in text
    assert "(hier hooguit 60 seconden)" in text
    assert "Technische details" in text
    assert "<code>ok</code>" in page.text
    assert "verdict-warning" not in page.text
    assert "verdict-invalid" not in page.text


def test_unknown_issuer_is_genuine_but_check_this(pages: Pages) -> None:
    page = pages.result(mode="paste", text=json.dumps(_credential()))
    text = _text(page)
    assert 'class="verdict verdict-warning"' in page.text
    assert re.search(r'<h1 id="verdict-title">Uitgever niet erkend</h1>', page.text)
    assert "Op naam van Sanne de Vries" in text
    assert "Onbekende uitgever" in text
    assert SCHOOL.did_key in text
    assert "deze uitgever staat niet op uw lijst van erkende scholen en leerbedrijven" in text
    assert "<code>unknown_issuer</code>" in page.text


def test_tampered_credential_is_red_with_the_reason(pages: Pages) -> None:
    pages.trust(SCHOOL, "ROC Midden Nederland", "school")
    tampered = copy.deepcopy(_credential())
    tampered["credentialSubject"]["name"] = "Iemand Anders"
    page = pages.result(mode="paste", text=json.dumps(tampered))
    text = _text(page)
    assert 'class="verdict verdict-invalid"' in page.text
    assert re.search(r'<h1 id="verdict-title">Gewijzigd na het uitgeven: stop</h1>', page.text)
    assert "De digitale handtekening klopt niet" in text
    assert "Echt, maar wie stuurde het?" not in text  # nothing genuine to speak of
    assert "<code>invalid_signature</code>" in page.text


def test_revoked_credential_is_red(pages: Pages) -> None:
    pages.trust(SCHOOL, "ROC Midden Nederland", "school")
    page = pages.result(mode="paste", text=json.dumps(_credential(status_index=REVOKED_INDEX)))
    text = _text(page)
    assert "verdict-invalid" in page.text
    assert re.search(r'<h1 id="verdict-title">Ingetrokken door de uitgever</h1>', page.text)
    assert "Het bewijs is echt, maar de uitgever heeft het ingetrokken" in text
    assert "niet echt" not in text.lower()
    assert "De uitgever heeft dit bewijs ingetrokken. Het telt niet meer." in text
    english = pages.client.get(page.url.path + "?lang=en")
    assert "Revocation checked with the issuer on" in _text(english)


def test_an_unreachable_status_list_is_not_checkable_now(pages: Pages) -> None:
    pages.trust(SCHOOL, "ROC Midden Nederland", "school")
    credential = _credential(status_index=3, status_url="https://down.example/status/1")
    page = pages.result(mode="paste", text=json.dumps(credential))
    text = _text(page)
    assert "verdict-warning" in page.text
    assert re.search(r'<h1 id="verdict-title">Nu niet te controleren</h1>', page.text)
    assert "Dat zegt niet dat het nep is: probeer het later opnieuw." in text
    assert "<code>status_unavailable</code>" in page.text


def test_a_loose_file_is_genuine_but_does_not_prove_who_sent_it(pages: Pages) -> None:
    pages.trust(SCHOOL, "ROC Midden Nederland", "school")
    page = pages.result(
        mode="upload",
        files={"file": ("bewijs.json", json.dumps(_credential()).encode(), "application/json")},
    )
    text = _text(page)
    assert "verdict-valid" in page.text
    assert "Echt, maar wie stuurde het?" in text
    assert (
        "het bewijst niet dat de persoon die het u gaf ook de persoon is op wie het staat" in text
    )


def test_paste_vc_jwt(pages: Pages) -> None:
    pages.trust(SCHOOL, "ROC Midden Nederland", "school")
    unsigned = _credential()
    del unsigned["proof"]
    token = sign_vc_jwt(unsigned, SCHOOL, SCHOOL.did_key_verification_method)
    page = pages.result(mode="paste", text=token)
    assert "verdict-valid" in page.text
    assert "B1-K1 Voert dienstverlenende werkzaamheden uit" in _text(page)


def test_upload_a_presentation_file(pages: Pages) -> None:
    pages.trust(SCHOOL, "ROC Midden Nederland", "school")
    vp = _presentation(_credential(), domain="https://elsewhere.example", challenge="x")
    page = pages.result(
        mode="upload", files={"file": ("bewijs.json", json.dumps(vp).encode(), "application/json")}
    )
    text = _text(page)
    assert page.status_code == 200
    assert "Gedeeld door de houder zelf?" in text
    assert STUDENT.did_key in text
    assert "ROC Midden Nederland" in text
    assert "Echt, maar wie stuurde het?" not in text  # a presentation signed by its holder


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"mode": "paste", "text": "{bad"}, "Dit is geen geldige JSON"),
        ({"mode": "paste", "text": "hallo"}, "Dit is geen bewijsstuk dat wij kunnen lezen"),
        ({"mode": "paste", "text": "   "}, "Er is niets ingevuld"),
        ({"mode": "paste", "text": "aaa.bbb.ccc"}, "Dit lijkt op een vc+jwt"),
        ({"mode": "paste", "text": "{" + '"a":{' * 100_000 + "}" * 100_001},
         "te ingewikkeld opgebouwd"),
        ({"mode": "paste", "text": json.dumps({"x": "y" * 1_100_000})}, "Dit is te groot"),
        ({"mode": "upload"}, "Kies een bestand."),
        ({"mode": "upload", "files": {"file": ("x.json", b"\xff\xfe\x00garbage", "text/plain")}},
         "Dit bestand is geen tekst"),
        ({"mode": "share", "share": "ftp://x"}, "Een gedeelde link begint met https://."),
    ],
    ids=["bad-json", "words", "empty", "bad-jwt", "deep", "huge", "no-file", "binary", "ftp"],
)  # fmt: skip
def test_bad_input_is_a_readable_message_on_the_page(
    pages: Pages, form: dict[str, Any], message: str
) -> None:
    response = pages.submit(**form)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert 'class="error-summary"' in response.text
    assert message in _text(response)


def test_nested_json_that_parses_is_refused_by_the_checks_not_a_500(pages: Pages) -> None:
    deep: dict[str, Any] = {"@context": [VC_V2], "type": ["VerifiableCredential"], "x": {}}
    node: dict[str, Any] = deep["x"]
    for _ in range(60):
        node["y"] = {}
        node = node["y"]
    page = pages.result(mode="paste", text=json.dumps(deep))
    assert "verdict-invalid" in page.text
    assert "Dit bestand is te ingewikkeld opgebouwd." in _text(page)


def test_a_check_expires_after_an_hour(pages: Pages) -> None:
    response = pages.submit(mode="paste", text=json.dumps(_credential()))
    location = response.headers["location"]
    pages.clock.now += timedelta(minutes=61)
    gone = pages.client.get(location, headers={"accept": "text/html"})
    assert gone.status_code == 404
    assert "Deze controle is niet (meer) beschikbaar" in _text(gone)
    assert pages.client.get("/check/nonsense", headers={"accept": "text/html"}).status_code == 404


# --- share links -----------------------------------------------------------------------------


def test_share_link_through_the_wallet(pages: Pages) -> None:
    pages.trust(SCHOOL, "ROC Midden Nederland", "school")
    # the wallet sends a person's browser here: the first screen is the verdict
    landing = pages.client.get("/?share=https://wallet.example/s/abc", follow_redirects=False)
    assert landing.status_code == 303
    assert landing.headers["location"].startswith("/check/")
    first = pages.client.get(landing.headers["location"])
    assert re.search(r'<h1 id="verdict-title">Uitgever niet erkend</h1>', first.text)
    assert "Op naam van Sanne de Vries" in _text(first)
    page = pages.result(mode="share", share="https://wallet.example/s/abc")
    text = _text(page)
    assert "Over de gedeelde link" in text
    assert "Opgehaald via een link van https://wallet.example" in text
    assert "De link is alleen de verpakking" in text
    assert "Gedeeld door de houder zelf?" in text
    # the praktijkverklaring is genuine but its leerbedrijf is not on the list
    assert "Uitgever niet erkend" in text
    assert "Echt, maar wie stuurde het?" not in text
    assert "Praktijkverklaring" in text
    assert "Praktijkervaring: laat zien wat iemand kan, maar is geen examen." in text
    assert "wallet.example/s/abc" not in page.text.split("Over de gedeelde link")[1]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://wallet.example/s/old", "Deze link bestaat niet (meer)."),
        ("https://down.example/s/abc", "De wallet achter deze link is nu niet bereikbaar."),
        ("https://127.0.0.1/s/abc", "Dit is geen link die wij kunnen openen."),
        ("https://wallet.example/s/broken", "De wallet achter deze link gaf geen gedeeld bewijs"),
        ("https://wallet.example/s/text", "Achter deze link staat geen gedeeld bewijs."),
        ("https://wallet.example/s/JSON", "Dit is geen link die wij kunnen openen."),
    ],
    ids=["expired-link", "wallet-down", "private-address", "wallet-error", "not-json", "moved"],
)
def test_share_link_problems_are_readable(pages: Pages, url: str, message: str) -> None:
    response = pages.submit(mode="share", share=url)
    assert response.status_code == 400
    assert message in _text(response)
    opened = pages.client.get("/", params={"share": url})
    assert opened.status_code == 400
    assert message in _text(opened)
    assert f'value="{url}"' in opened.text  # to try again later with one click


# --- stacking --------------------------------------------------------------------------------


def test_stacking_toward_helpende_zorg_en_welzijn(pages: Pages) -> None:
    exam = _credential(qualification="25498", codes=("B1-K1",))
    praktijk = _credential(CredentialKind.PRAKTIJKVERKLARING, key=LEERBEDRIJF,
                           qualification="25498", codes=("P2-K1-W1",),
                           leerbedrijf="Zorggroep De Linde")  # fmt: skip
    vp = _presentation(exam, praktijk, domain="https://x.example", challenge="c")
    response = pages.submit(mode="paste", text=json.dumps(vp))
    location = response.headers["location"]
    chooser = pages.client.get(location)
    assert "Diploma&#39;s waar deze bewijzen bij horen" in chooser.text
    assert f'href="{location}?target=mbo-25498-helpende-zorg-en-welzijn#stapelen"' in chooser.text
    search = pages.client.get(location, params={"q": "helpende"})
    assert "Gevonden:" in _text(search)
    assert "Helpende Zorg en Welzijn" in _text(search)
    assert "Geen diploma gevonden" in _text(pages.client.get(location, params={"q": "xyzzy"}))

    page = pages.client.get(location, params={"target": "25498"})
    text = _text(page)
    assert "Telt mee voor het diploma: 9 van de 12 werkprocessen (75%)" in text
    assert "Met praktijkervaring erbij: 10 van de 12 werkprocessen." in text
    assert re.search(r'kerntaak kerntaak-complete">\s*<h4>.*?B1-K1', page.text, re.S)
    assert re.search(r'kerntaak kerntaak-experience">\s*<h4>.*?P2-K1', page.text, re.S)
    p2_w1 = re.search(r'wp wp-(\w+)">[^\n]*?P2-K1-W1', page.text)
    p2_w2 = re.search(r'wp wp-(\w+)">[^\n]*?P2-K1-W2', page.text)
    assert p2_w1
    assert p2_w1.group(1) == "experience"
    assert p2_w2
    assert p2_w2.group(1) == "missing"
    assert "Nederlands (2F): nog niet behaald (niet in deze bewijzen)" in text
    stacking = text.split("Hoe telt dit mee voor een diploma?")[1]
    assert "Mislukt" not in stacking
    assert "Nog niet behaald: P2-K1-W2" in stacking
    assert "ontbreekt" not in stacking
    assert "De examencommissie van een school kan er een vrijstelling voor geven." in text
    unknown = pages.client.get(location, params={"target": "99999"})
    assert "Dit diploma staat niet in onze lijst van kwalificaties." in _text(unknown)


def test_only_genuine_credentials_count(pages: Pages) -> None:
    tampered = copy.deepcopy(_credential(qualification="25498", codes=("B1-K1",)))
    tampered["credentialSubject"]["name"] = "Iemand Anders"
    response = pages.submit(mode="paste", text=json.dumps(tampered))
    page = pages.client.get(response.headers["location"], params={"target": "25498"})
    text = _text(page)
    assert "1 bewijs telt niet mee omdat het niet geldig is (zie hierboven waarom)." in text
    assert "Telt mee voor het diploma: 0 van de 12 werkprocessen (0%)" in text
    assert "Geen van deze bewijzen telt mee" in text


# --- OpenID4VP -------------------------------------------------------------------------------


def test_ask_for_proof_waits_then_shows_the_result(pages: Pages) -> None:
    made = pages.client.post("/requests", data={"csrf_token": pages.csrf(), "profile": "by_value"},
                             follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    wait_url = made.headers["location"]
    request_id = wait_url.rsplit("/", 1)[1]
    waiting = pages.client.get(wait_url)
    assert f'src="/oid4vp/requests/{request_id}/qr.svg"' in waiting.text
    assert '<script src="/static/verifier/wait.js" defer></script>' in waiting.text
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in waiting.text
    assert "<script>" not in waiting.text  # no inline scripts (CSP)
    assert pages.client.get(f"{wait_url}/state").json() == {"state": "pending"}
    link = re.search(r'href="(openid4vp://[^"]+)"', waiting.text)
    assert link
    request = parse_authorization_request(link.group(1).replace("&amp;", "&"))

    vp = _presentation(_credential(), domain=request.client_id, challenge=request.nonce)
    form = build_response_form(request, {"mbo_credentials": [vp]})
    phone = TestClient(pages.client.app)  # the wallet posts from elsewhere
    answer = phone.post(request.response_uri.removeprefix("http://localhost:8003"), data=form)
    assert answer.status_code == 200, answer.text
    redirect = answer.json()["redirect_uri"].removeprefix("http://localhost:8003")
    assert "Verstuurd" in _text(phone.get(redirect))  # the holder's browser sees no result

    assert pages.client.get(f"{wait_url}/state").json() == {"state": "answered"}
    shown = pages.client.get(wait_url, follow_redirects=False)
    assert shown.status_code == 303
    assert shown.headers["location"].startswith("/check/")
    text = _text(pages.client.get(shown.headers["location"]))
    assert "Gedeeld vanuit de wallet-app als antwoord op uw verzoek" in text
    assert "Gedeeld door de houder: De houder heeft dit zelf met u gedeeld." in text
    assert "Uitgever niet erkend" in text  # the school is not on this verifier's list
    assert phone.get(f"{wait_url}/state").status_code == 404


def test_an_expired_request_says_so(pages: Pages) -> None:
    made = pages.client.post("/requests", data={"csrf_token": pages.csrf(), "profile": "by_value"},
                             follow_redirects=False)  # fmt: skip
    pages.clock.now += timedelta(minutes=16)
    page = pages.client.get(made.headers["location"])
    assert "Dit verzoek is verlopen zonder antwoord." in _text(page)


# --- trust list ------------------------------------------------------------------------------


def test_the_trust_list_is_public_and_changing_it_needs_login_and_csrf(pages: Pages) -> None:
    client = pages.client
    pages.trust(LEERBEDRIJF, "Zorggroep De Linde", "leerbedrijf", "PraktijkverklaringCredential")
    with UnitOfWork(cast(FastAPI, client.app).state.sessions) as uow:
        entry = TrustEntry(SCHOOL.did_key, "ROC Midden Nederland", "school", ("*",),
                           (Accreditation("crebo", "25655"),))  # fmt: skip
        add_trusted_issuer(uow, entry, source="test", now=NOW)
        uow.commit()
    public = client.get("/trust", follow_redirects=False)
    assert public.status_code == 200
    text = _text(public)
    assert "Zorggroep De Linde Soort Erkend leerbedrijf Mag uitgeven Praktijkverklaring" in text
    assert "Mag uitgeven alle soorten bewijs Erkend voor crebo 25655" in text
    assert "/trust/remove" not in public.text
    assert "/trust/add" not in public.text
    assert 'href="/trust/login"' in public.text
    assert client.get("/trust/export", follow_redirects=False).headers["location"] == (
        "/trust/login"
    )
    pages.client.cookies.clear()
    with UnitOfWork(cast(FastAPI, client.app).state.sessions) as uow:
        from verifier.services.trust import remove_trusted_issuer

        remove_trusted_issuer(uow, LEERBEDRIJF.did_key)
        remove_trusted_issuer(uow, SCHOOL.did_key)
        uow.commit()
    token = pages.csrf("/trust/login")
    no_csrf = client.post("/trust/login", data={"password": PASSWORD},
                          headers={"accept": "text/html"})  # fmt: skip
    assert no_csrf.status_code == 403
    assert "Formulier verlopen" in _text(no_csrf)
    wrong = client.post("/trust/login", data={"password": "nope", "csrf_token": token})
    assert wrong.status_code == 400
    assert "Dit wachtwoord klopt niet." in _text(wrong)
    ok = client.post("/trust/login", data={"password": PASSWORD, "csrf_token": token},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303
    assert ok.headers["location"] == "/trust"
    page = client.get("/trust")
    assert "De lijst is leeg" in _text(page)
    token = pages.csrf("/trust")  # the login started a fresh session
    refused = client.post("/trust/add", data={"did": SCHOOL.did_key, "name": "ROC"},
                          headers={"accept": "text/html"})  # fmt: skip
    assert refused.status_code == 403
    added = client.post("/trust/add", data={"csrf_token": token, "did": SCHOOL.did_key,
                                            "name": "ROC Midden Nederland", "kind": "school",
                                            "types": "*"})  # fmt: skip
    assert added.status_code == 200
    assert "ROC Midden Nederland staat nu op de lijst." in _text(added)
    bad = client.post("/trust/add", data={"csrf_token": token, "did": "nope", "name": "",
                                          "kind": "school", "types": "*"})  # fmt: skip
    assert bad.status_code == 400
    assert "Vul een DID in" in _text(bad)
    assert "Vul de naam van de organisatie in." in _text(bad)

    exported = client.get("/trust/export")
    assert exported.headers["content-type"].startswith("application/json")
    assert exported.json()["issuers"][0]["did"] == SCHOOL.did_key
    upload = {"issuers": [{"did": LEERBEDRIJF.did_key, "name": "Zorggroep De Linde",
                           "kind": "leerbedrijf",
                           "credentialTypes": ["PraktijkverklaringCredential"]}]}  # fmt: skip
    imported = client.post("/trust/import", data={"csrf_token": token},
                           files={"file": ("lijst.json", json.dumps(upload).encode())})  # fmt: skip
    assert "1 uitgever(s) ingelezen." in _text(imported)
    assert "Zorggroep De Linde" in _text(imported)
    broken = client.post("/trust/import", data={"csrf_token": token},
                         files={"file": ("lijst.json", b"{}")})  # fmt: skip
    assert broken.status_code == 400
    assert "Dit is geen geldige vertrouwenslijst" in _text(broken)
    removed = client.post("/trust/remove", data={"csrf_token": token, "did": SCHOOL.did_key})
    assert "De uitgever is van de lijst gehaald." in _text(removed)
    assert SCHOOL.did_key not in client.get("/trust").text

    out = client.post("/logout", data={"csrf_token": pages.csrf("/trust")},
                      follow_redirects=False)  # fmt: skip
    assert out.headers["location"] == "/trust/login"
    after = client.get("/trust", follow_redirects=False)
    assert after.status_code == 200
    assert "Zorggroep De Linde" in _text(after)
    assert "/trust/remove" not in after.text
    assert client.post("/trust/remove", data={"csrf_token": pages.csrf("/trust/login"),
                                              "did": LEERBEDRIJF.did_key},
                       follow_redirects=False).headers["location"] == "/trust/login"  # fmt: skip


def test_login_is_throttled(pages: Pages) -> None:
    token = pages.csrf("/trust/login")
    for _ in range(5):
        pages.client.post("/trust/login", data={"password": "wrong", "csrf_token": token})
    locked = pages.client.post("/trust/login", data={"password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 429
    assert "Te veel mislukte pogingen" in _text(locked)


def test_without_an_admin_hash_the_trust_page_is_closed(tmp_path: Path) -> None:
    for pages in _pages(f"sqlite:///{tmp_path / 'v.db'}", admin_hash=None):
        page = pages.client.get("/trust/login")
        assert "Beheer is uitgeschakeld" in _text(page)
        token = pages.csrf("/")
        refused = pages.client.post("/trust/login", data={"password": "", "csrf_token": token})
        assert refused.status_code == 400


# --- language --------------------------------------------------------------------------------


def test_english_switch(pages: Pages) -> None:
    home = pages.client.get("/")
    assert '<html lang="nl">' in home.text
    assert 'href="http://testserver/?lang=en"' in home.text
    english = pages.client.get("/?lang=en")
    assert '<html lang="en">' in english.text
    assert "Check proof of mbo vocational education" in _text(english)
    response = pages.submit(mode="paste", text=json.dumps(_credential()))
    page = pages.client.get(response.headers["location"], params={"target": "25498"})
    text = _text(page)  # the language is remembered in a cookie
    assert "Issuer not recognised" in text
    assert "Unknown issuer" in text
    assert "Exam result" in text
    assert "Counts toward the diploma: 9 of the 12 work processes (75%)" in text
    error = pages.submit(mode="paste", text="{bad")
    assert "This is not valid JSON." in _text(error)
    back = pages.client.get("/?lang=nl")
    assert "Bewijs van een mbo-opleiding controleren" in _text(back)


def test_every_page_string_has_an_english_translation() -> None:
    root = Path(__file__).resolve().parents[3] / "verifier"
    catalog = json.loads((root / "i18n" / "en.json").read_text(encoding="utf-8"))
    base = json.loads((root.parent / "web_common/ui/en.json").read_text(encoding="utf-8"))
    missing = []
    for template in (root / "templates").rglob("*.html"):
        for match in re.finditer(r"""_\(\s*(["'])(.*?)\1""", template.read_text("utf-8")):
            if match.group(2) not in catalog and match.group(2) not in base:
                missing.append((template.name, match.group(2)))
    assert missing == []

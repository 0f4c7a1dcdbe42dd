"""The employer's page in Chromium, against a real uvicorn verifier process.

Paste a genuine credential → green verdict; paste a tampered one → red verdict with the
reason; choose a target diploma → the stacking report; switch to English; the same result at
phone width. Screenshots of every step go to ``artifacts/screenshots/verifier/`` (gitignored).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from qualifications.achievements import CredentialKind
from verifier.services.trust import TrustEntry, add_trusted_issuer
from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.migrations import upgrade

from ...api.verifier.test_pages import _credential
from ...api.verifier.test_vc_api import LEERBEDRIJF, SCHOOL
from ...processes import free_port, serve
from ..conftest import watched_page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
SHOTS = REPO / "artifacts" / "screenshots" / "verifier"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The verifier on a free port, with a temporary SQLite database that recognises the
    test school."""
    port = free_port()
    database_url = f"sqlite:///{tmp_path / 'verifier.db'}"
    upgrade("verifier", database_url)
    engine = make_engine(database_url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        entry = TrustEntry(SCHOOL.did_key, "ROC Midden Nederland", "school", ("*",))
        add_trusted_issuer(uow, entry, source="test", now=datetime.now(UTC))
        uow.commit()
    engine.dispose()
    env = {
        "VERIFIER_ENVIRONMENT": "test",
        "VERIFIER_DATABASE_URL": database_url,
        "VERIFIER_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "VERIFIER_LOG_JSON": "false",
        "VERIFIER_LOG_LEVEL": "WARNING",
    }
    code = (
        "import uvicorn; from verifier.app import create_app; "
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"
    )
    with serve(code, env, port, tmp_path / "server.log"):
        yield f"http://127.0.0.1:{port}"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _paste(page: Any, base: str, document: Any) -> None:
    page.goto(base + "/")
    page.fill("#field-text", json.dumps(document, ensure_ascii=False))
    page.click("text=Tekst controleren")
    page.wait_for_selector(".verdict")


def test_employer_checks_credentials_and_stacking(server: str, browser: Any) -> None:
    errors: list[str] = []
    page = watched_page(browser, errors)
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Bewijs van een mbo-opleiding controleren"
    _shot(page, "01-home")

    genuine = _credential(qualification="25498", codes=("B1-K1",))
    _paste(page, server, genuine)
    verdict = page.locator(".verdict")
    assert "verdict-valid" in (verdict.get_attribute("class") or "")
    assert "Echt en geldig" in verdict.inner_text()
    assert "ROC Midden Nederland" in page.locator(".credential").inner_text()
    _shot(page, "02-genuine")
    result_url = page.url

    page.click("text=Technische details")
    assert page.locator(".tech-details table.tech").first.is_visible()

    tampered = copy.deepcopy(genuine)
    tampered["credentialSubject"]["achievement"]["kerntaken"] = ["B1-K1", "P2-K1"]
    _paste(page, server, tampered)
    verdict = page.locator(".verdict")
    assert "verdict-invalid" in (verdict.get_attribute("class") or "")
    assert "Gewijzigd na het uitgeven: stop" in verdict.inner_text()
    assert "De digitale handtekening klopt niet" in page.locator(".credential").inner_text()
    _shot(page, "03-tampered")

    page.goto(result_url)
    page.click("ul.targets a:has-text('Helpende Zorg en Welzijn')")
    page.wait_for_selector(".stack-result")
    stack = page.locator(".stack-result").inner_text()
    assert "9 van de 12 werkprocessen" in stack
    assert "P2-K1" in stack
    assert "nog niet behaald" in stack
    assert "Mislukt" not in stack
    _shot(page, "04-stacking")

    page.fill("#field-q", "verpleeg")
    page.click("button:has-text('Zoeken')")
    page.click("ul.targets a:has-text('Mbo-Verpleegkundige')")
    page.wait_for_selector(".stack-result")
    assert "Mbo-Verpleegkundige" in page.locator(".stack-result h3").inner_text()

    page.goto(result_url)
    page.click("a.lang-switch")
    page.wait_for_selector("html[lang=en]")
    assert "Genuine and valid" in page.locator(".verdict").inner_text()
    page.click("ul.targets a:has-text('Helpende Zorg en Welzijn')")
    page.wait_for_selector(".stack-result")
    assert "9 of the 12 work processes" in page.locator(".stack-result").inner_text()
    _shot(page, "05-english")

    phone = watched_page(browser, errors, width=375, height=800)
    phone.goto(result_url + "?lang=nl&target=25498")
    phone.wait_for_selector(".stack-result")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    _shot(phone, "06-phone-result")
    phone.screenshot(path=str(SHOTS / "06a-phone-top.png"))
    phone.locator(".stack-result").screenshot(path=str(SHOTS / "06b-phone-stacking.png"))
    phone.goto(server + "/")
    _shot(phone, "07-phone-home")
    assert not errors, f"console errors (CSP violations?): {errors}"


def test_ask_for_proof_shows_a_qr_code_and_waits(server: str, browser: Any) -> None:
    errors: list[str] = []
    page = watched_page(browser, errors)
    page.goto(server + "/")
    page.click("text=QR-code maken")
    page.wait_for_selector("img.qr")
    for _ in range(50):  # wait_for_function would need eval, which the CSP forbids
        if page.evaluate("document.querySelector('img.qr').naturalWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    assert "Wachten op de wallet" in page.locator(".waiting").inner_text()
    _shot(page, "08-request-qr")
    state_url = page.locator("#request").get_attribute("data-state-url")
    assert httpx.get(server + state_url).status_code == 404  # not this browser's request
    page.wait_for_timeout(2500)  # the poller has asked at least once, without errors
    assert not errors, f"console errors (CSP violations?): {errors}"


@pytest.mark.parametrize("width", [390, 1100], ids=["phone", "desktop"])
def test_each_kind_of_result_has_its_own_headline(server: str, browser: Any, width: int) -> None:
    """Genuine loose file, unknown issuer, unreachable status server, changed credential:
    each says what happened, in words, at phone and desktop width."""
    errors: list[str] = []
    page = watched_page(browser, errors, width=width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    cases = [
        ("loose", _credential(), "verdict-valid", "Echt en geldig"),
        ("unknown-issuer", _credential(CredentialKind.PRAKTIJKVERKLARING, key=LEERBEDRIJF,
                                       qualification="25498", codes=("P2-K1-W1",),
                                       leerbedrijf="Zorggroep De Linde"),
         "verdict-warning", "Uitgever niet erkend"),
        ("unreachable", _credential(status_index=3, status_url="https://down.invalid/status/1"),
         "verdict-warning", "Nu niet te controleren"),
    ]  # fmt: skip
    for name, document, css, title in cases:
        _paste(page, server, document)
        verdict = page.locator(".verdict")
        assert css in (verdict.get_attribute("class") or "")
        assert page.locator("#verdict-title").inner_text() == title
        assert "Op naam van Sanne de Vries" in verdict.inner_text()
        assert "niet echt" not in verdict.inner_text().lower()
        width_now = page.evaluate("document.documentElement.scrollWidth")
        assert width_now <= width, f"{name}: the page scrolls sideways ({width_now}px)"
        page.screenshot(path=str(SHOTS / f"10-{name}-{width}.png"))
    # a loose file is genuine, but says it does not prove who sent it
    _paste(page, server, _credential())
    note = page.locator(".loose-note")
    assert note.is_visible()
    assert "bewijst niet dat de persoon die het u gaf" in note.inner_text()
    note.screenshot(path=str(SHOTS / f"11-loose-note-{width}.png"))
    assert not errors, f"console errors (CSP violations?): {errors}"


@pytest.mark.parametrize("width", [390, 1100], ids=["phone", "desktop"])
def test_the_menu_shows_the_public_list_of_recognised_issuers(
    server: str, browser: Any, width: int
) -> None:
    errors: list[str] = []
    page = watched_page(browser, errors, width=width)
    page.goto(server + "/")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Erkende uitgevers").click()
    page.wait_for_selector("h1")
    assert page.url == server + "/trust"
    assert page.locator("h1").inner_text() == "Erkende uitgevers"
    entry = page.locator(".trust-entry")
    assert entry.count() == 1
    assert "ROC Midden Nederland" in entry.inner_text()
    assert "alle soorten bewijs" in entry.inner_text()
    assert page.get_by_label("Wachtwoord").count() == 0
    assert page.locator("form[action='/trust/remove']").count() == 0
    _shot(page, f"12-trust-public-{width}")
    page.get_by_role("link", name="Inloggen als beheerder").click()
    page.wait_for_url(server + "/trust/login")
    assert page.locator("h1").inner_text() == "Inloggen als beheerder"
    assert not errors, f"console errors (CSP violations?): {errors}"


def test_the_request_page_offers_the_dc_api_only_where_the_browser_has_it(
    server: str, browser: Any
) -> None:
    """The QR code and the same-device link are always there. The Digital Credentials API
    button appears only where ``'DigitalCredential' in window``: not in a browser without it
    (stood in for by an init script that removes it), yes in Debian's Chromium 156, which
    has the API even headless (on a secure context such as 127.0.0.1). There a stand-in
    ``navigator.credentials.get`` returns an answer the verifier cannot decrypt: the page
    asked with ``openid4vp-v1-signed`` and says, readably, that it did not work."""
    errors: list[str] = []
    without = watched_page(browser, errors)
    without.add_init_script("delete window.DigitalCredential;")
    without.goto(server + "/")
    without.click("text=QR-code maken")
    without.wait_for_selector("img.qr")
    assert without.evaluate("'DigitalCredential' in window") is False
    assert without.locator("#same-device").is_visible()
    assert (without.locator("#same-device").get_attribute("href") or "").startswith(
        "openid4vp://?client_id=x509_hash"
    )
    without.wait_for_timeout(300)  # dc_api.js has run
    assert not without.locator("#dc-api").is_visible()
    _shot(without, "09-request-haip-no-dc-api")
    assert not errors, f"console errors (CSP violations?): {errors}"

    page = watched_page(browser, errors)
    page.add_init_script(
        "if ('DigitalCredential' in window) {"
        "  navigator.credentials.get = function (options) {"
        "    window.__asked = options.digital.requests[0].protocol;"
        "    return Promise.resolve({ data: { response: 'not.a.real.jwe.token' } });"
        "  };"
        "}"
    )
    page.goto(server + "/")
    page.click("text=QR-code maken")
    page.wait_for_selector("img.qr")
    if not page.evaluate("'DigitalCredential' in window"):
        pytest.skip("this Chromium has no Digital Credentials API")
    page.wait_for_selector("#dc-api-button", state="visible")
    page.click("#dc-api-button")
    page.wait_for_selector("#dc-api-text:has-text('Dat lukte niet')")
    assert page.evaluate("window.__asked") == "openid4vp-v1-signed"
    assert page.locator("img.qr").is_visible()  # the QR code stays as the fallback
    _shot(page, "10-request-dc-api-refused")
    assert not errors, f"console errors (CSP violations?): {errors}"


def test_a_foreign_wallet_answers_the_signed_request_cross_device(
    server: str, browser: Any
) -> None:
    """Employer page → signed request (the QR code's link) → the OpenID4VP client written
    in the tests from the specification answers with an encrypted direct_post.jwt →
    the waiting page turns into the verdict by itself."""
    from ...api.verifier.test_oid4vp_haip import SpecWallet
    from ...api.verifier.test_pages import _presentation

    errors: list[str] = []
    page = watched_page(browser, errors)
    page.goto(server + "/")
    page.click("text=QR-code maken")
    page.wait_for_selector("img.qr")
    link = page.locator("a.mono.break").get_attribute("href") or ""
    assert link.startswith("openid4vp://?client_id=x509_hash")
    with httpx.Client(base_url=server, timeout=30) as http:
        wallet = SpecWallet(http, base=server)
        request = wallet.open(link)
        vp = _presentation(_credential(), challenge=request.claims["nonce"],
                           domain=request.client_id)  # fmt: skip
        answer = wallet.answer(request.claims, {"mbo_ldp_vc": [vp]})
        assert answer.status_code == 200, answer.text
    page.wait_for_selector(".verdict", timeout=20000)  # wait.js polls, then reloads
    assert "/check/" in page.url
    assert "Gedeeld vanuit de wallet-app" in page.locator("body").inner_text()
    _shot(page, "11-request-answered-by-a-foreign-wallet")
    assert not errors, f"console errors (CSP violations?): {errors}"

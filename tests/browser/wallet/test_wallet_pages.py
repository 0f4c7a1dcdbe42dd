"""The wallet's pages in Chromium, against real server processes: a real issuer offers a
credential; the person registers, receives it (entering the transaction code), sees it in
the passport with diploma progress, shares it as a link with a QR code, sees the opening in
the access log, and revokes the link. Screenshots go to ``artifacts/screenshots/wallet/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ...processes import REPO, IssuerProcess, issuer_process, wallet_process
from ..conftest import watched_page
from ..wallet_steps import RECEIVED, fill_register_form

pytestmark = pytest.mark.browser

SHOTS = REPO / "artifacts" / "screenshots" / "wallet"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[IssuerProcess, str]]:
    (tmp_path / "i").mkdir()
    with issuer_process(tmp_path / "i") as issuer:
        host = issuer.base.removeprefix("http://")
        (tmp_path / "w").mkdir()
        with wallet_process(tmp_path / "w", [host]) as wallet:
            yield issuer, wallet


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    errors: list[str] = []
    yield watched_page(browser, errors, width=430)
    assert not errors, f"console errors (CSP violations?): {errors}"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_receive_passport_share_revoke(servers: tuple[IssuerProcess, str], page: Any) -> None:
    issuer, wallet = servers
    issued = issuer.issue(1)
    offer_uri, tx_code = issuer.offer(issued["id"])

    page.goto(wallet + "/")
    assert "/login" in page.url
    page.get_by_role("link", name="Maak er een aan").click()
    fill_register_form(page, "sanne@example.nl", "Sanne de Vries")
    _shot(page, "01-empty-passport")

    # receive: paste the QR content; the wallet asks for the code, then receives
    page.get_by_role("link", name="Bewijs ontvangen").first.click()
    page.get_by_label("Link of inhoud van de QR-code").fill(offer_uri)
    page.get_by_role("button", name="Ontvangen").click()
    page.get_by_label("Code van de uitgever").fill(tx_code)
    _shot(page, "02-receive-tx-code")
    page.get_by_role("button", name="Ontvangen").click()
    page.wait_for_load_state()
    _shot(page, "03a-after-receive")
    page.get_by_text(RECEIVED).wait_for()
    assert page.locator("[data-state=ok]").count() == 1
    _shot(page, "03-credential")

    # passport with progress toward Helpende Zorg en Welzijn
    page.get_by_role("link", name="Mijn paspoort").click()
    page.get_by_label("Kies het diploma waar je naartoe werkt").select_option(
        "mbo-25498-helpende-zorg-en-welzijn"
    )
    page.get_by_role("button", name="Toon voortgang").click()
    assert page.get_by_test_id("progress").inner_text() == "9 van 12 werkprocessen behaald"
    assert page.get_by_text("Biedt ondersteuning bij dienstverlening").count() >= 1
    _shot(page, "04-passport-progress")

    # share as a link with QR code
    page.get_by_role("link", name="Delen").first.click()
    page.get_by_label("Biedt ondersteuning bij dienstverlening").check()
    page.get_by_label("Voor wie of waarvoor?").fill("Sollicitatie Zorggroep")
    page.get_by_label("Hoeveel dagen werkt de link?").fill("7")
    page.get_by_role("button", name="Link maken").click()
    page.get_by_role("heading", name="Je link is klaar").wait_for()
    assert page.locator(".qr svg").count() == 1
    url = page.get_by_label("Link").input_value()
    assert url.startswith(wallet + "/s/")
    _shot(page, "05-share-created")
    opened = httpx.get(url, headers={"Accept": "application/json", "User-Agent": "Werkgever/1"})
    assert opened.status_code == 200
    assert opened.json()["type"] == ["VerifiablePresentation"]

    # access log, then revoke
    page.get_by_role("link", name="Bekijk wie de link opent, of trek hem in").click()
    assert page.get_by_text("Werkgever/1").count() == 1
    page.get_by_role("button", name="Link intrekken").click()
    page.locator("[data-status=revoked]").wait_for()
    _shot(page, "06-share-revoked")
    assert httpx.get(url, headers={"Accept": "application/json"}).status_code == 410

    # English switch
    page.get_by_role("link", name="English").click()
    page.get_by_role("link", name="My passport").first.wait_for()
    _shot(page, "07-english")

"""What a learner sees, in Chromium at phone (390 px) and desktop widths: the passport with
its credentials first and their status visible, the credential's own page with its content
and plain-Dutch checks, and a share link shown in full with a working copy button and listed
again later. Screenshots go to ``artifacts/screenshots/wallet/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ...processes import REPO, IssuerProcess, issuer_process, wallet_process
from ..conftest import watched_page
from ..wallet_steps import receive, register

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


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1100])
def test_passport_credential_and_share_link(
    servers: tuple[IssuerProcess, str], browser: Any, width: int
) -> None:
    issuer, wallet = servers
    errors: list[str] = []
    page = watched_page(browser, errors, width=width, height=844 if width < 500 else 900)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=wallet)
    register(page, wallet, f"nikola{width}@example.nl")
    for number in (1, 2):
        offer_uri, tx_code = issuer.offer(issuer.issue(number)["id"])
        receive(page, wallet, offer_uri, tx_code)

    # the credential's own page: its content and the checks in plain Dutch
    assert "Helpende Zorg en Welzijn" in page.locator("#fact-qualification").inner_text()
    assert page.locator("#fact-crebo").inner_text() == "25498"
    assert page.get_by_text("Kerntaak B1-K1: Voert dienstverlenende werkzaamheden uit").count()
    checks = page.locator("ul.checks").inner_text()
    assert "De digitale handtekening klopt" in checks
    assert "De uitgever heeft het niet ingetrokken." in checks
    _shot(page, f"20-credential-{width}")

    # the passport: credentials first, each row's status visible without scrolling sideways
    page.get_by_role("link", name="Mijn paspoort").first.click()
    section = page.locator("#credentials")
    assert section.bounding_box()["y"] < 700
    badges = section.locator("td[data-label=Status] .badge")
    assert badges.count() == 2
    for i in range(2):
        box = badges.nth(i).bounding_box()
        assert box["x"] + box["width"] <= width, box
    assert page.locator("#last-checked").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"21-passport-{width}")

    # a share link in full, with a copy button that copies it
    page.get_by_role("link", name="Bewijzen delen").click()
    page.locator("input[name=credential]").first.check()
    page.get_by_label("Voor wie of waarvoor?").fill("Sollicitatie Zorggroep")
    page.get_by_role("button", name="Link maken").click()
    page.get_by_role("heading", name="Je link is klaar").wait_for()
    url = page.locator("#share-url").input_value()
    assert url.startswith(wallet + "/s/")
    field = page.locator("#share-url").bounding_box()
    assert field["x"] + field["width"] <= width
    page.get_by_role("button", name="Kopieer link").click()
    page.get_by_text("Gekopieerd").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == url
    _shot(page, f"22-share-created-{width}")

    # found again later: listed with its URL, and on its own page with QR code and copy button
    page.goto(wallet + "/shares")
    assert page.locator("[data-share-url]").first.inner_text() == url
    _shot(page, f"23-shares-{width}")
    page.locator("[data-share-url]").first.click()
    assert page.locator("#share-url").input_value() == url
    assert page.get_by_role("button", name="Kopieer link").is_visible()
    _shot(page, f"24-share-{width}")
    assert not errors, f"console errors (CSP violations?): {errors}"

"""The day a result was achieved, in Chromium against real processes (issuer, wallet,
verifier), at phone (390 px) and desktop widths: the passport's list has a "Behaald op"
column (a labelled line of each card on a phone, nothing cut off), the credential's page
names it, and the employer's result says it beside "Geldig vanaf … tot …". Screenshots go
to ``artifacts/screenshots/date-achieved/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from credentials.examples import mbo_certificaat

from ..processes import REPO, IssuerProcess, issuer_process, wallet_process
from .conftest import watched_page
from .wallet.test_share_fallback import verifier_process
from .wallet_steps import receive, register

pytestmark = pytest.mark.browser

SHOTS = REPO / "artifacts" / "screenshots" / "date-achieved"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _issue(issuer: IssuerProcess) -> dict[str, Any]:
    credential = mbo_certificaat(
        issuer_id=issuer.did, subject_id="unused",
        credential_id="urn:uuid:5c7a0f44-0000-4000-8000-00000000d8a1",
        valid_from="2026-07-01T00:00:00Z",
    )  # fmt: skip
    del credential["credentialSubject"]["id"]
    credential["credentialSubject"]["achievement"]["dossierVersion"] = "sbb-2755"
    credential["awardedDate"] = "2026-06-26T00:00:00Z"
    credential["validUntil"] = "2031-07-01T00:00:00Z"
    response = httpx.post(
        f"{issuer.base}/credentials/issue", json={"credential": credential},
        headers={"Authorization": f"Bearer {issuer.issue_token}"}, timeout=30,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()["verifiableCredential"]
    return issued


@pytest.mark.parametrize("width", [390, 1100], ids=["phone", "desktop"])
def test_the_day_achieved_everywhere(tmp_path: Path, browser: Any, width: int) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    height = 844 if width < 500 else 900
    for folder in ("i", "w", "v"):
        (tmp_path / folder).mkdir()
    with issuer_process(tmp_path / "i") as issuer:
        host = issuer.base.removeprefix("http://")
        with (
            wallet_process(tmp_path / "w", [host]) as wallet,
            verifier_process(tmp_path / "v", [host], issuer.did) as verifier,
        ):
            issued = _issue(issuer)
            offer_uri, tx_code = issuer.offer(issued["id"])

            learner = watched_page(browser, errors, width=width, height=height)
            learner.context.set_default_timeout(30_000)
            register(learner, wallet, f"nikola{width}@example.nl")
            receive(learner, wallet, offer_uri, tx_code)
            expect(learner.locator("#fact-date-achieved")).to_have_text("26-06-2026")
            _shot(learner, f"{width}-01-credential")

            learner.get_by_role("link", name="Mijn paspoort").first.click()
            cell = learner.locator("#credentials td[data-label='Behaald op']")
            expect(cell).to_have_text("26-06-2026")
            box = cell.bounding_box()
            assert box is not None
            assert box["x"] + box["width"] <= width, box
            if width < 500:  # a card: the column's name is shown above the value
                label = cell.evaluate("c => getComputedStyle(c, '::before').content")
                assert label == '"Behaald op"', label
            else:
                expect(learner.locator("#credentials th", has_text="Behaald op")).to_be_visible()
            assert learner.evaluate("document.documentElement.scrollWidth") <= width
            _shot(learner, f"{width}-02-passport")

            employer = watched_page(browser, errors, width=width, height=height)
            employer.context.set_default_timeout(30_000)
            employer.goto(verifier + "/")
            employer.get_by_label("Tekst van het bewijsstuk").fill(json.dumps(issued))
            employer.get_by_role("button", name="Tekst controleren").click()
            employer.locator(".verdict").wait_for()
            result = employer.locator("main")
            expect(result.locator("dd.date-achieved")).to_have_text("26-06-2026")
            expect(result.locator("dd.validity")).to_have_text("vanaf 01-07-2026 tot 01-07-2031")
            assert employer.evaluate("document.documentElement.scrollWidth") <= width
            _shot(employer, f"{width}-03-verifier-result")
    assert not errors, f"console errors (CSP violations?): {errors}"

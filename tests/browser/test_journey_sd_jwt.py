"""The cross-device journey of issue #14 in Chromium, with our own wallet answering in
dc+sd-jwt, across the three services as separate processes.

The school issues an exam result (its batch, through the issuer's API while seeding) → the
learner's wallet, which prefers SD-JWT VC, receives it as dc+sd-jwt (checked against the
school's development CA root) → the employer presses "QR-code maken" under "Vraag om bewijs"
→ the learner opens the QR code's link in the wallet (another browser context, logged in):
the consent page names the verifier from its certificate and lists, per credential, the
claims of its kind's query with the part codes the companion query asks for; the learner
unticks one claim and sends, and the wallet sends her browser on to the verifier → the
employer's waiting page turns into the verdict: genuine, the disclosed claims, how many were
not shared, and the stacking report counting the disclosed kerntaak.

The wallet trusts the verifier's development request-signing root; the verifier trusts the
demo organisations' development CA roots (anchors file and trust list). Screenshots go to
``artifacts/screenshots/journey-sd-jwt/`` (gitignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.stack import SCHOOL, WALLET_ACCOUNT, Ports, Stack, running, seed

from ..processes import free_port
from .test_journey import TIMEOUT, Shots, _actor, _receive

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots" / "journey-sd-jwt"
LEARNER = WALLET_ACCOUNT["name"]  # the seeded batch's DEMO-0001 is hers: 25498, B1-K1


@pytest.fixture
def sd_jwt_stack(tmp_path: Path) -> Iterator[tuple[Stack, dict[str, str]]]:
    """The three services, seeded; the verifier restarted once seeding made the dev CAs, so
    it reads them as its X.509 trust anchors. Yields the stack and the DEMO-0001 offer."""
    ports = Ports(free_port(), free_port(), free_port())
    data = tmp_path / "stack"
    extra = {
        "WALLET_CREDENTIAL_FORMATS": '["dc+sd-jwt","ldp_vc"]',
        # the verifier's development request-signing root (made below, before any start)
        "WALLET_VERIFIER_TRUST_ANCHORS_FILE": str(data / "verifier-cert" / "root.pem"),
        "VERIFIER_STATUS_LIST_CACHE_SECONDS": "0",
        "WALLET_STATUS_LIST_CACHE_SECONDS": "0",
    }
    the_stack = Stack(data, ports, extra_env=extra)
    the_stack.request_signing_env("verifier")  # writes verifier-cert/{key,chain,root}.pem
    with running(the_stack):
        seeded = seed(the_stack)
        assert seeded.wallet_ready
        offers = {row["reference"]: row for row in seeded.offers}
        # the dev CA roots exist now: start the verifier again with them as its anchors
        verifier = the_stack.processes.pop("verifier")
        verifier.terminate()
        verifier.wait(timeout=15)
        assert "VERIFIER_X509_TRUST_ANCHORS_FILE" in the_stack.env("verifier")
        the_stack.start(["verifier"])
        yield the_stack, offers["DEMO-0001"]


def test_cross_device_sd_jwt_journey(
    sd_jwt_stack: tuple[Stack, dict[str, str]], browser: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    stack, offer = sd_jwt_stack
    wallet, verifier = stack.url("wallet"), stack.url("verifier")
    shot = Shots(SHOTS)
    errors: list[str] = []

    # 1. the learner logs in to the wallet and receives the school's exam result as dc+sd-jwt
    learner = _actor(browser, errors, width=430)
    learner.goto(wallet + "/")
    learner.get_by_label("E-mailadres").fill(WALLET_ACCOUNT["email"])
    learner.get_by_label("Wachtwoord").fill(WALLET_ACCOUNT["password"])
    learner.get_by_role("button", name="Inloggen").click()
    expect(learner.get_by_role("heading", name="Mijn paspoort")).to_be_visible()
    _receive(learner, wallet, offer["offer_link"], offer["transactiecode"])
    shot(learner, "wallet-received")
    stored = learner.context.request.get(wallet + "/api/credentials")
    assert stored.ok, stored.text()
    held = stored.json()
    assert held, "nothing stored"
    assert "dc+sd-jwt" in {c["format"] for c in held}, held  # (main now keeps ldp_vc too)

    # 2. the employer asks for proof: a signed request, shown as a QR code and its link
    employer = _actor(browser, errors)
    employer.goto(verifier + "/")
    expect(employer.get_by_role("heading", name="Vraag om bewijs")).to_be_visible()
    employer.get_by_role("button", name="QR-code maken").click()
    expect(employer.locator("img.qr")).to_be_visible()
    expect(employer.locator(".waiting")).to_contain_text("Wachten op de wallet")
    link = employer.locator("a.mono.break").get_attribute("href") or ""
    assert link.startswith("openid4vp://?client_id=x509_hash"), link
    assert (employer.locator("a.mono.break").text_content() or "").strip() == link
    same_device = employer.locator("#same-device").get_attribute("href") or ""
    assert same_device.startswith("openid4vp://")
    assert same_device != link  # the same-device flow has its own request
    shot(employer, "employer-request-qr")

    # ... the learner opens it in the wallet: the verifier's name from its certificate and
    # each requested claim with its value; she unticks one optional claim and sends
    learner.goto(wallet + "/respond?request=" + _quote(link))
    expect(learner.locator("#client-name")).to_contain_text("mbo-wallet verifier")
    expect(learner.get_by_text("certificaat van een erkende controleur")).to_be_visible()
    claims = learner.locator("input[name=claim]")
    expect(claims).not_to_have_count(0)
    # the request asks per kind: her exam result answers the examenresultaat query
    box = learner.locator("input[name=credential][value^='examenresultaat:']:not([disabled])").first
    box.check()
    # grouped with it, in the same card: its kerntaak codes the companion query asks for
    parts = learner.locator("input[name=claim][value^='mbo_kerntaken:']")
    expect(parts).not_to_have_count(0)
    expect(learner.locator("li[data-companion]")).not_to_have_count(0)
    # each claim can be withheld: she unticks the last one of the exam result's own claims
    untick = learner.locator("input[name=claim][value^='examenresultaat:']").last
    untick.uncheck()
    expect(untick).not_to_be_checked()
    shot(learner, "wallet-consent")
    learner.get_by_role("button", name=re.compile(r"^Stuur naar ")).click()
    # the wallet sends her browser on to the verifier's redirect_uri (§8.2): a 303 the
    # consent page's CSP form-action allows (a CSP violation would be a console error)
    expect(learner).to_have_url(re.compile("^" + re.escape(verifier) + "/requests/"))
    expect(learner.get_by_role("heading", name="Verstuurd")).to_be_visible()
    shot(learner, "wallet-sent")

    # 3. the employer's waiting page turns into the verdict by itself
    employer.locator(".verdict").wait_for()
    assert "/check/" in employer.url, employer.url
    shot(employer, "employer-verdict")
    verdict = employer.locator(".verdict")
    expect(verdict).to_have_class(re.compile(r"\bverdict-valid\b"))
    expect(employer.locator("#verdict-title")).to_have_text("Echt en geldig")
    # answered by the holder's wallet with a Key Binding JWT for this request: not a loose file
    expect(employer.locator(".loose-note")).to_have_count(0)
    expect(employer.locator("article.credential")).to_contain_text("Gedeeld door de houder")
    card = employer.locator("article.credential")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("SD-JWT VC")
    expect(card).to_contain_text("Gedeelde gegevens")
    expect(card).to_contain_text(SCHOOL["name"])
    expect(employer.locator(".withheld")).to_contain_text(re.compile(r"\d+ gegevens? niet gedeeld"))
    expect(employer.locator("article.credential li.check:not(.check-ok)")).to_have_count(0)
    employer.locator("#field-q").fill("25498")  # the crebo she disclosed
    employer.get_by_role("button", name="Zoeken").click()
    employer.locator("ul.targets a", has_text="Helpende Zorg en Welzijn").first.click()
    report = employer.locator(".stack-result")
    expect(report).to_contain_text("Helpende Zorg en Welzijn")
    # the disclosed kerntaak codes count: not "0 van de 12 werkprocessen"
    expect(report).to_contain_text(
        re.compile(r"Telt mee voor het diploma: [1-9][0-9]* van de [0-9]+ werkprocessen")
    )
    report.screenshot(path=str(shot.folder / "stacking-report.png"))
    shot(employer, "employer-stacking")
    assert not errors, f"console errors (CSP violations?): {errors}"


def _quote(link: str) -> str:
    from urllib.parse import quote

    return quote(link, safe="")

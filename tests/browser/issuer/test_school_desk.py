"""What a school admin does, in Chromium against a real server process and a real SMTP
sink: issue with the date achieved and mail the offer (the QR opens the web wallet), enter
a diploma that waits for the examencommissie, confirm it as a second staff member. Desktop
and phone width; screenshots in ``artifacts/screenshots/school/`` (gitignored)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from issuer.services.organisations import create_organisation
from issuer.services.staff import create_staff
from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.migrations import upgrade
from web_common.secrets import SecretBox

from ...processes import free_port, serve
from ...smtp_sink import Sink, smtp_sink
from ..conftest import watched_page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
SHOTS = REPO / "artifacts" / "screenshots" / "school"
PASSWORD = "een lange zin als wachtwoord"
WALLET = "https://wallet.roc.test"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Sink]]:
    port = free_port()
    base = f"http://localhost:{port}"
    database_url = f"sqlite:///{tmp_path / 'issuer.db'}"
    upgrade("issuer", database_url)
    key = Fernet.generate_key().decode()
    engine = make_engine(database_url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        now = datetime.now(UTC)
        org = create_organisation(
            uow, slug="roc-midden", name="ROC Midden Nederland", kind="school",
            identifier="25PZ", public_base_url=base, box=SecretBox.from_setting(key),
            now=now, actor="test",
        )  # fmt: skip
        for email, role in (("anna@rocmn.nl", "issuer"), ("ec@rocmn.nl", "examencommissie")):
            create_staff(
                uow, org, email=email, name=email.split("@")[0].title(), role=role,
                password=PASSWORD, now=now, actor="test",
            )  # fmt: skip
        uow.commit()
    engine.dispose()
    with smtp_sink() as sink:
        env = {
            "ISSUER_ENVIRONMENT": "test", "ISSUER_DATABASE_URL": database_url,
            "ISSUER_PUBLIC_BASE_URL": base, "ISSUER_LOG_JSON": "false",
            "ISSUER_LOG_LEVEL": "WARNING", "ISSUER_DATA_ENCRYPTION_KEYS": key,
            "ISSUER_WALLET_URL": WALLET, "ISSUER_SMTP_HOST": sink.host,
            "ISSUER_SMTP_PORT": str(sink.port), "ISSUER_SMTP_STARTTLS": "false",
            "ISSUER_SMTP_FROM": "diploma@rocmn.nl",
        }  # fmt: skip
        code = (
            "import uvicorn; from issuer.app import create_app; "
            f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"
        )
        with serve(code, env, port, tmp_path / "server.log"):
            yield base, sink


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page: Any, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize(("width", "height"), [(1100, 900), (390, 844)], ids=["desktop", "phone"])
def test_date_mail_and_diploma_decision(
    server: tuple[str, Sink], browser: Any, width: int, height: int
) -> None:
    from playwright.sync_api import expect

    base, sink = server
    errors: list[str] = []
    tag = "desktop" if width > 500 else "phone"
    clerk = watched_page(browser, errors, width=width, height=height)
    _login(clerk, base, "anna@rocmn.nl")
    clerk.goto(
        base + "/issue?step=2&kind=examenresultaat&qualification=mbo-25498-helpende-zorg-en-welzijn"
    )
    clerk.get_by_label("Hele kerntaak B1-K1").check()
    clerk.get_by_label("Datum behaald").fill("2026-06-26")
    clerk.get_by_label("Naam student").fill("Nikola Đorđević")
    clerk.get_by_label("E-mailadres student").fill("nikola@example.nl")
    expect(clerk.get_by_label("Mail het aanbod meteen naar dit adres")).to_be_checked()
    _shot(clerk, f"{tag}-01-issue-form")
    clerk.get_by_role("button", name="Uitgeven en ondertekenen").click()
    expect(clerk.locator("#mail-result")).to_contain_text("gemaild naar nikola@example.nl")
    expect(clerk.locator("#wallet-link")).to_contain_text(WALLET + "/receive?offer=")
    expect(clerk.locator("#wallet-qr")).to_be_visible()
    expect(clerk.locator("#plain-qr")).to_be_hidden()  # behind "Andere wallet"
    _shot(clerk, f"{tag}-02-offer-mailed")
    clerk.get_by_text("Andere wallet (bijvoorbeeld de NL Wallet)").click()
    expect(clerk.locator("#plain-qr")).to_be_visible()
    _shot(clerk, f"{tag}-03-other-wallet")
    assert sink.messages[-1]["To"] == "nikola@example.nl"
    tx_code = clerk.locator("#tx-code").inner_text()
    assert tx_code not in sink.messages[-1].get_content()

    clerk.get_by_role("link", name="Bekijk het bewijs").click()
    expect(clerk.get_by_label("Of mail een nieuw aanbod naar")).to_be_visible()
    _shot(clerk, f"{tag}-03b-credential")
    clerk.goto(base + "/issue?step=2&kind=diploma&qualification=mbo-25498-helpende-zorg-en-welzijn")
    clerk.get_by_label("Datum van het besluit").fill("2026-06-29")
    clerk.get_by_label("Examencommissie").fill("Examencommissie Zorg")
    clerk.get_by_label("Naam student").fill("Noor Bakker")
    clerk.get_by_label("E-mailadres student").fill("noor@example.nl")
    _shot(clerk, f"{tag}-04-diploma-form")
    clerk.get_by_role("button", name="Invoeren ter bevestiging").click()
    expect(clerk.get_by_role("status")).to_contain_text("tweede medewerker")
    _shot(clerk, f"{tag}-05-diploma-entered")
    clerk.goto(base + "/diplomas")
    expect(clerk.get_by_text("Noor Bakker").first).to_be_visible()
    expect(clerk.get_by_role("button", name="Besluit bevestigen en uitgeven")).to_have_count(0)

    committee = watched_page(browser, errors, width=width, height=height)
    _login(committee, base, "ec@rocmn.nl")
    committee.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Diploma's"
    ).click()
    _shot(committee, f"{tag}-06-diplomas-pending")
    committee.get_by_role("button", name="Besluit bevestigen en uitgeven").first.click()
    expect(committee.locator("#tx-code")).to_have_text(re.compile(r"^\d{6}$"))
    expect(committee.locator("#mail-result")).to_contain_text("gemaild naar noor@example.nl")
    assert sink.messages[-1]["To"] == "noor@example.nl"
    _shot(committee, f"{tag}-07-diploma-confirmed-offer")
    committee.goto(base + "/diplomas")
    expect(committee.get_by_text("Bevestigd en uitgegeven").first).to_be_visible()
    _shot(committee, f"{tag}-08-diplomas-decided")
    assert not errors, errors

"""The issuer's staff pages in Chromium, against a real uvicorn server process.

First-run setup → login → issue one credential from the form → see the QR offer → find it in
the list → revoke it with a reason → see it revoked → switch to English. Screenshots of every
step go to ``artifacts/screenshots/issuer/`` (gitignored).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from web_common.migrations import upgrade

from ...processes import free_port, serve
from ..conftest import watched_page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
SHOTS = REPO / "artifacts" / "screenshots" / "issuer"
PASSWORD = "een lange zin als wachtwoord"
SETUP_CODE = "ABCD-EFGH-2345-6789"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    base = f"http://localhost:{port}"  # did:web refuses IP addresses
    database_url = f"sqlite:///{tmp_path / 'issuer.db'}"
    upgrade("issuer", database_url)
    env = {
        "ISSUER_ENVIRONMENT": "test",
        "ISSUER_DATABASE_URL": database_url,
        "ISSUER_PUBLIC_BASE_URL": base,
        "ISSUER_LOG_JSON": "false",
        "ISSUER_LOG_LEVEL": "WARNING",
        "ISSUER_SETUP_CODE": SETUP_CODE,
    }
    code = (
        "import uvicorn; from issuer.app import create_app; "
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"
    )
    with serve(code, env, port, tmp_path / "server.log"):
        yield base


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    errors: list[str] = []
    yield watched_page(browser, errors)
    assert not errors, f"console errors (CSP violations?): {errors}"


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_setup_issue_offer_revoke_in_english_too(server: str, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    page.goto(server + "/")
    expect(page).to_have_url(server + "/setup")
    _shot(page, "01-setup")
    page.get_by_label("Inrichtcode").fill(SETUP_CODE)
    page.get_by_label("Naam van de organisatie").fill("ROC Midden Nederland")
    page.get_by_label("Soort organisatie").select_option("school")
    page.get_by_label("BRIN- of KvK-nummer").fill("25PZ")
    page.get_by_label("Korte naam in webadressen").fill("roc-midden")
    page.get_by_label("Je naam").fill("Anna de Beheerder")
    page.get_by_label("E-mailadres").fill("anna@rocmn.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inrichten").click()
    expect(page.get_by_role("status")).to_contain_text("ROC Midden Nederland is ingericht")
    _shot(page, "02-login")

    page.get_by_label("E-mailadres").fill("anna@rocmn.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ROC Midden Nederland")
    _shot(page, "03-dashboard")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uitgeven").click()
    page.get_by_label("Soort bewijs").select_option("examenresultaat")
    page.get_by_label("Kwalificatie").select_option("mbo-25498-helpende-zorg-en-welzijn")
    page.get_by_role("button", name="Verder").click()
    page.get_by_role("button", name="Uitgeven en ondertekenen").click()  # nothing filled in
    expect(page.locator(".error-summary")).to_be_visible()
    _shot(page, "04-issue-errors")
    page.get_by_label("Hele kerntaak B1-K1").check()
    expect(page.get_by_label("B1-K1-W1 ", exact=False).first).to_be_disabled()  # issue.js ran
    page.get_by_label("Naam student").fill("Sanne de Vries")
    page.get_by_label("Studentnummer").fill("123456")
    _shot(page, "05-issue-form")
    page.get_by_role("button", name="Uitgeven en ondertekenen").click()
    expect(page.locator("#tx-code")).to_have_text(__import__("re").compile(r"^\d{6}$"))
    expect(page.get_by_role("img", name="QR-code die de web-wallet opent")).to_be_visible()
    expect(page.locator("#offer-link")).to_contain_text("openid-credential-offer://")
    _shot(page, "06-offer")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Bewijzen").click()
    page.get_by_label("Zoeken").fill("Sanne")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("status")).to_contain_text("1 bewijzen gevonden")
    _shot(page, "07-list")
    page.get_by_role("link", name="Examenresultaat").first.click()
    page.get_by_role("link", name="Intrekken").click()
    page.get_by_label("Reden").fill("Uitgegeven aan de verkeerde student")
    _shot(page, "08-confirm-revoke")
    page.get_by_role("button", name="Ja, intrekken").click()
    expect(page.locator("#status")).to_have_text("Ingetrokken")
    _shot(page, "09-revoked")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#status")).to_have_text("Revoked")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Log").click()
    expect(page.get_by_role("cell", name="Credential revoked")).to_be_visible()
    _shot(page, "10-english-audit")
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Credentials").click()
    _shot(page, "11-phone-list")


RESULTS_CSV = (
    "reference;studentnummer;naam;email;soort;kwalificatie;codes;geldig_vanaf\n"
    "SIS-1;200001;Sanne de Vries;sanne@example.nl;examenresultaat;25498;B1-K1;1-7-2026\n"
    "SIS-2;200002;Daan Jansen;daan@example.nl;examenresultaat;25498;P2-K1;1-7-2026\n"
    "SIS-3;200003;Noor Bakker;noor@example.nl;examenresultaat;25499;P1-K1;1-7-2026\n"
    "SIS-4;200004;Milan Visser;milan@example.nl;examenresultaat;25655;B1-K2;1-7-2026\n"
    "SIS-5;200005;Fatima El Amrani;fatima@example.nl;examenresultaat;25655;B1-K3;1-7-2026\n"
)

BAD_RESULTS_CSV = (
    "naam;soort;kwalificatie;codes;geldig_vanaf;opmerking\n"
    "Sanne de Vries;examenresultaat;25498;B1-K1;1-7-2026;ok\n"
    "Daan Jansen;examenresultaat;25498;P9-K1;1-7-2026;\n"
    "Noor Bakker;examenresultaat;25499;P1-K1;31-6-2026;\n"
)


def test_batch_upload_preview_issue_offers_and_revoke(server: str, page: object) -> None:
    """An administrator sets up, uploads a results file, checks the preview, issues it,
    watches the progress bar, downloads the offers file once and revokes one credential."""
    import re

    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    for old in SHOTS.glob("batch-*.png"):
        old.unlink()
    page.goto(server + "/setup")
    page.get_by_label("Inrichtcode").fill(SETUP_CODE)
    page.get_by_label("Naam van de organisatie").fill("ROC Midden Nederland")
    page.get_by_label("Soort organisatie").select_option("school")
    page.get_by_label("BRIN- of KvK-nummer").fill("25PZ")
    page.get_by_label("Korte naam in webadressen").fill("roc-midden")
    page.get_by_label("Je naam").fill("Anna de Beheerder")
    page.get_by_label("E-mailadres").fill("anna@rocmn.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inrichten").click()
    page.get_by_label("E-mailadres").fill("anna@rocmn.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Batches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultaten uploaden")
    _shot(page, "batch-01-upload")
    upload = page.get_by_label("CSV-bestand met resultaten")
    upload.set_input_files(
        {"name": "resultaten.xlsx", "mimeType": "text/csv", "buffer": b"PK\x03\x04 workbook"}
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("alert")).to_contain_text("Excel-werkmap")
    _shot(page, "batch-02-unreadable")

    page.get_by_label("CSV-bestand met resultaten").set_input_files(
        {"name": "met-fouten.csv", "mimeType": "text/csv", "buffer": BAD_RESULTS_CSV.encode()}
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.locator("#count-invalid")).to_have_text("2")
    expect(page.locator("#row-3")).to_contain_text("P9-K1 is geen kerntaak of werkproces")
    expect(page.locator("#row-4")).to_contain_text("‘31-6-2026’ is geen datum")
    _shot(page, "batch-03-preview-errors")
    page.get_by_role("button", name="Annuleren").click()
    expect(page.get_by_role("status").first).to_contain_text("Er is niets uitgegeven")

    page.goto(server + "/batches")
    page.get_by_label("CSV-bestand met resultaten").set_input_files(
        {"name": "examens-juli.csv", "mimeType": "text/csv", "buffer": RESULTS_CSV.encode()}
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("examens-juli.csv")
    expect(page.locator("#count-ready")).to_have_text("5")
    expect(page.locator("#count-invalid")).to_have_text("0")
    expect(page.locator("#row-6")).to_contain_text("Fatima El Amrani")
    _shot(page, "batch-04-preview")

    page.get_by_role("button", name="Uitgeven (5)").click()
    if page.locator("progress").count():
        _shot(page, "batch-05-progress")
    expect(page.locator("#count-issued")).to_have_text("5", timeout=30_000)  # batches.js reloads
    expect(page.locator("#batch-status")).to_have_text("Klaar")
    expect(page.locator("#offers")).to_contain_text("Open het in Excel als .xlsx-bestand.")
    _shot(page, "batch-06-done")

    with page.expect_download() as info:
        page.get_by_role("link", name="of als CSV-bestand").click()
    offers = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert offers[0] == "sep=;"
    assert offers[1].startswith("rij;reference;studentnummer;naam;email")
    assert len(offers) == 7
    assert all("openid-credential-offer://" in line for line in offers[2:])
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Download links en codes")).click()
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert sheet is not None
    assert sheet.max_row == 6
    page.reload()
    expect(page.locator("#offers-done")).to_contain_text("Al gedownload")
    expect(page.locator("#offers-download")).to_be_visible()  # staff may download again
    _shot(page, "batch-07-offers-downloaded")

    page.locator("#row-3").get_by_role("link", name="Bekijk bewijs").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Examenresultaat")
    page.get_by_role("link", name="Intrekken").click()
    page.get_by_label("Reden").fill("Cijfer verkeerd ingevoerd")
    page.get_by_role("button", name="Ja, intrekken").click()
    expect(page.locator("#status")).to_have_text("Ingetrokken")
    _shot(page, "batch-08-revoked")

    page.goto(server + "/batches?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload results")
    page.get_by_role("link", name="examens-juli.csv").click()
    expect(page.locator("#batch-status")).to_have_text("Done")
    _shot(page, "batch-09-english")

"""The whole journey in Chromium, across the three services as separate processes, on SQLite
and on PostgreSQL (one database per service).

School staff log in and upload a CSV of exam results → the batch is issued with offers and the
offers file is downloaded → the school issues an EVC ervaringscertificaat and the leerbedrijf a
praktijkverklaring from the issue form → a worker with years of care experience receives the
four offers in the wallet (link + transaction code) → the passport shows progress toward
Mbo-Verpleegkundige and the qualifications close by → the worker shares a link → an employer
checks it on the verifier: every check green and the stacking report → the school revokes one
exam result → the employer checks the link again and sees it revoked.

Every actor has its own browser context (its own cookies). Screenshots of each step go to
``artifacts/screenshots/journey/<db>/`` (gitignored). The API version of the story is
tests/e2e/test_journey_api.py.
"""

from __future__ import annotations

import io
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from devstack.stack import LEERBEDRIJF, SCHOOL, WALLET_ACCOUNT, Ports, Stack, running, seed

from ..conftest import PG_ADMIN_DSN
from ..processes import free_port
from .conftest import watched_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots" / "journey"
TIMEOUT = 30_000  # ms: generous, the three services share two cores with Chromium

WORKER = WALLET_ACCOUNT["name"]  # the wallet account's holder is the worker in this story
GOAL = "mbo-25655-mbo-verpleegkundige"
EXAM_RESULTS_CSV = (
    "reference;studentnummer;naam;email;soort;kwalificatie;codes;geldig_vanaf\n"
    f"JOURNEY-1;880001;{WORKER};{WALLET_ACCOUNT['email']};examenresultaat;25655;B1-K1;2026-07-01\n"
    f"JOURNEY-2;880001;{WORKER};{WALLET_ACCOUNT['email']};examenresultaat;25655;B1-K2;2026-07-01\n"
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def journey_stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Stack]]:
    """The three services, seeded; yields the database name (for the screenshot folder)."""
    urls: dict[str, str] = {}
    databases: list[str] = []
    if request.param == "postgres":
        request.getfixturevalue("postgres_url")  # the server must answer (fails in CI if not)
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
            for service in ("issuer", "wallet", "verifier"):
                name = f"journey_{service}_{uuid.uuid4().hex[:10]}"
                admin.execute(f'CREATE DATABASE "{name}"')
                databases.append(name)
                urls[service] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    ports = Ports(free_port(), free_port(), free_port())
    # status lists are re-fetched on every check, so a revocation shows at once
    extra = {"VERIFIER_STATUS_LIST_CACHE_SECONDS": "0", "WALLET_STATUS_LIST_CACHE_SECONDS": "0"}
    the_stack = Stack(tmp_path / "stack", ports, database_urls=urls, extra_env=extra)
    try:
        with running(the_stack):
            assert seed(the_stack).wallet_ready
            yield request.param, the_stack
    finally:
        if databases:
            with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as admin:
                for name in databases:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Shots:
    """Numbered full-page screenshots in one folder per database."""

    def __init__(self, folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        self.folder = folder
        self.count = 0

    def __call__(self, page: Any, step: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


def _actor(browser: Any, errors: list[str], *, width: int = 1100) -> Any:
    """A page in its own browser context: every person has their own cookies."""
    page = watched_page(browser, errors, width=width)
    page.context.set_default_timeout(TIMEOUT)
    return page


def _staff_login(page: Any, base: str, org: dict[str, str]) -> None:
    from playwright.sync_api import expect

    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(org["email"])
    page.get_by_label("Wachtwoord").fill(org["password"])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(org["name"])


def _issue_from_form(page: Any, kind: str) -> None:
    """Step 1 of the issue form: the kind and Mbo-Verpleegkundige."""
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uitgeven").click()
    page.get_by_label("Soort bewijs").select_option(kind)
    page.get_by_label("Kwalificatie").select_option(GOAL)
    page.get_by_role("button", name="Verder").click()


def _offer_on_page(page: Any) -> tuple[str, str]:
    from playwright.sync_api import expect

    expect(page.locator("#tx-code")).to_have_text(re.compile(r"^\d{6}$"))
    expect(page.locator("#offer-link")).to_contain_text("openid-credential-offer://")
    return page.locator("#offer-link").inner_text().strip(), page.locator("#tx-code").inner_text()


def _receive(page: Any, base: str, offer: str, tx_code: str) -> None:
    from playwright.sync_api import expect

    page.goto(base + "/receive")
    page.get_by_label("Link of inhoud van de QR-code").fill(offer)
    page.get_by_role("button", name="Ontvangen").click()
    page.get_by_label("Code van de uitgever").fill(tx_code)
    page.get_by_role("button", name="Ontvangen").click()
    expect(page.get_by_text("Het is gecontroleerd en staat in je paspoort")).to_be_visible()


def _open_share(page: Any, base: str, share_url: str) -> None:
    """Follow the share link as an employer would (a click, or scanning the PDF's QR code):
    the wallet sends the browser to the verifier, whose first screen is the verdict."""
    page.goto(share_url)
    page.locator(".verdict").wait_for()
    assert page.url.startswith(f"{base}/check/"), page.url


def test_journey_in_the_browser(journey_stack: tuple[str, Stack], browser: Any) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    db, stack = journey_stack
    issuer, wallet, verifier = (stack.url(s) for s in ("issuer", "wallet", "verifier"))
    shot = Shots(SHOTS / db)
    errors: list[str] = []

    # 1-2. school staff log in, upload exam results, issue them and download the offers file
    school = _actor(browser, errors)
    _staff_login(school, issuer, SCHOOL)
    shot(school, "school-dashboard")
    school.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Batches").click()
    expect(school.get_by_role("heading", level=1)).to_have_text("Resultaten uploaden")
    school.get_by_label("CSV-bestand met resultaten").set_input_files(
        {"name": "examens-verpleegkunde.csv", "mimeType": "text/csv",
         "buffer": EXAM_RESULTS_CSV.encode()}
    )  # fmt: skip
    school.get_by_role("button", name="Uploaden en controleren").click()
    expect(school.get_by_role("heading", level=1)).to_have_text("examens-verpleegkunde.csv")
    expect(school.locator("#count-ready")).to_have_text("2")
    expect(school.locator("#count-invalid")).to_have_text("0")
    shot(school, "batch-preview")
    school.get_by_role("button", name="Uitgeven (2)").click()
    expect(school.locator("#count-issued")).to_have_text("2")  # batches.js reloads when done
    expect(school.locator("#batch-status")).to_have_text("Klaar")
    batch_url = school.url
    with school.expect_download() as download:
        school.get_by_role("link", name=re.compile("Download links en codes")).click()
    from openpyxl import load_workbook  # the school opens the .xlsx as Excel would

    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    table = [["" if c.value is None else str(c.value) for c in r] for r in sheet.iter_rows()]
    rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    offers = {row["reference"]: (row["offer_link"], row["transactiecode"]) for row in rows}
    assert set(offers) == {"JOURNEY-1", "JOURNEY-2"}
    assert all(link.startswith("openid-credential-offer://") for link, _ in offers.values())
    assert all(re.fullmatch(r"\d{6}", code) for _, code in offers.values())
    school.reload()  # the download is audited: the page then says who downloaded it, when
    expect(school.locator("#offers-done")).to_be_visible()
    shot(school, "batch-issued-offers-downloaded")

    # 3. the school issues an EVC ervaringscertificaat for B1-K3 from the issue form ...
    _issue_from_form(school, "evc")
    expect(school.get_by_role("heading", level=1)).to_contain_text("Ervaringscertificaat (EVC)")
    expect(school.get_by_role("heading", level=2).first).to_have_text("Mbo-Verpleegkundige")
    school.get_by_label("Hele kerntaak B1-K3").check()
    school.get_by_label("Naam student").fill(WORKER)
    school.get_by_label("Studentnummer").fill("880001")
    shot(school, "evc-form")
    school.get_by_role("button", name="Uitgeven en ondertekenen").click()
    offers["EVC"] = _offer_on_page(school)
    shot(school, "evc-offer")

    # ... and the leerbedrijf issues a praktijkverklaring for the werkprocessen of P2-K1
    linde = _actor(browser, errors)
    _staff_login(linde, issuer, LEERBEDRIJF)
    _issue_from_form(linde, "praktijkverklaring")
    p2k1 = linde.get_by_label(re.compile(r"^P2-K1-W\d "))  # the three werkprocessen
    expect(p2k1).to_have_count(3)
    for i in range(3):
        p2k1.nth(i).check()
    linde.get_by_label("Erkend leerbedrijf").fill(LEERBEDRIJF["name"])
    linde.get_by_label("KvK-nummer van het leerbedrijf").fill(LEERBEDRIJF["identifier"])
    linde.get_by_label("Praktijkopleider").fill(LEERBEDRIJF["person"])
    linde.get_by_label("Begin van de periode").fill("2019-09-01")
    linde.get_by_label("Einde van de periode").fill("2026-06-30")
    linde.get_by_label("Naam student").fill(WORKER)
    shot(linde, "praktijkverklaring-form")
    linde.get_by_role("button", name="Uitgeven en ondertekenen").click()
    offers["PRAKTIJK"] = _offer_on_page(linde)
    shot(linde, "praktijkverklaring-offer")

    # 4. the worker logs in to the wallet and receives the four offers
    worker = _actor(browser, errors, width=430)
    worker.goto(wallet + "/")
    worker.get_by_label("E-mailadres").fill(WALLET_ACCOUNT["email"])
    worker.get_by_label("Wachtwoord").fill(WALLET_ACCOUNT["password"])
    worker.get_by_role("button", name="Inloggen").click()
    expect(worker.get_by_role("heading", name="Mijn paspoort")).to_be_visible()
    for number, (reference, (link, code)) in enumerate(offers.items(), start=1):
        _receive(worker, wallet, link, code)
        if number in (1, len(offers)):
            shot(worker, f"wallet-received-{reference.lower()}")

    worker.get_by_role("link", name="Mijn paspoort").first.click()
    worker.get_by_label("Kies het diploma waar je naartoe werkt").select_option(GOAL)
    worker.get_by_role("button", name="Toon voortgang").click()
    progress = worker.locator("#progress")
    expect(progress.get_by_role("heading", name="Mbo-Verpleegkundige")).to_be_visible()
    # exams cover B1-K1 (6) and B1-K2 (2) of 14 werkprocessen; EVC and praktijk are experience
    expect(worker.get_by_test_id("progress")).to_have_text("8 van 14 werkprocessen behaald")
    expect(progress.locator(".badge-active", has_text="Behaald")).to_have_count(8)
    expect(progress.locator(".badge-suspended", has_text="Ervaring")).to_have_count(6)
    related = worker.locator("section[aria-labelledby=related-title]")
    expect(related).to_contain_text("Kwalificaties die dichtbij liggen")
    expect(related).to_contain_text("Verzorgende IG")
    shot(worker, "passport-progress")

    # 5. the worker shares the four credentials as a link
    worker.get_by_role("link", name="Bewijzen delen").first.click()
    # each credential is in the wallet as Data Integrity, and as SD-JWT VC where the issuer
    # has an X.509 certificate (both formats of one offer); the link shares the four ldp_vc
    rows = worker.locator("div.checkbox").filter(has=worker.locator("input[name=credential]"))
    sd_jwt_rows = rows.filter(has=worker.locator(".format-badge"))
    expect(sd_jwt_rows).not_to_have_count(0)
    boxes = rows.filter(has_not=worker.locator(".format-badge")).locator("input[name=credential]")
    expect(boxes).to_have_count(4)
    for i in range(4):
        boxes.nth(i).check()
    worker.get_by_label("Voor wie of waarvoor?").fill("Sollicitatie verpleegkundige")
    worker.get_by_label("Hoeveel dagen werkt de link?").fill("7")
    worker.get_by_role("button", name="Link maken").click()
    expect(worker.get_by_role("heading", name="Je link is klaar")).to_be_visible()
    share_url = worker.get_by_label("Link").input_value()
    assert share_url.startswith(wallet + "/s/")
    shot(worker, "share-link")

    # 6. the employer follows the link: the first screen is the verdict with the holder's
    # name (every check green), then the stacking report
    employer = _actor(browser, errors)
    _open_share(employer, verifier, share_url)
    verdict = employer.locator(".verdict")
    expect(verdict).to_have_class(re.compile(r"\bverdict-valid\b"))
    expect(employer.locator("#verdict-title")).to_have_text("Echt en geldig")
    expect(verdict).to_contain_text(f"Op naam van {WORKER}")
    on_phone = _actor(browser, errors, width=390)
    _open_share(on_phone, verifier, share_url)
    expect(on_phone.locator(".verdict")).to_contain_text(f"Op naam van {WORKER}")
    assert on_phone.evaluate("document.documentElement.scrollWidth") <= 390
    on_phone.screenshot(path=str(shot.folder / "employer-first-screen-phone.png"))
    expect(employer.locator("article.credential")).to_have_count(4)
    expect(employer.locator("article.credential-valid")).to_have_count(4)
    checks = employer.locator("article.credential ul.checks li.check")
    assert checks.count() >= 4 * 4  # genuine, not revoked, valid, recognised issuer, ...
    expect(employer.locator("article.credential li.check:not(.check-ok)")).to_have_count(0)
    expect(employer.locator(".holder li.check.check-ok")).not_to_have_count(0)
    expect(employer.locator(".holder li.check:not(.check-ok)")).to_have_count(0)
    credentials = employer.locator("main").inner_text()
    assert SCHOOL["name"] in credentials
    assert LEERBEDRIJF["name"] in credentials
    shot(employer, "employer-all-green")
    employer.locator("ul.targets a", has_text="Mbo-Verpleegkundige").first.click()
    report = employer.locator(".stack-result")
    expect(report).to_contain_text("Mbo-Verpleegkundige")
    expect(report).to_contain_text("Telt mee voor het diploma: 8 van de 14 werkprocessen")
    expect(report).to_contain_text("Met praktijkervaring erbij: 14 van de 14 werkprocessen")
    expect(report).to_contain_text("praktijkervaring, geen examen")
    report.screenshot(path=str(shot.folder / "stacking-report.png"))
    shot(employer, "employer-stacking")

    # 7. the school revokes the B1-K1 exam result with a reason
    school.goto(batch_url)
    school.locator("#row-2").get_by_role("link", name="Bekijk bewijs").click()
    expect(school.get_by_role("heading", level=1)).to_contain_text("Examenresultaat")
    school.get_by_role("link", name="Intrekken").click()
    school.get_by_label("Reden").fill("Examen ongeldig verklaard door de examencommissie")
    shot(school, "school-confirm-revoke")
    school.get_by_role("button", name="Ja, intrekken").click()
    expect(school.locator("#status")).to_have_text("Ingetrokken")
    shot(school, "school-revoked")

    # 8. the employer opens the link again: that credential is revoked, and the headline
    # says so (genuine, but revoked: not "niet echt")
    _open_share(employer, verifier, share_url)
    verdict = employer.locator(".verdict")
    expect(verdict).to_have_class(re.compile(r"\bverdict-invalid\b"))
    expect(employer.locator("#verdict-title")).to_have_text("Ingetrokken door de uitgever")
    expect(verdict).to_contain_text("ingetrokken")
    expect(verdict).not_to_contain_text("niet echt")
    revoked = employer.locator("article.credential-invalid")
    expect(revoked).to_have_count(1)
    expect(revoked).to_contain_text("B1-K1")
    expect(revoked).to_contain_text("De uitgever heeft dit bewijs ingetrokken")
    expect(employer.locator("article.credential-valid")).to_have_count(3)
    shot(employer, "employer-revoked")
    employer.locator("ul.targets a", has_text="Mbo-Verpleegkundige").first.click()
    expect(employer.locator(".stacking")).to_contain_text(
        "1 bewijs telt niet mee omdat het niet geldig is (zie hierboven waarom)."
    )
    report = employer.locator(".stack-result")
    expect(report).to_contain_text("Telt mee voor het diploma: 2 van de 14 werkprocessen")
    report.screenshot(path=str(shot.folder / "stacking-report-after-revocation.png"))

    assert not errors, f"console errors (CSP violations?): {errors}"

"""A corrected diploma waits for the examencommissie like the first one, in Chromium against
a real issuer process, at desktop and phone widths: the school uploads a diploma, the
examencommissie confirms it, a corrected file replaces it (the conflict resolved by
"intrekken en verbeterd uitgeven") and the correction waits on /diplomas, marked as a
correction, until a second staff member confirms it; a third version while it waits is
refused with a reason in Dutch. The /diplomas page never scrolls sideways on a phone.
Screenshots in ``artifacts/screenshots/school/``."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ...smtp_sink import Sink
from ..conftest import watched_page
from . import test_school_desk as desk
from .test_school_desk import _login, _shot

server = desk.server  # the issuer process with two staff members (a fixture)

pytestmark = pytest.mark.browser

HEADER = "reference;naam;soort;kwalificatie;codes;besluitdatum;examencommissie\n"
FIRST = HEADER + "SIS-77;Noor Bakker;diploma;25498;;29-6-2026;Examencommissie Zorg\n"
CORRECTED = FIRST.replace("Noor Bakker", "Noor Bakkers")
THIRD = FIRST.replace("Noor Bakker", "Noor Bakker-Visser")


def _upload(page: Any, base: str, name: str, data: str) -> None:
    from playwright.sync_api import expect

    page.goto(base + "/batches")
    page.get_by_label("CSV-bestand met resultaten").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data.encode()}
    )
    page.get_by_role("button", name="Uploaden en controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def _issue(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Uitgeven (1)").click()
    expect(page.locator("#batch-status")).to_have_text("Klaar", timeout=30_000)


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "scrolls sideways"


@pytest.mark.parametrize(("width", "height"), [(1100, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_corrected_diploma_waits_for_the_examencommissie(
    server: tuple[str, Sink], browser: Any, width: int, height: int
) -> None:
    from playwright.sync_api import expect

    base, _sink = server
    errors: list[str] = []
    tag = "desktop" if width > 500 else "phone"
    clerk = watched_page(browser, errors, width=width, height=height)
    clerk.context.set_default_timeout(30_000)
    _login(clerk, base, "anna@rocmn.nl")
    _upload(clerk, base, "diploma.csv", FIRST)
    _issue(clerk)

    committee = watched_page(browser, errors, width=width, height=height)
    committee.context.set_default_timeout(30_000)
    _login(committee, base, "ec@rocmn.nl")
    committee.goto(base + "/diplomas")
    expect(committee.locator("dd.correction")).to_have_count(0)  # the first one
    committee.get_by_role("button", name="Besluit bevestigen en uitgeven").click()
    expect(committee.locator("#tx-code")).to_be_visible()

    _upload(clerk, base, "diploma-verbeterd.csv", CORRECTED)
    expect(clerk.locator("#conflicts")).to_be_visible()
    clerk.get_by_role("button", name="Alle oude bewijzen intrekken en verbeterd uitgeven").click()
    _issue(clerk)
    _shot(clerk, f"{tag}-20-correction-uploaded")

    # a third version while the correction waits: refused, with the reason
    _upload(clerk, base, "diploma-nog-eens.csv", THIRD)
    expect(clerk.locator("#count-invalid")).to_have_text("1")
    expect(clerk.locator("#row-2")).to_contain_text(
        "Dit diploma wacht al op het besluit van de examencommissie"
    )
    _fits(clerk, width)
    reason = clerk.locator("#row-2").get_by_text("wacht al op het besluit")
    box = reason.bounding_box()  # readable without scrolling the table sideways
    assert box is not None
    assert box["x"] + box["width"] <= width, box
    _shot(clerk, f"{tag}-21-third-version-refused")

    committee.goto(base + "/diplomas")
    card = committee.locator("section.diploma")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Noor Bakkers")
    expect(card.locator("dd.correction")).to_contain_text("het uitgegeven diploma")
    _fits(committee, width)
    _shot(committee, f"{tag}-22-correction-waits")
    card.get_by_role("button", name="Besluit bevestigen en uitgeven").click()
    expect(committee.locator("#tx-code")).to_be_visible()

    committee.goto(base + "/diplomas")
    expect(committee.get_by_text("Er wachten geen diploma's op bevestiging.")).to_be_visible()
    decided = committee.locator("#decided tbody tr")
    expect(decided).to_have_count(2)
    # the first diploma says it was replaced, linking to the correction; the correction not
    replaced = decided.filter(has=committee.locator("td", has_text=re.compile(r"^Noor Bakker$")))
    expect(replaced).to_contain_text("Vervangen")
    expect(replaced).not_to_contain_text("Bevestigd en uitgegeven")
    replaced_by = replaced.get_by_role("link", name="vervangen door de correctie van")
    expect(replaced_by).to_be_visible()
    correction = decided.filter(has=committee.locator("td", has_text=re.compile(r"^Noor Bakkers$")))
    expect(correction).to_contain_text("Bevestigd en uitgegeven")
    expect(correction).not_to_contain_text("vervangen door")
    _fits(committee, width)
    if width < 500:  # cards, each cell with its column's name
        cell = committee.locator("#decided td[data-label='Besluit']").first
        assert cell.evaluate("c => getComputedStyle(c, '::before').content") == '"Besluit"'
    _shot(committee, f"{tag}-23-diplomas-decided")
    # the first diploma was revoked when the correction was confirmed
    committee.locator("#decided").get_by_role("link", name="Diploma").last.click()
    expect(committee.locator("#status")).to_have_text("Ingetrokken")
    _shot(committee, f"{tag}-24-old-diploma-revoked")
    # the "replaced" link opens the correction, which stands
    committee.goto(base + "/diplomas")
    committee.get_by_role("link", name="vervangen door de correctie van").click()
    expect(committee.locator("#status")).not_to_have_text("Ingetrokken")
    committee.goto(base + "/diplomas?lang=en")
    expect(committee.locator("#decided")).to_contain_text("replaced by the correction of")
    _fits(committee, width)
    _shot(committee, f"{tag}-25-diplomas-decided-en")
    assert not errors, errors

"""The wallet's consent page for the employer's HAIP request (8 kind queries, two companion
queries for the part codes, ldp_vc), in Chromium at phone (390 px) and desktop widths: the
purpose in plain Dutch on top, the kinds the learner does not hold in one line, one compact
card per held credential with its claims as a checklist, and the send and decline buttons
reachable without scrolling to the end. The verifier is the spec verifier of the API tests
(signed Request Object by reference, ``direct_post.jwt``), reached through the wallet's
injected HTTP client; the wallet runs in this process under uvicorn. Screenshots go to
``artifacts/screenshots/wallet/consent-*.png``."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from credentials.jwk import P256KeyPair
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import issue_sd_jwt_vc
from credentials.x509_dev_ca import create_leaf, create_root_ca
from qualifications.achievements import CredentialKind
from qualifications.sd_jwt_vc_claims import vct_of
from tests.api.wallet.conftest import Clock
from tests.api.wallet.test_respond_haip import Served
from tests.databases import migrated
from tests.spec_verifier import SpecVerifier
from verifier.services.employer_query import employer_query
from wallet.app import create_app
from wallet.db.tables import Account, StoredCredential
from wallet.services import accounts
from wallet.settings import WalletSettings
from web_common.db import UnitOfWork

from ...processes import REPO, free_port
from ..conftest import watched_page
from ..wallet_steps import register

pytestmark = pytest.mark.browser

SHOTS = REPO / "artifacts" / "screenshots" / "wallet"
NOW = Clock().now
PURPOSE = "Sollicitatie als verzorgende bij Zorggroep De Linde"
EXAM = {
    "kind": "examenresultaat",
    "credential_name": "Examenresultaat B1-K1",
    "achievement_name": "Biedt zorg en ondersteuning",
    "holder_name": "Nikola Đorđević",
    "issuer_name": "ROC Midden Nederland",
    "valid_from": "2026-07-01",
    "dossier_crebo": "23182",
    "dossier_version": "sbb-2755",
    "crebo": "25498",
    "qualification_title": "Helpende Zorg en Welzijn",
    "niveau": "2",
    "kerntaak_1_code": "B1-K1",
    "kerntaak_2_code": "B1-K2",
    "werkproces_1_code": "B1-K1-W1",
    "werkproces_2_code": "B1-K1-W2",
    "werkproces_3_code": "B1-K1-W3",
    "student_number": "880001",
}
PRAKTIJK = {
    "kind": "praktijkverklaring",
    "credential_name": "Praktijkverklaring P2-K1",
    "achievement_name": "Werkt in de thuiszorg",
    "holder_name": "Nikola Đorđević",
    "issuer_name": "Zorggroep De Linde",
    "valid_from": "2026-06-30",
    "dossier_crebo": "23182",
    "dossier_version": "sbb-2755",
    "crebo": "25498",
    "qualification_title": "Helpende Zorg en Welzijn",
    "niveau": "2",
    "leerbedrijf_name": "Zorggroep De Linde",
    "werkproces_1_code": "P2-K1-W1",
}


class WalletServer:
    def __init__(self, app: FastAPI, port: int) -> None:
        self.app = app
        self.base = f"http://127.0.0.1:{port}"
        # in this process: leave logging as the tests have it (uvicorn's own log_config and
        # log_level would reconfigure the process's loggers, silencing uvicorn.access for
        # every later test; so would access_log=False)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> WalletServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "the wallet did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def served() -> Served:
    root = create_root_ca("verifier root", now=NOW)
    leaf = create_leaf(root, "verifier.example", organization="Zorggroep De Linde", now=NOW)
    spec = SpecVerifier(root=root, leaf=leaf, response_uri="https://verifier.example/response")
    return Served(spec)


@pytest.fixture
def wallet(tmp_path: Path, served: Served) -> Iterator[WalletServer]:
    url = f"sqlite:///{tmp_path / 'wallet.db'}"
    migrated("wallet", url)
    port = free_port()
    settings = WalletSettings(
        environment="test", database_url=url, public_base_url=f"http://127.0.0.1:{port}",
        log_json=False,
    )  # fmt: skip
    client = TestClient(served.app(), base_url="https://verifier.example")
    app = create_app(settings, clock=Clock(), http_client=cast(httpx.Client, client),
                     resolve_host=lambda host, port: ["93.184.216.34"])  # fmt: skip
    with WalletServer(app, port) as server:
        yield server


def _store(app: FastAPI, email: str, claims: dict[str, str]) -> str:
    """An SD-JWT VC of ``claims`` (all but ``kind`` selectively disclosable) bound to the
    account's P-256 holder key, stored as the wallet stores received ones."""
    kind = CredentialKind(claims["kind"])
    public_id = f"sd-{kind.value}"
    with UnitOfWork(app.state.sessions) as uow:
        account = uow.session.scalar(select(Account).where(Account.email == email))
        assert account is not None
        key = accounts.sd_jwt_holder_key(uow, account.id, app.state.box, now=NOW)
        issued = issue_sd_jwt_vc(
            vct=vct_of(kind), iss="https://issuer.example/roc",
            claims={k: v if k == "kind" else Sd(v) for k, v in claims.items()},
            signer=P256KeyPair.generate(), iat=int(NOW.timestamp()), holder_jwk=key.public_jwk,
        )  # fmt: skip
        uow.session.add(
            StoredCredential(
                public_id=public_id, account_id=account.id,
                digest=hashlib.sha256(issued.compact.encode()).hexdigest(),
                format="dc+sd-jwt", document=issued.compact, credential_id=None,
                kind=kind.value, types=kind.value, title=claims["credential_name"],
                issuer="https://issuer.example/roc", issuer_name=claims["issuer_name"],
                subject_id=None, holder_did=accounts.sd_jwt_key_id(key), valid_from=None,
                valid_until=None, source="oid4vci", received_at=NOW, evidence="[]",
                checked_at=NOW, verdict="valid", state="ok", checks="[]",
            )
        )  # fmt: skip
        uow.commit()
    return public_id


@pytest.mark.parametrize("width", [390, 1100], ids=["phone", "desktop"])
def test_the_consent_page_is_short_and_clear(
    wallet: WalletServer, served: Served, browser: Any, width: int
) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    height = 844 if width < 500 else 900
    page = watched_page(browser, errors, width=width, height=height)
    email = f"nikola{width}@example.nl"
    register(page, wallet.base, email)
    exam = _store(wallet.app, email, EXAM)
    praktijk = _store(wallet.app, email, PRAKTIJK)
    link = served.offer(f"c{width}", employer_query(), purpose=PURPOSE)
    page.goto(wallet.base + "/respond?request=" + quote(link, safe=""))
    expect(page.locator("#client-name")).to_have_text("Zorggroep De Linde")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"consent-{width}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"consent-{width}-first-screen.png"))
    wide = page.evaluate(
        "w => [...document.querySelectorAll('main *')].filter(e => "
        "e.getBoundingClientRect().right > w + 1).slice(0, 5).map(e => e.outerHTML.slice(0, 80))",
        width,
    )
    assert wide == [], wide  # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # on top, in plain Dutch: who asks and what for
    lead = page.locator("#purpose-sentence")
    expect(lead).to_contain_text("Zorggroep De Linde vraagt om bewijs van je opleiding")
    expect(lead).to_contain_text(PURPOSE)
    assert lead.bounding_box()["y"] < height / 2
    # the six kinds she does not hold: one line
    expect(page.locator("#not-held")).to_have_count(1)
    expect(page.locator("#not-held")).to_contain_text("Ervaringscertificaat (EVC)")
    expect(page.locator("[data-query] .hint", has_text="geen passend bewijs")).to_have_count(0)
    # one compact card per credential, its claims a checklist (the part codes in it too)
    for pid, parts in ((exam, "mbo_werkprocessen"), (praktijk, "mbo_werkprocessen")):
        card = page.locator(f".consent-card[data-credential='{pid}']")
        expect(card).to_have_count(1)
        expect(card.locator("ul.claim-list input[name=claim]")).not_to_have_count(0)
        expect(card.locator(f"input[name=claim][value^='{parts}:']")).not_to_have_count(0)
    assert "gevraagd, nodig" not in page.locator("main").inner_text()
    # send and decline in view on the first screen and at the end of the page
    send = page.get_by_role("button", name="Stuur naar verifier.example")
    decline = page.get_by_role("link", name="Niet sturen")
    for where in ("top", "bottom"):
        if where == "bottom":
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        for control in (send, decline):
            box = control.bounding_box()
            assert box is not None
            assert box["y"] >= 0, (where, box)
            assert box["y"] + box["height"] <= height, (where, box)

    # unticking the achievement leaves no claim set of the query: nothing is sent, the card
    # says what it needs at least
    page.locator(f"input[name=credential][value='examenresultaat:{exam}']").check()
    page.locator(f".consent-card[data-credential='{exam}']").get_by_label(
        "Behaald: Biedt zorg en ondersteuning").uncheck()  # fmt: skip
    send.click()
    needed = page.locator(f"[data-needed='{exam}']")
    expect(needed).to_contain_text("vink minstens aan: Behaald")
    expect(page.locator("#respond-error")).to_contain_text("te weinig gegevens aangevinkt")
    assert served.responses == []
    needed.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"consent-{width}-needed.png"))
    assert not errors, f"console errors (CSP violations?): {errors}"

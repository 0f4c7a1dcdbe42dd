"""An SD-JWT VC on the employer's page in Chromium, against a real uvicorn verifier process
that trusts the issuer's development CA and fetches its Token Status List: paste the
selective presentation → green verdict with the disclosed claims and how many were withheld,
the stacking report, English. Screenshots go to ``artifacts/screenshots/verifier/``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from verifier.services.trust import add_trusted_issuer, parse_trust_list
from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.migrations import upgrade

from ...processes import free_port, serve
from ...unit.verifier.sd_jwt_factory import KERNTAAK_EXAM, DevIssuer
from ..conftest import watched_page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
SHOTS = REPO / "artifacts" / "screenshots" / "verifier"
SHOWN = ["achievement_name", "holder_name", "crebo", "qualification_title", "kerntaak_1_code",
         "kerntaak_1_title", "dossier_crebo", "dossier_version"]  # fmt: skip


@dataclass
class Stack:
    url: str
    issuer: DevIssuer


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    status_port, port = free_port(), free_port()
    issuer = DevIssuer(status_uri=f"http://127.0.0.1:{status_port}/roc/token-status/1")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = issuer.status_token().encode("ascii")
            self.send_response(200)
            self.send_header("Content-Type", "application/statuslist+jwt")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    status_server = ThreadingHTTPServer(("127.0.0.1", status_port), Handler)
    threading.Thread(target=status_server.serve_forever, daemon=True).start()
    database_url = f"sqlite:///{tmp_path / 'verifier.db'}"
    upgrade("verifier", database_url)
    engine = make_engine(database_url)
    entry = {"x509": {"ca": issuer.root.pem.decode()}, "name": "ROC Midden Nederland",
             "kind": "school", "credentialTypes": ["*"]}  # fmt: skip
    with UnitOfWork(make_session_factory(engine)) as uow:
        (trusted,) = parse_trust_list(json.dumps({"issuers": [entry]}))
        add_trusted_issuer(uow, trusted, source="test", now=datetime.now(UTC))
        uow.commit()
    engine.dispose()
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(issuer.root.pem)
    env = {
        "VERIFIER_ENVIRONMENT": "test",
        "VERIFIER_DATABASE_URL": database_url,
        "VERIFIER_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "VERIFIER_DEV_ALLOW_HOSTS": json.dumps([f"127.0.0.1:{status_port}"]),
        "VERIFIER_X509_TRUST_ANCHORS_FILE": str(anchors),
        "VERIFIER_LOG_JSON": "false",
        "VERIFIER_LOG_LEVEL": "WARNING",
    }
    code = (
        "import uvicorn; from verifier.app import create_app; "
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"
    )
    try:
        with serve(code, env, port, tmp_path / "server.log"):
            yield Stack(f"http://127.0.0.1:{port}", issuer)
    finally:
        status_server.shutdown()
        status_server.server_close()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_employer_sees_an_sd_jwt_vc_verdict_with_disclosure(stack: Stack, browser: Any) -> None:
    errors: list[str] = []
    page = watched_page(browser, errors)
    sd_jwt, _ = stack.issuer.issue(KERNTAAK_EXAM)
    presentation = stack.issuer.present(sd_jwt, select=SHOWN)
    page.goto(stack.url + "/")
    page.fill("#field-text", presentation)
    page.click("text=Tekst controleren")
    page.wait_for_selector(".verdict")
    verdict = page.locator(".verdict").inner_text()
    assert "Echt en geldig" in verdict, verdict
    card = page.locator("article.credential").inner_text()
    assert "SD-JWT VC" in card
    assert "Gedeelde gegevens" in card
    assert "Crebo kwalificatie: 25498" in card
    assert "gegevens niet gedeeld" in page.locator(".withheld").inner_text()
    assert "ROC Midden Nederland" in card
    _shot(page, "11-sd-jwt-verdict")
    page.click("ul.targets a:has-text('Helpende Zorg en Welzijn')")
    page.wait_for_selector("#stapelen")
    assert "B1-K1" in page.locator("#stapelen").inner_text()
    _shot(page, "12-sd-jwt-stacking")
    page.click("a.lang-switch")
    page.wait_for_selector("html[lang=en]")
    assert "details not shared" in page.locator(".withheld").inner_text()
    assert "Qualification crebo: 25498" in page.locator("article.credential").inner_text()
    _shot(page, "13-sd-jwt-english")
    assert errors == []

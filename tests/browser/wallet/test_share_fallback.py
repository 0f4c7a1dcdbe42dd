"""A wallet without a verifier of its own (``WALLET_VERIFIER_URL`` empty), in Chromium,
against real processes (issuer, wallet, verifier): the employer who opens a share link gets a
plain Dutch page (with an English switch) that asks which verification page they use; typing
its address sends them there with ``?share=`` and the first thing they see is the verdict.
Screenshots go to ``artifacts/screenshots/wallet/``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ...processes import REPO, free_port, issuer_process, serve, wallet_process
from ..conftest import watched_page
from ..wallet_steps import receive, register

pytestmark = pytest.mark.browser

SHOTS = REPO / "artifacts" / "screenshots" / "wallet"


@contextmanager
def verifier_process(tmp_path: Path, allow_hosts: list[str], trusted_did: str) -> Iterator[str]:
    """The verifier as a process (``python -m verifier serve``) recognising one issuer."""
    port = free_port()
    base = f"http://localhost:{port}"
    env = {
        "VERIFIER_ENVIRONMENT": "test",
        "VERIFIER_DATABASE_URL": f"sqlite:///{tmp_path / 'verifier.db'}",
        "VERIFIER_PUBLIC_BASE_URL": base,
        "VERIFIER_LOG_JSON": "false",
        "VERIFIER_LOG_LEVEL": "WARNING",
        "VERIFIER_DEV_ALLOW_HOSTS": '["' + '","'.join(allow_hosts) + '"]',
    }
    for args in (["migrate"], ["trust", "add", trusted_did, "--name", "ROC Midden Nederland"]):
        done = subprocess.run(
            [sys.executable, "-m", "verifier", *args], cwd=REPO, env={**os.environ, **env},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr + done.stdout
    code = (
        "import runpy, sys; "
        f"sys.argv = ['verifier', 'serve', '--port', '{port}', '--no-migrate']; "
        "runpy.run_module('verifier', run_name='__main__')"
    )
    with serve(code, env, port, tmp_path / "verifier.log"):
        yield base


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_fallback_share_page_leads_to_a_verdict(tmp_path: Path, browser: Any) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    for folder in ("i", "w", "v"):
        (tmp_path / folder).mkdir()
    with issuer_process(tmp_path / "i") as issuer:
        issuer_host = issuer.base.removeprefix("http://")
        wallet_env = {"WALLET_VERIFIER_URL": ""}
        with wallet_process(tmp_path / "w", [issuer_host], extra_env=wallet_env) as wallet:
            wallet_host = wallet.removeprefix("http://")
            with verifier_process(
                tmp_path / "v", [issuer_host, wallet_host], issuer.did
            ) as verifier:
                issued = issuer.issue(1)
                offer_uri, tx_code = issuer.offer(issued["id"])

                learner = watched_page(browser, errors, width=430)
                learner.context.set_default_timeout(30_000)
                register(learner, wallet, "sanne@example.nl", "Sanne de Vries")
                receive(learner, wallet, offer_uri, tx_code)
                learner.get_by_role("link", name="Mijn paspoort").click()
                learner.get_by_role("link", name="Delen").first.click()
                learner.get_by_label("Biedt ondersteuning bij dienstverlening").check()
                learner.get_by_label("Voor wie of waarvoor?").fill("Sollicitatie Zorggroep")
                learner.get_by_role("button", name="Link maken").click()
                learner.get_by_role("heading", name="Je link is klaar").wait_for()
                share_url = learner.get_by_label("Link").input_value()

                # the employer, on a phone: no verifier configured, so the wallet's own page
                employer = watched_page(browser, errors, width=390, height=844)
                employer.context.set_default_timeout(30_000)
                employer.goto(share_url)
                expect(employer.get_by_role("heading", level=1)).to_have_text("Gedeelde bewijzen")
                body = employer.locator("main").inner_text()
                assert "controle-dienst" not in body
                expect(
                    employer.get_by_role("heading", name="Controleer of ze echt zijn")
                ).to_be_visible()
                # the way to a verdict is on the first screen of a phone
                button = employer.get_by_role("button", name="Controleren")
                assert button.bounding_box()["y"] < 844, "the check is below the fold"
                _shot(employer, "10-share-fallback-phone")

                # a wrong address gets a plain Dutch message, not a redirect
                employer.get_by_label("Adres van de controlepagina die je gebruikt").fill(
                    "https://"
                )
                employer.locator("form[action^='/s/']").evaluate("f => f.noValidate = true")
                button.click()
                expect(employer.get_by_role("alert")).to_contain_text(
                    "Dat is geen webadres van een controlepagina"
                )
                _shot(employer, "11-share-fallback-wrong-address")

                # English switch
                employer.get_by_role("link", name="English").click()
                expect(
                    employer.get_by_role("heading", name="Check whether they are genuine")
                ).to_be_visible()
                _shot(employer, "12-share-fallback-english")
                employer.get_by_role("link", name="Nederlands").click()

                # the employer's verification page: the first thing seen is the verdict
                employer.goto(share_url)
                employer.get_by_label("Adres van de controlepagina die je gebruikt").fill(verifier)
                employer.get_by_role("button", name="Controleren").click()
                host = verifier.removeprefix("http://")
                to_verdict = employer.get_by_role("link", name=f"Bekijk de uitslag op {host}")
                _shot(employer, "13-share-fallback-to-verdict")
                to_verdict.click()
                employer.locator(".verdict").wait_for()
                assert employer.url.startswith(f"{verifier}/check/"), employer.url
                _shot(employer, "14-share-fallback-verdict")
    assert not errors, f"console errors (CSP violations?): {errors}"

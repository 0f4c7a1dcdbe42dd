"""Scanning an offer's QR code on the receive page, in Chromium at phone and desktop widths.

The camera is Chromium's fake capture device fed with a Y4M video (made here with qrcode and
Pillow) of the real issuer's offer QR code; the photo path gets a PNG of it. Either way the
wallet opens ``/receive?offer=…``, shows the issuer's name before asking for the code, and
receives the credential with the code. Screenshots go to ``artifacts/screenshots/wallet/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qrcode
from PIL import Image

from ...processes import REPO, IssuerProcess, issuer_process, wallet_process
from ..conftest import ARGS, CHROMIUM, watched_page
from ..wallet_steps import RECEIVED, register

pytestmark = pytest.mark.browser

SHOTS = REPO / "artifacts" / "screenshots" / "wallet"


def _qr_image(text: str, size: int = 480) -> Image.Image:
    image = qrcode.make(text, border=4).get_image().convert("L").resize((size, size))
    canvas = Image.new("L", (640, 480), 255)
    canvas.paste(image, ((640 - size) // 2, 0))
    return canvas.convert("RGB")


def _y4m(image: Image.Image, path: Path, frames: int = 10) -> None:
    """A 4:2:0 YUV4MPEG2 video of ``image`` (Chromium's ``--use-file-for-fake-video-capture``
    format)."""
    y, u, v = image.convert("YCbCr").split()
    half = (image.width // 2, image.height // 2)
    frame = b"FRAME\n" + y.tobytes() + u.resize(half).tobytes() + v.resize(half).tobytes()
    header = f"YUV4MPEG2 W{image.width} H{image.height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * frames)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[IssuerProcess, str]]:
    (tmp_path / "i").mkdir()
    with issuer_process(tmp_path / "i") as issuer:
        host = issuer.base.removeprefix("http://")
        (tmp_path / "w").mkdir()
        with wallet_process(tmp_path / "w", [host]) as wallet:
            yield issuer, wallet


def _receive_after_scan(page: Any, tx_code: str, shot: str) -> None:
    page.wait_for_url("**/receive?offer=*")
    preview = page.locator("#offer-preview")
    preview.wait_for()
    assert "ROC Midden Nederland" in preview.inner_text()
    assert page.get_by_label("Code van de uitgever").is_visible()
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    page.get_by_label("Code van de uitgever").fill(tx_code)
    page.get_by_role("button", name="Ontvangen").click()
    page.get_by_text(RECEIVED).wait_for()


@pytest.mark.parametrize("width", [390, 1100])
def test_scan_an_offer_with_the_camera(
    servers: tuple[IssuerProcess, str], tmp_path: Path, width: int
) -> None:
    issuer, wallet = servers
    offer_uri, tx_code = issuer.offer(issuer.issue(1)["id"])
    video = tmp_path / "qr.y4m"
    _y4m(_qr_image(offer_uri), video)
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        camera = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        try:
            page = watched_page(camera, errors, width=width, height=844 if width < 500 else 900)
            page.context.grant_permissions(["camera"], origin=wallet)
            register(page, wallet, f"camera{width}@example.nl")
            page.goto(wallet + "/receive")
            start = page.get_by_role("button", name="Scan met de camera")
            start.wait_for()
            assert not page.get_by_role("button", name="Stop de camera").is_visible()
            page.screenshot(path=str(SHOTS / f"10-scan-start-{width}.png"), full_page=True)
            start.click()
            page.locator("#qr-scan-video").wait_for()  # the camera's picture, until it reads
            _receive_after_scan(page, tx_code, f"11-scanned-offer-{width}")
            assert page.locator("[data-state=ok]").count() == 1
        finally:
            camera.close()
    assert not errors, f"console errors (CSP violations?): {errors}"


def test_scan_an_offer_from_a_photo(
    servers: tuple[IssuerProcess, str], tmp_path: Path, browser: Any
) -> None:
    """Without a usable camera the same decoder reads a photo of the QR code; a photo without
    one says so in Dutch."""
    issuer, wallet = servers
    offer_uri, tx_code = issuer.offer(issuer.issue(1)["id"])
    errors: list[str] = []
    page = watched_page(browser, errors, width=390, height=844)
    register(page, wallet, "photo@example.nl")
    SHOTS.mkdir(parents=True, exist_ok=True)

    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), "white").save(blank)
    page.goto(wallet + "/receive")
    page.get_by_label("Of kies een foto van de QR-code").set_input_files(str(blank))
    page.get_by_text("Op deze foto staat geen leesbare QR-code").wait_for()

    photo = tmp_path / "qr.png"
    _qr_image(offer_uri).save(photo)
    page.get_by_label("Of kies een foto van de QR-code").set_input_files(str(photo))
    _receive_after_scan(page, tx_code, "12-photo-offer-390")
    assert not errors, f"console errors (CSP violations?): {errors}"

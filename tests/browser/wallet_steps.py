"""What many wallet browser tests do first: make an account on the register page, and
receive a credential offer with its transaction code (pasted, as a learner would)."""

from __future__ import annotations

from typing import Any

PASSWORD = "een lange zin als wachtwoord"
RECEIVED = "Het is gecontroleerd en staat in je paspoort"


def register(page: Any, wallet: str, email: str, name: str = "Nikola Đorđević") -> None:
    """A new account through ``/register``; ends on the (empty) passport."""
    page.goto(wallet + "/register")
    fill_register_form(page, email, name)


def fill_register_form(page: Any, email: str, name: str = "Nikola Đorđević") -> None:
    """The register form, already open: fill it in and make the passport."""
    page.get_by_label("Naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Paspoort aanmaken").click()
    page.get_by_role("heading", name="Mijn paspoort").wait_for()


def receive(page: Any, wallet: str, offer: str, tx_code: str) -> None:
    """Paste an offer on ``/receive``, give the issuer's code, and wait until it is stored;
    ends on the credential's page."""
    page.goto(wallet + "/receive")
    page.get_by_label("Link of inhoud van de QR-code").fill(offer)
    page.get_by_role("button", name="Ontvangen").click()
    page.get_by_label("Code van de uitgever").fill(tx_code)
    page.get_by_role("button", name="Ontvangen").click()
    page.get_by_text(RECEIVED).wait_for()

"""A credential's own page shows what it is about — qualification, crebo, kerntaak,
werkprocessen with their catalog titles, grade, dates, issuer — and its checks in plain Dutch
(English with the switch), not the engine's English developer details."""

from __future__ import annotations

import html
from typing import Any

from .conftest import Wallet, signed_credential

HTML = {"Accept": "text/html"}


def _graded(credential: dict[str, Any]) -> None:
    credential["credentialSubject"]["achievement"]["grade"] = "8,2"


def test_credential_page_shows_its_content_and_plain_checks(wallet: Wallet) -> None:
    person = wallet.person()
    stored = person.post(
        "/api/credentials", json={"credential": signed_credential(person.did, mutate=_graded)}
    )
    assert stored.status_code == 201, stored.text
    page = person.get(f"/credentials/{stored.json()['id']}", headers=HTML)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Helpende Zorg en Welzijn" in text  # qualification
    assert "25498" in text  # crebo
    # kerntaak and werkprocessen with their titles from the catalog
    assert "Kerntaak B1-K1: Voert dienstverlenende werkzaamheden uit" in text
    assert "B1-K1-W1</span> Bereidt werkzaamheden voor en stemt af" in text
    assert "ROC Midden Nederland" in text
    assert 'id="fact-grade">8,2<' in text
    assert "01-07-2026" in text  # valid from, Dutch style
    # the checks in plain Dutch, not the engine's English
    assert "De digitale handtekening klopt: er is niets veranderd na het uitgeven." in text
    assert "Handtekening" in text
    assert "signature is valid" not in text
    assert ": passed" not in text  # the old "proof: passed – …" lines

    english = person.get(f"/credentials/{stored.json()['id']}?lang=en", headers=HTML)
    assert "The digital signature matches" in html.unescape(english.text)
    assert "What this credential shows" in english.text

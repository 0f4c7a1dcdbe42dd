"""A share link can be seen and copied again: it is kept encrypted with the wallet's
SecretBox (never in plain text in the database), listed in full on the shares page and shown
with its QR code and a copy button on the share's page while it works."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from .conftest import BASE_URL, Wallet, signed_credential

HTML = {"Accept": "text/html"}


def test_share_link_is_shown_again_and_stored_encrypted(wallet: Wallet) -> None:
    person = wallet.person()
    stored = person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    credential = stored.json()["id"]
    made = person.client.post(
        "/shares",
        data={
            "csrf_token": person.csrf,
            "credential": credential,
            "label": "Sollicitatie",
            "valid_days": "7",
        },
        headers=HTML,
    )
    assert made.status_code == 200, made.text
    [url] = re.findall(r'<textarea id="share-url"[^>]*>([^<]+)</textarea>', made.text)
    assert url.startswith(f"{BASE_URL}/s/")
    assert 'data-copy="share-url"' in made.text  # the copy button (shown by copy.js)
    assert '<script src="/static/wallet/copy.js"></script>' in made.text

    # the database holds only the token's hash and the link sealed
    engine = sa.create_engine(wallet.database_url)
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM share")).mappings().one()
    engine.dispose()
    token = url.rsplit("/", 1)[1]
    assert token not in " ".join(str(v) for v in row.values())
    assert row["link_sealed"]

    listed = person.get("/shares", headers=HTML)
    assert url in html.unescape(listed.text)
    [share] = person.get("/api/shares").json()
    page = person.get(f"/shares/{share['id']}", headers=HTML)
    assert url in html.unescape(page.text)
    assert "<svg" in page.text  # its QR code again

    # the link opens, and once revoked it is no longer offered for copying
    assert wallet.browser().get(f"/s/{token}", headers={"Accept": "application/json"}).is_success
    revoked = person.client.post(
        f"/shares/{share['id']}/revoke", data={"csrf_token": person.csrf}, follow_redirects=True
    )
    assert revoked.status_code == 200
    assert url not in html.unescape(revoked.text)
    assert url not in html.unescape(person.get("/shares", headers=HTML).text)


def test_another_wallet_key_cannot_read_the_link(wallet: Wallet) -> None:
    """A sealed link under a key the wallet no longer has is simply not shown (no 500)."""
    person = wallet.person()
    stored = person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    created = person.post("/api/shares", json={"credentials": [stored.json()["id"]]})
    assert created.status_code == 201, created.text
    engine = sa.create_engine(wallet.database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE share SET link_sealed = 'gAAAAAbroken'"))
    engine.dispose()
    page = person.get(f"/shares/{created.json()['id']}", headers=HTML)
    assert page.status_code == 200
    assert "/s/" not in page.text.split("<h2")[0]
    assert "je kunt hem hier niet meer zien" in page.text
    assert person.get("/shares", headers=HTML).status_code == 200

"""A printable PDF of one credential: real text (title, holder, issuer, what it shows, with
catalog titles), and a QR code whose share link (purpose ``pdf``) publishes only that
credential; making it needs the CSRF token; another account gets 404."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from pypdf import PdfReader

from .conftest import Person, Wallet, signed_credential

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


def _two(wallet: Wallet) -> tuple[Person, str, str]:
    person = wallet.person()
    first = person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    second = person.post(
        "/api/credentials", json={"credential": signed_credential(person.did, number=2)}
    )
    return person, first.json()["id"], second.json()["id"]


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_pdf_of_a_credential_with_a_share_link(wallet: Wallet) -> None:
    person, first, _second = _two(wallet)
    page = person.get(f"/credentials/{first}", headers=HTML)
    assert f'action="/credentials/{first}/pdf"' in page.text
    assert "Download als PDF" in page.text

    response = person.client.post(f"/credentials/{first}/pdf", data={"csrf_token": person.csrf})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert "Biedt ondersteuning bij dienstverlening" in text  # the title
    assert "Mbo-certificaat" in text  # the kind
    assert "Sanne de Vries" in text  # the holder
    assert "ROC Midden Nederland" in text  # the issuer
    assert "Helpende Zorg en Welzijn" in text
    assert "25498" in text  # crebo
    assert "B1-K1" in text
    assert "B1-K1-W1" in text
    assert "01-09-2027" in text  # the link works for a year
    assert "origineel" in text

    # the share exists, with purpose pdf, for only that credential
    listed = person.get("/api/shares").json()
    [share] = [s for s in listed if s["purpose"] == "pdf"]
    assert [c["id"] for c in share["credentials"]] == [first]
    assert share["expires_at"].startswith("2027-09-01")
    # the link printed (as text and QR code) opens the presentation of only that credential
    compact = text.replace(" ", "")
    start = compact.index("http://wallet.test/s/")
    url = compact[start : start + len("http://wallet.test/s/") + 43]
    opened = wallet.browser().get(urlsplit(url).path, headers=JSON)
    assert opened.status_code == 200, opened.text
    assert len(opened.json()["verifiableCredential"]) == 1
    assert person.get(f"/api/shares/{share['id']}").json()["openings"] == 1


def test_pdf_needs_csrf_and_the_owner(wallet: Wallet) -> None:
    person, first, _second = _two(wallet)
    refused = person.client.post(f"/credentials/{first}/pdf", data={})
    assert refused.status_code == 403
    assert person.get("/api/shares").json() == []
    other = wallet.person("other@example.nl", "Ander")
    foreign = other.client.post(f"/credentials/{first}/pdf", data={"csrf_token": other.csrf})
    assert foreign.status_code == 404
    assert other.get(f"/credentials/{first}/pdf", headers=HTML).status_code == 404
    # a GET (a bookmark) only leads to the credential's page
    get = person.get(f"/credentials/{first}/pdf", headers=HTML, follow_redirects=False)
    assert get.status_code == 303
    assert get.headers["location"] == f"/credentials/{first}#pdf"


def test_pdf_in_english(wallet: Wallet) -> None:
    person, first, _second = _two(wallet)
    response = person.client.post(
        f"/credentials/{first}/pdf?lang=en", data={"csrf_token": person.csrf}
    )
    assert response.status_code == 200
    text = _text(response.content)
    assert "What this credential shows" in text
    assert "Mbo certificate" in text

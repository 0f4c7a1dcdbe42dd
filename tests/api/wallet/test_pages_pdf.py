"""A printable PDF of one credential: real text (title, holder, issuer, what it shows, with
catalog titles), and a QR code whose share link (purpose ``pdf``) publishes only that
credential; making it needs the CSRF token; another account gets 404."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pypdf import PdfReader
from pypdf.generic import ContentStream

from credentials.did import StaticDidResolver, did_key_document
from credentials.verification import verify_credential

from .conftest import ISSUER_KEY, Person, Wallet, signed_credential

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


def _serbian_name(credential: dict[str, Any]) -> None:
    credential["credentialSubject"]["name"] = "Nikola Đorđević"


def test_pdf_prints_unicode_names_and_embeds_the_verifiable_original(wallet: Wallet) -> None:
    person = wallet.person()
    stored = person.post(
        "/api/credentials",
        json={"credential": signed_credential(person.did, mutate=_serbian_name)},
    )
    assert stored.status_code == 201, stored.text
    response = person.client.post(
        f"/credentials/{stored.json()['id']}/pdf", data={"csrf_token": person.csrf}
    )
    assert response.status_code == 200, response.text
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Nikola Đorđević" in text
    assert "?or?evi?" not in text

    # the signed credential is a file attachment, and it verifies on its own
    assert list(reader.attachments) == ["bewijs.json"]
    [content] = reader.attachments["bewijs.json"]
    embedded = json.loads(content)
    assert embedded["credentialSubject"]["name"] == "Nikola Đorđević"
    outcome = verify_credential(
        embedded,
        resolver=StaticDidResolver({ISSUER_KEY.did_key: did_key_document(ISSUER_KEY.did_key)}),
        now=datetime(2026, 9, 1, tzinfo=UTC),
        check_status=False,
    )
    assert outcome.verified, outcome.failures
    embedded["credentialSubject"]["name"] = "Iemand Anders"
    forged = verify_credential(
        embedded,
        resolver=StaticDidResolver({ISSUER_KEY.did_key: did_key_document(ISSUER_KEY.did_key)}),
        now=datetime(2026, 9, 1, tzinfo=UTC),
        check_status=False,
    )
    assert not forged.verified


def test_nothing_is_drawn_over_the_qr_code(wallet: Wallet) -> None:
    """The QR code's square (found from its vector modules) holds no text: every text run's
    position lies outside it."""
    person, first, _second = _two(wallet)
    response = person.client.post(f"/credentials/{first}/pdf", data={"csrf_token": person.csrf})
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[-1]
    positions: list[tuple[float, float, str]] = []

    def visit(text: str, _cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip():
            positions.append((float(tm[4]), float(tm[5]), text))

    page.extract_text(visitor_text=visit)
    rectangles: list[tuple[float, float]] = []
    for operands, operator in _operations(page):
        if operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            if abs(abs(h) - abs(w)) > 0.01 or abs(h) > 5:  # QR modules are tiny squares
                continue
            rectangles.append((x, y))
    assert len(rectangles) > 50  # the QR code is there
    left = min(x for x, _y in rectangles)
    right = max(x for x, _y in rectangles)
    bottom = min(y for _x, y in rectangles)
    top = max(y for _x, y in rectangles)
    inside = [
        t for x, y, t in positions if left - 1 <= x <= right + 1 and bottom - 1 <= y <= top + 1
    ]
    assert inside == []


def _operations(page: Any) -> list[tuple[list[Any], bytes]]:
    stream = ContentStream(page.get_contents(), page.pdf)
    return [(list(operands), operator) for operands, operator in stream.operations]

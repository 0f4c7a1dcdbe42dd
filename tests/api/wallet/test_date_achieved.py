"""The day a result was achieved (``awardedDate``) is shown wherever the wallet shows a
credential: the passport's list (and the API), the credential's page and its PDF; for a VC
1.1 JWT too, which downloads as ``application/jwt`` (not VC 2.0's ``application/vc+jwt``)."""

from __future__ import annotations

import html
import io
from typing import Any

from pypdf import PdfReader

from ...unit.credentials.test_vc11_jwt import claims, token
from .conftest import Wallet, signed_credential

HTML = {"Accept": "text/html"}


def _awarded(credential: dict[str, Any]) -> None:
    credential["awardedDate"] = "2026-06-26T00:00:00Z"


def test_the_day_achieved_is_in_the_list_the_page_and_the_pdf(wallet: Wallet) -> None:
    person = wallet.person()
    with_date = person.post(
        "/api/credentials", json={"credential": signed_credential(person.did, mutate=_awarded)}
    )
    assert with_date.status_code == 201, with_date.text
    without = person.post(
        "/api/credentials", json={"credential": signed_credential(person.did, number=2)}
    )
    assert without.status_code == 201, without.text
    dated, undated = with_date.json()["id"], without.json()["id"]

    passport = html.unescape(person.get("/", headers=HTML).text)
    assert "<th>Behaald op</th>" in passport
    assert 'data-date-achieved="2026-06-26">26-06-2026<' in passport
    assert 'data-date-achieved="">–<' in passport  # says so, rather than a blank
    listed = {c["id"]: c for c in person.get("/api/credentials").json()}
    assert listed[dated]["date_achieved"] == "2026-06-26"
    assert listed[undated]["date_achieved"] is None

    page = person.get(f"/credentials/{dated}", headers=HTML).text
    assert 'id="fact-date-achieved">26-06-2026<' in page
    assert "fact-date-achieved" not in person.get(f"/credentials/{undated}", headers=HTML).text

    pdf = person.client.post(f"/credentials/{dated}/pdf", data={"csrf_token": person.csrf})
    assert pdf.status_code == 200, pdf.text
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Behaald op 26-06-2026" in text
    english = person.get(f"/credentials/{dated}?lang=en", headers=HTML).text
    assert "Achieved on" in english


def test_a_vc_1_1_jwt_shows_its_day_and_downloads_as_application_jwt(wallet: Wallet) -> None:
    person = wallet.person()
    body = claims(sub=person.did, exp=None)
    body["vc"]["awardedDate"] = "2025-12-19T00:00:00Z"
    jwt = token(body)
    uploaded = person.post("/api/credentials", json={"credential": jwt})
    assert uploaded.status_code == 201, uploaded.text
    public_id = uploaded.json()["id"]
    assert uploaded.json()["date_achieved"] == "2025-12-19"
    page = person.get(f"/credentials/{public_id}", headers=HTML).text
    assert 'id="fact-date-achieved">19-12-2025<' in page
    download = person.get(f"/api/credentials/{public_id}/download")
    assert download.headers["content-type"].startswith("application/jwt")
    assert download.text == jwt
    assert download.headers["content-disposition"].endswith('.jwt"')

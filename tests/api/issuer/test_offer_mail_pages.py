"""The school mails an offer from the pages: through a real SMTP server (aiosmtpd), the
mail carries the web-wallet link and not the code, the result (sent / refused, retry) is on
the page and in the audit log; the QR code opens the web wallet, the plain link stays."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from issuer.app import create_app
from issuer.db.tables import AuditEvent, Organisation
from issuer.services.batches import confirm_batch, create_batch
from issuer.services.organisations import create_organisation
from issuer.services.staff import create_staff
from issuer.settings import IssuerSettings
from tests.databases import migrated
from web_common.db import UnitOfWork

from ...smtp_sink import Sink, smtp_sink
from .conftest import BASE_URL, HTML, STAFF_PASSWORD, Clock, csrf_of

QUALIFICATION = "mbo-25498-helpende-zorg-en-welzijn"
WALLET = "https://wallet.roc.test"


@pytest.fixture
def mailing(tmp_path: Path) -> Iterator[tuple[TestClient, Sink]]:
    url = f"sqlite:///{tmp_path / 'issuer.db'}"
    migrated("issuer", url)
    with smtp_sink() as sink:
        settings = IssuerSettings(
            environment="test", database_url=url, public_base_url=BASE_URL, log_json=False,
            batch_poll_seconds=0.05, wallet_url=WALLET, smtp_host=sink.host,
            smtp_port=sink.port, smtp_starttls=False, smtp_from="diploma@roc.test",
        )  # fmt: skip
        clock = Clock()
        app = create_app(settings, clock=clock)
        with TestClient(app, base_url=BASE_URL, headers=HTML) as client:
            with UnitOfWork(app.state.sessions) as uow:
                org = create_organisation(
                    uow, slug="roc-midden", name="ROC Midden Nederland", kind="school",
                    identifier="25PZ", public_base_url=BASE_URL, box=app.state.box,
                    now=clock(), actor="test",
                )  # fmt: skip
                create_staff(
                    uow, org, email="issuer@roc-midden.nl", name="Issuer", role="issuer",
                    password=STAFF_PASSWORD, now=clock(), actor="test",
                )  # fmt: skip
                uow.commit()
            token = csrf_of(client.get("/login").text)
            client.post(
                "/login",
                data={"email": "issuer@roc-midden.nl", "password": STAFF_PASSWORD,
                      "csrf_token": token},
            )  # fmt: skip
            yield client, sink


def _issue(client: TestClient, email: str) -> str:
    step2 = client.get(f"/issue?step=2&kind=examenresultaat&qualification={QUALIFICATION}")
    assert 'name="mail_offer"' in step2.text
    reference = re.search(r'name="reference" value="([^"]+)"', step2.text)
    assert reference
    response = client.post(
        "/issue",
        data={
            "csrf_token": csrf_of(step2.text), "kind": "examenresultaat",
            "qualification": QUALIFICATION, "reference": reference.group(1),
            "student_name": "Sanne de Vries", "student_email": email, "codes": ["B1-K1"],
            "mail_offer": "1",
        },
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return response.text


def _audit(client: TestClient) -> list[str]:
    app = client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        return list(
            uow.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("offer.mail%"))
                .order_by(AuditEvent.id)
            )
        )


def test_the_qr_opens_the_web_wallet_and_the_plain_link_stays(
    mailing: tuple[TestClient, Sink],
) -> None:
    client, _ = mailing
    html = _issue(client, "sanne@example.nl")
    link = re.search(r'id="wallet-link">([^<]+)<', html)
    assert link
    wallet_link = link.group(1).replace("&amp;", "&")
    parts = urlsplit(wallet_link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == WALLET + "/receive"
    plain = re.search(r'id="offer-link">([^<]+)<', html)
    assert plain
    assert parse_qs(parts.query)["offer"] == [plain.group(1).replace("&amp;", "&")]
    assert plain.group(1).startswith("openid-credential-offer://")
    assert 'id="wallet-qr"' in html
    assert 'id="plain-qr"' in html


def test_issuing_mails_the_offer_without_the_code(mailing: tuple[TestClient, Sink]) -> None:
    client, sink = mailing
    html = _issue(client, "sanne@example.nl")
    assert "Het aanbod is gemaild naar sanne@example.nl." in html
    tx_code = re.search(r'id="tx-code">(\d{6})<', html)
    assert tx_code
    (message,) = sink.messages
    assert message["To"] == "sanne@example.nl"
    assert message["From"] == "diploma@roc.test"
    body = message.get_content()
    assert WALLET + "/receive?offer=openid-credential-offer%3A%2F%2F" in body
    assert tx_code.group(1) not in body
    assert _audit(client) == ["offer.mail"]


def test_a_refused_address_is_shown_with_a_retry(mailing: tuple[TestClient, Sink]) -> None:
    client, sink = mailing
    html = _issue(client, "sanne@refused.example")
    assert "Het aanbod is niet gemaild naar sanne@refused.example" in html
    assert "geweigerd door de mailserver" in html
    assert "Opnieuw proberen" in html
    assert sink.messages == []
    retry = re.search(r'<form method="post" action="(/credentials/\d+/offer)"', html)
    assert retry
    again = client.post(
        retry.group(1), data={"csrf_token": csrf_of(html), "email": "sanne@example.nl"}
    )
    assert again.status_code == 200, again.text
    assert "Het aanbod is gemaild naar sanne@example.nl." in again.text
    assert [m["To"] for m in sink.messages] == ["sanne@example.nl"]
    assert _audit(client) == ["offer.mail_failed", "offer.mail"]
    credential_page = client.get(retry.group(1).removesuffix("/offer"))
    assert 'name="email"' in credential_page.text  # a later mail from the credential page
    log = client.get("/audit?action=offer")
    assert "Aanbod niet gemaild" in log.text


def test_a_mail_failure_is_worded_by_its_code_in_english_too(
    mailing: tuple[TestClient, Sink],
) -> None:
    client, _sink = mailing
    client.get("/?lang=en")  # remembered in a cookie
    html = _issue(client, "sanne@refused.example")
    assert "refused by the mail server (check the address)" in html
    assert "geweigerd" not in html


def test_a_batch_mails_each_student_and_retries_the_refused(
    mailing: tuple[TestClient, Sink],
) -> None:
    client, sink = mailing
    app = client.app
    data = (
        b"reference;naam;email;soort;kwalificatie;codes\n"
        b"R1;Sanne de Vries;sanne@example.nl;examenresultaat;25498;B1-K1\n"
        b"R2;Daan Jansen;daan@refused.example;examenresultaat;25498;B1-K1\n"
        b"R3;Noor Bakker;;examenresultaat;25498;B1-K1\n"
    )
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        org = uow.session.query(Organisation).filter_by(slug="roc-midden").one()
        batch, _ = create_batch(
            uow, org, app.state.catalog, data, filename="r.csv",  # type: ignore[attr-defined]
            now=datetime.now(UTC), actor="issuer@roc-midden.nl", max_rows=100,
        )  # fmt: skip
        confirm_batch(uow, org, batch.id, now=datetime.now(UTC), actor="issuer@roc-midden.nl")
        uow.commit()
        batch_id = batch.id
    deadline = time.monotonic() + 30
    page = client.get(f"/batches/{batch_id}")
    while 'id="offers-mail"' not in page.text and time.monotonic() < deadline:
        time.sleep(0.1)
        page = client.get(f"/batches/{batch_id}")
    assert 'id="offers-mail"' in page.text, page.text
    result = client.post(
        f"/batches/{batch_id}/mail-offers", data={"csrf_token": csrf_of(page.text)}
    )
    assert result.status_code == 200, result.text
    assert "1 van 3 e-mails verstuurd." in result.text
    assert "geweigerd door de mailserver" in result.text
    assert "geen geldig e-mailadres" in result.text
    (message,) = sink.messages
    assert message["To"] == "sanne@example.nl"
    body = message.get_content()
    assert WALLET + "/receive?offer=" in body
    assert "Sanne de Vries" in body
    retry_rows = re.findall(r'name="row" value="(\d+)"', result.text)
    assert retry_rows == ["3", "4"]
    again = client.post(
        f"/batches/{batch_id}/mail-offers",
        data={"csrf_token": csrf_of(result.text), "row": retry_rows},
    )
    assert "0 van 2 e-mails verstuurd." in again.text
    assert len(sink.messages) == 1
    assert _audit(client) == ["offer.mail", *["offer.mail_failed"] * 4]

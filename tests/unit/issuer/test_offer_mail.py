"""Offer e-mails through a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, refused
recipients, a refused login, an unreachable server; the password never in an outcome."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from issuer.services.offer_mail import (
    OfferMail,
    SmtpConfig,
    compose_offer_mail,
    send_mails,
    wallet_offer_link,
)

from ...smtp_sink import free_port, smtp_sink

OFFER = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.test%2Fo%2Fabc"


def _mail(to: str, key: str = "1", tx_code: str | None = None) -> OfferMail:
    subject, body = compose_offer_mail(
        organisation_name="ROC Midden",
        student_name="Nikola Đorđević",
        credential_title="Examenresultaat B1-K1",
        wallet_link=wallet_offer_link("https://wallet.test/", OFFER),
        offer_uri=OFFER,
        expires_at=datetime(2026, 7, 31, tzinfo=UTC),
        tx_code=tx_code,
    )
    return OfferMail(key, to, subject, body)


def test_wallet_link_opens_the_receive_page_with_the_offer() -> None:
    link = wallet_offer_link("https://wallet.test/", OFFER)
    assert link.startswith("https://wallet.test/receive?offer=openid-credential-offer%3A%2F%2F")
    assert "%253A" in link  # the offer's own escapes are escaped once more


def test_the_mail_arrives_with_the_wallet_link_and_without_the_code() -> None:
    with smtp_sink() as sink:
        config = SmtpConfig(sink.host, sink.port, sender="diploma@roc.example", starttls=False)
        outcomes = send_mails(config, [_mail("sanne@example.nl")])
    assert [(o.to, o.sent) for o in outcomes] == [("sanne@example.nl", True)]
    (message,) = sink.messages
    assert message["To"] == "sanne@example.nl"
    assert message["From"] == "diploma@roc.example"
    body = message.get_content()
    assert "https://wallet.test/receive?offer=openid-credential-offer%3A%2F%2F" in body
    assert OFFER in body  # for other wallets (NL Wallet)
    assert "Nikola Đorđević" in body
    assert "niet in deze e-mail" in body


def test_the_code_is_in_the_mail_only_when_the_school_chooses_so() -> None:
    with smtp_sink() as sink:
        config = SmtpConfig(sink.host, sink.port, starttls=False)
        send_mails(config, [_mail("sanne@example.nl", tx_code="077088")])
    assert "077088" in sink.messages[0].get_content()


def test_a_refused_recipient_fails_alone() -> None:
    with smtp_sink() as sink:
        config = SmtpConfig(sink.host, sink.port, starttls=False)
        outcomes = send_mails(
            config,
            [_mail("a@example.nl", "1"), _mail("b@refused.example", "2"), _mail("x", "3")],
        )
    assert [(o.key, o.sent) for o in outcomes] == [("1", True), ("2", False), ("3", False)]
    assert outcomes[1].detail == "refused by the mail server"
    assert outcomes[1].smtp_code == 550
    assert outcomes[2].detail == "not an e-mail address"
    assert [m["To"] for m in sink.messages] == ["a@example.nl"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the test sink
def test_login_uses_the_password_and_a_wrong_one_fails_every_mail() -> None:
    with smtp_sink(password="s3cret-pass") as sink:
        good = SmtpConfig(sink.host, sink.port, username="roc", starttls=False,
                          password=SecretStr("s3cret-pass"))  # fmt: skip
        assert send_mails(good, [_mail("a@example.nl")])[0].sent
        bad = SmtpConfig(sink.host, sink.port, username="roc", starttls=False,
                         password=SecretStr("wrong-pass"), timeout=5)  # fmt: skip
        outcomes = send_mails(bad, [_mail("a@example.nl", "1"), _mail("b@example.nl", "2")])
    assert [o.sent for o in outcomes] == [False, False]
    # (aiosmtpd hangs up after the failed AUTH; a real server answers 535: both "not sent")
    assert all("refused the login" in o.detail or "reached" in o.detail for o in outcomes)
    assert all("wrong-pass" not in o.detail for o in outcomes)
    assert sink.logins[0] == ("roc", "s3cret-pass")
    assert len(sink.messages) == 1


def test_an_unreachable_server_means_try_again() -> None:
    config = SmtpConfig("127.0.0.1", free_port(), starttls=False, timeout=2)
    (outcome,) = send_mails(config, [_mail("a@example.nl")])
    assert not outcome.sent
    assert "could not be reached" in outcome.detail

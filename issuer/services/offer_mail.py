"""Offer e-mails: the link and QR code that bring a credential to the learner's wallet.

The link opens the web wallet directly (``{wallet}/receive?offer=<credential offer>``, see
:func:`wallet_offer_link`); the plain ``openid-credential-offer://`` link is in the mail too,
for other wallets (NL Wallet). The transaction code is *not* in the mail unless the school
sets ``ISSUER_OFFER_MAIL_INCLUDES_TX_CODE``: a forwarded or intercepted mail alone must not
hand over the credential, so the code comes another way (in person, by text message).

Sending is blocking network I/O (:func:`send_mails`): call it from a plain ``def`` route or a
worker, never on the event loop. The SMTP password is a :class:`~pydantic.SecretStr`, used
only for ``login`` and never logged; errors are reported without it.

    >>> config = SmtpConfig(host="127.0.0.1", port=8025, sender="diploma@roc.example",
    ...                     starttls=False)
    >>> outcomes = send_mails(config, [message])  # doctest: +SKIP
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from enum import StrEnum
from urllib.parse import quote

from pydantic import SecretStr

from qualifications.messages import Message
from web_common.emails import is_email_address

__all__ = [
    "MailOutcome",
    "MailProblem",
    "OfferMail",
    "SmtpConfig",
    "compose_offer_mail",
    "send_mails",
    "wallet_offer_link",
]


class MailProblem(StrEnum):
    """Why an offer mail was not sent (the code of ``MailOutcome.detail``; pages word it by
    code, ``probleem:<code>``)."""

    REFUSED = "mail_refused"
    LOGIN_REFUSED = "mail_login_refused"
    UNREACHABLE = "mail_unreachable"
    NOT_AN_ADDRESS = "mail_not_an_address"
    NO_SERVER = "mail_no_server"
    NO_OFFER = "mail_no_offer"
    """a batch row whose offer link was downloaded and erased"""


# the English texts with their codes; the SMTP reply code is in ``MailOutcome.smtp_code``
REFUSED = Message(MailProblem.REFUSED, "refused by the mail server")
LOGIN_REFUSED = Message(
    MailProblem.LOGIN_REFUSED, "the mail server refused the login; check the settings"
)
UNREACHABLE = Message(
    MailProblem.UNREACHABLE, "the mail server could not be reached; try again later"
)
NOT_AN_ADDRESS = Message(MailProblem.NOT_AN_ADDRESS, "not an e-mail address")
NO_SERVER = Message(MailProblem.NO_SERVER, "no mail server is set (ISSUER_SMTP_HOST)")


def wallet_offer_link(wallet_url: str, offer_uri: str) -> str:
    """The https link that opens the web wallet on the offer's preview."""
    return f"{wallet_url.rstrip('/')}/receive?offer={quote(offer_uri, safe='')}"


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 587
    sender: str = "no-reply@localhost"
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = True
    timeout: float = 20.0


@dataclass(frozen=True, slots=True)
class OfferMail:
    """One offer e-mail to send; ``key`` says which offer it is (a batch row, a credential)."""

    key: str
    to: str
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class MailOutcome:
    """``sent`` True, or False with ``detail`` (refused by the server, or not reached: retry)."""

    key: str
    to: str
    sent: bool
    detail: str = ""
    smtp_code: int | None = None


def compose_offer_mail(
    *,
    organisation_name: str,
    student_name: str,
    credential_title: str,
    wallet_link: str,
    offer_uri: str,
    expires_at: datetime,
    tx_code: str | None = None,
) -> tuple[str, str]:
    """Subject and plain-text body (Dutch, English below). With ``tx_code`` None the mail
    says the code comes separately."""
    until = expires_at.astimezone(UTC).strftime("%d-%m-%Y")
    subject = f"Je {credential_title} van {organisation_name} staat klaar / ready for your wallet"
    if tx_code:
        code_nl = f"Je wallet vraagt om een code van 6 cijfers: {tx_code}"
        code_en = f"Your wallet asks for a 6-digit code: {tx_code}"
    else:
        code_nl = (
            "Je wallet vraagt om een code van 6 cijfers. Die code krijg je apart van ons\n"
            "   (niet in deze e-mail), zodat alleen jij het bewijs kunt ophalen."
        )
        code_en = (
            "Your wallet asks for a 6-digit code. You receive that code separately (not in\n"
            "   this e-mail), so that only you can collect the credential."
        )
    body = f"""Beste {student_name},

{organisation_name} heeft je {credential_title} digitaal uitgegeven. Zet het in je wallet:

1. Open deze link; hij opent de web-wallet (log in of maak een account):
   {wallet_link}
2. {code_nl}

Gebruik je een andere wallet-app (bijvoorbeeld de NL Wallet)? Open dan deze link op je
telefoon: {offer_uri}

De link werkt één keer en tot en met {until}. Deel hem niet met anderen.

---

Dear {student_name},

{organisation_name} has issued your {credential_title} digitally. Add it to your wallet:

1. Open this link; it opens the web wallet (log in or create an account):
   {wallet_link}
2. {code_en}

Using another wallet app (for example NL Wallet)? Open this link on your phone instead:
{offer_uri}

The link works once, until {until}. Please do not share it.

{organisation_name}
"""
    return subject, body


def _message(config: SmtpConfig, mail: OfferMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


def send_mails(config: SmtpConfig, mails: Sequence[OfferMail]) -> list[MailOutcome]:
    """Send each mail over one SMTP connection; one outcome per mail, in order. Never
    raises for a mail server problem: an unreachable server or a refused login makes every
    mail "not sent" (retry later), a refused recipient only that mail."""
    outcomes: list[MailOutcome] = []
    pending = []
    for mail in mails:
        to = mail.to.strip()
        if not is_email_address(to) or "\n" in to or "\r" in to:
            outcomes.append(MailOutcome(mail.key, mail.to, False, NOT_AN_ADDRESS))
        else:
            pending.append(OfferMail(mail.key, str(Address(addr_spec=to)), mail.subject, mail.body))
            outcomes.append(MailOutcome(mail.key, to, False, "pending"))
    if not pending:
        return outcomes
    results: dict[str, MailOutcome] = {}
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.username:
                password = config.password.get_secret_value() if config.password else ""
                smtp.login(config.username, password)
            for mail in pending:
                try:
                    refused = smtp.send_message(_message(config, mail))
                except smtplib.SMTPRecipientsRefused as exc:
                    code, _text = next(iter(exc.recipients.values()), (550, b""))
                    results[mail.key] = MailOutcome(mail.key, mail.to, False, REFUSED, code)
                except smtplib.SMTPResponseException as exc:
                    results[mail.key] = MailOutcome(
                        mail.key, mail.to, False, REFUSED, exc.smtp_code
                    )
                else:
                    detail = REFUSED if refused else ""
                    results[mail.key] = MailOutcome(mail.key, mail.to, not refused, detail)
    except smtplib.SMTPAuthenticationError as exc:
        return _all_failed(outcomes, results, LOGIN_REFUSED, exc.smtp_code)
    except (smtplib.SMTPException, OSError, ssl.SSLError):
        return _all_failed(outcomes, results, UNREACHABLE, None)
    return [results.get(o.key, o) if o.detail == "pending" else o for o in outcomes]


def _all_failed(
    outcomes: list[MailOutcome], results: dict[str, MailOutcome], reason: str, code: int | None
) -> list[MailOutcome]:
    return [
        results.get(o.key) or MailOutcome(o.key, o.to, False, reason, code)
        if o.detail == "pending"
        else o
        for o in outcomes
    ]

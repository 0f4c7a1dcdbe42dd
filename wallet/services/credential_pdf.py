"""A printable A4 PDF of one credential, with a QR code that opens a share link to the
verifiable original.

The paper is a convenience, not the proof: it names the credential, its holder and issuer,
what it shows (qualification, crebo, kerntaken and werkprocessen with their catalog titles)
and its validity, and says that the QR code leads to the signed original, which anyone can
check until the link expires. Text is real PDF text in DejaVu Sans (a Unicode TTF shipped in
``wallet/fonts``, so "Nikola Đorđević" prints as written); the QR code is drawn as vector
squares with nothing over it; and the signed credential itself is embedded as a PDF file
attachment, so the file can be verified without the link.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import qrcode
from fpdf import FPDF

from qualifications import Catalog
from qualifications.date_achieved import date_achieved_of
from web_common.ui import format_datetime

from ..db.tables import StoredCredential
from .passport import DossierGroup, credential_parts
from .stored_shape import credential_shape, media_type_of

__all__ = ["PdfFacts", "credential_facts", "render_credential_pdf"]

Gettext = Callable[..., str]

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "dejavu"


def _plain(text: str) -> str:
    """Text as printed: control characters (which no font draws) become spaces."""
    return "".join(" " if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 else c for c in text)


@dataclass(frozen=True, slots=True)
class PdfFacts:
    """What the paper says about one credential (read from the stored document)."""

    holder_name: str | None
    description: str | None
    qualification: str | None
    crebo: str | None
    niveau: str | None
    dossier: str | None
    kerntaken: tuple[str, ...]
    werkprocessen: tuple[str, ...]
    parts: tuple[DossierGroup, ...]
    grade: str | None = None
    date_achieved: date | None = None
    """The day the result was achieved (``awardedDate``)."""


def _text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip()[:500] if isinstance(value, str) and value.strip() else None


def _codes(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(v for v in items if isinstance(v, str))[:100]


def credential_facts(catalog: Catalog, row: StoredCredential) -> PdfFacts:
    document = credential_shape(row)
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    return PdfFacts(
        holder_name=_text(subject.get("name")),
        description=_text(document.get("description")) or _text(achievement.get("description")),
        qualification=_text(achievement.get("qualificationTitle")),
        crebo=_text(achievement.get("crebo")),
        niveau=_text(achievement.get("niveau")),
        dossier=_text(achievement.get("dossierTitle")),
        kerntaken=_codes(achievement.get("kerntaken")),
        werkprocessen=_codes(achievement.get("werkprocessen")),
        parts=tuple(credential_parts(catalog, row)),
        grade=_text(achievement.get("grade")) or _text(subject.get("grade")),
        date_achieved=date_achieved_of(document),
    )


class _Paper(FPDF):
    footer_text = ""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 8, self.footer_text, align="C")


def _qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, line in enumerate(matrix):
        c = 0
        while c < len(line):
            if line[c]:
                start = c
                while c < len(line) and line[c]:
                    c += 1
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, "F")
            else:
                c += 1


ATTACHMENT_NAMES = {"jwt_vc": "bewijs.jwt", "dc+sd-jwt": "bewijs.sd-jwt"}


def _attach(pdf: FPDF, row: StoredCredential, when: datetime, _: Gettext) -> None:
    """The signed credential exactly as received, as a file inside the PDF."""
    pdf.embed_file(
        bytes=row.document.encode(),
        basename=ATTACHMENT_NAMES.get(row.format, "bewijs.json"),
        mime_type=media_type_of(row),
        modification_date=when,
        desc=_("Het digitaal ondertekende origineel"),
    )


def render_credential_pdf(
    row: StoredCredential,
    facts: PdfFacts,
    *,
    kind: str,
    holder_fallback: str,
    share_url: str,
    link_expires: datetime,
    printed: datetime,
    _: Gettext,
) -> bytes:
    """The A4 PDF (bytes, starting with ``%PDF``)."""
    pdf = _Paper()
    pdf.set_title(_plain(row.title))
    pdf.set_author(_plain(facts.holder_name or holder_fallback))
    pdf.set_creator("mbo-wallet")
    pdf.set_creation_date(printed)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.footer_text = _plain(
        _("Afgedrukt op {when} uit Mijn mbo-paspoort.", when=format_datetime(printed))
    )
    pdf.add_page()
    width = pdf.epw

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(width, 7, _plain(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=10)

    def line(label: str, value: str) -> None:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(45, 6, _plain(label))
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(width - 45, 6, _plain(value), new_x="LMARGIN", new_y="NEXT")

    pdf.set_font(FONT, size=9)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(width, 5, _plain(kind), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(width, 9, _plain(row.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, size=10)
    line(_("Op naam van"), facts.holder_name or holder_fallback)
    line(_("Uitgegeven door"), row.issuer_name or row.issuer)
    if facts.date_achieved:
        line(_("Behaald op"), format_datetime(facts.date_achieved, False))
    line(_("Geldig vanaf"), format_datetime(row.valid_from, False) if row.valid_from else "-")
    line(
        _("Geldig tot"),
        format_datetime(row.valid_until, False) if row.valid_until else _("geen einddatum"),
    )

    heading(_("Wat dit bewijs laat zien"))
    if facts.description:
        pdf.multi_cell(width, 5.5, _plain(facts.description), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if facts.qualification:
        value = facts.qualification
        if facts.niveau:
            value += " " + _("(niveau {n})", n=facts.niveau)
        line(_("Kwalificatie"), value)
    if facts.crebo:
        line(_("Crebo"), facts.crebo)
    if facts.dossier:
        line(_("Kwalificatiedossier"), facts.dossier)
    if facts.grade:
        line(_("Cijfer"), facts.grade)
    if facts.parts:
        for group in facts.parts:
            for kerntaak in group.kerntaken:
                pdf.set_font(FONT, "B", 10)
                pdf.multi_cell(
                    width,
                    6,
                    _plain(f"{_('Kerntaak')} {kerntaak.code}: {kerntaak.title}"),
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
                pdf.set_font(FONT, size=9.5)
                for werkproces in kerntaak.werkprocessen:
                    pdf.set_x(pdf.l_margin + 5)
                    pdf.multi_cell(
                        width - 5,
                        5,
                        _plain(f"{werkproces.code}  {werkproces.title}"),
                        new_x="LMARGIN",
                        new_y="NEXT",
                    )
        pdf.set_font(FONT, size=10)
    else:
        if facts.kerntaken:
            line(_("Kerntaken"), ", ".join(facts.kerntaken))
        if facts.werkprocessen:
            line(_("Werkprocessen"), ", ".join(facts.werkprocessen))

    heading(_("Controleer het origineel"))
    pdf.multi_cell(
        width,
        5.5,
        _(
            "Deze afdruk is zelf geen bewijs. Scan de QR-code of open de link hieronder: "
            "die leidt naar het digitaal ondertekende origineel, dat iedereen kan "
            "controleren (echtheid, uitgever en of het is ingetrokken). Het ondertekende "
            "origineel zit ook als bijlage in dit PDF-bestand."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    size = 45.0
    # the QR code, the date and the link stay together, below one another: nothing over the QR
    if pdf.get_y() + size + 25 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 1
    _qr(pdf, share_url, pdf.l_margin, top, size)
    pdf.set_xy(pdf.l_margin, top + size + 1)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(
        width,
        5.5,
        _("De link werkt tot {when}.", when=format_datetime(link_expires, False)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FONT, size=8)
    pdf.multi_cell(width, 4.5, share_url, new_x="LMARGIN", new_y="NEXT")
    _attach(pdf, row, printed, _)
    return bytes(pdf.output())

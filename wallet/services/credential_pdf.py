"""A printable A4 PDF of one credential, with a QR code that opens a share link to the
verifiable original.

The paper is a convenience, not the proof: it names the credential, its holder and issuer,
what it shows (qualification, crebo, kerntaken and werkprocessen with their catalog titles)
and its validity, and says that the QR code leads to the signed original, which anyone can
check until the link expires. Text is real PDF text (the built-in Helvetica, so Latin-1:
other characters are replaced by a close equivalent); the QR code is drawn as vector squares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import qrcode
from fpdf import FPDF

from credentials.errors import CredentialsError
from credentials.jose import decode_vc_jwt
from qualifications import Catalog
from web_common.ui import format_datetime

from ..db.tables import StoredCredential
from .passport import DossierGroup, credential_parts
from .receive import load_document

__all__ = ["PdfFacts", "credential_facts", "render_credential_pdf"]

Gettext = Callable[..., str]

_REPLACEMENTS = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "€": "EUR",
        "\u00a0": " ",
    }
)


def _latin1(text: str) -> str:
    return text.translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


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


def _document(row: StoredCredential) -> Mapping[str, Any]:
    document = load_document(row)
    if isinstance(document, str):
        try:
            _header, payload = decode_vc_jwt(document)
        except CredentialsError:
            return {}
        inner = payload.get("vc")
        return inner if isinstance(inner, Mapping) else payload
    return document if isinstance(document, Mapping) else {}


def _text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip()[:500] if isinstance(value, str) and value.strip() else None


def _codes(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(v for v in items if isinstance(v, str))[:100]


def credential_facts(catalog: Catalog, row: StoredCredential) -> PdfFacts:
    document = _document(row)
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
    )


class _Paper(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", size=8)
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
    pdf = _Paper(format="A4")
    pdf.set_title(_latin1(row.title))
    pdf.set_author(_latin1(facts.holder_name or holder_fallback))
    pdf.set_creator("mbo-wallet")
    pdf.set_creation_date(printed)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.footer_text = _latin1(
        _("Afgedrukt op {when} uit Mijn mbo-paspoort.", when=format_datetime(printed))
    )
    pdf.add_page()
    width = pdf.epw

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font("helvetica", "B", 12)
        pdf.multi_cell(width, 7, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=10)

    def line(label: str, value: str) -> None:
        pdf.set_font("helvetica", "B", 10)
        pdf.cell(45, 6, _latin1(label))
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(width - 45, 6, _latin1(value), new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("helvetica", size=9)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(width, 5, _latin1(kind), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("helvetica", "B", 18)
    pdf.multi_cell(width, 9, _latin1(row.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", size=10)
    line(_("Op naam van"), facts.holder_name or holder_fallback)
    line(_("Uitgegeven door"), row.issuer_name or row.issuer)
    line(_("Geldig vanaf"), format_datetime(row.valid_from, False) if row.valid_from else "-")
    line(
        _("Geldig tot"),
        format_datetime(row.valid_until, False) if row.valid_until else _("geen einddatum"),
    )

    heading(_("Wat dit bewijs laat zien"))
    if facts.description:
        pdf.multi_cell(width, 5.5, _latin1(facts.description), new_x="LMARGIN", new_y="NEXT")
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
    if facts.parts:
        for group in facts.parts:
            for kerntaak in group.kerntaken:
                pdf.set_font("helvetica", "B", 10)
                pdf.multi_cell(
                    width,
                    6,
                    _latin1(f"{_('Kerntaak')} {kerntaak.code}: {kerntaak.title}"),
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
                pdf.set_font("helvetica", size=9.5)
                for werkproces in kerntaak.werkprocessen:
                    pdf.set_x(pdf.l_margin + 5)
                    pdf.multi_cell(
                        width - 5,
                        5,
                        _latin1(f"{werkproces.code}  {werkproces.title}"),
                        new_x="LMARGIN",
                        new_y="NEXT",
                    )
        pdf.set_font("helvetica", size=10)
    else:
        if facts.kerntaken:
            line(_("Kerntaken"), ", ".join(facts.kerntaken))
        if facts.werkprocessen:
            line(_("Werkprocessen"), ", ".join(facts.werkprocessen))

    heading(_("Controleer het origineel"))
    size = 45.0
    if pdf.get_y() + size + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 1
    _qr(pdf, share_url, pdf.l_margin, top, size)
    pdf.set_xy(pdf.l_margin + size + 6, top + 2)
    text_width = width - size - 6
    pdf.multi_cell(
        text_width,
        5.5,
        _latin1(
            _(
                "Deze afdruk is zelf geen bewijs. Scan de QR-code of open de link hieronder: "
                "die leidt naar het digitaal ondertekende origineel, dat iedereen kan "
                "controleren (echtheid, uitgever en of het is ingetrokken)."
            )
        ),
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.ln(1)
    pdf.set_font("helvetica", "B", 10)
    pdf.multi_cell(
        text_width,
        5.5,
        _latin1(_("De link werkt tot {when}.", when=format_datetime(link_expires, False))),
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_font("courier", size=8)
    pdf.ln(1)
    pdf.multi_cell(text_width, 4.5, _latin1(share_url), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + size) + 2)
    return bytes(pdf.output())

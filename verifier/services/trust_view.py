"""The public list of recognised issuers, in words: who they are and what they may issue.

Anyone may read it (an employer wants to know whose credentials count as "erkend"); only
the administrator changes it (:mod:`verifier.routes.pages_trust`).

    rows = public_trust_rows(list_trusted(uow).values(), lang="nl")
    rows[0].may_issue   # ("Praktijkverklaring",) or () for every kind
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from qualifications.achievements import KINDS

from .trust import TrustEntry

__all__ = ["ORGANISATION_KINDS", "TrustRow", "public_trust_rows"]

ORGANISATION_KINDS: Mapping[str, tuple[str, str]] = {
    "school": ("School (ROC, AOC, vakschool)", "School (ROC, AOC, vocational school)"),
    "leerbedrijf": ("Erkend leerbedrijf", "Recognised training company"),
    "evc_provider": ("EVC-aanbieder", "EVC provider"),
    "branche": ("Branche-organisatie", "Industry body"),
    "other": ("Anders", "Other"),
}
_TYPE_NAMES: Mapping[str, tuple[str, str]] = {
    info.vc_type: (info.title_nl, info.title_en) for info in KINDS.values()
}


@dataclass(frozen=True, slots=True)
class TrustRow:
    name: str
    kind: str  # the kind of organisation, in words
    may_issue_all: bool
    may_issue: tuple[str, ...]  # names of the kinds of credential, when not all
    did: str
    """The DID, or for an X.509 entry how it is named (``CA-certificaat SHA-256 …``)."""
    accredited_for: tuple[str, ...] = ()  # "crebo 25655", "dossier 23189", "domein …"


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


_X509_NAMES: Mapping[str, tuple[str, str]] = {
    "ca": ("CA-certificaat SHA-256", "CA certificate SHA-256"),
    "cert": ("Certificaat SHA-256", "Certificate SHA-256"),
    "subject": ("Naam in certificaat", "Name in certificate"),
}


def _identity(entry: TrustEntry, lang: str) -> str:
    names = _X509_NAMES.get(entry.x509_kind or "")
    if names is not None and entry.x509_value:
        return f"{_pick(names, lang)} {entry.x509_value}"
    return entry.did


def public_trust_rows(entries: Iterable[TrustEntry], *, lang: str) -> list[TrustRow]:
    """The list sorted by name; a VC type we have no name for is shown as it is."""
    rows = []
    for entry in entries:
        every = "*" in entry.credential_types
        named = () if every else tuple(
            _pick(_TYPE_NAMES[t], lang) if t in _TYPE_NAMES else t for t in entry.credential_types
        )  # fmt: skip
        kind = _pick(ORGANISATION_KINDS.get(entry.kind, ORGANISATION_KINDS["other"]), lang)
        accredited = tuple(f"{a.scope} {a.code}" for a in entry.accreditations)
        rows.append(TrustRow(entry.name, kind, every, named, _identity(entry, lang), accredited))
    return sorted(rows, key=lambda r: r.name.casefold())

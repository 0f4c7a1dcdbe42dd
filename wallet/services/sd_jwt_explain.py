"""Plain-language sentences (nl, en) for the SD-JWT VC check codes that
:mod:`credentials.explain` does not (yet) know; :func:`explain_sd_jwt` is asked only when
``explain`` has no sentence of its own, so the shared sentences win once they exist."""

from __future__ import annotations

from collections.abc import Mapping

from credentials.results import CheckResult

__all__ = ["CHECK_NAMES", "explain_sd_jwt"]

CHECK_NAMES: Mapping[str, tuple[str, str]] = {
    "type_metadata": ("Soort bewijs", "Credential type"),
}

_UNTRUSTED = (
    "De uitgever is niet bekend bij deze portemonnee: zijn certificaat valt niet onder een "
    "vertrouwde uitgever van certificaten.",
    "This wallet does not know the issuer: its certificate is not under a trusted "
    "certificate authority.",
)
_CHANGED = (
    "Een van de gegevens is veranderd of hoort niet bij de handtekening van de uitgever.",
    "One of the details was changed or does not belong to the issuer's signature.",
)
_SENTENCES: Mapping[str, tuple[str, str]] = {
    "x509_untrusted": _UNTRUSTED,
    "x509_expired": (
        "Het certificaat van de uitgever is verlopen of nog niet geldig.",
        "The issuer's certificate has expired or is not valid yet.",
    ),
    "iss_mismatch": (
        "Het certificaat hoort niet bij de uitgever die op het bewijs staat.",
        "The certificate does not belong to the issuer named on the credential.",
    ),
    "key_missing": (
        "Het bewijs zegt niet met welke sleutel de uitgever tekende.",
        "The credential does not say which key the issuer signed with.",
    ),
    "did_resolution": (
        "De sleutel van de uitgever kon niet worden opgehaald.",
        "The issuer's key could not be fetched.",
    ),
    "invalid_signature": (
        "De digitale handtekening klopt niet.",
        "The digital signature does not match.",
    ),
    "typ": (
        "Het is geen SD-JWT VC volgens de standaard.",
        "It is not an SD-JWT VC according to the standard.",
    ),
    "type_metadata_integrity": (
        "De beschrijving van deze soort bewijs klopt niet met wat de uitgever tekende.",
        "The description of this credential type does not match what the issuer signed.",
    ),
    "type_metadata_unavailable": (
        "De beschrijving van deze soort bewijs kon nu niet worden opgehaald.",
        "The description of this credential type could not be fetched just now.",
    ),
    "type_metadata_vct_mismatch": (
        "De beschrijving hoort bij een andere soort bewijs.",
        "The description belongs to another credential type.",
    ),
    "not_requested": (
        "Bij bewaren is geen koppeling aan de houder nodig; die wordt bij het delen gemaakt.",
        "No holder binding is needed while stored; it is made when sharing.",
    ),
    "status_unchecked": (
        "De status is niet nagevraagd.",
        "The status was not checked.",
    ),
}
_PREFIXES = (("disclosure_", _CHANGED), ("digest_", _CHANGED), ("claim_", _CHANGED),
             ("sd_", _CHANGED), ("x509_", _UNTRUSTED), ("type_metadata_", _SENTENCES[
                 "type_metadata_integrity"]))  # fmt: skip


def explain_sd_jwt(check: CheckResult, lang: str = "nl") -> tuple[str | None, str | None]:
    """(check name, sentence) where this module knows them, else None for either."""
    pick = 1 if lang == "en" else 0
    name = CHECK_NAMES.get(check.name)
    text = _SENTENCES.get(check.code)
    if text is None:
        text = next((t for prefix, t in _PREFIXES if check.code.startswith(prefix)), None)
    return (name[pick] if name else None), (text[pick] if text else None)

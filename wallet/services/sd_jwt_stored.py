"""Reading a stored SD-JWT VC again (it was verified on receipt and is re-verified whenever
its checks are shown): its claims, its Disclosures by claim name, and the claims' names for
people from the type metadata (nl-NL / en-US).

``document`` is always the issued SD-JWT compact as received (issuer-signed JWT and every
Disclosure, ending in ``~``, no KB-JWT).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from credentials.errors import CredentialsError
from credentials.jws import parse_compact
from credentials.sd_jwt import Disclosure, parse_sd_jwt, process_claims

from .sd_jwt_checks import known_type_metadata

__all__ = [
    "ClaimRow",
    "claim_rows",
    "disclosures_by_claim",
    "stored_claims",
]

_REGISTERED = frozenset(
    {"iss", "iat", "nbf", "exp", "sub", "vct", "vct#integrity", "cnf", "status", "_sd_alg"}
)


def stored_claims(document: str) -> dict[str, Any]:
    """The claims of a stored SD-JWT VC with every Disclosure applied ({} when unreadable)."""
    try:
        parts = parse_sd_jwt(document)
        payload = parse_compact(parts.issuer_jwt).payload
        disclosures = [Disclosure.decode(d) for d in parts.disclosures]
        return dict(process_claims(payload, disclosures).claims)
    except (CredentialsError, ValueError):
        return {}


def disclosures_by_claim(document: str) -> dict[str, str]:
    """Top-level claim name → its encoded Disclosure (what a presentation may include)."""
    try:
        parts = parse_sd_jwt(document)
        found = {}
        for encoded in parts.disclosures:
            disclosure = Disclosure.decode(encoded)
            if disclosure.name is not None:
                found[disclosure.name] = encoded
        return found
    except (CredentialsError, ValueError):
        return {}


@dataclass(frozen=True, slots=True)
class ClaimRow:
    name: str
    label: str
    value: str
    selective: bool
    """Whether the holder may leave it out of a presentation (it has a Disclosure)."""


def _labels(vct: str, lang: str) -> dict[str, str]:
    data = known_type_metadata(vct)
    if data is None:
        return {}
    try:
        metadata = json.loads(data)
    except ValueError:
        return {}
    locale = "en" if lang == "en" else "nl"
    labels: dict[str, str] = {}
    for claim in metadata.get("claims", []):
        path = claim.get("path") if isinstance(claim, Mapping) else None
        if not isinstance(path, list) or len(path) != 1 or not isinstance(path[0], str):
            continue
        for display in claim.get("display", []):
            if str(display.get("locale", "")).startswith(locale) and display.get("label"):
                labels[path[0]] = str(display["label"])
    return labels


def claim_rows(document: str, lang: str = "nl") -> list[ClaimRow]:
    """The credential's claims as people read them, in the type metadata's order."""
    claims = stored_claims(document)
    selective = set(disclosures_by_claim(document))
    labels = _labels(str(claims.get("vct", "")), lang)
    order = {name: index for index, name in enumerate(labels)}
    names = [n for n in claims if n not in _REGISTERED and not isinstance(claims[n], dict)]
    names.sort(key=lambda n: (order.get(n, len(order)), n))
    return [ClaimRow(n, labels.get(n, n), str(claims[n]), n in selective) for n in names]

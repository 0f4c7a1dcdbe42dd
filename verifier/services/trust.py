"""The trust list: which issuer DIDs are recognised, for which credential types.

A valid signature from an issuer that is not on the list is shown as exactly that — a
warning, not a failure. An issuer that is on the list but not for this kind of credential
(a leerbedrijf issuing a diploma) fails the trust check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from credentials.results import CheckResult, Outcome
from web_common.db import UnitOfWork

from ..db.tables import TrustedIssuer

__all__ = [
    "TrustEntry",
    "TrustListError",
    "add_trusted_issuer",
    "export_trust_list",
    "import_trust_list",
    "list_trusted",
    "parse_trust_list",
    "remove_trusted_issuer",
    "trust_check",
]

KINDS = ("school", "leerbedrijf", "evc_provider", "branche", "other")
_OWN_TYPES = {"VerifiableCredential", "OpenBadgeCredential", "AchievementCredential"}


class TrustListError(ValueError):
    """A trust list file or entry is not valid; the message says where."""


@dataclass(frozen=True, slots=True)
class TrustEntry:
    did: str
    name: str
    kind: str
    credential_types: tuple[str, ...]

    def allows(self, vc_types: Iterable[str]) -> bool:
        specific = [t for t in vc_types if t not in _OWN_TYPES]
        return "*" in self.credential_types or all(t in self.credential_types for t in specific)


def _entry(raw: Any, where: str) -> TrustEntry:
    if not isinstance(raw, Mapping):
        raise TrustListError(f"{where}: each issuer is an object")
    did = raw.get("did")
    if not isinstance(did, str) or not did.startswith("did:") or len(did) > 300:
        raise TrustListError(f"{where}: 'did' must be a DID (did:web:… or did:key:…)")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TrustListError(f"{where}: 'name' is required")
    kind = raw.get("kind", "other")
    if kind not in KINDS:
        raise TrustListError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    types = raw.get("credentialTypes")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        raise TrustListError(f"{where}: 'credentialTypes' must list VC types or '*'")
    return TrustEntry(did, name.strip()[:200], kind, tuple(types))


def parse_trust_list(data: bytes | str) -> list[TrustEntry]:
    """Parse a trust list file: ``{"issuers": [{"did", "name", "kind", "credentialTypes"}]}``."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TrustListError(f"the file is not JSON: {exc}") from None
    issuers = document.get("issuers") if isinstance(document, Mapping) else None
    if not isinstance(issuers, list):
        raise TrustListError("the file needs an 'issuers' list")
    entries = [_entry(raw, f"issuers[{i}]") for i, raw in enumerate(issuers)]
    dids = [e.did for e in entries]
    if len(set(dids)) != len(dids):
        raise TrustListError("a DID is listed twice")
    return entries


def add_trusted_issuer(uow: UnitOfWork, entry: TrustEntry, *, source: str, now: datetime) -> None:
    row = uow.session.scalar(select(TrustedIssuer).where(TrustedIssuer.did == entry.did))
    if row is None:
        row = TrustedIssuer(did=entry.did, added_at=now)
        uow.session.add(row)
    row.name = entry.name
    row.kind = entry.kind
    row.credential_types = " ".join(entry.credential_types)
    row.source = source


def remove_trusted_issuer(uow: UnitOfWork, did: str) -> bool:
    result = uow.session.execute(delete(TrustedIssuer).where(TrustedIssuer.did == did))
    return bool(getattr(result, "rowcount", 0))


def import_trust_list(
    uow: UnitOfWork, data: bytes | str, *, source: str, now: datetime, replace: bool = False
) -> int:
    """Add (or with ``replace``, replace the list with) the issuers in a trust list file."""
    entries = parse_trust_list(data)
    if replace:
        uow.session.execute(delete(TrustedIssuer))
    for entry in entries:
        add_trusted_issuer(uow, entry, source=source, now=now)
    return len(entries)


def list_trusted(uow: UnitOfWork) -> dict[str, TrustEntry]:
    rows = uow.session.scalars(select(TrustedIssuer).order_by(TrustedIssuer.name))
    return {
        r.did: TrustEntry(r.did, r.name, r.kind, tuple(r.credential_types.split())) for r in rows
    }


def export_trust_list(uow: UnitOfWork) -> dict[str, Any]:
    return {
        "issuers": [
            {
                "did": e.did,
                "name": e.name,
                "kind": e.kind,
                "credentialTypes": list(e.credential_types),
            }
            for e in list_trusted(uow).values()
        ]
    }


def trust_check(
    issuer_did: str | None, vc_types: Iterable[str], trusted: Mapping[str, TrustEntry]
) -> CheckResult:
    """Is the issuer recognised for this kind of credential?"""
    if issuer_did is None:
        return CheckResult("trust", Outcome.SKIPPED, "no_issuer", "the issuer is not known")
    entry = trusted.get(issuer_did)
    if entry is None:
        return CheckResult(
            "trust",
            Outcome.WARNING,
            "unknown_issuer",
            "the signature is valid, but this issuer is not on your list of recognised "
            "schools and leerbedrijven",
        )
    types = [t for t in vc_types if t not in _OWN_TYPES]
    if not entry.allows(types):
        return CheckResult(
            "trust",
            Outcome.FAILED,
            "not_authorised_for_type",
            f"{entry.name} is recognised, but not to issue {', '.join(types) or 'this'}",
        )
    return CheckResult(
        "trust", Outcome.PASSED, "ok", f"issued by {entry.name}, a recognised {entry.kind}"
    )

"""The trust list: which issuers are recognised, for which credential types.

An issuer is named by its DID (``did:web:…``, ``did:key:…``) or by X.509 (SD-JWT VC issuers
sign with an ``x5c`` certificate chain): a CA certificate (any signing certificate chaining
to it), a certificate fingerprint (SHA-256 of one certificate in the chain), or a subject
attribute of the signing certificate (``organizationIdentifier=NTRNL-12345678``,
``CN=ROC Midden``) under one of the verifier's trust anchors. Every entry has the same
per-kind policy (``credentialTypes``). X.509 entries are keyed ``x509:ca:<sha256>``,
``x509:cert:<sha256>`` or ``x509:subject:<attr>=<value>`` where DID entries use the DID.

A valid signature from an issuer that is not on the list is shown as exactly that — a
warning, not a failure. An issuer that is on the list but not for this kind of credential
(a leerbedrijf issuing a diploma) fails the trust check.

An entry may also say which qualifications the issuer is accredited to award
(``accreditations``: per crebo, dossier or opleidingsdomein, optionally per credential
type), imported from the trust list file or from a register CSV
(:func:`parse_accreditations_csv`; formats in ``docs/trust-list.md``). The employer page
answers in one sentence whether the issuer is known to be accredited for the credential's
qualification (:func:`accreditation_for`); this never changes the verdict.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID, ObjectIdentifier
from sqlalchemy import delete, select

from credentials.results import CheckName, CheckResult, Outcome
from credentials.trust_decision import TrustDecider, TrustQuery
from web_common.db import UnitOfWork

from ..db.tables import TrustedIssuer

__all__ = [
    "SCOPES",
    "X509_KINDS",
    "Accreditation",
    "TrustEntry",
    "TrustListError",
    "accreditation_for",
    "add_trusted_issuer",
    "entry_x509_json",
    "export_trust_list",
    "import_accreditations",
    "import_trust_list",
    "list_trusted",
    "parse_accreditations_csv",
    "parse_trust_list",
    "remove_trusted_issuer",
    "trust_check",
    "trust_decider",
    "x509_anchors",
    "x509_entry_key",
    "x509_match",
    "x509_pinned",
]

KINDS = ("school", "leerbedrijf", "evc_provider", "branche", "other")
_OWN_TYPES = {"VerifiableCredential", "OpenBadgeCredential", "AchievementCredential"}


#: What an accreditation names: one qualification, a whole dossier, or a whole domain.
SCOPES = ("crebo", "dossier", "domein")
Scope = Literal["crebo", "dossier", "domein"]
_CODE = re.compile(r"^[0-9]{5}$")
_TYPE = re.compile(r"^(\*|[A-Za-z][A-Za-z0-9]{0,80})$")
_MAX_ACCREDITATIONS = 2_000


class TrustListError(ValueError):
    """A trust list file or entry is not valid; the message says where."""


@dataclass(frozen=True, slots=True)
class Accreditation:
    """The issuer may award what ``code`` names (a crebo, dossier crebo or domain code),
    for ``credential_types`` (``*``: every type it is recognised for)."""

    scope: Scope
    code: str
    credential_types: tuple[str, ...] = ("*",)

    def covers(self, crebo: str | None, dossier: str | None, domain: str | None) -> bool:
        wanted = {"crebo": crebo, "dossier": dossier, "domein": domain}[self.scope]
        return wanted is not None and wanted == self.code

    def allows(self, vc_types: Iterable[str]) -> bool:
        specific = [t for t in vc_types if t not in _OWN_TYPES]
        return "*" in self.credential_types or all(t in self.credential_types for t in specific)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {self.scope: self.code}
        if self.credential_types != ("*",):
            out["credentialTypes"] = list(self.credential_types)
        return out


#: How an X.509 entry names an issuer.
X509_KINDS = ("ca", "cert", "subject")
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
_SUBJECT_ATTRIBUTES: Mapping[str, ObjectIdentifier] = {
    "cn": NameOID.COMMON_NAME,
    "o": NameOID.ORGANIZATION_NAME,
    "ou": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "c": NameOID.COUNTRY_NAME,
    "serialnumber": NameOID.SERIAL_NUMBER,
    "organizationidentifier": ObjectIdentifier("2.5.4.97"),
}
_CANONICAL = {"cn": "CN", "o": "O", "ou": "OU", "c": "C", "serialnumber": "serialNumber",
              "organizationidentifier": "organizationIdentifier"}  # fmt: skip
_OID = re.compile(r"^[0-2](\.[0-9]{1,9}){1,20}$")
_MAX_PEM = 16 * 1024


@dataclass(frozen=True, slots=True)
class TrustEntry:
    did: str
    """The DID, or for an X.509 entry its key (:func:`x509_entry_key`)."""
    name: str
    kind: str
    credential_types: tuple[str, ...]
    accreditations: tuple[Accreditation, ...] = ()
    x509_kind: str | None = None
    """None (a DID entry), ``ca``, ``cert`` or ``subject``."""
    x509_value: str | None = None
    """``ca``/``cert``: the lowercase hex SHA-256 fingerprint; ``subject``: ``attr=value``."""
    x509_certificate: str | None = None
    """``ca``: the CA certificate (PEM), which becomes a trust anchor."""
    x509_anchor: str | None = None
    """``subject``: optionally, the fingerprint of the one anchor it must chain to."""

    def allows(self, vc_types: Iterable[str]) -> bool:
        specific = [t for t in vc_types if t not in _OWN_TYPES]
        return "*" in self.credential_types or all(t in self.credential_types for t in specific)


def accreditation_for(
    entry: TrustEntry,
    vc_types: Iterable[str],
    *,
    crebo: str | None,
    dossier: str | None,
    domain: str | None,
) -> bool | None:
    """Whether ``entry`` is accredited to award this qualification in these types: ``None``
    when the entry lists no accreditations at all (nothing is known either way)."""
    if not entry.accreditations:
        return None
    types = list(vc_types)
    return any(a.covers(crebo, dossier, domain) and a.allows(types) for a in entry.accreditations)


def _accreditation(raw: Any, where: str) -> Accreditation:
    if not isinstance(raw, Mapping):
        raise TrustListError(f"{where}: each accreditation is an object")
    scopes = [s for s in SCOPES if s in raw]
    if len(scopes) != 1:
        raise TrustListError(f"{where}: name exactly one of crebo, dossier or domein")
    scope: Scope = scopes[0]  # type: ignore[assignment]
    code = raw[scope]
    if not isinstance(code, str) or not _CODE.match(code):
        raise TrustListError(f"{where}: {scope} must be a five-digit code")
    types = raw.get("credentialTypes", ["*"])
    if (
        not isinstance(types, list)
        or not types
        or not all(isinstance(t, str) and _TYPE.match(t) for t in types)
    ):
        raise TrustListError(f"{where}: 'credentialTypes' must list VC types or '*'")
    return Accreditation(scope, code, tuple(types))


def _accreditations(raw: Any, where: str) -> tuple[Accreditation, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > _MAX_ACCREDITATIONS:
        raise TrustListError(
            f"{where}: 'accreditations' must be a list (at most {_MAX_ACCREDITATIONS})"
        )
    found = [_accreditation(a, f"{where}.accreditations[{i}]") for i, a in enumerate(raw)]
    return tuple(dict.fromkeys(found))


def x509_entry_key(kind: str, value: str) -> str:
    """The trust list key of an X.509 entry (where a DID entry has its DID)."""
    return f"x509:{kind}:{value}"


def _fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _load_pem_certificate(pem: str, where: str) -> x509.Certificate:
    if len(pem) > _MAX_PEM:
        raise TrustListError(f"{where}: the CA certificate is too large")
    try:
        certificates = x509.load_pem_x509_certificates(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise TrustListError(f"{where}: 'ca' is not a PEM certificate") from None
    if len(certificates) != 1:
        raise TrustListError(f"{where}: 'ca' holds exactly one PEM certificate")
    certificate = certificates[0]
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        constraints = None
    if constraints is None or not constraints.value.ca:
        raise TrustListError(f"{where}: 'ca' is not a CA certificate (basic constraints)")
    return certificate


def _subject_attribute(text: str, where: str) -> tuple[ObjectIdentifier, str]:
    attribute, sep, value = text.partition("=")
    attribute, value = attribute.strip(), value.strip()
    oid = _SUBJECT_ATTRIBUTES.get(attribute.casefold())
    if oid is None and _OID.match(attribute):
        oid = ObjectIdentifier(attribute)
    if not sep or oid is None or not value or len(value) > 200:
        raise TrustListError(
            f"{where}: 'subject' is attribute=value, attribute one of CN, O, OU, C, "
            "serialNumber, organizationIdentifier or a dotted OID"
        )
    return oid, value


def _x509(raw: Any, where: str) -> tuple[str, str, str | None, str | None]:
    """(kind, value, CA PEM, anchor fingerprint) of an ``x509`` member."""
    if not isinstance(raw, Mapping):
        raise TrustListError(f"{where}: 'x509' is an object")
    named = [k for k in ("ca", "certificateSha256", "subject") if k in raw]
    if len(named) != 1:
        raise TrustListError(f"{where}: 'x509' names exactly one of ca, certificateSha256, subject")
    value = raw[named[0]]
    if not isinstance(value, str):
        raise TrustListError(f"{where}: x509.{named[0]} is a string")
    if named[0] == "ca":
        certificate = _load_pem_certificate(value, where)
        pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
        return "ca", _fingerprint(certificate), pem, None
    if named[0] == "certificateSha256":
        fingerprint = value.replace(":", "").strip().lower()
        if not _FINGERPRINT.match(fingerprint):
            raise TrustListError(f"{where}: certificateSha256 is 64 hex digits")
        return "cert", fingerprint, None, None
    oid, text = _subject_attribute(value, where)
    attribute = next((k for k, v in _SUBJECT_ATTRIBUTES.items() if v == oid), oid.dotted_string)
    canonical = _CANONICAL.get(attribute, attribute)
    anchor = raw.get("anchorSha256")
    if anchor is not None:
        anchor = anchor.replace(":", "").strip().lower() if isinstance(anchor, str) else ""
        if not _FINGERPRINT.match(anchor):
            raise TrustListError(f"{where}: anchorSha256 is 64 hex digits")
    return "subject", f"{canonical}={text}", None, anchor


def _entry(raw: Any, where: str) -> TrustEntry:
    if not isinstance(raw, Mapping):
        raise TrustListError(f"{where}: each issuer is an object")
    x509_fields: tuple[str | None, str | None, str | None, str | None] = (None, None, None, None)
    if "x509" in raw:
        if "did" in raw:
            raise TrustListError(f"{where}: name the issuer by 'did' or by 'x509', not both")
        x509_fields = _x509(raw["x509"], where)
        did = x509_entry_key(str(x509_fields[0]), str(x509_fields[1]))
    else:
        named = raw.get("did")
        if not isinstance(named, str) or not named.startswith("did:") or len(named) > 300:
            raise TrustListError(
                f"{where}: 'did' must be a DID (did:web:… or did:key:…), or give 'x509'"
            )
        did = named
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TrustListError(f"{where}: 'name' is required")
    kind = raw.get("kind", "other")
    if kind not in KINDS:
        raise TrustListError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    types = raw.get("credentialTypes")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        raise TrustListError(f"{where}: 'credentialTypes' must list VC types or '*'")
    accreditations = _accreditations(raw.get("accreditations"), where)
    return TrustEntry(did, name.strip()[:200], kind, tuple(types), accreditations, *x509_fields)


def entry_x509_json(entry: TrustEntry) -> dict[str, Any] | None:
    """The ``x509`` member of a trust list file for ``entry`` (None for a DID entry)."""
    if entry.x509_kind == "ca" and entry.x509_certificate:
        return {"ca": entry.x509_certificate}
    if entry.x509_kind == "cert" and entry.x509_value:
        return {"certificateSha256": entry.x509_value}
    if entry.x509_kind == "subject" and entry.x509_value:
        out: dict[str, Any] = {"subject": entry.x509_value}
        if entry.x509_anchor:
            out["anchorSha256"] = entry.x509_anchor
        return out
    return None


def x509_anchors(trusted: Mapping[str, TrustEntry]) -> list[x509.Certificate]:
    """The CA certificates the trust list names: trust anchors beside the configured ones."""
    anchors = []
    for entry in trusted.values():
        if entry.x509_kind == "ca" and entry.x509_certificate:
            try:
                anchors.extend(x509.load_pem_x509_certificates(entry.x509_certificate.encode()))
            except ValueError:
                continue
    return anchors


def x509_pinned(trusted: Mapping[str, TrustEntry]) -> frozenset[str]:
    """Fingerprints of the certificates the trust list names one by one."""
    return frozenset(
        e.x509_value for e in trusted.values() if e.x509_kind == "cert" and e.x509_value
    )


def _subject_matches(leaf: x509.Certificate, value: str) -> bool:
    attribute, _, wanted = value.partition("=")
    try:
        oid, text = _subject_attribute(value, "entry")
    except TrustListError:
        return False
    del attribute, wanted
    return any(a.value == text for a in leaf.subject.get_attributes_for_oid(oid))


def x509_match(
    chain: Sequence[x509.Certificate], trusted: Mapping[str, TrustEntry]
) -> TrustEntry | None:
    """The trust list entry that names a verified chain (leaf first, anchor last): a
    certificate fingerprint first, then a subject of the leaf (under its anchor, when the
    entry names one), then a CA in the chain. None when no entry names it."""
    if not chain:
        return None
    prints = [_fingerprint(c) for c in chain]
    x509_entries = [e for e in trusted.values() if e.x509_kind in X509_KINDS and e.x509_value]
    for entry in x509_entries:
        if entry.x509_kind == "cert" and entry.x509_value in prints:
            return entry
    for entry in x509_entries:
        if entry.x509_kind != "subject" or not _subject_matches(chain[0], entry.x509_value or ""):
            continue
        if entry.x509_anchor is None or entry.x509_anchor == prints[-1]:
            return entry
    for entry in x509_entries:
        if entry.x509_kind == "ca" and entry.x509_value in prints[1:]:
            return entry
    return None


def parse_trust_list(data: bytes | str) -> list[TrustEntry]:
    """Parse a trust list file: ``{"issuers": [{"did", "name", "kind", "credentialTypes",
    "accreditations"?}]}``."""
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
        raise TrustListError("an issuer (DID or X.509 name) is listed twice")
    return entries


def add_trusted_issuer(uow: UnitOfWork, entry: TrustEntry, *, source: str, now: datetime) -> None:
    row = uow.session.scalar(select(TrustedIssuer).where(TrustedIssuer.did == entry.did))
    if row is None:
        row = TrustedIssuer(did=entry.did, added_at=now)
        uow.session.add(row)
    row.name = entry.name
    row.kind = entry.kind
    row.credential_types = " ".join(entry.credential_types)
    if entry.accreditations or row.accreditations is None:
        # an entry that names none keeps what a register import stored before
        row.accreditations = _stored(entry.accreditations)
    row.x509_kind = entry.x509_kind
    row.x509_value = entry.x509_value
    row.x509_certificate = entry.x509_certificate
    row.x509_anchor = entry.x509_anchor
    row.source = source


def _stored(accreditations: Iterable[Accreditation]) -> str:
    return json.dumps([a.to_json() for a in accreditations], separators=(",", ":"))


def _loaded(text: str | None) -> tuple[Accreditation, ...]:
    try:
        return _accreditations(json.loads(text or "[]"), "stored")
    except (ValueError, TrustListError):
        return ()


def parse_accreditations_csv(data: bytes) -> dict[str, tuple[Accreditation, ...]]:
    """Read a register CSV: header ``did`` plus one of ``crebo``/``dossier``/``domein`` per
    row (columns may all be present, one filled), optional ``credential_types`` (space or
    ``|`` separated). ``,`` or ``;`` separated, UTF-8. Returns the accreditations per DID."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TrustListError("the file is not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    if "did" not in header or not any(s in header for s in SCOPES):
        raise TrustListError("line 1: the header needs did and crebo, dossier or domein")
    reader.fieldnames = header
    found: dict[str, list[Accreditation]] = {}
    try:
        for n, row in enumerate(reader, start=2):
            if n > _MAX_ACCREDITATIONS * 10:
                raise TrustListError("the file has too many rows")
            cells = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            if not any(cells.values()):
                continue
            did = cells.get("did", "")
            if not did.startswith(("did:", "x509:")) or len(did) > 300:
                raise TrustListError(f"line {n}: did must be a DID (or an x509: trust key)")
            raw: dict[str, Any] = {s: cells[s] for s in SCOPES if cells.get(s)}
            types = [t for t in re.split(r"[\s|]+", cells.get("credential_types", "")) if t]
            if types:
                raw["credentialTypes"] = types
            found.setdefault(did, []).append(_accreditation(raw, f"line {n}"))
    except csv.Error as exc:
        raise TrustListError(f"not valid CSV: {exc}") from None
    return {did: tuple(dict.fromkeys(items)) for did, items in found.items()}


def import_accreditations(
    uow: UnitOfWork, accreditations: Mapping[str, tuple[Accreditation, ...]]
) -> int:
    """Replace the accreditations of each DID named (a register export is the whole truth
    for the issuers it names). Every DID must already be on the trust list."""
    rows = {
        r.did: r
        for r in uow.session.scalars(
            select(TrustedIssuer).where(TrustedIssuer.did.in_(list(accreditations)))
        )
    }
    unknown = sorted(set(accreditations) - set(rows))
    if unknown:
        raise TrustListError(f"not on the trust list (add it first): {', '.join(unknown[:5])}")
    for did, items in accreditations.items():
        rows[did].accreditations = _stored(items)
    return sum(len(items) for items in accreditations.values())


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
        r.did: TrustEntry(
            r.did,
            r.name,
            r.kind,
            tuple(r.credential_types.split()),
            _loaded(r.accreditations),
            r.x509_kind,
            r.x509_value,
            r.x509_certificate,
            r.x509_anchor,
        )
        for r in rows
    }


def export_trust_list(uow: UnitOfWork) -> dict[str, Any]:
    return {
        "issuers": [
            {
                **({"x509": x509} if (x509 := entry_x509_json(e)) else {"did": e.did}),
                "name": e.name,
                "kind": e.kind,
                "credentialTypes": list(e.credential_types),
                **(
                    {"accreditations": [a.to_json() for a in e.accreditations]}
                    if e.accreditations
                    else {}
                ),
            }
            for e in list_trusted(uow).values()
        ]
    }


def trust_check(
    issuer_did: str | None, vc_types: Iterable[str], trusted: Mapping[str, TrustEntry]
) -> CheckResult:
    """Is the issuer recognised for this kind of credential?"""
    if issuer_did is None:
        return CheckResult(CheckName.TRUST, Outcome.SKIPPED, "no_issuer", "the issuer is not known")
    entry = trusted.get(issuer_did)
    if entry is None:
        return CheckResult(
            CheckName.TRUST,
            Outcome.WARNING,
            "unknown_issuer",
            "the signature is valid, but this issuer is not on your list of recognised "
            "schools and leerbedrijven",
        )
    types = [t for t in vc_types if t not in _OWN_TYPES]
    if not entry.allows(types):
        return CheckResult(
            CheckName.TRUST,
            Outcome.FAILED,
            "not_authorised_for_type",
            f"{entry.name} is recognised, but not to issue {', '.join(types) or 'this'}",
        )
    return CheckResult(
        CheckName.TRUST, Outcome.PASSED, "ok", f"issued by {entry.name}, a recognised {entry.kind}"
    )


def trust_decider(trusted: Mapping[str, TrustEntry]) -> TrustDecider:
    """The trust list as the engine's ``trust`` check: a credential signed with an X.509
    chain by the entry that names the chain (:func:`x509_match`), any other by its issuer."""

    def decide(query: TrustQuery) -> CheckResult:
        if query.chain:
            entry = x509_match(query.chain, trusted)
            if entry is None:
                return trust_check("x509:unknown", query.types, {})
            return trust_check(entry.did, query.types, {entry.did: entry})
        return trust_check(query.issuer, query.types, trusted)

    return decide

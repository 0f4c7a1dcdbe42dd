"""Digital Credentials Query Language (OpenID4VP 1.0 §6), the wallet's side: read a query
under budgets and match it against the credentials a person holds.

    >>> query = parse_dcql({"credentials": [{"id": "diploma", "format": "dc+sd-jwt",
    ...     "meta": {"vct_values": ["https://example.org/diploma"]},
    ...     "claims": [{"path": ["given_name"]}]}]})
    >>> held = HeldCredential("c1", "dc+sd-jwt", {"vct": "https://example.org/diploma",
    ...     "given_name": "Sam"}, vct="https://example.org/diploma")
    >>> match = match_query(query, [held])
    >>> match.satisfied, [c.ref for c in match.candidates["diploma"]]
    (True, ['c1'])
    >>> match.candidates["diploma"][0].claims[0].path
    ('given_name',)

Rules followed:

- A Credential Query matches a credential of its ``format`` whose ``meta`` fits:
  ``vct_values`` (SD-JWT VC, B.3.5: the credential's ``vct`` is one of them) or
  ``type_values`` (W3C VCs, B.1.1: one of the listed type sets is contained in the
  credential's types; those are fully expanded IRIs, so a holder puts the expanded types in
  :attr:`HeldCredential.types`, beside the compact ones older verifiers send).
- ``claims`` are claims path pointers (§7): a string selects a member, a non-negative
  integer an array element, ``null`` every element. A claim with ``values`` is present only
  when a selected value equals one of them in type and value (§6.3). Without ``claim_sets``
  every listed claim is needed; with them the first set the credential satisfies is used
  (§6.4.1). Without ``claims`` no selectively disclosable claim is asked for.
- A person's choice of claims (:func:`check_selection`) answers the query only when the
  claims it reveals hold every claim of one claim set (all listed claims without claim
  sets); otherwise §6.4.1 leaves no option: the credential is not returned for that query.
- ``credential_sets`` (§6.2): each required set needs one option whose queries all have a
  candidate; without sets every query is required (§6.4.2).
- ``trusted_authorities`` (§6.1.1): a credential matches when one entry matches it. Type
  ``aki``: a value (base64url) equals the Authority Key Identifier of a certificate in the
  credential's ``x5c`` chain (:attr:`HeldCredential.authority_key_ids`). Entries of the
  other types (``etsi_tl``, ``openid_federation``, unknown ones) are read but never match:
  this wallet cannot tell, so it does not offer the credential.
- Claims path processing is §7.1 to the letter: a string selects a member of objects, null
  every element and an integer one element of arrays; a selected element of the wrong kind
  ends processing with no result, and so does an empty selection. Claims Queries pointing at
  the same claim again are ignored (§6.1, "Wallets SHOULD ignore"), and every claim needs an
  ``id`` when ``claim_sets`` is given (§6.3). Unknown members are ignored (§6).

Everything an outsider sends is bounded (:class:`DcqlBudgets`); a query beyond a budget or
off-spec raises :class:`DcqlError` with a stable ``code``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

from .errors import CredentialsError
from .sd_jwt import ClaimPath

__all__ = [
    "DEFAULT_DCQL_BUDGETS",
    "Candidate",
    "ClaimQuery",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlBudgets",
    "DcqlError",
    "DcqlMatch",
    "DcqlQuery",
    "HeldCredential",
    "SelectionCheck",
    "TrustedAuthority",
    "authority_key_ids",
    "check_selection",
    "match_credential",
    "match_query",
    "parse_dcql",
    "select_path",
]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class DcqlError(CredentialsError, ValueError):
    """A DCQL query is malformed or beyond a budget; ``code`` says which rule."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DcqlBudgets:
    """Limits on a query from outside (a verifier the person does not know yet)."""

    max_bytes: int = 32 * 1024
    max_credentials: int = 16
    max_claims: int = 64
    max_path_length: int = 16
    max_claim_sets: int = 64
    max_credential_sets: int = 8
    max_options: int = 16
    max_values: int = 32
    max_meta_values: int = 16


DEFAULT_DCQL_BUDGETS = DcqlBudgets()


@dataclass(frozen=True, slots=True)
class ClaimQuery:
    path: ClaimPath
    id: str | None = None
    values: tuple[str | int | bool, ...] | None = None


@dataclass(frozen=True, slots=True)
class TrustedAuthority:
    """One Trusted Authorities Query (§6.1.1): ``type`` (``aki``, ``etsi_tl``,
    ``openid_federation``, …) and its ``values``."""

    type: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    id: str
    format: str
    multiple: bool = False
    vct_values: tuple[str, ...] | None = None
    type_values: tuple[frozenset[str], ...] | None = None
    claims: tuple[ClaimQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    require_cryptographic_holder_binding: bool = True
    trusted_authorities: tuple[TrustedAuthority, ...] | None = None


@dataclass(frozen=True, slots=True)
class CredentialSetQuery:
    options: tuple[tuple[str, ...], ...]
    required: bool = True


@dataclass(frozen=True, slots=True)
class DcqlQuery:
    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    def query(self, query_id: str) -> CredentialQuery:
        for query in self.credentials:
            if query.id == query_id:
                return query
        raise KeyError(query_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.credentials)


@dataclass(frozen=True, slots=True)
class HeldCredential:
    """A credential as the matcher sees it: ``claims`` are all its claims (for an SD-JWT the
    payload with every Disclosure applied; for a W3C VC the credential JSON), ``ref`` is the
    caller's handle (e.g. the stored credential's id)."""

    ref: str
    format: str
    claims: Mapping[str, Any] = field(repr=False)
    vct: str | None = None
    types: frozenset[str] = frozenset()
    authority_key_ids: frozenset[str] = frozenset()
    """base64url of the Authority Key Identifier of each certificate in the credential's
    ``x5c`` chain (:func:`authority_key_ids`); empty for a credential without one."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A held credential that satisfies a Credential Query, with the claims to reveal."""

    ref: str
    query_id: str
    claims: tuple[ClaimQuery, ...]
    """The claims of the chosen claim set (all listed claims without claim sets; empty when
    the query lists no claims)."""


@dataclass(frozen=True, slots=True)
class DcqlMatch:
    query: DcqlQuery
    candidates: dict[str, list[Candidate]]
    """Credential Query id → matching held credentials (in the order given)."""
    options: tuple[tuple[str, ...] | None, ...]
    """Per credential set, the first option every query of which has a candidate (None
    when no option can be met); one entry (all ids) when the query has no sets."""

    @property
    def satisfied(self) -> bool:
        sets = self.query.credential_sets
        if sets is None:
            return self.options[0] is not None
        return all(o is not None for o, s in zip(self.options, sets, strict=True) if s.required)

    def answers(self, chosen_ids: Iterable[str]) -> bool:
        """Whether sending credentials for ``chosen_ids`` meets every required set."""
        chosen = set(chosen_ids)
        sets = self.query.credential_sets
        if sets is None:
            return set(self.query.ids) <= chosen
        return all(any(set(opt) <= chosen for opt in s.options) for s in sets if s.required)


# ------------------------------------------------------------------------------ parsing


def _fail(code: str, reason: str) -> DcqlError:
    return DcqlError(code, reason)


def _string_list(value: object, name: str, limit: int) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _fail("invalid", f"{name} is a non-empty array of strings")
    if len(value) > limit:
        raise _fail("over_budget", f"{name} lists more than {limit} values")
    return list(value)


def _path(value: object, budgets: DcqlBudgets) -> ClaimPath:
    if not isinstance(value, list) or not value:
        raise _fail("invalid", "a claims path is a non-empty array")
    if len(value) > budgets.max_path_length:
        raise _fail("over_budget", f"a claims path longer than {budgets.max_path_length}")
    out: list[str | int | None] = []
    for part in value:
        index = isinstance(part, int) and not isinstance(part, bool) and part >= 0
        if part is None or isinstance(part, str) or index:
            out.append(part)
        else:
            raise _fail("invalid", "a claims path holds strings, non-negative integers or null")
    return tuple(out)


def _claim(value: object, budgets: DcqlBudgets) -> ClaimQuery:
    if not isinstance(value, Mapping):
        raise _fail("invalid", "each claim is an object")
    claim_id = value.get("id")
    if claim_id is not None and (not isinstance(claim_id, str) or not _ID.match(claim_id)):
        raise _fail("invalid", "a claim id is 1-64 of A-Z a-z 0-9 _ -")
    values = value.get("values")
    checked: tuple[str | int | bool, ...] | None = None
    if values is not None:
        if not isinstance(values, list) or not values:
            raise _fail("invalid", "values is a non-empty array")
        if len(values) > budgets.max_values:
            raise _fail("over_budget", f"more than {budgets.max_values} values for a claim")
        if not all(isinstance(v, str | int | bool) and not isinstance(v, float) for v in values):
            raise _fail("invalid", "values are strings, integers or booleans")
        checked = tuple(values)
    return ClaimQuery(_path(value.get("path"), budgets), claim_id, checked)


def _meta(fmt: str, meta: object, budgets: DcqlBudgets) -> dict[str, Any]:
    if not isinstance(meta, Mapping):
        raise _fail("invalid", "meta is required and is an object")
    out: dict[str, Any] = {}
    if fmt in ("dc+sd-jwt", "vc+sd-jwt"):
        out["vct_values"] = tuple(
            _string_list(meta.get("vct_values"), "meta.vct_values", budgets.max_meta_values)
        )
    elif fmt in ("ldp_vc", "jwt_vc_json"):
        raw = meta.get("type_values")
        if not isinstance(raw, list) or not raw:
            raise _fail("invalid", "meta.type_values is a non-empty array of arrays")
        if len(raw) > budgets.max_meta_values:
            raise _fail(
                "over_budget", f"meta.type_values lists more than {budgets.max_meta_values}"
            )
        out["type_values"] = tuple(
            frozenset(_string_list(s, "meta.type_values[]", budgets.max_meta_values)) for s in raw
        )
    return out


def _trusted_authorities(value: object, budgets: DcqlBudgets) -> tuple[TrustedAuthority, ...]:
    if not isinstance(value, list) or not value:
        raise _fail("invalid", "trusted_authorities is a non-empty array")
    if len(value) > budgets.max_meta_values:
        raise _fail("over_budget", f"more than {budgets.max_meta_values} trusted_authorities")
    out = []
    for entry in value:
        if not isinstance(entry, Mapping):
            raise _fail("invalid", "each trusted_authorities entry is an object")
        kind = entry.get("type")
        if not isinstance(kind, str) or not kind:
            raise _fail("invalid", "a trusted_authorities entry needs a type")
        values = _string_list(entry.get("values"), "trusted_authorities values",
                              budgets.max_values)  # fmt: skip
        out.append(TrustedAuthority(kind, tuple(values)))
    return tuple(out)


def _credential(value: object, budgets: DcqlBudgets) -> CredentialQuery:
    if not isinstance(value, Mapping):
        raise _fail("invalid", "each Credential Query is an object")
    query_id = value.get("id")
    if not isinstance(query_id, str) or not _ID.match(query_id):
        raise _fail("invalid", "a Credential Query id is 1-64 of A-Z a-z 0-9 _ -")
    fmt = value.get("format")
    if not isinstance(fmt, str) or not fmt:
        raise _fail("invalid", f"Credential Query {query_id!r} needs a format")
    multiple = value.get("multiple", False)
    binding = value.get("require_cryptographic_holder_binding", True)
    if not isinstance(multiple, bool) or not isinstance(binding, bool):
        raise _fail("invalid", "multiple and require_cryptographic_holder_binding are booleans")
    meta = _meta(fmt, value.get("meta"), budgets)
    raw_claims = value.get("claims")
    claims: tuple[ClaimQuery, ...] | None = None
    if raw_claims is not None:
        if not isinstance(raw_claims, list) or not raw_claims:
            raise _fail("invalid", "claims is a non-empty array")
        if len(raw_claims) > budgets.max_claims:
            raise _fail("over_budget", f"more than {budgets.max_claims} claims in a query")
        claims = tuple(_claim(c, budgets) for c in raw_claims)
        ids = [c.id for c in claims if c.id is not None]
        if len(set(ids)) != len(ids):
            raise _fail("invalid", "claim ids are unique within a Credential Query")
        if value.get("claim_sets") is not None and len(ids) != len(claims):
            raise _fail("invalid", "with claim_sets every claim needs an id")
    raw_sets = value.get("claim_sets")
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    if raw_sets is not None:
        if claims is None:
            raise _fail("invalid", "claim_sets needs claims")
        if not isinstance(raw_sets, list) or not raw_sets:
            raise _fail("invalid", "claim_sets is a non-empty array")
        if len(raw_sets) > budgets.max_claim_sets:
            raise _fail("over_budget", f"more than {budgets.max_claim_sets} claim sets")
        known = {c.id for c in claims if c.id is not None}
        sets = []
        for raw in raw_sets:
            ids_in_set = _string_list(raw, "a claim set", budgets.max_claims)
            if not set(ids_in_set) <= known:
                raise _fail("invalid", "a claim set names a claim id that is not in claims")
            sets.append(tuple(ids_in_set))
        claim_sets = tuple(sets)
    return CredentialQuery(
        id=query_id,
        format=fmt,
        multiple=multiple,
        vct_values=meta.get("vct_values"),
        type_values=meta.get("type_values"),
        claims=claims,
        claim_sets=claim_sets,
        require_cryptographic_holder_binding=binding,
        trusted_authorities=(
            None
            if value.get("trusted_authorities") is None
            else _trusted_authorities(value["trusted_authorities"], budgets)
        ),
    )


def _credential_set(value: object, ids: set[str], budgets: DcqlBudgets) -> CredentialSetQuery:
    if not isinstance(value, Mapping):
        raise _fail("invalid", "each credential set is an object")
    raw = value.get("options")
    if not isinstance(raw, list) or not raw:
        raise _fail("invalid", "a credential set needs a non-empty options array")
    if len(raw) > budgets.max_options:
        raise _fail("over_budget", f"more than {budgets.max_options} options in a credential set")
    options = []
    for option in raw:
        names = _string_list(option, "an option", budgets.max_credentials)
        if not set(names) <= ids:
            raise _fail("invalid", "an option names a Credential Query id that does not exist")
        options.append(tuple(names))
    required = value.get("required", True)
    if not isinstance(required, bool):
        raise _fail("invalid", "required is a boolean")
    return CredentialSetQuery(tuple(options), required)


def parse_dcql(value: object, budgets: DcqlBudgets = DEFAULT_DCQL_BUDGETS) -> DcqlQuery:
    """A DCQL query from its JSON value (a dict, or the JSON text)."""
    if isinstance(value, str | bytes):
        if len(value) > budgets.max_bytes:
            raise _fail("over_budget", f"dcql_query longer than {budgets.max_bytes} bytes")
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise _fail("invalid", "dcql_query is not valid JSON") from None
    else:
        try:
            size = len(json.dumps(value))
        except (TypeError, ValueError, RecursionError):
            raise _fail("invalid", "dcql_query is not JSON data") from None
        if size > budgets.max_bytes:
            raise _fail("over_budget", f"dcql_query longer than {budgets.max_bytes} bytes")
    if not isinstance(value, Mapping):
        raise _fail("invalid", "dcql_query is a JSON object")
    raw = value.get("credentials")
    if not isinstance(raw, list) or not raw:
        raise _fail("invalid", "dcql_query needs a non-empty credentials array")
    if len(raw) > budgets.max_credentials:
        raise _fail("over_budget", f"more than {budgets.max_credentials} Credential Queries")
    credentials = tuple(_credential(c, budgets) for c in raw)
    ids = [c.id for c in credentials]
    if len(set(ids)) != len(ids):
        raise _fail("invalid", "Credential Query ids are unique")
    raw_sets = value.get("credential_sets")
    sets: tuple[CredentialSetQuery, ...] | None = None
    if raw_sets is not None:
        if not isinstance(raw_sets, list) or not raw_sets:
            raise _fail("invalid", "credential_sets is a non-empty array")
        if len(raw_sets) > budgets.max_credential_sets:
            raise _fail("over_budget", f"more than {budgets.max_credential_sets} credential sets")
        sets = tuple(_credential_set(s, set(ids), budgets) for s in raw_sets)
    return DcqlQuery(credentials, sets)


# ----------------------------------------------------------------------------- matching


def select_path(claims: Any, path: ClaimPath) -> list[Any]:
    """The values a claims path pointer selects (§7.1); empty when processing ends in an
    error (an element of the wrong kind on the way, or nothing selected)."""
    current = [claims]
    for part in path:
        following: list[Any] = []
        for element in current:
            if isinstance(part, str):
                if not isinstance(element, Mapping):
                    return []
                if part in element:
                    following.append(element[part])
            elif not isinstance(element, list):
                return []
            elif part is None:
                following.extend(element)
            elif isinstance(part, int) and not isinstance(part, bool) and part >= 0:
                if part < len(element):
                    following.append(element[part])
            else:
                return []
        current = following
        if not current:
            return []
    return current


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def _present(claims: Mapping[str, Any], claim: ClaimQuery) -> bool:
    selected = select_path(claims, claim.path)
    if not selected:
        return False
    if claim.values is None:
        return True
    return any(_same(s, v) for s in selected for v in claim.values)


def _meta_fits(query: CredentialQuery, held: HeldCredential) -> bool:
    if query.vct_values is not None and held.vct not in query.vct_values:
        return False
    return query.type_values is None or any(s <= held.types for s in query.type_values)


def _authority_fits(query: CredentialQuery, held: HeldCredential) -> bool:
    if query.trusted_authorities is None:
        return True
    return any(
        entry.type == "aki" and not held.authority_key_ids.isdisjoint(entry.values)
        for entry in query.trusted_authorities
    )


def authority_key_ids(x5c: object) -> frozenset[str]:
    """The Authority Key Identifiers (``keyIdentifier``, base64url without padding) of the
    certificates in an ``x5c`` header (standard base64 DER, RFC 7515 §4.1.6); unreadable
    certificates and those without the extension add nothing."""
    found: set[str] = set()
    if not isinstance(x5c, list):
        return frozenset()
    for item in x5c[:10]:
        if not isinstance(item, str):
            continue
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(item, validate=True))
            extension = certificate.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
        except (ValueError, TypeError, x509.ExtensionNotFound):
            continue
        key_id = extension.value.key_identifier
        if key_id:
            found.add(base64.urlsafe_b64encode(key_id).rstrip(b"=").decode("ascii"))
    return frozenset(found)


def _unique_claims(claims: Sequence[ClaimQuery]) -> tuple[ClaimQuery, ...]:
    seen: set[ClaimPath] = set()
    out = []
    for claim in claims:
        if claim.path not in seen:
            seen.add(claim.path)
            out.append(claim)
    return tuple(out)


def match_credential(query: CredentialQuery, held: HeldCredential) -> Candidate | None:
    """``held`` as a candidate for ``query``, with the claims to reveal; None if it does not
    fit."""
    if held.format != query.format or not _meta_fits(query, held):
        return None
    if not _authority_fits(query, held):
        return None
    if query.claims is None:
        return Candidate(held.ref, query.id, ())
    if query.claim_sets is None:
        if all(_present(held.claims, c) for c in query.claims):
            return Candidate(held.ref, query.id, _unique_claims(query.claims))
        return None
    by_id = {c.id: c for c in query.claims if c.id is not None}
    for claim_set in query.claim_sets:
        chosen = _unique_claims([by_id[i] for i in claim_set])
        if all(_present(held.claims, c) for c in chosen):
            return Candidate(held.ref, query.id, chosen)
    return None


def match_query(query: DcqlQuery, held: Sequence[HeldCredential]) -> DcqlMatch:
    """Every candidate per Credential Query, and which option of each set can be met."""
    candidates: dict[str, list[Candidate]] = {}
    for credential_query in query.credentials:
        found = [c for h in held if (c := match_credential(credential_query, h)) is not None]
        candidates[credential_query.id] = found
    met = {qid for qid, found in candidates.items() if found}
    if query.credential_sets is None:
        options: tuple[tuple[str, ...] | None, ...] = (
            query.ids if set(query.ids) <= met else None,
        )
    else:
        options = tuple(
            next((o for o in s.options if set(o) <= met), None) for s in query.credential_sets
        )
    return DcqlMatch(query, candidates, options)


@dataclass(frozen=True, slots=True)
class SelectionCheck:
    """Whether the claims a person chose to reveal answer a Credential Query."""

    met: tuple[ClaimQuery, ...] | None
    """The claims of the first claim set the selection holds (every listed claim without
    claim sets; empty when the query lists no claims); None when it holds none."""
    missing: tuple[ClaimQuery, ...] = ()
    """When none is met: the fewest claims to add to meet one, of a claim set the credential
    can meet (the earliest such set on a tie: the verifier's preference)."""


def check_selection(
    query: CredentialQuery, claims: Mapping[str, Any], revealed: Iterable[ClaimPath]
) -> SelectionCheck:
    """Check the claims paths a holder reveals of a credential (``claims``: all its claims)
    against ``query``'s ``claim_sets`` (§6.4.1). ``revealed`` counts what the verifier will
    see: the claims chosen plus those the issuer made always visible.

        >>> query = parse_dcql({"credentials": [{"id": "d", "format": "dc+sd-jwt",
        ...     "meta": {"vct_values": ["v"]}, "claims": [{"id": "a", "path": ["a"]},
        ...     {"id": "b", "path": ["b"]}], "claim_sets": [["a", "b"], ["a"]]}]}).credentials[0]
        >>> [c.id for c in check_selection(query, {"a": 1, "b": 2}, [("a",)]).met]
        ['a']
        >>> check = check_selection(query, {"a": 1, "b": 2}, [("b",)])
        >>> check.met, [c.id for c in check.missing]
        (None, ['a'])
    """
    if query.claims is None:
        return SelectionCheck(())
    shown = set(revealed)
    if query.claim_sets is None:
        options = [_unique_claims(query.claims)]
    else:
        by_id = {c.id: c for c in query.claims if c.id is not None}
        options = [_unique_claims([by_id[i] for i in s]) for s in query.claim_sets]
    held = [o for o in options if all(_present(claims, c) for c in o)]
    for option in held:
        if all(c.path in shown for c in option):
            return SelectionCheck(option)
    shortfalls = [tuple(c for c in o if c.path not in shown) for o in held]
    fewest = min(shortfalls, key=len, default=())
    return SelectionCheck(None, fewest)

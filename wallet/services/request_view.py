"""What a person needs to see before answering a verifier's OpenID4VP request: who asks
(the name from the verifier's certificate or metadata, whether that certificate leads to a
recognised verifier CA), where the answer goes, the purpose if given, and per DCQL
Credential Query the kinds of credential and each claim asked for by its display name, with
the person's candidate credentials (revoked, suspended, expired or invalid ones are shown
but cannot be sent) and, for SD-JWT VCs, the value each claim would reveal. Pure over a
checked request, its DCQL match and rows already loaded; no network."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from credentials.dcql import Candidate, ClaimQuery, CredentialQuery, DcqlMatch, select_path
from credentials.oid4vp_wallet import WalletRequest
from credentials.sd_jwt import ClaimPath, path_selected
from qualifications.achievements import KINDS, CredentialKind
from qualifications.sd_jwt_vc_claims import VCT_BASE, type_metadata

from ..db.tables import StoredCredential
from .passport import kind_label

__all__ = [
    "SENDABLE_STATES",
    "CandidateView",
    "ClaimView",
    "QueryView",
    "RequestView",
    "companion_ids",
    "describe_request",
    "sendable",
]

SENDABLE_STATES = frozenset({"ok", "status_unknown"})
"""A credential may be sent when its latest check found it genuine and not revoked,
suspended or expired (a status that could not be asked now does not block)."""

_KIND_BY_TYPE = {info.vc_type: kind.value for kind, info in KINDS.items()}
_FORMATS = {
    "ldp_vc": "ondertekend JSON-LD-bewijs",
    "jwt_vc_json": "vc+jwt",
    "vc+sd-jwt": "SD-JWT",
    "dc+sd-jwt": "SD-JWT",
    "mso_mdoc": "mdoc",
}
_GENERIC_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
_LOCALES = {"nl": "nl-NL", "en": "en-US"}


@dataclass(frozen=True, slots=True)
class ClaimView:
    index: int
    label: str
    path: str
    value: str | None
    """What would be revealed (SD-JWT VC), shortened; None for a whole-document format."""
    required: bool
    withholdable: bool = True
    """False when the issuer made the claim always visible (no Disclosure for it)."""
    query_id: str = ""
    """The Credential Query that asks for the claim: the candidate's own, or a companion
    query folded into it (:func:`companion_ids`)."""


@dataclass(frozen=True, slots=True)
class CandidateView:
    row: StoredCredential
    query_id: str
    kind_label: str
    sendable: bool
    selective: bool
    """Whether the person can choose claims (SD-JWT VC) or the whole document goes."""
    claims: tuple[ClaimView, ...]
    needed: tuple[str, ...] = ()
    """After a refused choice: the claims (display names) to tick again at least, so the
    choice holds one of the verifier's claim sets."""

    @property
    def value(self) -> str:
        return f"{self.query_id}:{self.row.public_id}"


@dataclass(frozen=True, slots=True)
class QueryView:
    id: str
    format: str
    multiple: bool
    kinds: tuple[str, ...]
    """Kinds of credential asked for, for people (empty: any kind)."""
    claims: tuple[str, ...]
    """The claims asked for, by display name (empty: no selectively disclosable claim)."""
    candidates: tuple[CandidateView, ...]
    required: bool
    companion: bool = False
    """Asked of the same credentials as other queries (e.g. their werkprocessen): its claims
    are shown, and sent, with those credentials, not as a question of its own."""
    alternatives_held: bool = False
    """No candidate here, but another option of its credential set has one (so saying
    "nothing fits" would mislead)."""

    @property
    def any_sendable(self) -> bool:
        return any(c.sendable for c in self.candidates)


@dataclass(frozen=True, slots=True)
class RequestView:
    client_name: str | None
    client_id: str
    response_uri: str
    host: str
    signed: bool
    trusted: bool | None
    certificate_subject: str | None
    certificate_name: str | None
    self_declared_name: str | None
    """``client_name`` from the verifier's metadata (not checked)."""
    encrypted: bool
    purpose: str | None
    queries: tuple[QueryView, ...]
    satisfied: bool

    @property
    def any_sendable(self) -> bool:
        return any(q.any_sendable for q in self.queries)

    @property
    def choices(self) -> tuple[CandidateView, ...]:
        return tuple(c for q in self.queries for c in q.candidates)


def sendable(row: StoredCredential) -> bool:
    return row.state in SENDABLE_STATES


@cache
def _labels(vct: str, locale: str) -> dict[tuple[Any, ...], str]:
    if not vct.startswith(VCT_BASE):
        return {}
    try:
        kind = CredentialKind(vct[len(VCT_BASE) :])
    except ValueError:
        return {}
    labels: dict[tuple[Any, ...], str] = {}
    for claim in type_metadata(kind).get("claims", []):
        for display in claim.get("display", []):
            if display.get("locale") == locale and isinstance(display.get("label"), str):
                labels[tuple(claim["path"])] = display["label"]
    return labels


def _path_text(path: Sequence[Any]) -> str:
    return ".".join("*" if p is None else str(p) for p in path)


def _claim_label(claim: ClaimQuery, vcts: Sequence[str], lang: str) -> str:
    locale = _LOCALES.get(lang, "nl-NL")
    for vct in vcts:
        label = _labels(vct, locale).get(tuple(claim.path))
        if label:
            return label
    return _path_text(claim.path)


def _kinds(query: CredentialQuery, lang: str) -> tuple[str, ...]:
    kinds: list[str] = []
    for vct in query.vct_values or ():
        label = kind_label(vct[len(VCT_BASE) :], lang) if vct.startswith(VCT_BASE) else vct
        if label not in kinds:
            kinds.append(label)
    for types in query.type_values or ():
        for t in sorted(types):
            # type_values are expanded IRIs (B.1.1); ours end in the compact name
            name = t.rsplit("#", 1)[-1] if t.startswith(("https://", "http://")) else t
            if name in _GENERIC_TYPES:
                continue
            label = kind_label(_KIND_BY_TYPE[name], lang) if name in _KIND_BY_TYPE else t
            if label not in kinds:
                kinds.append(label)
    return tuple(kinds)


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _optional_ids(match: DcqlMatch) -> set[str]:
    sets = match.query.credential_sets
    if sets is None:
        return set()
    required = {i for s in sets if s.required for o in s.options for i in o}
    return set(match.query.ids) - required


def companion_ids(match: DcqlMatch) -> tuple[str, ...]:
    """The optional ``dc+sd-jwt`` queries each of whose candidates is also a candidate of a
    required query: they ask more of the same credentials (the employer's
    ``mbo_werkprocessen``), so the person sees and sends them with those credentials."""
    optional = _optional_ids(match)
    held = {
        c.ref for q in match.query.credentials if q.id not in optional
        for c in match.candidates.get(q.id, [])
    }  # fmt: skip
    return tuple(
        q.id for q in match.query.credentials
        if q.id in optional and q.format == "dc+sd-jwt"
        and all(c.ref in held for c in match.candidates.get(q.id, []))
    )  # fmt: skip


def describe_request(
    request: WalletRequest,
    match: DcqlMatch,
    rows: Sequence[StoredCredential],
    *,
    claims_of: Mapping[str, Mapping[str, Any]] | None = None,
    disclosable_of: Mapping[str, Sequence[ClaimPath]] | None = None,
    needed: Mapping[tuple[str, str], Sequence[ClaimPath]] | None = None,
    lang: str = "nl",
) -> RequestView:
    """The consent page's content. ``claims_of`` (public id → all claims of an SD-JWT VC)
    gives the values shown beside each requested claim; ``disclosable_of`` (public id → the
    claims paths of its Disclosures) tells which claims the person can withhold; ``needed``
    ((query id, public id) → claims paths) what a refused choice lacked."""
    by_id = {r.public_id: r for r in rows}
    optional_ids = _optional_ids(match)
    companions = companion_ids(match)
    queries_by_id = {q.id: q for q in match.query.credentials}

    def claim_views(
        query: CredentialQuery, candidate: Candidate, row: StoredCredential, selective: bool
    ) -> list[ClaimView]:
        vcts = query.vct_values or ()
        values = (claims_of or {}).get(row.public_id, {})
        disclosable = (disclosable_of or {}).get(row.public_id, ())
        return [
            ClaimView(
                index,
                _claim_label(claim, vcts, lang),
                _path_text(claim.path),
                (
                    ", ".join(_shown(v) for v in select_path(values, claim.path)[:10])
                    if selective
                    else None
                ),
                required=True,
                withholdable=(
                    not selective
                    or disclosable_of is None
                    or any(path_selected(d, [claim.path]) for d in disclosable)
                ),
                query_id=query.id,
            )
            for index, claim in enumerate(candidate.claims)
        ]

    met = {qid for qid, found in match.candidates.items() if found}
    queries = []
    for query in match.query.credentials:
        vcts = query.vct_values or ()
        companion = query.id in companions
        candidates = []
        for candidate in [] if companion else match.candidates.get(query.id, []):
            row = by_id[candidate.ref]
            selective = query.format == "dc+sd-jwt"
            claims = claim_views(query, candidate, row, selective)
            lacking = [
                _claim_label(ClaimQuery(path), vcts, lang)
                for path in (needed or {}).get((query.id, row.public_id), ())
            ]
            if selective and query.id not in optional_ids:
                for other in companions:
                    extra = next(
                        (c for c in match.candidates.get(other, []) if c.ref == candidate.ref),
                        None,
                    )
                    if extra is not None:
                        claims += claim_views(queries_by_id[other], extra, row, selective)
                        other_vcts = queries_by_id[other].vct_values or ()
                        lacking += [
                            _claim_label(ClaimQuery(path), other_vcts, lang)
                            for path in (needed or {}).get((other, row.public_id), ())
                        ]
            candidates.append(
                CandidateView(
                    row, query.id, kind_label(row.kind, lang), sendable(row), selective,
                    tuple(claims), tuple(dict.fromkeys(lacking)),
                )
            )  # fmt: skip
        candidates.sort(key=lambda c: not c.sendable)
        alternatives = any(
            query.id in option and any(set(o) <= met for o in s.options)
            for s in match.query.credential_sets or ()
            for option in s.options
        )
        queries.append(
            QueryView(
                id=query.id,
                format=_FORMATS.get(query.format, query.format),
                multiple=query.multiple,
                kinds=_kinds(query, lang),
                claims=tuple(_claim_label(c, vcts, lang) for c in query.claims or ()),
                candidates=tuple(candidates),
                required=query.id not in optional_ids,
                companion=companion,
                alternatives_held=alternatives,
            )
        )
    return RequestView(
        client_name=request.verifier_name,
        client_id=request.client_id,
        response_uri=request.response_uri,
        host=urlsplit(request.response_uri).netloc,
        signed=request.signed,
        trusted=request.trusted,
        certificate_subject=request.certificate_subject,
        certificate_name=request.certificate_name,
        self_declared_name=request.client_name,
        encrypted=request.response_mode == "direct_post.jwt",
        purpose=request.purpose,
        queries=tuple(queries),
        satisfied=match.satisfied,
    )

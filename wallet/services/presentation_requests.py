"""Answering an OpenID4VP 1.0 request from a verifier (by link or QR code) with the
credentials and claims the person chooses.

Reading (:func:`load_request`): a request by value (the ``redirect_uri:`` prefix, our own
verifier's unsigned requests), or by reference: the wallet fetches the signed Request Object
from ``request_uri`` (GET, or POST with a fresh ``wallet_nonce`` when the link says
``request_uri_method=post``, §5.10) under the wallet's network rules and verifies it
(:mod:`credentials.oid4vp_wallet`). The fetched Request Object travels with the consent
form, so sending does not fetch it again (verifiers may serve it once); it is verified again
when the person presses send (it may have expired meanwhile).

Answering (:func:`answer_request`): per DCQL Credential Query the chosen credentials:
``ldp_vc`` as one presentation signed with the holder key (``challenge`` = nonce,
``domain`` = client_id, B.1.3.3), ``dc+sd-jwt`` as the SD-JWT with only the chosen
Disclosures and a KB-JWT (``aud`` = client_id, ``nonce``, ``iat``, ``sd_hash``, B.3.6);
``vp_token`` keyed by Credential Query id (§8.1), posted as a form (``direct_post``) or
encrypted to the verifier's key (``direct_post.jwt``, §8.3).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from credentials.canonicalization import default_engine
from credentials.dcql import (
    Candidate,
    ClaimQuery,
    DcqlMatch,
    HeldCredential,
    authority_key_ids,
    check_selection,
    match_query,
    select_path,
)
from credentials.errors import CredentialsError, FetchError
from credentials.jwk import EdDsaSigner, JwsSigner, jwk_thumbprint_uri
from credentials.jws import parse_compact
from credentials.keys import Ed25519KeyPair
from credentials.net import check_url_allowed
from credentials.oid4vp_wallet import (
    REQUEST_OBJECT_MEDIA_TYPE,
    RequestError,
    WalletRequest,
    build_response,
    parse_request_link,
    request_from_link,
    verify_request_object,
)
from credentials.sd_jwt import ClaimPath, SdJwtError, parse_sd_jwt, path_selected
from credentials.sd_jwt_holder import KeyBindingRequest, disclosure_paths, present
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.tables import Account, StoredCredential
from .accounts import holder_keys, sd_jwt_holder_key
from .errors import InputError, SelectionError
from .receive import load_document
from .request_view import companion_ids, sendable
from .sd_jwt_stored import stored_claims
from .shares import _selected, _signing_key, build_presentation
from .transport import GuardedHttp

__all__ = [
    "AnsweredRequest",
    "Choice",
    "Consent",
    "LoadedRequest",
    "answer_request",
    "check_choices",
    "choices_for",
    "choices_with_claims",
    "consent",
    "disclosable_paths",
    "expanded_types",
    "held_credentials",
    "load_request",
    "match_rows",
    "with_companions",
]

MAX_REQUEST_OBJECT = 128 * 1024
WALLET_METADATA = {
    "vp_formats_supported": {
        "ldp_vc": {
            "proof_type_values": ["DataIntegrityProof"],
            "cryptosuite_values": ["eddsa-rdfc-2022"],
        },
        "dc+sd-jwt": {"sd-jwt_alg_values": ["ES256", "EdDSA"], "kb-jwt_alg_values": ["ES256"]},
    },
    "client_id_prefixes_supported": ["x509_hash", "redirect_uri"],
    "request_object_signing_alg_values_supported": ["ES256"],
    "response_modes_supported": ["direct_post", "direct_post.jwt"],
}


@dataclass(frozen=True, slots=True)
class LoadedRequest:
    """A checked request with what the consent form carries along."""

    request: WalletRequest
    link: str
    request_object: str | None = None
    wallet_nonce: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.request.response_uri).netloc


def _refused(exc: RequestError) -> InputError:
    return InputError(exc.code, f"Dit verzoek om bewijs kan niet worden beantwoord ({exc.reason}).")


def _fetch_request_object(url: str, method: str, http: GuardedHttp) -> tuple[str, str | None]:
    nonce: str | None = None
    headers = {"Accept": f"{REQUEST_OBJECT_MEDIA_TYPE}, application/jwt"}
    try:
        if method == "post":
            nonce = secrets.token_urlsafe(16)
            form = {"wallet_nonce": nonce, "wallet_metadata": json.dumps(WALLET_METADATA)}
            answer = http.post(url, form=form, headers=headers, max_bytes=MAX_REQUEST_OBJECT)
        else:
            answer = http.request("GET", url, headers=headers, max_bytes=MAX_REQUEST_OBJECT)
    except FetchError as exc:
        raise InputError(
            "request_unreachable", f"Het verzoek kon niet worden opgehaald ({exc})."
        ) from None
    if answer.status != 200:
        raise InputError(
            "request_unreachable", f"Het verzoek kon niet worden opgehaald (HTTP {answer.status})."
        )
    try:
        return answer.content.decode("ascii").strip(), nonce
    except UnicodeDecodeError:
        raise InputError(
            "malformed", "Het opgehaalde verzoek is geen ondertekend verzoek."
        ) from None


def load_request(
    text: str,
    *,
    http: GuardedHttp,
    now: datetime,
    trust_anchors: Sequence[x509.Certificate] = (),
    request_object: str | None = None,
    wallet_nonce: str | None = None,
) -> LoadedRequest:
    """The verifier's request from its link or QR content, checked; raises
    :class:`InputError` (``code`` as in :class:`RequestError`, ``request_unreachable``,
    ``private_address``). With ``request_object`` (from the consent form) nothing is
    fetched."""
    text = (text or "").strip()
    if not text:
        raise InputError("empty_request", "Plak de link of de inhoud van de QR-code.")
    try:
        link = parse_request_link(text)
        if link.request_uri is not None and request_object is None:
            request_object, wallet_nonce = _fetch_request_object(
                link.request_uri, link.request_uri_method, http
            )
        elif link.request is not None:
            request_object, wallet_nonce = link.request, None
        if request_object is not None and (link.request_uri or link.request):
            request = verify_request_object(
                request_object,
                client_id=link.client_id or "",
                now=now,
                trust_anchors=trust_anchors,
                wallet_nonce=wallet_nonce,
            )
        else:
            request_object = wallet_nonce = None
            request = request_from_link(link)
    except RequestError as exc:
        raise _refused(exc) from None
    try:
        check_url_allowed(request.response_uri, http.allow_hosts, resolve=http.resolve)
    except FetchError as exc:
        raise InputError("private_address", str(exc)) from None
    return LoadedRequest(request, text, request_object, wallet_nonce)


# ------------------------------------------------------------------------------ matching


def _authority_key_ids(document: str) -> frozenset[str]:
    """The AKIs of the ``x5c`` chain in the SD-JWT's issuer-signed JWT header (DCQL
    ``trusted_authorities`` of type ``aki``)."""
    try:
        header = parse_compact(parse_sd_jwt(document).issuer_jwt).header
    except (CredentialsError, ValueError):
        return frozenset()
    return authority_key_ids(header.get("x5c"))


def expanded_types(document: object) -> frozenset[str]:
    """The credential's ``type`` values as the IRIs its ``@context`` expands them to: DCQL
    ``type_values`` name fully expanded types (OpenID4VP 1.0 B.1.1). Nothing for what is not
    a JSON-LD credential or does not expand under the bundled contexts."""
    if not isinstance(document, Mapping) or "@context" not in document:
        return frozenset()
    try:
        expanded = default_engine().expand(
            {"@context": document["@context"], "type": document.get("type")}
        )
    except (CredentialsError, ValueError, TypeError):
        return frozenset()
    found: set[str] = set()
    for node in expanded:
        types = node.get("@type") if isinstance(node, Mapping) else None
        if isinstance(types, list):
            found.update(t for t in types if isinstance(t, str))
    return frozenset(found)


def held_credentials(rows: Sequence[StoredCredential]) -> list[HeldCredential]:
    """The stored credentials as the DCQL matcher sees them (unreadable ones left out).
    A ``vc+jwt`` credential travels in an ``ldp_vc`` presentation (enveloped), as before."""
    held: list[HeldCredential] = []
    for row in rows:
        types = frozenset(row.types.split())
        if row.format == "dc+sd-jwt":
            claims = stored_claims(row.document)
            vct = claims.get("vct")
            if isinstance(vct, str):
                held.append(HeldCredential(row.public_id, "dc+sd-jwt", claims, vct, types,
                                           _authority_key_ids(row.document)))  # fmt: skip
            continue
        document = load_document(row)
        claims = document if isinstance(document, dict) else {"type": sorted(types)}
        held.append(HeldCredential(row.public_id, "ldp_vc", claims,
                                   types=types | expanded_types(document)))  # fmt: skip
    return held


def match_rows(request: WalletRequest, rows: Sequence[StoredCredential]) -> DcqlMatch:
    return match_query(request.dcql, held_credentials(rows))


@dataclass(frozen=True, slots=True)
class Consent:
    """What the consent page needs besides the request: the DCQL match, and per SD-JWT VC
    its claims (what a claim would reveal) and the claims paths of its Disclosures (which
    claims the person can withhold)."""

    match: DcqlMatch
    claims: dict[str, Mapping[str, Any]]
    disclosable: dict[str, list[ClaimPath]]


def disclosable_paths(row: StoredCredential) -> list[ClaimPath]:
    """The claims paths of an SD-JWT VC's Disclosures (what the holder can withhold);
    nothing for an unreadable one."""
    try:
        return [path for _, path in disclosure_paths(parse_sd_jwt(row.document))]
    except (CredentialsError, ValueError):
        return []


def consent(request: WalletRequest, rows: Sequence[StoredCredential]) -> Consent:
    held = held_credentials(rows)
    by_id = {r.public_id: r for r in rows}
    claims = {h.ref: h.claims for h in held if h.format == "dc+sd-jwt"}
    disclosable = {ref: disclosable_paths(by_id[ref]) for ref in claims}
    return Consent(match_query(request.dcql, held), claims, disclosable)


# ----------------------------------------------------------------------------- answering


@dataclass(frozen=True, slots=True)
class Choice:
    """One credential the person ticked for a Credential Query; ``claims`` are the indexes
    (into the candidate's claims) they left ticked, None for all of them."""

    query_id: str
    public_id: str
    claims: frozenset[int] | None = None
    paths: frozenset[ClaimPath] | None = None
    """Instead of ``claims``: the claims paths (of the query's ``claims``) to reveal, from
    any of its claim sets (the JSON API)."""


@dataclass(frozen=True, slots=True)
class AnsweredRequest:
    verifier: str
    status: int
    redirect_uri: str | None


def _kb_signer(
    uow: UnitOfWork, account: Account, box: SecretBox, row: StoredCredential
) -> JwsSigner:
    """The account's key the SD-JWT is bound to (its ``cnf.jwk``): the P-256 holder key with
    that JWK thumbprint (ES256, what our wallet receives), or an Ed25519 holder key with that
    public key (EdDSA)."""
    try:
        payload = parse_compact(parse_sd_jwt(row.document).issuer_jwt).payload
    except (SdJwtError, ValueError):
        raise InputError("not_sendable", "Dit bewijs kan niet worden gelezen.") from None
    cnf = payload.get("cnf")
    bound = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    if isinstance(bound, Mapping):
        if bound.get("kty") == "EC":
            try:
                return sd_jwt_holder_key(uow, account.id, box, jwk_thumbprint_uri(bound))
            except (LookupError, ValueError):
                pass
        elif bound.get("kty") == "OKP":
            for key_row in holder_keys(uow, account.id):
                signer = EdDsaSigner(Ed25519KeyPair.from_seed(box.decrypt(key_row.encrypted_seed)))
                if all(bound.get(k) == signer.public_jwk[k] for k in ("kty", "crv", "x")):
                    return signer
    raise InputError(
        "no_holder_key",
        "Dit bewijs is niet aan een sleutel in je portemonnee gebonden; je kunt het niet sturen.",
    )


def _assign(
    match: DcqlMatch, rows: Mapping[str, StoredCredential], choices: Sequence[Choice]
) -> dict[str, list[Choice]]:
    by_query: dict[str, list[Choice]] = {}
    for choice in choices:
        candidates = match.candidates.get(choice.query_id, [])
        if not any(c.ref == choice.public_id for c in candidates):
            raise InputError("not_matching", "Een gekozen bewijs past niet bij de vraag.")
        if not sendable(rows[choice.public_id]):
            raise InputError("not_sendable", "Dit bewijs kan niet worden gestuurd.")
        chosen = by_query.setdefault(choice.query_id, [])
        if any(c.public_id == choice.public_id for c in chosen):
            continue
        chosen.append(choice)
    for query_id, chosen in by_query.items():
        if len(chosen) > 1 and not match.query.query(query_id).multiple:
            raise InputError("one_only", "Voor deze vraag kun je maar één bewijs sturen.")
    if not match.answers(by_query):
        raise InputError("incomplete", "Kies een bewijs voor elke vraag die nodig is.")
    return by_query


def _candidate(match: DcqlMatch, choice: Choice) -> Candidate:
    return next(c for c in match.candidates[choice.query_id] if c.ref == choice.public_id)


def _claims_to_reveal(match: DcqlMatch, choice: Choice) -> list[ClaimQuery]:
    if choice.paths is not None:
        asked = match.query.query(choice.query_id).claims or ()
        firsts = {c.path: c for c in reversed(asked)}  # §6.1: the first of the same path
        return [c for c in asked if c.path in choice.paths and firsts[c.path] is c]
    return [
        claim
        for index, claim in enumerate(_candidate(match, choice).claims)
        if choice.claims is None or index in choice.claims
    ]


_TOO_FEW = (
    "Je hebt te weinig gegevens aangevinkt: de controleur heeft van dit bewijs minstens de "
    "genoemde gegevens nodig. Er is niets verstuurd."
)


def check_choices(
    match: DcqlMatch, rows: Mapping[str, StoredCredential], choices: Sequence[Choice]
) -> None:
    """Refuse (:class:`SelectionError`, code ``claims_needed``) claims chosen for an SD-JWT VC
    that hold none of the query's ``claim_sets`` (OpenID4VP 1.0 §6.4.1: the credential
    would not answer it). What the verifier sees counts: the chosen claims and those the
    issuer made always visible. ``needed`` names the fewest claims to add."""
    held = {h.ref: h for h in held_credentials([rows[c.public_id] for c in choices])}
    needed: list[dict[str, Any]] = []
    for choice in choices:
        query = match.query.query(choice.query_id)
        if query.format != "dc+sd-jwt" or choice.public_id not in held:
            continue
        disclosable = disclosable_paths(rows[choice.public_id])
        claims = held[choice.public_id].claims
        visible = [
            c.path for c in query.claims or ()
            if select_path(claims, c.path)
            and not any(path_selected(d, [c.path]) for d in disclosable)
        ]  # fmt: skip
        revealed = [c.path for c in _claims_to_reveal(match, choice)] + visible
        check = check_selection(query, claims, revealed)
        if check.met is None:
            needed.append({"query": query.id, "credential": choice.public_id,
                           "claims": [list(c.path) for c in check.missing]})  # fmt: skip
    if needed:
        raise SelectionError("claims_needed", _TOO_FEW, needed=needed)


def _vp_token(
    uow: UnitOfWork,
    account: Account,
    box: SecretBox,
    request: WalletRequest,
    match: DcqlMatch,
    rows: Mapping[str, StoredCredential],
    by_query: Mapping[str, Sequence[Choice]],
    now: datetime,
) -> dict[str, list[Any]]:
    """One presentation per chosen credential, keyed by Credential Query id (§8.1). An
    SD-JWT VC chosen for several queries (a kind query and the companions for its parts) is
    presented once, with the claims of all of them, under each id (§6.4 allows the extra
    claims because the same credential is asked for them)."""
    paths: dict[str, list[ClaimPath]] = {}
    for query_id, chosen in by_query.items():
        if match.query.query(query_id).format == "dc+sd-jwt":
            for choice in chosen:
                wanted = paths.setdefault(choice.public_id, [])
                for claim in _claims_to_reveal(match, choice):
                    if claim.path not in wanted:
                        wanted.append(claim.path)
    presented = {
        public_id: present(
            rows[public_id].document,
            select=select,
            key_binding=KeyBindingRequest(
                _kb_signer(uow, account, box, rows[public_id]),
                request.client_id,
                request.nonce,
                int(now.timestamp()),
            ),
        )
        for public_id, select in paths.items()
    }
    vp_token: dict[str, list[Any]] = {}
    for query_id, chosen in by_query.items():
        if match.query.query(query_id).format == "dc+sd-jwt":
            vp_token[query_id] = [presented[c.public_id] for c in chosen]
            continue
        vp_token[query_id] = [
            build_presentation([row], _signing_key(uow, account, [row], box),
                               challenge=request.nonce, domain=request.client_id, now=now)
            for row in (rows[c.public_id] for c in chosen)
        ]  # fmt: skip
    return vp_token


def answer_request(
    uow: UnitOfWork,
    account: Account,
    loaded: LoadedRequest,
    choices: Sequence[Choice],
    *,
    http: GuardedHttp,
    box: SecretBox,
    now: datetime,
) -> AnsweredRequest:
    """Send the chosen credentials (and, for SD-JWT VCs, only the chosen claims) to the
    verifier that made ``loaded``."""
    request = loaded.request
    if not choices:
        raise InputError("nothing_chosen", "Kies minstens één bewijs om te sturen.")
    rows = {r.public_id: r for r in _selected(uow, account, [c.public_id for c in choices])}
    match = match_rows(request, list(rows.values()))
    by_query = _assign(match, rows, choices)
    check_choices(match, rows, [c for chosen in by_query.values() for c in chosen])
    vp_token = _vp_token(uow, account, box, request, match, rows, by_query, now)
    try:
        form = build_response(request, vp_token)
    except RequestError as exc:
        raise _refused(exc) from None
    try:
        answer = http.post(request.response_uri, form=form, max_bytes=64 * 1024)
    except FetchError as exc:
        raise InputError(
            "verifier_unreachable", f"De controleur is niet bereikbaar of niet toegestaan ({exc})."
        ) from None
    if answer.status >= 400:
        detail = ""
        if isinstance(answer.body, Mapping):
            detail = str(answer.body.get("error_description") or answer.body.get("detail") or "")
        raise InputError(
            "verifier_refused", f"De controleur weigerde het antwoord ({detail[:200]})."
        )
    redirect = answer.body.get("redirect_uri") if isinstance(answer.body, Mapping) else None
    return AnsweredRequest(
        urlsplit(request.response_uri).netloc,
        answer.status,
        redirect if isinstance(redirect, str) else None,
    )


def with_companions(match: DcqlMatch, choices: Sequence[Choice]) -> list[Choice]:
    """``choices`` and, for each credential chosen for a required query, the companion
    queries (:func:`~wallet.services.request_view.companion_ids`) it is a candidate of, so
    its parts go along as the consent page showed them."""
    companions = companion_ids(match)
    out = list(choices)
    for choice in choices:
        if choice.query_id in companions:
            continue
        for query_id in companions:
            found = any(c.ref == choice.public_id for c in match.candidates.get(query_id, []))
            if found and not any(
                c.query_id == query_id and c.public_id == choice.public_id for c in out
            ):
                out.append(Choice(query_id, choice.public_id))
    return out


def choices_for(match: DcqlMatch, public_ids: Sequence[str]) -> list[Choice]:
    """Bare credential ids (the JSON API, older forms) as choices: each to the first
    Credential Query it is a candidate for (every requested claim revealed)."""
    out = []
    for public_id in dict.fromkeys(public_ids):
        query_id = next(
            (q for q, found in match.candidates.items() if any(c.ref == public_id for c in found)),
            None,
        )
        if query_id is None:
            raise InputError("not_matching", "Een gekozen bewijs past niet bij de vraag.")
        out.append(Choice(query_id, public_id))
    return with_companions(match, out)


def choices_with_claims(
    match: DcqlMatch,
    public_ids: Sequence[str],
    claims: Mapping[str, Sequence[Sequence[str | int | None]]] | None,
) -> list[Choice]:
    """The JSON API's choice: :func:`choices_for` the credentials, and per SD-JWT VC named
    in ``claims`` only those claims paths (each must be one the queries it answers ask for;
    an optional query left without any is dropped). Credentials not in ``claims`` disclose
    the first claim set of each query they meet. Raises :class:`SelectionError`."""
    choices = choices_for(match, public_ids)
    wanted = {pid: {tuple(p) for p in paths} for pid, paths in (claims or {}).items()}
    unknown = sorted(set(wanted) - set(public_ids))
    if unknown:
        raise SelectionError(
            "claim_not_asked", "Gegevens genoemd bij een bewijs dat niet gekozen is: "
            + ", ".join(unknown[:5]),
        )  # fmt: skip
    companions = set(companion_ids(match))
    out: list[Choice] = []
    for public_id, paths in wanted.items():
        mine = [c for c in choices if c.public_id == public_id]
        if any(match.query.query(c.query_id).format != "dc+sd-jwt" for c in mine):
            raise SelectionError(
                "claim_not_asked",
                f"Bewijs {public_id} gaat in zijn geheel mee; je kunt er geen gegevens uit kiezen.",
            )
        offered = {c.path for x in mine for c in match.query.query(x.query_id).claims or ()}
        extra = sorted(paths - offered, key=str)
        if extra:
            named = ", ".join(json.dumps(list(p)) for p in extra[:5])
            raise SelectionError("claim_not_asked", f"Daar vroeg de controleur niet om: {named}.")
    for choice in choices:
        if choice.public_id not in wanted:
            out.append(choice)
            continue
        asked = {c.path for c in match.query.query(choice.query_id).claims or ()}
        reveal = frozenset(wanted[choice.public_id] & asked)
        if reveal or choice.query_id not in companions:
            out.append(Choice(choice.query_id, choice.public_id, paths=reveal))
    return out

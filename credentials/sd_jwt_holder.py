"""Present an SD-JWT (RFC 9901 §4.3, §4.3.1): choose Disclosures, add a Key Binding JWT.

    >>> from credentials.jwk import P256KeyPair
    >>> from credentials.sd_jwt_issuer import Sd, issue_sd_jwt
    >>> holder = P256KeyPair.generate()
    >>> issued = issue_sd_jwt({"a": Sd(1), "b": Sd(2)}, P256KeyPair.generate(),
    ...                       holder_jwk=holder.public_jwk)
    >>> shown = present(issued.compact, select=[("a",)],
    ...                 key_binding=KeyBindingRequest(holder, "https://verifier.example", "n-1", 0))
    >>> shown.count("~")
    2

The holder chooses claims by claims path (``("address",)``, ``("nationalities", 0)``,
``None`` for every array element): every Disclosure on the way to a chosen claim and every
Disclosure inside it is presented; nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .jwk import JwsSigner
from .jws import parse_compact, sign_compact
from .sd_jwt import (
    DEFAULT_BUDGETS,
    Budgets,
    ClaimPath,
    Disclosure,
    SdJwtParts,
    parse_sd_jwt,
    path_selected,
    process_claims,
    sd_hash,
    serialize_sd_jwt,
)

__all__ = ["KB_JWT_TYP", "KeyBindingRequest", "create_kb_jwt", "disclosure_paths", "present"]

KB_JWT_TYP = "kb+jwt"


@dataclass(frozen=True, slots=True)
class KeyBindingRequest:
    """What the holder signs into the KB-JWT: the verifier's ``aud`` and ``nonce``, ``iat``."""

    signer: JwsSigner
    audience: str
    nonce: str
    iat: int


def create_kb_jwt(sd_jwt_without_kb: str, request: KeyBindingRequest) -> str:
    """The KB-JWT over ``sd_jwt_without_kb`` (which ends with ``~``)."""
    payload = {
        "nonce": request.nonce,
        "aud": request.audience,
        "iat": request.iat,
        "sd_hash": sd_hash(sd_jwt_without_kb),
    }
    return sign_compact({"typ": KB_JWT_TYP}, payload, request.signer)


def disclosure_paths(
    parts: SdJwtParts, budgets: Budgets = DEFAULT_BUDGETS
) -> list[tuple[Disclosure, ClaimPath]]:
    """Every Disclosure of an SD-JWT with the claims path it discloses (issuer order)."""
    jws = parse_compact(parts.issuer_jwt, max_bytes=budgets.max_bytes)
    disclosures = [Disclosure.decode(d) for d in parts.disclosures]
    paths = process_claims(jws.payload, disclosures, budgets).paths
    return [(d, paths[d.digest]) for d in disclosures]


def present(
    sd_jwt: str,
    *,
    select: Iterable[ClaimPath] | None = None,
    key_binding: KeyBindingRequest | None = None,
    budgets: Budgets = DEFAULT_BUDGETS,
) -> str:
    """The presentation: the Issuer-signed JWT, the chosen Disclosures (all when ``select`` is
    None) and, with ``key_binding``, a KB-JWT. Raises :class:`SdJwtError` when the SD-JWT is
    malformed."""
    parts = parse_sd_jwt(sd_jwt, budgets)
    if select is None:
        chosen = list(parts.disclosures)
    else:
        wanted = list(select)
        chosen = [
            d.encoded for d, path in disclosure_paths(parts, budgets) if path_selected(path, wanted)
        ]
    without_kb = serialize_sd_jwt(parts.issuer_jwt, chosen)
    if key_binding is None:
        return without_kb
    return without_kb + create_kb_jwt(without_kb, key_binding)

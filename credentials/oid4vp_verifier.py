"""OpenID4VP 1.0 under HAIP 1.0, the VERIFIER side, as pure functions (no HTTP, no database).

- Verifier identity: a P-256 key with its X.509 chain; the Client Identifier is
  ``x509_hash:`` + base64url(SHA-256(DER of the leaf)) (OpenID4VP §5.9.3).
- Request Objects (JAR, RFC 9101): a JWS with ``typ`` ``oauth-authz-req+jwt``, ``alg``
  ES256 and the chain in ``x5c`` (leaf first, no root), served by reference at a
  ``request_uri`` (§5.10: with ``request_uri_method=post`` the wallet may send a
  ``wallet_nonce`` the object must repeat). ``aud`` is ``https://self-issued.me/v2`` (§5.8).
- Responses: ``direct_post.jwt`` (§8.3) or ``dc_api.jwt`` (Appendix A): an unsigned JWT
  encrypted (JWE, ``ECDH-ES`` with an ephemeral P-256 key per request, §8.3 / HAIP) whose
  payload holds ``vp_token`` (and ``state``) as top-level members.
- DCQL (§6): :func:`match_vp_token` checks an answer against the query that asked (the
  employer's query itself is ``verifier.services.employer_query``).

    >>> identity = VerifierIdentity.development("verifier.example")
    >>> identity.client_id.startswith("x509_hash:")
    True
    >>> key = new_response_key()
    >>> payload = build_request_object(
    ...     identity=identity, response_uri="https://verifier.example/r/1", nonce="n",
    ...     state="s", response_jwk=key, dcql_query={"credentials": [{"id": "a",
    ...     "format": "dc+sd-jwt", "meta": {"vct_values": ["https://vct.example/a"]}}]})
    >>> decode_request_object(sign_request_object(payload, identity))[1]["nonce"]
    'n'
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwe, jwk, jws
from jwcrypto.common import JWException

from .jwk import P256KeyPair
from .oid4vp import SCHEME, OpenId4VpError

__all__ = [
    "DC_API_PROTOCOL",
    "ENC_VALUES",
    "REQUEST_AUD",
    "REQUEST_TYP",
    "RESPONSE_ALG",
    "AnsweredQuery",
    "VerifierIdentity",
    "authorization_link",
    "build_dc_api_request_object",
    "build_request_object",
    "client_metadata",
    "decode_request_object",
    "decrypt_response",
    "match_vp_token",
    "new_response_key",
    "parse_response_payload",
    "private_response_key",
    "sign_request_object",
    "x509_hash_client_id",
]

REQUEST_TYP = "oauth-authz-req+jwt"
REQUEST_AUD = "https://self-issued.me/v2"
RESPONSE_ALG = "ECDH-ES"
ENC_VALUES = ("A128GCM", "A256GCM")
"""Content encryption we accept (HAIP: A128GCM and A256GCM); offered to the wallet."""
DC_API_PROTOCOL = "openid4vp-v1-signed"
MAX_RESPONSE_LENGTH = 4 * 1024 * 1024
X509_HASH_PREFIX = "x509_hash:"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def x509_hash_client_id(leaf_der: bytes) -> str:
    """``x509_hash:<base64url SHA-256 of the DER leaf certificate>`` (§5.9.3)."""
    return X509_HASH_PREFIX + _b64url(hashlib.sha256(leaf_der).digest())


@dataclass(frozen=True, slots=True)
class VerifierIdentity:
    """The key that signs Request Objects and its certificate chain (leaf first, without
    the root the wallets hold as trust anchor)."""

    key: P256KeyPair = field(repr=False)
    chain: tuple[x509.Certificate, ...]

    def __post_init__(self) -> None:
        if not self.chain:
            raise OpenId4VpError("the verifier certificate chain is empty")
        leaf_key = self.chain[0].public_key()
        if not isinstance(leaf_key, ec.EllipticCurvePublicKey) or leaf_key.public_numbers() != (
            self.key.public_key.public_numbers()
        ):
            raise OpenId4VpError("the signing key does not belong to the leaf certificate")

    @property
    def leaf_der(self) -> bytes:
        return self.chain[0].public_bytes(serialization.Encoding.DER)

    @property
    def client_id(self) -> str:
        return x509_hash_client_id(self.leaf_der)

    @property
    def x5c(self) -> list[str]:
        """Standard base64 DER, leaf first (RFC 7515 §4.1.6)."""
        return [
            base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii")
            for c in self.chain
        ]

    @classmethod
    def from_pem(
        cls, key_pem: bytes, chain_pem: bytes, password: bytes | None = None
    ) -> VerifierIdentity:
        """A PEM private key (optionally encrypted) and a PEM chain, leaf first."""
        try:
            key = P256KeyPair.from_pem(key_pem, password)
            chain = tuple(x509.load_pem_x509_certificates(chain_pem))
        except (ValueError, TypeError) as exc:
            raise OpenId4VpError(f"cannot read the verifier key or certificate: {exc}") from None
        return cls(key, chain)

    @classmethod
    def development(cls, host: str) -> VerifierIdentity:
        """A throw-away identity under a fresh development root (tests, first start)."""
        from .x509_dev_ca import create_leaf, create_root_ca

        root = create_root_ca("mbo-wallet verifier dev root", path_length=0)
        leaf = create_leaf(root, host, organization="mbo-wallet verifier", san_dns=[host])
        return cls(leaf.key, (leaf.certificate,))


def new_response_key() -> jwk.JWK:
    """A fresh P-256 key for one request's encrypted response (``use`` enc, ``alg``
    ECDH-ES, a random ``kid``)."""
    key = jwk.JWK.generate(kty="EC", crv="P-256")
    key.update({"use": "enc", "alg": RESPONSE_ALG, "kid": secrets.token_urlsafe(8)})
    return key


def private_response_key(exported: str) -> jwk.JWK:
    """The response key back from its stored (private JWK JSON) form."""
    try:
        key = jwk.JWK.from_json(exported)
    except (JWException, ValueError, TypeError):
        raise OpenId4VpError("the stored response key is not a JWK") from None
    if not key.has_private or key.get("kty") != "EC" or key.get("crv") != "P-256":
        raise OpenId4VpError("the stored response key is not a private P-256 key")
    return key


def _public_jwk(key: jwk.JWK) -> dict[str, Any]:
    public: dict[str, Any] = key.export_public(as_dict=True)
    return public


def client_metadata(
    response_jwk: jwk.JWK | None, *, client_name: str | None = None
) -> dict[str, Any]:
    """``client_metadata`` (§5.1, §11): the encryption key, accepted ``enc`` values and the
    formats we verify."""
    metadata: dict[str, Any] = {
        "vp_formats_supported": {
            "dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]},
            "ldp_vc": {
                "proof_type_values": ["DataIntegrityProof"],
                "cryptosuite_values": ["eddsa-rdfc-2022"],
            },
        },
    }
    if response_jwk is not None:
        metadata["jwks"] = {"keys": [_public_jwk(response_jwk)]}
        metadata["encrypted_response_enc_values_supported"] = list(ENC_VALUES)
    if client_name:
        metadata["client_name"] = client_name
    return metadata


def build_request_object(
    *,
    identity: VerifierIdentity,
    response_uri: str,
    nonce: str,
    state: str,
    dcql_query: Mapping[str, Any],
    response_jwk: jwk.JWK,
    wallet_nonce: str | None = None,
    client_name: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The claims of a Request Object for ``direct_post.jwt`` (§5, §8.3)."""
    if not nonce or not state:
        raise OpenId4VpError("nonce and state are required")
    payload: dict[str, Any] = {
        "iss": identity.client_id,
        "aud": REQUEST_AUD,
        "iat": int((now or datetime.now(UTC)).timestamp()),
        "client_id": identity.client_id,
        "response_type": "vp_token",
        "response_mode": "direct_post.jwt",
        "response_uri": response_uri,
        "nonce": nonce,
        "state": state,
        "dcql_query": dict(dcql_query),
        "client_metadata": client_metadata(response_jwk, client_name=client_name),
    }
    if wallet_nonce is not None:
        payload["wallet_nonce"] = wallet_nonce
    return payload


def build_dc_api_request_object(
    *,
    identity: VerifierIdentity,
    expected_origins: Sequence[str],
    nonce: str,
    dcql_query: Mapping[str, Any],
    response_jwk: jwk.JWK,
    client_name: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A signed request for the Digital Credentials API (Appendix A.3.2): response mode
    ``dc_api.jwt``, ``expected_origins``; no ``response_uri`` and no ``state``."""
    if not expected_origins:
        raise OpenId4VpError("expected_origins must not be empty")
    return {
        "aud": REQUEST_AUD,
        "iat": int((now or datetime.now(UTC)).timestamp()),
        "client_id": identity.client_id,
        "expected_origins": list(expected_origins),
        "response_type": "vp_token",
        "response_mode": "dc_api.jwt",
        "nonce": nonce,
        "dcql_query": dict(dcql_query),
        "client_metadata": client_metadata(response_jwk, client_name=client_name),
    }


def sign_request_object(payload: Mapping[str, Any], identity: VerifierIdentity) -> str:
    """The compact JWS of a Request Object (``typ`` oauth-authz-req+jwt, ES256, ``x5c``)."""
    signer = jws.JWS(json.dumps(dict(payload), separators=(",", ":")).encode("utf-8"))
    header = {"alg": "ES256", "typ": REQUEST_TYP, "x5c": identity.x5c}
    signer.add_signature(
        jwk.JWK.from_pyca(identity.key.private_key), alg="ES256", protected=json.dumps(header)
    )
    token: str = signer.serialize(compact=True)
    return token


def decode_request_object(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a Request Object, its signature checked against the key of
    ``x5c[0]`` (no chain validation: that is the wallet's trust decision). For tests and
    for checking what we serve."""
    try:
        parsed = jws.JWS()
        parsed.deserialize(token)
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        parsed.verify(jwk.JWK.from_pyca(leaf.public_key()), alg="ES256")
        claims = json.loads(parsed.payload)
    except (JWException, ValueError, KeyError, IndexError, TypeError) as exc:
        raise OpenId4VpError(f"not a valid signed Request Object: {exc}") from None
    return header, claims


def authorization_link(client_id: str, request_uri: str, *, base: str = SCHEME) -> str:
    """The short link for a QR code or a same-device button (§5.7, §5.10):
    ``openid4vp://?client_id=…&request_uri=…&request_uri_method=post``."""
    query = urlencode(
        {"client_id": client_id, "request_uri": request_uri, "request_uri_method": "post"}
    )
    return base + ("" if base.endswith("?") else "?") + query


def decrypt_response(
    token: str, response_jwk: jwk.JWK, *, enc_values: Sequence[str] = ENC_VALUES
) -> dict[str, Any]:
    """The payload of an encrypted Authorization Response (§8.3): refuses a JWE whose
    ``alg``/``enc`` we did not offer, another ``kid``, compression, a wrong key or a
    tampered token, and a payload that is not a JSON object."""
    if not isinstance(token, str) or not token:
        raise OpenId4VpError("the response is missing")
    if len(token) > MAX_RESPONSE_LENGTH:
        raise OpenId4VpError("the response is too large")
    parts = token.split(".")
    if len(parts) != 5:
        raise OpenId4VpError("the response is not a compact JWE (an encrypted response is "
                             "required)")  # fmt: skip
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise OpenId4VpError("the JWE header is not JSON") from None
    if not isinstance(header, dict):
        raise OpenId4VpError("the JWE header is not a JSON object")
    if header.get("alg") != RESPONSE_ALG:
        raise OpenId4VpError(f"JWE alg must be {RESPONSE_ALG}")
    if header.get("enc") not in enc_values:
        raise OpenId4VpError(f"JWE enc must be one of {', '.join(enc_values)}")
    if "zip" in header:
        raise OpenId4VpError("compressed responses are not accepted")
    kid = response_jwk.get("kid")
    if "kid" in header and header["kid"] != kid:
        raise OpenId4VpError("the response is encrypted to another key")
    try:
        decrypter = jwe.JWE(algs=[RESPONSE_ALG, *enc_values])
        decrypter.deserialize(token, key=response_jwk)
        plaintext: bytes = decrypter.payload
    except (JWException, ValueError, TypeError, KeyError, AttributeError, IndexError):
        raise OpenId4VpError("the response cannot be decrypted with this request's key") from None
    try:
        payload = json.loads(plaintext)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise OpenId4VpError("the decrypted response is not JSON") from None
    if not isinstance(payload, dict):
        raise OpenId4VpError("the decrypted response is not a JSON object")
    return payload


def parse_response_payload(payload: Mapping[str, Any]) -> tuple[dict[str, list[Any]], str | None]:
    """``vp_token`` (query id → presentations) and ``state`` of a decrypted response."""
    token = payload.get("vp_token")
    if isinstance(token, str):  # tolerated: vp_token sent as a JSON string
        try:
            token = json.loads(token)
        except (ValueError, RecursionError):
            raise OpenId4VpError("vp_token is not valid JSON") from None
    if (
        not isinstance(token, dict)
        or not token
        or not all(isinstance(k, str) and isinstance(v, list) and v for k, v in token.items())
    ):
        raise OpenId4VpError("vp_token must map Credential Query ids to non-empty lists")
    state = payload.get("state")
    return token, state if isinstance(state, str) else None


@dataclass(frozen=True, slots=True)
class AnsweredQuery:
    query_id: str
    format: str
    presentations: tuple[Any, ...]


def match_vp_token(
    vp_token: Mapping[str, Sequence[Any]], dcql_query: Mapping[str, Any]
) -> list[AnsweredQuery]:
    """Check a ``vp_token`` against the DCQL query that asked for it (§6, §8.1): only ids of
    its Credential Queries, one presentation unless ``multiple``, each of the query's
    format's shape (``dc+sd-jwt``: a string; ``ldp_vc``: a JSON object), and every required
    Credential Set (or, without sets, every query) answered by one of its options."""
    queries = {str(q["id"]): q for q in dcql_query.get("credentials", [])}
    unknown = sorted(set(vp_token) - set(queries))
    if unknown:
        raise OpenId4VpError(f"vp_token answers no Credential Query {unknown}")
    answered: list[AnsweredQuery] = []
    for query_id, presentations in vp_token.items():
        query = queries[query_id]
        if not presentations:
            raise OpenId4VpError(f"vp_token has no presentation for {query_id!r}")
        if len(presentations) > 1 and not query.get("multiple", False):
            raise OpenId4VpError(f"{query_id!r} allows one presentation")
        fmt = str(query["format"])
        shape: type = str if fmt in ("dc+sd-jwt", "jwt_vc_json", "mso_mdoc") else dict
        if not all(isinstance(p, shape) for p in presentations):
            raise OpenId4VpError(f"the presentations for {query_id!r} are not {fmt}")
        answered.append(AnsweredQuery(query_id, fmt, tuple(presentations)))
    sets = dcql_query.get("credential_sets")
    given = set(vp_token)
    if sets:
        for credential_set in sets:
            if not credential_set.get("required", True):
                continue
            if not any(set(option) <= given for option in credential_set["options"]):
                raise OpenId4VpError("vp_token does not satisfy a required Credential Set")
    elif given != set(queries):
        raise OpenId4VpError("vp_token must answer every Credential Query")
    return answered

"""A small OpenID4VP 1.0 / HAIP verifier written in the tests from the spec (not from the
project's verifier code): an ``x509_hash`` client with a development certificate, a signed
Request Object (JAR, jwcrypto), a per-request ECDH-ES key for ``direct_post.jwt``, and the
checks a verifier makes on an SD-JWT presentation's KB-JWT (jwcrypto)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from jwcrypto import jwe, jwk, jws

from credentials.x509_dev_ca import DevCertificate, create_leaf, create_root_ca

__all__ = ["SpecVerifier"]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@dataclass
class SpecVerifier:
    response_uri: str = "https://verifier.example/oid4vp/response"
    name: str = "Werkgever BV"
    root: DevCertificate = field(default_factory=lambda: create_root_ca("verifier root"))
    leaf: DevCertificate | None = None
    encryption_key: jwk.JWK = field(default_factory=lambda: jwk.JWK.generate(kty="EC", crv="P-256"))
    nonce: str = "n-0S6_WzA2Mj"
    state: str = "st-7a9"

    def __post_init__(self) -> None:
        if self.leaf is None:
            self.leaf = create_leaf(
                self.root, "verifier.example", organization=self.name, san_dns=["verifier.example"]
            )

    @property
    def certificate(self) -> DevCertificate:
        assert self.leaf is not None
        return self.leaf

    @property
    def client_id(self) -> str:
        der = self.certificate.certificate.public_bytes(serialization.Encoding.DER)
        return "x509_hash:" + _b64url(hashlib.sha256(der).digest())

    def metadata(self, **extra: Any) -> dict[str, Any]:
        public = json.loads(self.encryption_key.export_public())
        public.update({"use": "enc", "alg": "ECDH-ES", "kid": "resp-1"})
        return {
            "jwks": {"keys": [public]},
            "encrypted_response_enc_values_supported": ["A128GCM"],
            "vp_formats_supported": {
                "dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]}
            },
            **extra,
        }

    def claims(
        self, dcql_query: dict[str, Any], *, now: int | None = None, **overrides: Any
    ) -> dict[str, Any]:
        now = int(time.time()) if now is None else now
        claims: dict[str, Any] = {
            "iss": self.client_id,
            "aud": "https://self-issued.me/v2",
            "iat": now,
            "exp": now + 300,
            "client_id": self.client_id,
            "response_type": "vp_token",
            "response_mode": "direct_post.jwt",
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "state": self.state,
            "dcql_query": dcql_query,
            "client_metadata": self.metadata(),
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self,
        claims: dict[str, Any],
        *,
        typ: str = "oauth-authz-req+jwt",
        signer: DevCertificate | None = None,
        x5c: list[str] | None = None,
    ) -> str:
        """The Request Object: a JWS by the leaf's key with ``x5c`` (leaf only)."""
        key = jwk.JWK(**(signer or self.certificate).key.private_jwk)
        header = {"alg": "ES256", "typ": typ, "x5c": x5c or self.certificate.x5c([])}
        token = jws.JWS(json.dumps(claims).encode("utf-8"))
        token.add_signature(key, protected=json.dumps(header))
        compact: str = token.serialize(compact=True)
        return compact

    def decrypt(self, response: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The JWE ``response`` of a ``direct_post.jwt`` answer: (header, payload)."""
        token = jwe.JWE()
        token.deserialize(response, key=self.encryption_key)
        header = json.loads(token.objects["protected"])
        payload = json.loads(token.payload)
        return header, payload

    def check_kb_jwt(self, presentation: str) -> tuple[dict[str, Any], list[Any]]:
        """Verify an SD-JWT presentation's KB-JWT against the ``cnf.jwk`` of the issuer JWT
        (RFC 9901 §7.3): typ, aud = client_id, nonce, sd_hash. Returns the KB-JWT claims
        and the decoded Disclosures."""
        parts = presentation.split("~")
        issuer_jwt, disclosures, kb = parts[0], parts[1:-1], parts[-1]
        payload = _b64url_json(issuer_jwt.split(".")[1])
        holder = jwk.JWK(**payload["cnf"]["jwk"])
        token = jws.JWS()
        token.deserialize(kb)
        token.verify(holder)
        header = json.loads(token.objects["protected"])
        assert header["typ"] == "kb+jwt"
        claims: dict[str, Any] = json.loads(token.payload)
        assert claims["aud"] == self.client_id
        assert claims["nonce"] == self.nonce
        without_kb = presentation[: len(presentation) - len(kb)]
        assert claims["sd_hash"] == _b64url(hashlib.sha256(without_kb.encode("ascii")).digest())
        return claims, [_b64url_json(d) for d in disclosures]

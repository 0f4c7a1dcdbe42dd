"""What the NL Wallet and HAIP wallets expect of our OpenID4VCI 1.0 issuer, played by a client
written here from the specs (HTTP, JSON and JOSE by hand; not our wallet code):

* signed Credential Issuer metadata (§12.2.3): ``signed_metadata`` in the JSON and the JWT
  itself for ``Accept: application/jwt``, verified with jwcrypto and the development CA;
* the offer by reference (§4.1.3): unguessable handle, gone once expired;
* the authorization server metadata of a pre-authorized-code-only server (no PAR endpoint)
  that accepts wallet attestations;
* wallet attestations (OAuth 2.0 Attestation-Based Client Authentication) at the token
  endpoint: accepted, recorded, and every way a hostile one is refused (401, never a 500);
* batch copies (§8.2 ``proofs`` with several keys, ``batch_credential_issuance``);
* an SD-JWT VC signed ES256 with ``kid`` = the organisation's did:web P-256 key.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwk, jws
from sqlalchemy import select

from credentials.did import StaticDidResolver
from credentials.keys import Ed25519KeyPair
from credentials.results import Verdict
from credentials.sd_jwt_vc import did_key_resolver, verify_sd_jwt_vc, x5c_key_resolver
from credentials.x509_trust import verify_x5c
from issuer.db.offer_tables import CredentialOffer
from issuer.db.tables import AuditEvent
from web_common.db import UnitOfWork

from .conftest import BASE_URL, Issuer, run_batch
from .spec_jose import b64url_decode, es256_jws, p256_public_jwk
from .test_batch_api import GOOD, _upload
from .test_sd_jwt_journey import ISSUER_ID, PROOF_TYP, SpecWallet, _dev_ca, _path, _tsl_lookup

METADATA_PATH = "/.well-known/openid-credential-issuer/roc-midden"
ATTESTATION_TYP = "oauth-client-attestation+jwt"
POP_TYP = "oauth-client-attestation-pop+jwt"
PROVIDER = ec.generate_private_key(ec.SECP256R1())
INSTANCE = ec.generate_private_key(ec.SECP256R1())


def _settings(issuer: Issuer, **changes: Any) -> None:
    state = issuer.client.app.state  # type: ignore[attr-defined]
    state.settings = state.settings.model_copy(update=changes)


def _offers(issuer: Issuer) -> list[tuple[str, str, str]]:
    """(offer link, transaction code, credential id) of a three-row batch."""
    batch = _upload(issuer, GOOD).json()
    run_batch(issuer, batch["id"])
    rows = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
    lines = [line.split(";") for line in rows.content.decode("utf-8-sig").splitlines()]
    head = lines[0]
    link, code, ref = (
        head.index("offer_link"),
        head.index("transactiecode"),
        head.index("credential_id"),
    )
    return [(row[link], row[code], row[ref]) for row in lines[1:]]


# --------------------------------------------------------------------------- signed metadata


def _verify_metadata_jwt(token: str, anchor: x509.Certificate, issuer: Issuer) -> dict[str, Any]:
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header["typ"] == "openidvci-issuer-metadata+jwt"
    assert header["alg"] == "ES256"
    chain = verify_x5c(header["x5c"], [anchor], now=issuer.clock())
    assert chain.ok, chain.reason
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    key = jwk.JWK.from_pyca(leaf.public_key())
    parsed = jws.JWS()
    parsed.deserialize(token)
    parsed.verify(key, alg="ES256")  # raises when the signature is wrong
    claims: dict[str, Any] = json.loads(parsed.payload)
    return claims


VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors" / "openid4vc"


def _jwk_verified_claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header = json.loads(b64url_decode(token.split(".")[0]))
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    parsed = jws.JWS()
    parsed.deserialize(token)
    parsed.verify(jwk.JWK.from_pyca(leaf.public_key()), alg="ES256")
    return header, json.loads(parsed.payload)


def test_the_spec_example_of_signed_metadata_has_our_shape() -> None:
    """OpenID4VCI 1.0 §12.2.3's own example: the check used on ours accepts it, and ours
    names its key the same way (``alg``, ``typ``, ``x5c``)."""
    token = "".join((VECTORS / "credential_issuer_metadata_sd_jwt_jwt.txt").read_text().split())
    header, claims = _jwk_verified_claims(token)
    assert header["typ"] == "openidvci-issuer-metadata+jwt"
    assert set(header) == {"alg", "typ", "x5c"}
    assert claims["sub"] == claims["credential_issuer"]
    assert isinstance(claims["iat"], int)


def test_signed_metadata_equals_the_unsigned_metadata(issuer: Issuer) -> None:
    plain = issuer.client.get(METADATA_PATH)
    assert "signed_metadata" not in plain.json()  # no X.509 key yet: nothing to sign with
    assert issuer.client.get(METADATA_PATH, headers={"Accept": "application/jwt"}).json()
    anchor = _dev_ca(issuer)
    metadata = issuer.client.get(METADATA_PATH).json()
    assert metadata["batch_credential_issuance"] == {"batch_size": 10}
    claims = _verify_metadata_jwt(metadata.pop("signed_metadata"), anchor, issuer)
    now = int(issuer.clock().timestamp())
    assert claims.pop("sub") == ISSUER_ID
    assert claims.pop("iat") == now
    assert claims.pop("exp") > now
    assert claims == metadata

    response = issuer.client.get(METADATA_PATH, headers={"Accept": "application/jwt"})
    assert response.status_code == 200
    header, _ = _jwk_verified_claims(response.text)
    assert set(header) == {"alg", "typ", "x5c"}
    assert response.headers["content-type"] == "application/jwt"
    assert "Accept" in response.headers["vary"]
    served = _verify_metadata_jwt(response.text, anchor, issuer)
    for name in ("sub", "iat", "exp"):
        served.pop(name)
    assert served == metadata

    tampered = response.text.split(".")
    body = json.loads(b64url_decode(tampered[1]))
    body["credential_endpoint"] = "https://evil.example/credential"
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(jws.InvalidJWSSignature):
        _verify_metadata_jwt(f"{tampered[0]}.{forged}.{tampered[2]}", anchor, issuer)


def test_authorization_server_metadata_pre_authorized_only_with_attestation(
    issuer: Issuer,
) -> None:
    metadata = issuer.client.get("/.well-known/oauth-authorization-server/roc-midden").json()
    assert metadata["issuer"] == ISSUER_ID
    assert metadata["grant_types_supported"] == [
        "urn:ietf:params:oauth:grant-type:pre-authorized_code"
    ]
    assert "pushed_authorization_request_endpoint" not in metadata
    assert "authorization_endpoint" not in metadata
    assert metadata["token_endpoint_auth_methods_supported"] == ["none", "attest_jwt_client_auth"]
    assert metadata["client_attestation_pop_signing_alg_values_supported"] == ["ES256"]
    assert metadata["pre-authorized_grant_anonymous_access_supported"] is True
    _settings(issuer, wallet_attestation_required=True)
    strict = issuer.client.get("/.well-known/oauth-authorization-server/roc-midden").json()
    assert strict["token_endpoint_auth_methods_supported"] == ["attest_jwt_client_auth"]
    assert strict["pre-authorized_grant_anonymous_access_supported"] is False


# --------------------------------------------------------------------------- offer by reference


def test_offer_by_reference_is_unguessable_and_expires(issuer: Issuer) -> None:
    _dev_ca(issuer)
    link, _, _ = _offers(issuer)[0]
    assert link.startswith("openid-credential-offer://?credential_offer_uri=")
    reference = parse_qs(urlsplit(link).query)["credential_offer_uri"][0]
    handle = reference.rsplit("/", 1)[1]
    assert len(b64url_decode(handle)) >= 32  # 256 bits
    offer = issuer.client.get(_path(reference))
    assert offer.status_code == 200
    assert offer.headers["cache-control"].startswith("no-store")
    assert offer.json()["credential_issuer"] == ISSUER_ID
    guessed = issuer.client.get(f"/roc-midden/offers/{secrets.token_urlsafe(32)}")
    assert guessed.status_code == 404
    issuer.clock.now += timedelta(days=31)
    gone = issuer.client.get(_path(reference))
    assert gone.status_code == 410
    assert gone.headers["content-type"].startswith("application/problem+json")


# --------------------------------------------------------------------------- wallet attestation


def _trust_file(tmp_path: Path, *keys: ec.EllipticCurvePrivateKey) -> str:
    path = tmp_path / "wallet-providers.json"
    providers = [
        {
            "name": "NL Wallet (test)",
            "iss": "https://wallet-provider.example",
            "jwks": {
                "keys": [{**p256_public_jwk(key), "kid": f"k{n}"} for n, key in enumerate(keys)]
            },
        }
    ]
    path.write_text(json.dumps({"wallet_providers": providers}), encoding="utf-8")
    return str(path)


def _attestation(issuer: Issuer, **changes: Any) -> str:
    now = int(issuer.clock().timestamp())
    claims = {
        "iss": "https://wallet-provider.example",
        "sub": "nl-wallet",
        "iat": now - 60,
        "exp": now + 3600,
        "cnf": {"jwk": p256_public_jwk(INSTANCE)},
        **changes,
    }
    key = changes.pop("signed_by", PROVIDER)
    claims.pop("signed_by", None)
    return es256_jws({"typ": ATTESTATION_TYP, "kid": "k0"}, claims, key)


def _pop(issuer: Issuer, key: ec.EllipticCurvePrivateKey = INSTANCE, **changes: Any) -> str:
    now = int(issuer.clock().timestamp())
    claims = {"aud": ISSUER_ID, "jti": secrets.token_urlsafe(16), "iat": now, **changes}
    return es256_jws({"typ": POP_TYP}, claims, key)


def _token(issuer: Issuer, link: str, code: str, headers: dict[str, str] | None = None) -> Any:
    offer = issuer.client.get(_path(parse_qs(urlsplit(link).query)["credential_offer_uri"][0]))
    grant = offer.json()["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    return issuer.client.post(
        "/roc-midden/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": grant["pre-authorized_code"],
            "tx_code": code,
        },
        headers=headers or {},
    )


def _recorded(issuer: Issuer) -> list[tuple[str | None, str | None]]:
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        rows = uow.session.scalars(
            select(CredentialOffer)
            .where(CredentialOffer.code_used_at.is_not(None))
            .order_by(CredentialOffer.id)
        )
        return [(r.wallet_attestation, r.wallet_provider) for r in rows]


def test_wallet_attestation_accepted_recorded_and_not_replayed(
    issuer: Issuer, tmp_path: Path
) -> None:
    _dev_ca(issuer)
    _settings(issuer, wallet_attestation_trust_file=_trust_file(tmp_path, PROVIDER))
    (link1, code1, _), (link2, code2, _), (link3, code3, _) = _offers(issuer)
    headers = {
        "OAuth-Client-Attestation": _attestation(issuer),
        "OAuth-Client-Attestation-PoP": _pop(issuer),
    }
    accepted = _token(issuer, link1, code1, headers)
    assert accepted.status_code == 200, accepted.text
    replayed = _token(issuer, link2, code2, headers)  # the same PoP (jti) again
    assert replayed.status_code == 401
    assert replayed.json()["error"] == "invalid_client"
    assert "jti" in replayed.json()["error_description"]
    assert _token(issuer, link2, code2).status_code == 200  # none presented: allowed
    assert _recorded(issuer) == [("verified", "NL Wallet (test)"), ("absent", None)]
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        details = [
            json.loads(e.detail)
            for e in uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "offer.token")
            )
        ]
    assert [d["wallet_attestation"] for d in details] == ["verified", "absent"]
    assert details[0]["wallet_provider"] == "NL Wallet (test)"
    # required: none presented is refused, a fresh one accepted
    _settings(issuer, wallet_attestation_required=True)
    assert _token(issuer, link3, code3).status_code == 401
    fresh = {
        "OAuth-Client-Attestation": _attestation(issuer),
        "OAuth-Client-Attestation-PoP": _pop(issuer),
    }
    assert _token(issuer, link3, code3, fresh).status_code == 200


OTHER = ec.generate_private_key(ec.SECP256R1())


def _hostile(issuer: Issuer) -> list[tuple[dict[str, str], str]]:
    now = int(issuer.clock().timestamp())
    good = _attestation(issuer)
    return [
        ({"OAuth-Client-Attestation": good}, "both"),
        ({"OAuth-Client-Attestation-PoP": _pop(issuer)}, "both"),
        (
            {"OAuth-Client-Attestation": _attestation(issuer, signed_by=OTHER),
             "OAuth-Client-Attestation-PoP": _pop(issuer)},
            "trusted",
        ),
        (
            {"OAuth-Client-Attestation": _attestation(issuer, iss="https://evil.example"),
             "OAuth-Client-Attestation-PoP": _pop(issuer)},
            "trusted",
        ),
        (
            {"OAuth-Client-Attestation": _attestation(issuer, exp=now - 600),
             "OAuth-Client-Attestation-PoP": _pop(issuer)},
            "expired",
        ),
        (
            {"OAuth-Client-Attestation": _attestation(issuer, cnf={}),
             "OAuth-Client-Attestation-PoP": _pop(issuer)},
            "cnf",
        ),
        (
            {"OAuth-Client-Attestation": good,
             "OAuth-Client-Attestation-PoP": _pop(issuer, key=OTHER)},
            "cnf",
        ),
        (
            {"OAuth-Client-Attestation": good,
             "OAuth-Client-Attestation-PoP": _pop(issuer, aud="https://other.example")},
            "aud",
        ),
        (
            {"OAuth-Client-Attestation": good,
             "OAuth-Client-Attestation-PoP": _pop(issuer, iat=now - 3600)},
            "too old",
        ),
        (
            {"OAuth-Client-Attestation": good,
             "OAuth-Client-Attestation-PoP": _pop(issuer, jti=None)},
            "jti",
        ),
        (
            {"OAuth-Client-Attestation": es256_jws({"typ": "JWT"}, {"sub": "x"}, PROVIDER),
             "OAuth-Client-Attestation-PoP": _pop(issuer)},
            "typ",
        ),
        ({"OAuth-Client-Attestation": "not.a.jwt",
          "OAuth-Client-Attestation-PoP": "x" * 20_000}, "malformed"),
        (
            {"OAuth-Client-Attestation": good.replace(good.split(".")[0], "eyJhbGciOiJub25lIn0"),
             "OAuth-Client-Attestation-PoP": _pop(issuer)},
            "malformed",
        ),
    ]  # fmt: skip


def test_hostile_wallet_attestations_are_refused_with_401(issuer: Issuer, tmp_path: Path) -> None:
    _dev_ca(issuer)
    _settings(issuer, wallet_attestation_trust_file=_trust_file(tmp_path, PROVIDER))
    link, code, _ = _offers(issuer)[0]
    for headers, reason in _hostile(issuer):
        response = _token(issuer, link, code, headers)
        assert response.status_code == 401, (reason, response.text)
        assert response.json()["error"] == "invalid_client"
        assert reason in response.json()["error_description"], response.json()
    # none of the refusals counted against the transaction code or used the offer
    assert _token(issuer, link, code).status_code == 200


# --------------------------------------------------------------------------- batch copies


def _proofs(wallet: SpecWallet, keys: list[ec.EllipticCurvePrivateKey], nonce: str) -> list[str]:
    now = int(wallet.issuer.clock().timestamp())
    claims = {"aud": ISSUER_ID, "iat": now, "nonce": nonce}
    return [es256_jws({"typ": PROOF_TYP, "jwk": p256_public_jwk(k)}, claims, k) for k in keys]


def _batch_request(wallet: SpecWallet, token: str, config: str, proofs: list[str]) -> Any:
    return wallet.http.post(
        "/roc-midden/credential",
        json={"credential_configuration_id": config, "proofs": {"jwt": proofs}},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_batch_copies_one_per_key_each_with_its_own_status_entry(issuer: Issuer) -> None:
    anchor = _dev_ca(issuer)
    _settings(issuer, oid4vci_batch_size=3)
    (link, code, ref), (link2, code2, _), _ = _offers(issuer)
    wallet = SpecWallet(issuer)
    metadata = wallet.metadata()
    assert metadata["batch_credential_issuance"] == {"batch_size": 3}
    offer, token = wallet.access(link, code)
    config = next(i for i in offer["credential_configuration_ids"] if i.endswith("_dc_sd_jwt"))
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(4)]

    too_many = _batch_request(wallet, token, config, _proofs(wallet, keys, wallet.nonce()))
    assert too_many.status_code == 400
    assert too_many.json()["error"] == "invalid_proof"
    same_key = _batch_request(
        wallet, token, config, _proofs(wallet, [keys[0], keys[0]], wallet.nonce())
    )
    assert same_key.json()["error"] == "invalid_proof"
    mixed = _proofs(wallet, keys[:1], wallet.nonce()) + _proofs(wallet, keys[1:2], wallet.nonce())
    assert _batch_request(wallet, token, config, mixed).json()["error"] == "invalid_proof"

    response = _batch_request(wallet, token, config, _proofs(wallet, keys[:3], wallet.nonce()))
    assert response.status_code == 200, response.text
    copies = [item["credential"] for item in response.json()["credentials"]]
    assert len(copies) == 3
    assert len(set(copies)) == 3
    vct = metadata["credential_configurations_supported"][config]["vct"]
    resolve = x5c_key_resolver([anchor], now=issuer.clock())
    now = int(issuer.clock().timestamp())
    statuses = []
    for copy, key in zip(copies, keys, strict=False):
        payload = json.loads(b64url_decode(copy.split("~")[0].split(".")[1]))
        assert payload["cnf"]["jwk"] == p256_public_jwk(key)
        statuses.append(payload["status"]["status_list"])
        result = verify_sd_jwt_vc(
            copy, resolve, now=now, status_lookup=_tsl_lookup(issuer, anchor), vct_values=[vct]
        )
        assert result.verdict == Verdict.VALID, result
    # unlinkable by status: every copy has its own random index (the first the record's)
    assert len({(s["uri"], s["idx"]) for s in statuses}) == 3
    # a retry with the same first key gives the same copies
    retry = _batch_request(wallet, token, config, _proofs(wallet, keys[:3], wallet.nonce()))
    assert [i["credential"] for i in retry.json()["credentials"]] == copies
    # suspending, then revoking the one record flips every copy
    for purpose in ("suspension", "revocation"):
        changed = issuer.client.post(
            "/credentials/status",
            json={"credentialId": ref, "credentialStatus": {
                "type": "BitstringStatusListEntry", "statusPurpose": purpose}, "status": True},
            headers=issuer.auth(issuer.status_token),
        )  # fmt: skip
        assert changed.status_code == 200, changed.text
        for copy in copies:
            result = verify_sd_jwt_vc(
                copy, resolve, now=now, status_lookup=_tsl_lookup(issuer, anchor),
                vct_values=[vct],
            )  # fmt: skip
            check = result.check("status")
            assert check is not None
            assert check.code == ("suspended" if purpose == "suspension" else "revoked"), check

    # ldp_vc copies: one per did:key
    offer, token = wallet.access(link2, code2)
    ldp = next(i for i in offer["credential_configuration_ids"] if i.endswith("_ldp_vc"))
    students = [Ed25519KeyPair.generate() for _ in range(2)]
    nonce = wallet.nonce()
    proofs = []
    for student in students:
        claims = {"aud": ISSUER_ID, "iat": now, "nonce": nonce}
        proofs.append(_eddsa_proof(student, claims))
    response = _batch_request(wallet, token, ldp, proofs)
    assert response.status_code == 200, response.text
    subjects = [i["credential"]["credentialSubject"]["id"] for i in response.json()["credentials"]]
    assert subjects == [s.did_key for s in students]


def _eddsa_proof(key: Ed25519KeyPair, claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    header = {"typ": PROOF_TYP, "alg": "EdDSA", "kid": key.did_key_verification_method}
    head, body = part(header), part(claims)
    signature = base64.urlsafe_b64encode(key.sign(f"{head}.{body}".encode())).rstrip(b"=")
    return f"{head}.{body}.{signature.decode()}"


def test_batch_size_one_turns_batches_off(issuer: Issuer) -> None:
    _dev_ca(issuer)
    _settings(issuer, oid4vci_batch_size=1)
    assert "batch_credential_issuance" not in SpecWallet(issuer).metadata()
    assert BASE_URL in ISSUER_ID


# --------------------------------------------------------------------------- ES256 over did:web


def test_sd_jwt_vc_signed_with_the_did_web_key(issuer: Issuer) -> None:
    anchor = _dev_ca(issuer)
    _settings(issuer, sd_jwt_key_reference="did")
    link, code, _ = _offers(issuer)[0]
    wallet = SpecWallet(issuer)
    offer, token = wallet.access(link, code)
    config = next(i for i in offer["credential_configuration_ids"] if i.endswith("_dc_sd_jwt"))
    compact = wallet.sd_jwt(token, config, ec.generate_private_key(ec.SECP256R1()))
    header = json.loads(b64url_decode(compact.split(".")[0]))
    payload = json.loads(b64url_decode(compact.split("~")[0].split(".")[1]))
    assert payload["iss"] == issuer.did
    assert header["kid"].startswith(f"{issuer.did}#p256-")
    assert "x5c" not in header
    document = issuer.client.get("/roc-midden/did.json").json()
    method = next(m for m in document["verificationMethod"] if m["id"] == header["kid"])
    assert method["type"] == "JsonWebKey"
    assert set(method["publicKeyJwk"]) == {"kty", "crv", "x", "y"}
    assert header["kid"] in document["assertionMethod"]
    resolver = did_key_resolver(StaticDidResolver({issuer.did: document}))
    now = int(issuer.clock().timestamp())
    result = verify_sd_jwt_vc(compact, resolver, now=now, status_lookup=_tsl_lookup(issuer, anchor))
    assert result.verdict == Verdict.VALID, result

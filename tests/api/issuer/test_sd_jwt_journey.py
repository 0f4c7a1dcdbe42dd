"""The journey of issue 13: a school issues a batch; a small OpenID4VCI 1.0 client written
here from the spec (HTTP, JSON and JOSE by hand with cryptography; not our wallet code)
redeems one offer as ``dc+sd-jwt`` and then ``ldp_vc`` with the same access token, and
another as ``ldp_vc``; all verify (the SD-JWT VC
against the development CA root, the ldp_vc with ``verify_credential``); after revocation
both status mechanisms say revoked. SQLite and PostgreSQL (the ``issuer`` fixture)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from credentials.did import StaticDidResolver
from credentials.keys import Ed25519KeyPair
from credentials.results import Verdict
from credentials.sd_jwt_vc import verify_sd_jwt_vc, x5c_key_resolver
from credentials.token_status_list import StatusReference
from credentials.verification import verify_credential
from issuer.services.organisations import get_organisation
from issuer.services.x509_keys import create_dev_chain
from web_common.db import UnitOfWork

from .conftest import BASE_URL, Issuer, run_batch
from .spec_jose import b64url, b64url_decode, es256_jws, p256_public_jwk, read_x5c_jws, status_at
from .test_batch_api import GOOD, _upload

ISSUER_ID = f"{BASE_URL}/roc-midden"
PROOF_TYP = "openid4vci-proof+jwt"


def _path(url: str) -> str:
    assert url.startswith(BASE_URL), url
    return url.removeprefix(BASE_URL)


class SpecWallet:
    """OpenID4VCI 1.0 pre-authorized code flow, §4.1.3 offer by reference, §6 token, §7
    nonce, §8 credential with a ``jwt`` key proof (§F.1)."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer
        self.http = issuer.client

    def metadata(self) -> dict[str, Any]:
        response = self.http.get("/.well-known/openid-credential-issuer/roc-midden")
        assert response.status_code == 200
        return dict(response.json())

    def access(self, offer_link: str, tx_code: str) -> tuple[dict[str, Any], str]:
        query = parse_qs(urlsplit(offer_link).query)
        offer = self.http.get(_path(query["credential_offer_uri"][0])).json()
        assert offer["credential_issuer"] == ISSUER_ID
        grant = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
        token = self.http.post(
            "/roc-midden/token",
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                "pre-authorized_code": grant["pre-authorized_code"],
                "tx_code": tx_code,
            },
        )
        assert token.status_code == 200, token.text
        assert token.json()["token_type"] == "Bearer"
        return offer, str(token.json()["access_token"])

    def nonce(self) -> str:
        return str(self.http.post("/roc-midden/nonce").json()["c_nonce"])

    def claims(self) -> dict[str, Any]:
        now = int(self.issuer.clock().timestamp())
        return {"aud": ISSUER_ID, "iat": now, "nonce": self.nonce()}

    def request(self, access_token: str, config_id: str, proof: str) -> Any:
        return self.http.post(
            "/roc-midden/credential",
            json={"credential_configuration_id": config_id, "proofs": {"jwt": [proof]}},
            headers={"Authorization": f"Bearer {access_token}"},
        )

    def sd_jwt(self, access_token: str, config_id: str, key: ec.EllipticCurvePrivateKey) -> str:
        header = {"typ": PROOF_TYP, "jwk": p256_public_jwk(key)}
        response = self.request(access_token, config_id, es256_jws(header, self.claims(), key))
        assert response.status_code == 200, response.text
        return str(response.json()["credentials"][0]["credential"])

    def eddsa_proof(self, key: Ed25519KeyPair) -> str:
        header = {"typ": PROOF_TYP, "alg": "EdDSA", "kid": key.did_key_verification_method}
        head = b64url(json.dumps(header).encode())
        body = b64url(json.dumps(self.claims()).encode())
        return f"{head}.{body}.{b64url(key.sign(f'{head}.{body}'.encode()))}"

    def ldp_vc(self, access_token: str, config_id: str, key: Ed25519KeyPair) -> dict[str, Any]:
        response = self.request(access_token, config_id, self.eddsa_proof(key))
        assert response.status_code == 200, response.text
        return dict(response.json()["credentials"][0]["credential"])


def _dev_ca(issuer: Issuer) -> x509.Certificate:
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        root = create_dev_chain(
            uow, get_organisation(uow, "roc-midden"), app.state.box,  # type: ignore[attr-defined]
            issuer_id=ISSUER_ID, now=issuer.clock(), actor="test",
        )  # fmt: skip
        uow.commit()
    return root.certificate


def _check_metadata(metadata: dict[str, Any]) -> None:
    """OpenID4VCI 1.0 §12.2.4 and Appendix A.3.2 shape (../shared/vectors/openid4vc)."""
    assert metadata["credential_issuer"] == ISSUER_ID
    assert metadata["credential_endpoint"] == f"{ISSUER_ID}/credential"
    assert metadata["nonce_endpoint"] == f"{ISSUER_ID}/nonce"
    configs = metadata["credential_configurations_supported"]
    sd = {k: v for k, v in configs.items() if v["format"] == "dc+sd-jwt"}
    ldp = {k: v for k, v in configs.items() if v["format"] == "ldp_vc"}
    assert len(sd) == 8
    assert len(ldp) >= 8
    for config in sd.values():
        assert config["vct"].startswith("https://w3id.org/mbo-wallet/vct/")
        assert config["cryptographic_binding_methods_supported"] == ["jwk"]
        assert "ES256" in config["credential_signing_alg_values_supported"]
        assert (
            "ES256" in config["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
        )
        locales = {d["locale"] for d in config["credential_metadata"]["display"]}
        assert locales == {"nl-NL", "en-US"}


def _tsl_lookup(issuer: Issuer, anchor: x509.Certificate) -> Any:
    def lookup(reference: StatusReference) -> int | None:
        response = issuer.client.get(_path(reference.uri))
        _, claims = read_x5c_jws(response.text, anchor, issuer.clock())
        assert claims["sub"] == reference.uri
        return status_at(claims["status_list"], reference.index)

    return lookup


def test_batch_redeemed_as_sd_jwt_and_ldp_vc_both_revocable(issuer: Issuer) -> None:
    anchor = _dev_ca(issuer)
    batch = _upload(issuer, GOOD).json()
    run_batch(issuer, batch["id"])
    rows = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
    lines = [line.split(";") for line in rows.content.decode("utf-8-sig").splitlines()]
    header, first, second = lines[0], lines[1], lines[2]
    link, code = header.index("offer_link"), header.index("transactiecode")
    wallet = SpecWallet(issuer)
    metadata = wallet.metadata()
    _check_metadata(metadata)

    # one offer as dc+sd-jwt
    offer, token = wallet.access(first[link], first[code])
    sd_config = next(i for i in offer["credential_configuration_ids"] if i.endswith("_dc_sd_jwt"))
    holder = ec.generate_private_key(ec.SECP256R1())
    compact = wallet.sd_jwt(token, sd_config, holder)
    assert wallet.sd_jwt(token, sd_config, holder) == compact  # a retry: the same credential
    # the same offer and access token in the other format too (§8: one request per
    # credential configuration): the same record, bound to the wallet's Ed25519 key
    other = next(i for i in offer["credential_configuration_ids"] if i.endswith("_ldp_vc"))
    same_record = wallet.ldp_vc(token, other, Ed25519KeyPair.generate())
    vct = metadata["credential_configurations_supported"][sd_config]["vct"]
    issuer_jwt, *disclosures = compact.split("~")
    assert disclosures[-1] == ""  # no KB-JWT at issuance
    jwt_header = json.loads(b64url_decode(issuer_jwt.split(".")[0]))
    assert jwt_header["typ"] == "dc+sd-jwt"
    assert jwt_header["alg"] == "ES256"
    payload = json.loads(b64url_decode(issuer_jwt.split(".")[1]))
    assert payload["iss"] == ISSUER_ID
    assert payload["vct"] == vct
    assert payload["cnf"]["jwk"] == p256_public_jwk(holder)
    assert payload["status"]["status_list"]["uri"] == f"{ISSUER_ID}/token-status/1"
    kind = vct.rsplit("/", 1)[1]
    served = issuer.client.get(f"/vct/{kind}")
    assert served.status_code == 200
    assert served.json()["vct"] == vct
    now = int(issuer.clock().timestamp())
    resolve = x5c_key_resolver([anchor], now=issuer.clock())
    result = verify_sd_jwt_vc(
        compact, resolve, now=now, status_lookup=_tsl_lookup(issuer, anchor), vct_values=[vct]
    )
    assert result.verdict == Verdict.VALID, result
    assert result.credential is not None
    assert result.credential["holder_name"] == "Sanne de Vries"

    # another offer as ldp_vc
    offer, token = wallet.access(second[link], second[code])
    ldp_config = next(i for i in offer["credential_configuration_ids"] if i.endswith("_ldp_vc"))
    student = Ed25519KeyPair.generate()
    vc = wallet.ldp_vc(token, ldp_config, student)
    assert vc["credentialSubject"]["id"] == student.did_key
    doc = issuer.client.get("/roc-midden/did.json").json()

    def verify_ldp() -> Any:
        return verify_credential(
            vc, resolver=StaticDidResolver({issuer.did: doc}),
            now=issuer.clock() + timedelta(minutes=1),
            fetch_status_list=lambda url: dict(issuer.client.get(_path(url)).json()),
        )  # fmt: skip

    assert verify_ldp().verdict == Verdict.VALID

    # revoke both records: both mechanisms say revoked
    credential_ids = [first[header.index("credential_id")], second[header.index("credential_id")]]
    for credential_id in credential_ids:
        response = issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": credential_id,
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                },
                "status": True,
            },
            headers=issuer.auth(issuer.status_token),
        )
        assert response.status_code == 200, response.text
    revoked = verify_sd_jwt_vc(
        compact, resolve, now=now, status_lookup=_tsl_lookup(issuer, anchor), vct_values=[vct]
    )
    assert revoked.verdict == Verdict.INVALID
    status, proof = revoked.check("status"), revoked.check("proof")
    assert status is not None
    assert status.code == "revoked"
    assert proof is not None
    assert proof.outcome.value == "passed"
    ldp_revoked = verify_ldp()
    assert ldp_revoked.verdict == Verdict.INVALID
    assert ldp_revoked.check("status").code == "revoked"
    same_revoked = verify_credential(
        same_record, resolver=StaticDidResolver({issuer.did: doc}),
        now=issuer.clock() + timedelta(minutes=1),
        fetch_status_list=lambda url: dict(issuer.client.get(_path(url)).json()),
    )  # fmt: skip
    assert same_revoked.verdict == Verdict.INVALID  # both formats of the first record
    same_status = same_revoked.check("status")
    assert same_status is not None
    assert same_status.code == "revoked"

"""One offer, both formats (OpenID4VCI 1.0 §8: several credential requests with one access
token, each naming its ``credential_configuration_id`` with its own key proof and nonce):
the wallet may fetch the same record once per offered configuration, in either order; a
repeat of a configuration gives the stored copy (another key is refused); a configuration
the offer does not name is refused; an expired access token is refused. The audit log names
the formats delivered. SQLite and PostgreSQL (the ``issuer`` fixture)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from credentials.keys import Ed25519KeyPair
from issuer.db.tables import AuditEvent
from web_common.db import UnitOfWork

from .conftest import Issuer, run_batch
from .spec_jose import b64url_decode, es256_jws, p256_public_jwk
from .test_batch_api import GOOD, _upload
from .test_sd_jwt_journey import PROOF_TYP, SpecWallet, _dev_ca


def _offers(issuer: Issuer) -> list[tuple[str, str]]:
    _dev_ca(issuer)
    batch = _upload(issuer, GOOD).json()
    run_batch(issuer, batch["id"])
    rows = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
    lines = [line.split(";") for line in rows.content.decode("utf-8-sig").splitlines()]
    link, code = lines[0].index("offer_link"), lines[0].index("transactiecode")
    return [(line[link], line[code]) for line in lines[1:]]


def _configs(offer: dict[str, Any]) -> tuple[str, str]:
    ids = offer["credential_configuration_ids"]
    return (
        next(i for i in ids if i.endswith("_ldp_vc")),
        next(i for i in ids if i.endswith("_dc_sd_jwt")),
    )


def _sd_jwt_payload(compact: str) -> dict[str, Any]:
    return dict(json.loads(b64url_decode(compact.split("~")[0].split(".")[1])))


def _redeem_events(issuer: Issuer) -> list[dict[str, Any]]:
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        rows = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "offer.redeem").order_by(AuditEvent.id)
        ).all()
        return [json.loads(row.detail) for row in rows]


def test_ldp_vc_then_sd_jwt_of_one_record(issuer: Issuer) -> None:
    (link, code), *_ = _offers(issuer)
    wallet = SpecWallet(issuer)
    offer, token = wallet.access(link, code)
    ldp_config, sd_config = _configs(offer)
    student = Ed25519KeyPair.generate()
    vc = wallet.ldp_vc(token, ldp_config, student)
    holder = ec.generate_private_key(ec.SECP256R1())
    compact = wallet.sd_jwt(token, sd_config, holder)
    assert vc["credentialSubject"]["id"] == student.did_key
    payload = _sd_jwt_payload(compact)
    assert payload["cnf"]["jwk"] == p256_public_jwk(holder)
    assert "credentialStatus" in vc
    assert "status_list" in payload["status"]  # one record, both status mechanisms
    events = _redeem_events(issuer)
    assert [e["format"] for e in events] == ["ldp_vc", "dc+sd-jwt"]
    assert events[-1]["formats"] == ["dc+sd-jwt", "ldp_vc"]
    assert [e["credential_configuration_id"] for e in events] == [ldp_config, sd_config]


def test_sd_jwt_then_ldp_vc_and_retries_of_each(issuer: Issuer) -> None:
    (link, code), *_ = _offers(issuer)
    wallet = SpecWallet(issuer)
    offer, token = wallet.access(link, code)
    ldp_config, sd_config = _configs(offer)
    holder = ec.generate_private_key(ec.SECP256R1())
    compact = wallet.sd_jwt(token, sd_config, holder)
    student = Ed25519KeyPair.generate()
    vc = wallet.ldp_vc(token, ldp_config, student)
    # the same configuration again with the same key: the copy delivered the first time
    assert wallet.sd_jwt(token, sd_config, holder) == compact
    assert wallet.ldp_vc(token, ldp_config, student) == vc
    # ... and with another key: refused, both formats
    other = ec.generate_private_key(ec.SECP256R1())
    proof = es256_jws({"typ": PROOF_TYP, "jwk": p256_public_jwk(other)}, wallet.claims(), other)
    refused = wallet.request(token, sd_config, proof)
    assert refused.status_code == 400
    assert refused.json()["error"] == "credential_request_denied"
    refused = wallet.request(token, ldp_config, wallet.eddsa_proof(Ed25519KeyPair.generate()))
    assert refused.status_code == 400
    assert refused.json()["error"] == "credential_request_denied"
    assert [e["format"] for e in _redeem_events(issuer)] == ["dc+sd-jwt", "ldp_vc"]


def test_a_configuration_the_offer_does_not_name_is_refused(issuer: Issuer) -> None:
    (link, code), *_ = _offers(issuer)
    wallet = SpecWallet(issuer)
    offer, token = wallet.access(link, code)
    _, sd_config = _configs(offer)
    configs = wallet.metadata()["credential_configurations_supported"]
    other_kind = next(
        i for i, c in configs.items() if c["format"] == "dc+sd-jwt" and i != sd_config
    )
    holder = ec.generate_private_key(ec.SECP256R1())
    proof = es256_jws({"typ": PROOF_TYP, "jwk": p256_public_jwk(holder)}, wallet.claims(), holder)
    refused = wallet.request(token, other_kind, proof)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_credential_request"
    unknown = wallet.request(
        token, "no_such_configuration", wallet.eddsa_proof(Ed25519KeyPair.generate())
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "unknown_credential_configuration"
    assert _redeem_events(issuer) == []
    assert wallet.sd_jwt(token, sd_config, holder)  # the offered ones still work


def test_the_second_format_after_the_access_token_expired(issuer: Issuer) -> None:
    (link, code), *_ = _offers(issuer)
    wallet = SpecWallet(issuer)
    offer, token = wallet.access(link, code)
    ldp_config, sd_config = _configs(offer)
    wallet.ldp_vc(token, ldp_config, Ed25519KeyPair.generate())
    issuer.clock.now += timedelta(seconds=301)  # the default access token lifetime is 300 s
    holder = ec.generate_private_key(ec.SECP256R1())
    proof = es256_jws({"typ": PROOF_TYP, "jwk": p256_public_jwk(holder)}, wallet.claims(), holder)
    refused = wallet.request(token, sd_config, proof)
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in refused.headers["www-authenticate"]
    assert [e["format"] for e in _redeem_events(issuer)] == ["ldp_vc"]

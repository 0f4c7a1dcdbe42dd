"""OpenID4VCI delivery end to end in-process: a wallet built from credentials.oid4vci redeems
an offer (pre-authorized code + transaction code), proves its key and receives a credential
bound to it, which the real verification engine checks; every refusal has its OAuth error."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, event, select, text

from credentials.did import StaticDidResolver
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.oid4vci import (
    CREDENTIAL_OFFER_SCHEME,
    PRE_AUTHORIZED_GRANT,
    CredentialOffer,
    authorization_server_metadata_url,
    build_credential_request,
    create_key_proof,
    issuer_metadata_url,
    parse_authorization_server_metadata,
    parse_credential_offer,
    parse_credential_response,
    parse_issuer_metadata,
    parse_offer_uri,
    parse_token_response,
    token_request_form,
)
from credentials.results import Verdict
from credentials.verification import verify_credential
from issuer.db.offer_tables import CredentialOffer as OfferRow
from issuer.db.tables import IssuedCredential
from issuer.services.errors import ConflictError
from issuer.services.offers import (
    CreatedOffer,
    _offers_configuration,
    create_offer,
    create_offers_many,
    offer_email,
)
from issuer.services.organisations import get_organisation
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from .conftest import BASE_URL, Issuer

HOLDER = Ed25519KeyPair.from_seed(bytes(range(40, 72)))
OTHER = Ed25519KeyPair.from_seed(bytes(range(80, 112)))
ISSUER_ID = f"{BASE_URL}/roc-midden"
CONFIG_ID = "MboCertificaatCredential_ldp_vc"


def _path(url: str) -> str:
    assert url.startswith(BASE_URL), url
    return url.removeprefix(BASE_URL)


def _issue(
    issuer: Issuer, credential_id: str = "urn:uuid:6b7a0f44-0000-4000-8000-000000000001"
) -> Any:
    credential = mbo_certificaat(
        issuer_id=issuer.did, subject_id="unused", credential_id=credential_id
    )
    del credential["credentialSubject"]["id"]  # the learner's key is not known at issuance
    response = issuer.client.post(
        "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
    )
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def _offer(issuer: Issuer, credential_id: str) -> CreatedOffer:
    state = issuer.client.app.state  # type: ignore[attr-defined]
    with UnitOfWork(state.sessions) as uow:
        org = get_organisation(uow, "roc-midden")
        row = uow.session.scalar(
            select(IssuedCredential).where(IssuedCredential.credential_ref == credential_id)
        )
        assert row is not None
        created = create_offer(
            uow, org, row, public_base_url=BASE_URL, now=issuer.clock(), box=state.box
        )
        uow.commit()
    return created


@dataclass
class Wallet:
    """The client side, step by step, using only the pure protocol helpers and HTTP."""

    issuer: Issuer
    key: Ed25519KeyPair = HOLDER

    def offer(self, offer_uri: str) -> CredentialOffer:
        parsed = parse_offer_uri(offer_uri, allow_http=True)
        assert parsed.credential_offer_uri is not None
        response = self.issuer.client.get(_path(parsed.credential_offer_uri))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert "no-store" in response.headers["cache-control"]
        return parse_credential_offer(response.json(), allow_http=True)

    def endpoints(self, offer: CredentialOffer) -> tuple[str, str, str]:
        url = issuer_metadata_url(offer.credential_issuer)
        assert url == f"{BASE_URL}/.well-known/openid-credential-issuer/roc-midden"
        metadata = parse_issuer_metadata(
            self.issuer.client.get(_path(url)).json(),
            expected_issuer=offer.credential_issuer,
            allow_http=True,
        )
        for config_id in offer.credential_configuration_ids:
            assert metadata.configurations[config_id]["format"] == "ldp_vc"
        as_url = authorization_server_metadata_url(metadata.authorization_server)
        server = parse_authorization_server_metadata(
            self.issuer.client.get(_path(as_url)).json(),
            expected_issuer=metadata.authorization_server,
            allow_http=True,
        )
        assert server.anonymous_pre_authorized
        assert metadata.nonce_endpoint is not None
        return server.token_endpoint, metadata.nonce_endpoint, metadata.credential_endpoint

    def token(self, offer: CredentialOffer, tx_code: str | None) -> Any:
        token_endpoint, _, _ = self.endpoints(offer)
        assert offer.pre_authorized_code is not None
        form = token_request_form(offer.pre_authorized_code, tx_code)
        return self.issuer.client.post(_path(token_endpoint), data=form)

    def nonce(self) -> str:
        response = self.issuer.client.post("/roc-midden/nonce")
        assert response.status_code == 200
        assert response.headers["cache-control"].startswith("no-store")
        return str(response.json()["c_nonce"])

    def proof(
        self, nonce: str | None, *, audience: str = ISSUER_ID, key: Ed25519KeyPair | None = None
    ) -> str:
        return create_key_proof(
            key or self.key,
            audience=audience,
            nonce=nonce,
            issued_at=self.issuer.clock(),
            kid=self.key.did_key_verification_method,
        )

    def credential(self, access_token: str | None, proof: str, config_id: str = CONFIG_ID) -> Any:
        headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        return self.issuer.client.post(
            "/roc-midden/credential",
            json=build_credential_request(config_id, [proof]),
            headers=headers,
        )

    def receive(self, created: CreatedOffer, tx_code: str | None = None) -> Any:
        offer = self.offer(created.offer_uri)
        response = self.token(offer, tx_code or created.tx_code)
        assert response.status_code == 200, response.text
        access = parse_token_response(response.json())
        delivered = self.credential(access.access_token, self.proof(self.nonce()))
        assert delivered.status_code == 200, delivered.text
        return parse_credential_response(delivered.json())[0]


def _verify(issuer: Issuer, credential: Any) -> Any:
    doc = issuer.client.get("/roc-midden/did.json").json()

    def fetch(url: str) -> dict[str, Any]:
        response = issuer.client.get(_path(url))
        response.raise_for_status()
        return dict(response.json())

    return verify_credential(
        credential,
        resolver=StaticDidResolver({issuer.did: doc}),
        now=issuer.clock() + timedelta(minutes=1),
        fetch_status_list=fetch,
    )


def _error(response: Any, status: int, error: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert "no-store" in response.headers["cache-control"]
    body = response.json()
    assert body["error"] == error, body
    description = str(body.get("error_description", ""))
    assert description.isascii()
    assert '"' not in description
    return description


def _token(issuer: Issuer, created: CreatedOffer) -> str:
    wallet = Wallet(issuer)
    response = wallet.token(wallet.offer(created.offer_uri), created.tx_code)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


# --------------------------------------------------------------------------- happy path


def test_wallet_receives_a_valid_credential_bound_to_its_key(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    assert created.offer_uri.startswith(CREDENTIAL_OFFER_SCHEME + "?credential_offer_uri=")
    assert len(created.tx_code) == 6
    assert created.tx_code.isdigit()
    assert created.expires_at == issuer.clock() + timedelta(days=30)

    offer = Wallet(issuer).offer(created.offer_uri)
    assert offer.credential_issuer == ISSUER_ID
    assert offer.credential_configuration_ids == (CONFIG_ID,)
    assert offer.tx_code is not None
    assert (offer.tx_code.input_mode, offer.tx_code.length) == ("numeric", 6)

    credential = Wallet(issuer).receive(created)
    assert credential["credentialSubject"]["id"] == HOLDER.did_key
    assert credential["id"] == issued["id"]
    assert credential["credentialStatus"] == issued["credentialStatus"]
    assert [p["verificationMethod"] for p in credential["proof"]] == [f"{issuer.did}#key-1"]
    result = _verify(issuer, credential)
    assert result.verdict is Verdict.VALID, result.to_json()
    # the plain download (as issued) still verifies too
    assert _verify(issuer, issued).verdict is Verdict.VALID


def test_metadata_documents(issuer: Issuer) -> None:
    metadata = issuer.client.get("/.well-known/openid-credential-issuer/roc-midden")
    assert metadata.status_code == 200
    body = metadata.json()
    assert body["credential_issuer"] == ISSUER_ID
    assert body["credential_endpoint"] == f"{ISSUER_ID}/credential"
    assert body["nonce_endpoint"] == f"{ISSUER_ID}/nonce"
    assert "authorization_servers" not in body  # the issuer is its own AS
    configs = body["credential_configurations_supported"]
    assert {
        "MboCertificaatCredential_ldp_vc",
        "PraktijkverklaringCredential_ldp_vc",
        "EvcCredential_ldp_vc",
        "VrijstellingCredential_ldp_vc",
        "DiplomaCredential_ldp_vc",
        "MboVerklaringCredential_ldp_vc",
        "ExamenresultaatCredential_ldp_vc",
        "BranchecertificaatCredential_ldp_vc",
    } <= set(configs)
    config = configs[CONFIG_ID]
    assert config["credential_definition"]["type"][-1] == "MboCertificaatCredential"
    assert config["credential_definition"]["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert config["cryptographic_binding_methods_supported"] == ["did:key"]
    assert config["proof_types_supported"] == {
        "jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}
    }
    server = issuer.client.get("/.well-known/oauth-authorization-server/roc-midden").json()
    assert server["issuer"] == ISSUER_ID
    assert server["token_endpoint"] == f"{ISSUER_ID}/token"
    assert server["grant_types_supported"] == [PRE_AUTHORIZED_GRANT]
    assert server["pre-authorized_grant_anonymous_access_supported"] is True
    missing = issuer.client.get("/.well-known/openid-credential-issuer/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_qr_code_and_email(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    qr = issuer.client.get(_path(created.qr_url))
    assert qr.status_code == 200
    assert qr.headers["content-type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") or b"<svg" in qr.content[:200]
    subject, body = offer_email(
        organisation_name="ROC Midden Nederland",
        student_name="Sanne de Vries",
        credential_title="mbo-certificaat",
        offer=created,
    )
    assert "mbo-certificaat" in subject
    assert created.offer_uri in body
    assert created.qr_url in body
    assert created.tx_code not in body
    assert "6 cijfers" in body
    assert "6-digit code" in body


# --------------------------------------------------------------------------- single use


def test_an_offer_is_redeemed_once(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    wallet = Wallet(issuer)
    offer = wallet.offer(created.offer_uri)
    first = wallet.token(offer, created.tx_code)
    assert first.status_code == 200
    assert first.headers["cache-control"].startswith("no-store")
    token = first.json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 300
    _error(wallet.token(offer, created.tx_code), 400, "invalid_grant")
    gone = issuer.client.get(_path(created.credential_offer_uri))
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"

    delivered = wallet.credential(token["access_token"], wallet.proof(wallet.nonce()))
    assert delivered.status_code == 200
    # a retry (lost response) by the same holder gets the same credential ...
    again = wallet.credential(token["access_token"], wallet.proof(wallet.nonce()))
    assert again.json() == delivered.json()
    # ... another key cannot take it over
    thief = Wallet(issuer, OTHER)
    _error(
        thief.credential(token["access_token"], thief.proof(thief.nonce())),
        400,
        "credential_request_denied",
    )


def test_a_new_offer_replaces_the_old_one(issuer: Issuer) -> None:
    issued = _issue(issuer)
    old = _offer(issuer, issued["id"])
    new = _offer(issuer, issued["id"])
    assert issuer.client.get(_path(old.credential_offer_uri)).status_code == 410
    wallet = Wallet(issuer)
    assert wallet.receive(new)["credentialSubject"]["id"] == HOLDER.did_key


def test_revoked_credentials_are_not_offered(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    access = _token(issuer, created)
    _revoke(issuer, issued["id"])
    wallet = Wallet(issuer)
    denied = wallet.credential(access, wallet.proof(wallet.nonce()))
    _error(denied, 400, "credential_request_denied")
    assert denied.json()["refusal"] == "credential_revoked"
    with pytest.raises(ConflictError):
        _offer(issuer, issued["id"])


# --------------------------------------------------------------------------- token endpoint


def test_wrong_tx_code_and_lock_after_five(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    wallet = Wallet(issuer)
    offer = wallet.offer(created.offer_uri)
    wrong = f"{(int(created.tx_code) + 1) % 10**6:06d}"
    assert "tx_code" in _error(wallet.token(offer, None), 400, "invalid_request")
    for left in (4, 3, 2, 1):
        description = _error(wallet.token(offer, wrong), 400, "invalid_grant")
        assert f"{left} attempt(s) left" in description
    assert "locked" in _error(wallet.token(offer, wrong), 400, "invalid_grant")
    _error(wallet.token(offer, created.tx_code), 400, "invalid_grant")
    assert issuer.client.get(_path(created.credential_offer_uri)).status_code == 410


def test_token_refusals_carry_a_stable_code_beside_the_protocol_error(issuer: Issuer) -> None:
    """``error`` stays the RFC 6749 code; ``refusal`` (and ``attempts_left``) say precisely
    why, so a wallet never has to read ``error_description``."""
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    wallet = Wallet(issuer)
    offer = wallet.offer(created.offer_uri)
    wrong = f"{(int(created.tx_code) + 1) % 10**6:06d}"
    post = issuer.client.post
    unknown = post("/roc-midden/token", data=token_request_form("guessed", "123456")).json()
    assert (unknown["error"], unknown["refusal"]) == ("invalid_grant", "offer_unknown")
    missing = wallet.token(offer, None).json()
    assert (missing["error"], missing["refusal"]) == ("invalid_request", "tx_code_required")
    refused = wallet.token(offer, wrong).json()
    assert (refused["error"], refused["refusal"]) == ("invalid_grant", "tx_code_wrong")
    assert refused["attempts_left"] == 4
    assert wallet.token(offer, created.tx_code).status_code == 200
    used = wallet.token(offer, created.tx_code).json()
    assert (used["error"], used["refusal"]) == ("invalid_grant", "offer_used")
    assert "attempts_left" not in used

    other = _offer(issuer, _issue(issuer, "urn:uuid:6b7a0f44-0000-4000-8000-000000000002")["id"])
    locked_offer = wallet.offer(other.offer_uri)
    other_wrong = f"{(int(other.tx_code) + 1) % 10**6:06d}"
    answers = [wallet.token(locked_offer, other_wrong).json() for _ in range(6)]
    assert [a["refusal"] for a in answers] == ["tx_code_wrong"] * 4 + ["offer_locked"] * 2
    assert answers[4]["attempts_left"] == 0
    assert wallet.token(locked_offer, other.tx_code).json()["refusal"] == "offer_locked"


def test_expired_offer(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    wallet = Wallet(issuer)
    offer = wallet.offer(created.offer_uri)
    issuer.clock.now += timedelta(days=30, seconds=1)
    expired = wallet.token(offer, created.tx_code)
    _error(expired, 400, "invalid_grant")
    assert expired.json()["refusal"] == "offer_expired"
    assert issuer.client.get(_path(created.credential_offer_uri)).status_code == 410
    assert issuer.client.get(_path(created.qr_url)).status_code == 410


def test_malformed_token_requests(issuer: Issuer) -> None:
    post = issuer.client.post
    _error(post("/roc-midden/token", json={"grant_type": "x"}), 400, "invalid_request")
    _error(post("/roc-midden/token", data={}), 400, "invalid_request")
    _error(
        post("/roc-midden/token", data={"grant_type": "authorization_code", "code": "x"}),
        400,
        "unsupported_grant_type",
    )
    _error(
        post("/roc-midden/token", data={"grant_type": PRE_AUTHORIZED_GRANT}),
        400,
        "invalid_request",
    )
    form = "&".join(
        [f"grant_type={PRE_AUTHORIZED_GRANT}", "pre-authorized_code=a", "pre-authorized_code=b"]
    )
    duplicated = post(
        "/roc-midden/token",
        content=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _error(duplicated, 400, "invalid_request")
    _error(
        post("/roc-midden/token", data=token_request_form("guessed", "123456")),
        400,
        "invalid_grant",
    )


# --------------------------------------------------------------------------- credential endpoint


def test_access_token_problems(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    access = _token(issuer, created)
    wallet = Wallet(issuer)
    for token in (None, "not-a-token"):
        response = wallet.credential(token, wallet.proof(wallet.nonce()))
        _error(response, 401, "invalid_token")
        assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    issuer.clock.now += timedelta(minutes=5)
    _error(wallet.credential(access, wallet.proof(wallet.nonce())), 401, "invalid_token")


def test_nonce_problems(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    wallet = Wallet(issuer)
    early = wallet.nonce()
    issuer.clock.now += timedelta(minutes=4)
    access = _token(issuer, created)
    assert "nonce" in _error(wallet.credential(access, wallet.proof(None)), 400, "invalid_proof")
    _error(wallet.credential(access, wallet.proof("made-up-nonce")), 400, "invalid_nonce")
    issuer.clock.now += timedelta(minutes=2)  # the early nonce is 6 minutes old now
    _error(wallet.credential(access, wallet.proof(early)), 400, "invalid_nonce")
    fresh = wallet.nonce()
    assert wallet.credential(access, wallet.proof(fresh)).status_code == 200
    _error(wallet.credential(access, wallet.proof(fresh)), 400, "invalid_nonce")  # replayed


def test_key_proof_problems(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    access = _token(issuer, created)
    wallet = Wallet(issuer)
    forged = wallet.proof(wallet.nonce(), key=OTHER)  # kid names HOLDER, signed by OTHER
    assert "signature" in _error(wallet.credential(access, forged), 400, "invalid_proof")
    elsewhere = wallet.proof(wallet.nonce(), audience="https://other-issuer.example")
    assert "aud" in _error(wallet.credential(access, elsewhere), 400, "invalid_proof")
    stale = create_key_proof(
        HOLDER,
        audience=ISSUER_ID,
        nonce=wallet.nonce(),
        issued_at=issuer.clock() - timedelta(hours=1),
    )
    _error(wallet.credential(access, stale), 400, "invalid_proof")
    _error(wallet.credential(access, "not.a.jwt"), 400, "invalid_proof")
    # none of these used the offer up
    assert wallet.credential(access, wallet.proof(wallet.nonce())).status_code == 200


def test_credential_request_problems(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    access = _token(issuer, created)
    wallet = Wallet(issuer)
    _error(
        wallet.credential(access, wallet.proof(wallet.nonce()), "NoSuchCredential_ldp_vc"),
        400,
        "unknown_credential_configuration",
    )
    _error(
        wallet.credential(access, wallet.proof(wallet.nonce()), "DiplomaCredential_ldp_vc"),
        400,
        "invalid_credential_request",
    )
    auth = {"Authorization": f"Bearer {access}"}
    post = issuer.client.post
    _error(
        post("/roc-midden/credential", json={"credential_configuration_id": CONFIG_ID},
             headers=auth),
        400,
        "invalid_proof",
    )  # fmt: skip
    _error(
        post("/roc-midden/credential", content=b"{nope", headers={**auth,
             "Content-Type": "application/json"}),
        400,
        "invalid_credential_request",
    )  # fmt: skip
    _error(
        post("/roc-midden/credential", data={"credential_configuration_id": CONFIG_ID},
             headers=auth),
        400,
        "invalid_credential_request",
    )  # fmt: skip


# --------------------------------------------------------------------------- storage, status


def test_codes_and_tokens_are_not_stored_in_clear(issuer: Issuer) -> None:
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    wallet = Wallet(issuer)
    offer = wallet.offer(created.offer_uri)
    access = wallet.token(offer, created.tx_code).json()["access_token"]
    nonce = wallet.nonce()
    assert wallet.credential(access, wallet.proof(nonce)).status_code == 200
    handle = created.credential_offer_uri.rsplit("/", 1)[1]
    secrets_ = [handle, str(offer.pre_authorized_code), created.tx_code, access, nonce]
    engine = create_engine(issuer.database_url)
    dumped = []
    with engine.connect() as connection:
        for table in ("credential_offer", "oid4vci_access_token", "oid4vci_nonce", "audit_event"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                dumped.append(json.dumps([str(v) for v in row]))
        tx_hashes = [
            r[0] for r in connection.execute(text("SELECT tx_code_hash FROM credential_offer"))
        ]
    engine.dispose()
    everything = "\n".join(dumped)
    for secret in secrets_:
        assert secret not in everything
    assert tx_hashes
    assert all(h.startswith("hmac-sha256$") for h in tx_hashes)  # one path: keyed digests
    assert '"offer.create"' in everything
    assert '"offer.redeem"' in everything


def _batch_offer(issuer: Issuer, credential_id: str) -> tuple[CreatedOffer, str]:
    """An offer as batch issuance makes them, and its stored transaction code hash."""
    state = issuer.client.app.state  # type: ignore[attr-defined]
    with UnitOfWork(state.sessions) as uow:
        org = get_organisation(uow, "roc-midden")
        row = uow.session.scalar(
            select(IssuedCredential).where(IssuedCredential.credential_ref == credential_id)
        )
        assert row is not None
        [created] = create_offers_many(
            uow, org, [row], public_base_url=BASE_URL, now=issuer.clock(), box=state.box
        )
        stored = uow.session.get(OfferRow, created.offer_id)
        assert stored is not None
        tx_hash = stored.tx_code_hash
        uow.commit()
    return created, tx_hash


def test_batch_transaction_codes_are_keyed_digests_that_a_dump_cannot_test(
    issuer: Issuer,
) -> None:
    issued = _issue(issuer)
    created, tx_hash = _batch_offer(issuer, issued["id"])
    assert tx_hash.startswith("hmac-sha256$")
    assert created.tx_code not in tx_hash
    # Whoever has the dump but not the configured keys cannot check a guess:
    outsider = SecretBox([Fernet.generate_key()])
    assert not outsider.check_keyed_digest("oid4vci tx_code", created.tx_code, tx_hash)
    wallet = Wallet(issuer)
    offer = wallet.offer(created.offer_uri)
    wrong = "000000" if created.tx_code != "000000" else "111111"
    assert wallet.token(offer, wrong).status_code == 400
    response = wallet.token(offer, created.tx_code)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "hasher",
    [
        PasswordHasher(time_cost=1, memory_cost=256, parallelism=1),  # old batch offers
        PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1),  # old single offers
    ],
    ids=["light", "owasp"],
)
def test_offers_stored_with_an_old_argon2_hash_still_redeem(
    issuer: Issuer, hasher: PasswordHasher
) -> None:
    issued = _issue(issuer)
    created, _ = _batch_offer(issuer, issued["id"])
    legacy = hasher.hash(created.tx_code)
    state = issuer.client.app.state  # type: ignore[attr-defined]
    with UnitOfWork(state.sessions) as uow:
        row = uow.session.get(OfferRow, created.offer_id)
        assert row is not None
        row.tx_code_hash = legacy
        uow.commit()
    wallet = Wallet(issuer)
    offer = wallet.offer(created.offer_uri)
    wrong = "000000" if created.tx_code != "000000" else "111111"
    assert wallet.token(offer, wrong).status_code == 400
    assert wallet.token(offer, created.tx_code).status_code == 200


def test_a_credential_named_twice_in_one_call_is_a_conflict(issuer: Issuer) -> None:
    issued = _issue(issuer)
    state = issuer.client.app.state  # type: ignore[attr-defined]
    with UnitOfWork(state.sessions) as uow:
        org = get_organisation(uow, "roc-midden")
        row = uow.session.scalar(
            select(IssuedCredential).where(IssuedCredential.credential_ref == issued["id"])
        )
        assert row is not None
        with pytest.raises(ConflictError, match="once per call"):
            create_offers_many(
                uow, org, [row, row], public_base_url=BASE_URL, now=issuer.clock(),
                box=state.box,
            )  # fmt: skip
        assert uow.session.scalars(select(OfferRow)).all() == []


def _revoke(issuer: Issuer, credential_id: str) -> None:
    response = issuer.client.post(
        "/credentials/status",
        json={
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=issuer.auth(issuer.status_token),
    )
    assert response.status_code == 200, response.text


def test_revoking_the_credential_revokes_the_delivered_copy(issuer: Issuer) -> None:
    issued = _issue(issuer)
    delivered = Wallet(issuer).receive(_offer(issuer, issued["id"]))
    assert _verify(issuer, delivered).verdict is Verdict.VALID
    _revoke(issuer, issued["id"])
    for document in (delivered, issued):
        result = _verify(issuer, document)
        assert result.verdict is Verdict.INVALID
        assert result.check("status").code == "revoked"


def test_tx_code_with_spaces_or_without_its_leading_zero_is_accepted(
    issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the code we send starts with 0 (about one in ten do)
    monkeypatch.setattr(secrets, "randbelow", lambda _n: 77088)
    ids = [f"urn:uuid:6b7a0f44-0000-4000-8000-00000000770{n}" for n in range(3)]
    for credential_id, entered in zip(ids, ("77088", " 077 088 "), strict=False):
        created = _offer(issuer, _issue(issuer, credential_id)["id"])
        assert created.tx_code == "077088"
        wallet = Wallet(issuer)
        response = wallet.token(wallet.offer(created.offer_uri), entered)
        assert response.status_code == 200, response.text
    created = _offer(issuer, _issue(issuer, ids[2])["id"])
    wallet = Wallet(issuer)
    offer = wallet.offer(created.offer_uri)
    assert "4 attempt" in _error(wallet.token(offer, "77089"), 400, "invalid_grant")


def test_fetching_and_redeeming_an_offer_scan_no_credentials_of_the_organisation(
    issuer: Issuer,
) -> None:
    """The offer and the credential endpoint ask whether one configuration is offered with
    an indexed lookup (ix_issued_credential_type), never with a DISTINCT over every
    credential the organisation issued; the metadata still lists every issued type."""
    issued = _issue(issuer)
    created = _offer(issuer, issued["id"])
    engine = issuer.client.app.state.sessions.kw["bind"]  # type: ignore[attr-defined]
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    wallet = Wallet(issuer)
    event.listen(engine, "before_cursor_execute", record)
    offer = wallet.offer(created.offer_uri)
    event.remove(engine, "before_cursor_execute", record)
    access = parse_token_response(wallet.token(offer, created.tx_code).json()).access_token
    proof = wallet.proof(wallet.nonce())
    event.listen(engine, "before_cursor_execute", record)
    response = wallet.credential(access, proof)
    event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.text
    assert any("credential_offer" in s for s in statements)
    scans = [s for s in statements if "issued_credential" in s and "DISTINCT" in s.upper()]
    assert scans == [], scans

    state = issuer.client.app.state  # type: ignore[attr-defined]
    metadata = issuer.client.get("/.well-known/openid-credential-issuer/roc-midden").json()
    listed = set(metadata["credential_configurations_supported"])
    assert CONFIG_ID in listed
    with UnitOfWork(state.sessions) as uow:
        org = get_organisation(uow, "roc-midden")
        for config_id in listed:
            assert _offers_configuration(uow, org, config_id), config_id
        for config_id in ("NoSuch_ldp_vc", "_ldp_vc", "MboCertificaatCredential", "x"):
            assert not _offers_configuration(uow, org, config_id), config_id
        # no X.509 credential key here, so no dc+sd-jwt configuration
        sd_jwt = "MboCertificaatCredential_dc_sd_jwt"
        assert sd_jwt not in listed
        assert not _offers_configuration(uow, org, sd_jwt)

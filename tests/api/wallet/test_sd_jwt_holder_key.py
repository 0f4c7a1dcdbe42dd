"""The SD-JWT VC holder key: one P-256 key per account, made when first needed, stored
encrypted, found again by its JWK thumbprint URI, never mixed up with the did:key."""

from __future__ import annotations

from sqlalchemy import select

from credentials.jwk import jwk_thumbprint_uri
from wallet.db.tables import Account, HolderKey
from wallet.services import accounts
from web_common.db import UnitOfWork

from .conftest import Wallet


def _uow(wallet: Wallet) -> UnitOfWork:
    return UnitOfWork(wallet.app.state.sessions)


def test_p256_key_is_made_once_encrypted_and_separate_from_the_did_key(wallet: Wallet) -> None:
    person = wallet.person()
    box = wallet.app.state.box
    with _uow(wallet) as uow:
        account = uow.session.scalars(select(Account)).one()
        key = accounts.sd_jwt_holder_key(uow, account.id, box, now=wallet.clock.now)
        uow.commit()
    with _uow(wallet) as uow:
        again = accounts.sd_jwt_holder_key(uow, account.id, box)
        assert again.public_jwk == key.public_jwk
        assert key.alg == "ES256"
        key_id = accounts.sd_jwt_key_id(key)
        assert key_id == jwk_thumbprint_uri(key.public_jwk)
        assert accounts.sd_jwt_holder_key(uow, account.id, box, key_id).thumbprint == key.thumbprint
        rows = {row.key_type: row for row in uow.session.scalars(select(HolderKey))}
        assert set(rows) == {"Ed25519", "P-256"}
        assert rows["P-256"].did == key_id
        assert rows["P-256"].encrypted_seed.startswith(b"gAAAAA")
        assert accounts.p256_secret(key) not in rows["P-256"].encrypted_seed
        # the did:key functions still see only the Ed25519 key
        assert accounts.holder_key(uow, account.id, box).did_key == person.did
        assert [k.did for k in accounts.holder_keys(uow, account.id)] == [person.did]
        assert [k.did for k in accounts.sd_jwt_holder_keys(uow, account.id)] == [key_id]


def test_unknown_p256_key_id_is_a_lookup_error(wallet: Wallet) -> None:
    wallet.person()
    with _uow(wallet) as uow:
        account = uow.session.scalars(select(Account)).one()
        try:
            accounts.sd_jwt_holder_key(
                uow, account.id, wallet.app.state.box, "urn:ietf:params:oauth:jwk-thumbprint:x"
            )
        except LookupError:
            pass
        else:
            raise AssertionError("an unknown key id must not make a key")
        assert accounts.sd_jwt_holder_keys(uow, account.id) == []

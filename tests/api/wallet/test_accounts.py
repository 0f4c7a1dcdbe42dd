"""Accounts: registration, login with lockout and throttling, sessions, CSRF, deletion."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select

from wallet.db.tables import (
    Account,
    HolderKey,
    LoginSession,
    SelfDeclared,
    Share,
    ShareAccess,
    StoredCredential,
)

from .conftest import PASSWORD, Wallet, signed_credential


def test_register_gives_a_holder_key_stored_encrypted(wallet: Wallet) -> None:
    person = wallet.person()
    assert person.did.startswith("did:key:z6Mk")
    me = person.get("/api/session")
    assert me.status_code == 200
    assert me.json()["email"] == "sanne@example.nl"
    assert "password" not in me.text
    assert "hash" not in me.text
    engine = create_engine(wallet.database_url)
    with engine.connect() as connection:
        account = connection.execute(select(Account)).one()
        assert account.password_hash.startswith("$argon2id$")
        key = connection.execute(select(HolderKey)).one()
        assert key.did == person.did
        assert key.encrypted_seed.startswith(b"gAAAAA")  # Fernet, not a raw 32-byte seed
    engine.dispose()


def test_register_refuses_bad_input_and_duplicates(wallet: Wallet) -> None:
    client = wallet.browser()
    weak = client.post("/api/accounts", json={"email": "a@b.nl", "name": "A", "password": "short"})
    assert weak.status_code == 422
    assert weak.json()["code"] == "weak_password"
    bad = client.post("/api/accounts", json={"email": "nope", "name": "A", "password": PASSWORD})
    assert bad.json()["code"] == "invalid_email"
    wallet.person("dup@example.nl")
    again = client.post(
        "/api/accounts", json={"email": "DUP@example.nl", "name": "B", "password": PASSWORD}
    )
    assert again.status_code == 409


def test_login_logout_and_session(wallet: Wallet) -> None:
    wallet.person("jan@example.nl")
    client = wallet.browser()
    assert client.get("/api/session").status_code == 401
    assert client.get("/api/credentials").status_code == 401
    wrong = client.post("/api/session", json={"email": "jan@example.nl", "password": "x" * 12})
    assert wrong.status_code == 401
    unknown = client.post("/api/session", json={"email": "who@example.nl", "password": PASSWORD})
    assert unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]  # nothing about which is wrong
    ok = client.post("/api/session", json={"email": "jan@example.nl", "password": PASSWORD})
    assert ok.status_code == 200
    csrf = ok.json()["csrf_token"]
    assert client.get("/api/credentials").status_code == 200
    # unsafe requests need the CSRF token
    assert client.delete("/api/session").status_code == 403
    assert client.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/credentials").status_code == 401


def test_account_locks_after_five_wrong_passwords(wallet: Wallet) -> None:
    wallet.person("piet@example.nl")
    client = wallet.browser()
    for _ in range(5):
        response = client.post(
            "/api/session", json={"email": "piet@example.nl", "password": "wrong password"}
        )
        assert response.status_code == 401
    locked = client.post("/api/session", json={"email": "piet@example.nl", "password": PASSWORD})
    assert locked.status_code == 401
    assert "kwartier" in locked.json()["detail"]
    wallet.clock.now = wallet.clock.now.replace(hour=wallet.clock.now.hour + 1)
    ok = client.post("/api/session", json={"email": "piet@example.nl", "password": PASSWORD})
    assert ok.status_code == 200


def test_many_failures_from_one_address_are_throttled(wallet: Wallet) -> None:
    client = wallet.browser()
    codes = [
        client.post(
            "/api/session", json={"email": f"x{i}@example.nl", "password": "guess guess"}
        ).status_code
        for i in range(12)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]


def test_delete_account_removes_everything(wallet: Wallet) -> None:
    person = wallet.person()
    other = wallet.person("other@example.nl")
    vc = signed_credential(person.did)
    credential_id = person.post("/api/credentials", json={"credential": vc}).json()["id"]
    share = person.post("/api/shares", json={"credentials": [credential_id]}).json()
    assert (
        wallet.browser().get(share["url"], headers={"Accept": "application/json"}).status_code
        == 200
    )
    person.post("/api/self-declared", json={"category": "work", "title": "Vakantiewerk in de zorg"})
    other.post("/api/credentials", json={"credential": signed_credential(other.did)})
    wrong = person.post("/api/account/delete", json={"password": "not my password"})
    assert wrong.status_code == 422
    assert person.post("/api/account/delete", json={"password": PASSWORD}).status_code == 204
    assert person.get("/api/session").status_code == 401
    engine = create_engine(wallet.database_url)
    with engine.connect() as connection:

        def count(table: type) -> int:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

        assert count(Account) == 1  # the other person's
        assert count(StoredCredential) == 1
        assert count(HolderKey) == 1
        assert count(Share) == 0
        assert count(ShareAccess) == 0
        assert count(SelfDeclared) == 0
        assert count(LoginSession) == 1
    engine.dispose()
    # the deleted person's share link is gone too
    gone = wallet.browser().get(share["url"], headers={"Accept": "application/json"})
    assert gone.status_code == 404
    relogin = wallet.browser().post(
        "/api/session", json={"email": "sanne@example.nl", "password": PASSWORD}
    )
    assert relogin.status_code == 401

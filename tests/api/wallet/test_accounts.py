"""Accounts: registration, login with backoff per address and account, sessions, CSRF,
deletion."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
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

from .conftest import PASSWORD, Wallet, make_wallet, signed_credential


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


def _login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/session", json={"email": email, "password": password})


def test_wrong_passwords_slow_the_account_down_briefly_not_lock_it(wallet: Wallet) -> None:
    wallet.person("piet@example.nl")
    owner = wallet.browser("198.51.100.7")
    assert _login(owner, "piet@example.nl", PASSWORD).status_code == 200  # a known address
    attacker = wallet.browser("203.0.113.9")
    for _ in range(5):
        assert _login(attacker, "piet@example.nl", "wrong password").status_code == 401
    slowed = _login(attacker, "piet@example.nl", PASSWORD)
    assert slowed.status_code == 429
    assert 1 <= int(slowed.headers["retry-after"]) <= 60
    # the owner, from an address that logged in before, is not made to wait
    assert _login(owner, "piet@example.nl", PASSWORD).status_code == 200
    # a new address of the owner waits at most a minute, however long the attack goes on,
    # from however many addresses
    for i in range(20):
        wallet.clock.now += timedelta(seconds=61)
        botnet = wallet.browser(f"203.0.113.{100 + i}")
        assert _login(botnet, "piet@example.nl", "wrong password").status_code == 401
    elsewhere = wallet.browser("192.0.2.44")
    wait = _login(elsewhere, "piet@example.nl", PASSWORD)
    assert wait.status_code == 429
    assert int(wait.headers["retry-after"]) <= 60
    wallet.clock.now += timedelta(seconds=61)
    assert _login(elsewhere, "piet@example.nl", PASSWORD).status_code == 200


def test_the_answers_do_not_tell_whether_an_account_exists(wallet: Wallet) -> None:
    wallet.person("piet@example.nl")
    answers = {}
    for email, address in (
        ("piet@example.nl", "203.0.113.1"),
        ("niemand@example.nl", "203.0.113.2"),
    ):
        client = wallet.browser(address)
        seen = [_login(client, email, "wrong password") for _ in range(7)]
        answers[email] = [(r.status_code, r.json()["detail"], r.headers.get("retry-after"))
                          for r in seen]  # fmt: skip
    assert answers["piet@example.nl"] == answers["niemand@example.nl"]
    assert [code for code, _, _ in answers["piet@example.nl"]] == [401] * 5 + [429, 429]


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


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'proxied.db'}"
    for wallet in make_wallet(url, trusted_proxies=("10.0.0.0/24",)):
        proxy = wallet.browser("10.0.0.2")

        def attempt(client: TestClient, forwarded: str) -> int:
            response = client.post(
                "/api/session",
                json={"email": f"x{forwarded}@example.nl", "password": "guess guess"},
                headers={"X-Forwarded-For": forwarded},
            )
            return response.status_code

        assert [attempt(proxy, "203.0.113.1") for _ in range(11)][-1] == 429
        assert attempt(proxy, "203.0.113.2") == 401  # another person behind the same proxy
        assert attempt(proxy, "203.0.113.2, 10.0.0.7") == 401  # chained trusted proxies
        # from anyone else, the header is only text: no way to step out of one's bucket
        stranger = wallet.browser("198.51.100.3")
        codes = [attempt(stranger, f"192.0.2.{i}") for i in range(11)]
        assert codes[-1] == 429


def test_without_trusted_proxies_forwarded_for_is_ignored_even_from_loopback(
    wallet: Wallet,
) -> None:
    local = wallet.browser("127.0.0.1")
    codes = [
        local.post(
            "/api/session",
            json={"email": f"x{i}@example.nl", "password": "guess guess"},
            headers={"X-Forwarded-For": f"192.0.2.{i}"},
        ).status_code
        for i in range(11)
    ]
    assert codes[-1] == 429


def test_register_checks_the_e_mail_address_like_the_other_services(wallet: Wallet) -> None:
    client = wallet.browser()
    for email in ("a@b..nl", "a@.b.nl", "a@b.nl.", "a b@c.nl", "a@b", "@b.nl", "a@@b.nl"):
        bad = client.post("/api/accounts", json={"email": email, "name": "A", "password": PASSWORD})
        assert bad.status_code in (400, 422), email
        assert bad.json()["code"] == "invalid_email", email
    good = client.post(
        "/api/accounts",
        json={"email": "Fleur.Visser@mbo.example.nl", "name": "F", "password": PASSWORD},
    )
    assert good.status_code == 201, good.text


def test_pages_send_a_stranger_to_login_the_api_answers_401(wallet: Wallet) -> None:
    """Pages know themselves (their routes are marked), whatever the ``Accept``."""
    client = wallet.browser()
    for headers in ({}, {"Accept": "application/json"}, {"Accept": "text/html"}):
        page = client.get("/receive?x=1", headers=headers, follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=/receive%3Fx%3D1"
        assert client.get("/", headers=headers, follow_redirects=False).status_code == 303
    api = client.get("/api/credentials")
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["type"].endswith("/not-logged-in")
    as_page = client.get("/api/credentials", headers={"Accept": "text/html"})
    assert as_page.status_code == 401
    assert "<h1>Niet ingelogd</h1>" in as_page.text


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def _sessions(wallet: Wallet) -> int:
    engine = create_engine(wallet.database_url)
    with engine.connect() as connection:
        found = connection.execute(select(func.count()).select_from(LoginSession)).scalar_one()
    engine.dispose()
    return int(found)


def test_the_pages_register_log_in_and_out_with_one_session_per_browser(wallet: Wallet) -> None:
    browser = wallet.browser()
    form = {"email": "kim@example.nl", "name": "Kim", "password": PASSWORD}
    token = _csrf(browser.get("/register").text)
    registered = browser.post(
        "/register", data={**form, "csrf_token": token}, follow_redirects=False
    )
    assert registered.status_code == 303
    assert browser.get("/api/session").json()["email"] == "kim@example.nl"
    assert _sessions(wallet) == 1
    login = {"email": "kim@example.nl", "password": PASSWORD}
    again = browser.post(
        "/login", data={**login, "csrf_token": _csrf(browser.get("/login").text)},
        follow_redirects=False,
    )  # fmt: skip
    assert again.status_code == 303
    assert _sessions(wallet) == 1  # the browser's earlier session ended with the new one
    wrong = browser.post(
        "/login",
        data={
            **login,
            "password": "not the password",
            "csrf_token": _csrf(browser.get("/login").text),
        },
    )
    assert wrong.status_code == 400
    assert _sessions(wallet) == 1
    csrf = browser.get("/api/session").json()["csrf_token"]
    out = browser.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert browser.get("/api/session").status_code == 401
    assert _sessions(wallet) == 0

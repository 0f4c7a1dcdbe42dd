"""Export everything as one passphrase-encrypted file and import it into another account."""

from __future__ import annotations

import json

from .conftest import Wallet, signed_credential

PASSPHRASE = "mijn geheime wachtzin"


def test_export_import_round_trip(wallet: Wallet) -> None:
    old = wallet.person("oud@example.nl")
    old.post("/api/credentials", json={"credential": signed_credential(old.did)})
    old.post(
        "/api/self-declared",
        json={"category": "course", "title": "EHBO-diploma", "dossier_crebo": "23189",
              "werkprocessen": ["B1-K1-W6"]},
    )  # fmt: skip
    exported = old.post("/api/export", json={"passphrase": PASSPHRASE})
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    envelope = json.loads(exported.content)
    assert envelope["format"] == "mbo-wallet-export"
    assert envelope["version"] == 1
    assert envelope["kdf"]["name"] == "scrypt"
    assert "EHBO" not in exported.text  # encrypted

    new = wallet.person("nieuw@example.nl")
    files = {"file": ("export.json", exported.content, "application/json")}
    wrong = new.post("/api/import", files=files, data={"passphrase": "not the passphrase"})
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "wrong_passphrase"
    assert new.get("/api/credentials").json() == []
    imported = new.post("/api/import", files=files, data={"passphrase": PASSPHRASE})
    assert imported.status_code == 200, imported.text
    assert imported.json() == {
        "credentials": 1, "duplicates": 0, "self_declared": 1, "holder_keys": 1,
    }  # fmt: skip
    [credential] = new.get("/api/credentials").json()
    assert credential["source"] == "import"
    assert credential["bound_to_holder"] is True  # the old holder key came along
    assert new.get("/api/self-declared").json()[0]["title"] == "EHBO-diploma"
    # the imported credential can be shared, signed with the key it is bound to
    share = new.post("/api/shares", json={"credentials": [credential["id"]]}).json()
    vp = wallet.browser().get(share["url"], headers={"Accept": "application/json"}).json()
    assert vp["holder"] == old.did
    again = new.post("/api/import", files=files, data={"passphrase": PASSPHRASE})
    assert again.json()["duplicates"] == 1


def test_tampered_or_foreign_files_are_refused(wallet: Wallet) -> None:
    person = wallet.person()
    person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    exported = json.loads(person.post("/api/export", json={"passphrase": PASSPHRASE}).content)
    changed = dict(exported)
    body = bytearray(changed["ciphertext"].encode())
    body[10] = ord("A") if body[10] != ord("A") else ord("B")
    changed["ciphertext"] = body.decode()
    other = wallet.person("b@example.nl")
    for content in (
        json.dumps(changed).encode(),
        json.dumps({**exported, "version": 99}).encode(),
        json.dumps({**exported, "kdf": {**exported["kdf"], "n": 2**30}}).encode(),
        b"{}",
        b"not json",
    ):
        response = other.post(
            "/api/import", files={"file": ("x.json", content)}, data={"passphrase": PASSPHRASE}
        )
        assert response.status_code == 422, content[:40]
    assert other.get("/api/credentials").json() == []
    weak = person.post("/api/export", json={"passphrase": "short"})
    assert weak.json()["code"] == "weak_passphrase"

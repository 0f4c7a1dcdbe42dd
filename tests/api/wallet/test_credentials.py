"""Receiving by upload, checking on receipt and when shown, bad input, and the passport."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import create_engine, func, select

from credentials.examples import mbo_certificaat
from credentials.jose import sign_vc_jwt
from wallet.db.tables import StoredCredential

from .conftest import ISSUER_KEY, Wallet, signed_credential, tampered


def _count(wallet: Wallet) -> int:
    engine = create_engine(wallet.database_url)
    with engine.connect() as connection:
        n = int(connection.execute(select(func.count()).select_from(StoredCredential)).scalar_one())
    engine.dispose()
    return n


def test_upload_verifies_and_stores(wallet: Wallet) -> None:
    person = wallet.person()
    vc = signed_credential(person.did)
    response = person.post("/api/credentials", json={"credential": vc})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "ok"
    assert body["kind"] == "mbo_certificaat"
    assert body["bound_to_holder"] is True
    assert body["issuer_name"] == "ROC Midden Nederland"
    listed = person.get("/api/credentials").json()
    assert [c["id"] for c in listed] == [body["id"]]
    detail = person.get(f"/api/credentials/{body['id']}").json()
    assert detail["document"] == vc
    assert {c["check"] for c in detail["checks"]} >= {"proof", "issuer", "validity"}
    download = person.get(f"/api/credentials/{body['id']}/download")
    assert json.loads(download.content) == vc


def test_upload_file_json_ld_and_vc_jwt(wallet: Wallet) -> None:
    person = wallet.person()
    vc = signed_credential(person.did, number=2)
    ok = person.post(
        "/api/credentials/upload",
        files={"file": ("bewijs.json", json.dumps(vc).encode(), "application/json")},
    )
    assert ok.status_code == 201, ok.text
    unsigned = mbo_certificaat(
        issuer_id=ISSUER_KEY.did_key,
        subject_id=person.did,
        credential_id="urn:uuid:1b7a0f44-0000-4000-8000-000000000009",
    )
    token = sign_vc_jwt(unsigned, ISSUER_KEY, ISSUER_KEY.did_key_verification_method)
    jwt = person.post(
        "/api/credentials/upload", files={"file": ("bewijs.jwt", token.encode(), "text/plain")}
    )
    assert jwt.status_code == 201, jwt.text
    assert jwt.json()["format"] == "jwt_vc"
    assert jwt.json()["state"] == "ok"


def test_tampered_oversized_malformed_and_duplicate_are_refused(wallet: Wallet) -> None:
    person = wallet.person()
    vc = signed_credential(person.did)
    bad = person.post("/api/credentials", json={"credential": tampered(vc)})
    assert bad.status_code == 422
    assert bad.json()["code"] == "not_genuine"
    assert "proof" in bad.text
    huge = signed_credential(
        person.did, number=3,
        mutate=lambda c: c["credentialSubject"].update({"description": "x" * 300_000}),
    )  # fmt: skip
    too_large = person.post(
        "/api/credentials/upload", files={"file": ("big.json", json.dumps(huge).encode())}
    )
    assert too_large.status_code == 422
    assert too_large.json()["code"] == "too_large"
    for content in (b"", b"\xff\xfe\x00", b"[1, 2]", b"not json", b"eyJ.eyJ.sig"):
        response = person.post("/api/credentials/upload", files={"file": ("x", content)})
        assert response.status_code == 422, content
    assert _count(wallet) == 0
    assert person.post("/api/credentials", json={"credential": vc}).status_code == 201
    again = person.post("/api/credentials", json={"credential": vc})
    assert again.status_code == 422
    assert again.json()["code"] == "duplicate"
    assert _count(wallet) == 1


def test_expired_credential_is_kept_and_clearly_marked(wallet: Wallet) -> None:
    person = wallet.person()
    vc = signed_credential(person.did, valid_until="2026-08-01T00:00:00Z")
    body = person.post("/api/credentials", json={"credential": vc}).json()
    assert body["state"] == "expired"
    passport = person.get("/api/passport").json()
    # an expired credential still shows what was achieved, and is marked so
    assert passport["credentials"][0]["state"] == "expired"


def test_another_account_never_reads_or_shares_your_credentials(wallet: Wallet) -> None:
    me = wallet.person()
    them = wallet.person("mallory@example.nl", "Mallory")
    mine = me.post("/api/credentials", json={"credential": signed_credential(me.did)}).json()
    entry = me.post("/api/self-declared", json={"category": "course", "title": "EHBO"}).json()
    share = me.post("/api/shares", json={"credentials": [mine["id"]]}).json()
    assert them.get("/api/credentials").json() == []
    assert them.get("/api/self-declared").json() == []
    assert them.get("/api/shares").json() == []
    assert them.get(f"/api/credentials/{mine['id']}").status_code == 404
    assert them.get(f"/api/credentials/{mine['id']}/download").status_code == 404
    assert them.delete(f"/api/credentials/{mine['id']}").status_code == 404
    assert them.delete(f"/api/self-declared/{entry['id']}").status_code == 404
    refused = them.post("/api/shares", json={"credentials": [mine["id"]]})
    assert refused.status_code == 404
    assert them.get(f"/api/shares/{share['id']}").status_code == 404
    assert them.post(f"/api/shares/{share['id']}/revoke").status_code == 404
    assert them.post("/api/export", json={"passphrase": "a long passphrase"}).status_code == 200
    passport = them.get("/api/passport").json()
    assert passport["credentials"] == []
    # and mine are untouched
    assert me.get(f"/api/credentials/{mine['id']}").status_code == 200
    assert me.get(f"/api/shares/{share['id']}").json()["status"] == "active"


def test_passport_groups_progress_and_related(wallet: Wallet) -> None:
    person = wallet.person()
    vc = signed_credential(person.did)
    credential_id = person.post("/api/credentials", json={"credential": vc}).json()["id"]
    assert person.put("/api/goal", json={"qualification": "25498"}).status_code == 200
    assert person.put("/api/goal", json={"qualification": "99999"}).status_code == 422
    person.post(
        "/api/self-declared",
        json={"category": "work", "title": "Zorgmedewerker bij thuiszorg",
              "dossier_crebo": "23189", "werkprocessen": ["P2-K1-W1"]},
    )  # fmt: skip
    passport = person.get("/api/passport").json()
    [group] = passport["groups"]
    assert group["crebo"] == "23189"
    assert "Helpende Zorg en Welzijn" in group["qualifications"]
    kerntaken = {k["code"]: k for k in group["kerntaken"]}
    assert len(kerntaken["B1-K1"]["werkprocessen"]) == 9
    first = kerntaken["B1-K1"]["werkprocessen"][0]
    assert [c["public_id"] for c in first["credentials"]] == [credential_id]
    # the self-declared entry sits beside its werkproces, apart from the credentials
    [p2] = kerntaken["P2-K1"]["werkprocessen"]
    assert p2["credentials"] == []
    assert p2["self_declared"][0]["title"] == "Zorgmedewerker bij thuiszorg"
    goal = passport["goal"]
    assert goal["title"] == "Helpende Zorg en Welzijn"
    assert goal["toward_diploma"] == {"covered": 9, "total": 12}
    assert goal["with_experience"] == {"covered": 9, "total": 12}  # self-declared never counts
    assert goal["missing"][0] == "P2-K1"
    assert "nederlands 2F" in goal["missing"]
    covered = goal["kerntaken"][0]["werkprocessen"][0]["covered_by"]
    assert covered == [credential_id]
    related = {r["qualification"]: r for r in passport["related"]}
    assert related["mbo-25499-medewerker-facilitaire-dienstverlening"]["shared"] == 9


def test_self_declared_validation(wallet: Wallet) -> None:
    person = wallet.person()
    bad = person.post("/api/self-declared", json={"category": "magic", "title": "x"})
    assert bad.json()["code"] == "invalid_category"
    unknown = person.post(
        "/api/self-declared",
        json={"category": "training", "title": "x", "dossier_crebo": "23189",
              "werkprocessen": ["B9-K9-W9"]},
    )  # fmt: skip
    assert unknown.json()["code"] == "unknown_werkproces"
    no_dossier = person.post(
        "/api/self-declared", json={"category": "training", "title": "x",
                                    "werkprocessen": ["B1-K1-W1"]},
    )  # fmt: skip
    assert no_dossier.json()["code"] == "dossier_needed"
    dates = person.post(
        "/api/self-declared",
        json={"category": "work", "title": "x", "started_on": "2024-01-01",
              "ended_on": "2023-01-01"},
    )  # fmt: skip
    assert dates.json()["code"] == "invalid_dates"


def test_deleting_a_credential_revokes_its_shares(wallet: Wallet) -> None:
    person = wallet.person()
    body = person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    credential_id = body.json()["id"]
    share = person.post("/api/shares", json={"credentials": [credential_id]}).json()
    wallet.clock.now += timedelta(minutes=1)
    assert person.delete(f"/api/credentials/{credential_id}").status_code == 204
    assert person.get(f"/api/shares/{share['id']}").json()["status"] == "revoked"
    gone = wallet.browser().get(share["url"], headers={"Accept": "application/json"})
    assert gone.status_code == 410


def test_passport_page_progress_is_the_whole_diploma_with_one_checklist(wallet: Wallet) -> None:
    person = wallet.person()
    person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    assert person.put("/api/goal", json={"qualification": "25498"}).status_code == 200
    html = person.get("/").text
    block = html.split('<div class="card" id="progress">', 1)[1].split("</section>")[0]
    done = re.search(r'data-testid="diploma-progress">(\d+) van (\d+) onderdelen', block)
    assert done, block
    assert int(done.group(1)) < int(done.group(2))
    bar = re.search(r'<progress max="(\d+)" value="(\d+)">', block)
    assert bar
    assert (bar.group(2), bar.group(1)) == done.groups()
    assert 'data-testid="still-needed">' in block, block
    needed = block.split('data-testid="still-needed">')[1].split("</ul>")[0]
    assert needed.count("<li>") == int(done.group(2)) - int(done.group(1))
    for name in ("P2-K1", "Rekenen (2F)", "Nederlands (2F)", "Loopbaan en burgerschap"):
        assert name in needed, needed
    assert "Keuzedelen" in needed
    assert "loopbaan_burgerschap" not in block
    english = (
        person.get("/?lang=en")
        .text.split('<div class="card" id="progress">', 1)[1]
        .split("</section>")[0]
    )
    assert "Career and citizenship" in english

"""The wallet receives SD-JWT VC (``dc+sd-jwt``) from a real issuer app in process over
OpenID4VCI 1.0: key proof of its P-256 key, the credential bound to it (``cnf.jwk``), the
issuer's ``x5c`` chain checked against the configured development CA root, the type metadata
and the Token Status List; revoked later. Also ``ldp_vc`` from the same kind of offer, and
the refusals: untrusted chain, tampered Disclosure, wrong type metadata."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credentials.jwk import EdDsaSigner, P256KeyPair
from credentials.keys import Ed25519KeyPair
from credentials.results import Verdict
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import issue_sd_jwt_vc, verify_sd_jwt_vc, x5c_key_resolver
from credentials.sd_jwt_verifier import KeyBindingPolicy
from credentials.x509_dev_ca import create_leaf, create_root_ca
from credentials.x509_trust import load_certificates_pem
from issuer.services.organisations import get_organisation
from issuer.services.x509_keys import create_dev_chain
from qualifications.sd_jwt_vc_claims import VCT_BASE, sd_jwt_vc_claims
from tests.databases import migrated
from wallet.app import create_app
from wallet.db.tables import HolderKey, Share, StoredCredential
from wallet.services import accounts
from wallet.settings import WalletSettings
from web_common.db import UnitOfWork

from ..issuer.conftest import BASE_URL as ISSUER_BASE
from ..issuer.conftest import Issuer, run_batch
from ..issuer.conftest import _issuer as make_issuer
from ..issuer.test_batch_api import GOOD, _upload
from .conftest import ISSUER_KEY, PASSWORD, signed_credential

ISSUER_ID = f"{ISSUER_BASE}/roc-midden"
WALLET = "http://wallet.test"


@dataclass
class Setup:
    issuer: Issuer
    anchors: Path
    offers: list[tuple[str, str, str]]  # (offer link, tx code, credential id)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    for issuer in make_issuer(f"sqlite:///{tmp_path / 'issuer.db'}"):
        app = issuer.client.app
        with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
            root = create_dev_chain(
                uow, get_organisation(uow, "roc-midden"), app.state.box,  # type: ignore[attr-defined]
                issuer_id=ISSUER_ID, now=issuer.clock(), actor="test",
            )  # fmt: skip
            uow.commit()
        anchors = tmp_path / "anchors.pem"
        anchors.write_bytes(root.pem)
        batch = _upload(issuer, GOOD).json()
        run_batch(issuer, batch["id"])
        rows = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
        lines = [line.split(";") for line in rows.content.decode("utf-8-sig").splitlines()]
        header = lines[0]
        link, code = header.index("offer_link"), header.index("transactiecode")
        ident = header.index("credential_id")
        offers = [(line[link], line[code], line[ident]) for line in lines[1:]]
        yield Setup(issuer, anchors, offers)


def _wallet(
    tmp_path: Path,
    setup: Setup,
    *,
    anchors: Path | None,
    formats: tuple[str, ...],
    status_list_cache_seconds: int = 60,
) -> TestClient:
    url = f"sqlite:///{tmp_path / 'wallet.db'}"
    migrated("wallet", url)
    settings = WalletSettings(
        environment="test", database_url=url, public_base_url=WALLET, log_json=False,
        dev_allow_hosts=frozenset({"issuer.test"}), credential_formats=formats, verifier_url="",
        x509_trust_anchors_file=str(anchors) if anchors else "",
        status_list_cache_seconds=status_list_cache_seconds,
    )  # fmt: skip
    app = create_app(
        settings,
        clock=setup.issuer.clock,
        http_client=cast(httpx.Client, setup.issuer.client),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )
    return TestClient(app, base_url=WALLET)


def _person(client: TestClient) -> dict[str, str]:
    body = client.post(
        "/api/accounts", json={"email": "sanne@example.nl", "name": "Sanne", "password": PASSWORD}
    ).json()
    return {"X-CSRF-Token": body["csrf_token"]}


def _accept(client: TestClient, csrf: dict[str, str], offer: tuple[str, str, str]) -> Any:
    return client.post(
        "/api/offers/accept", json={"offer": offer[0], "tx_code": offer[1]}, headers=csrf
    )


def _rows(client: TestClient) -> list[StoredCredential]:
    with UnitOfWork(client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        rows = list(uow.session.scalars(select(StoredCredential).order_by(StoredCredential.id)))
        uow.session.expunge_all()
        return rows


def _claims_of(compact: str) -> dict[str, Any]:
    payload = compact.split("~")[0].split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_sd_jwt_offer_received_bound_verified_then_revoked(setup: Setup, tmp_path: Path) -> None:
    with _wallet(tmp_path, setup, anchors=setup.anchors, formats=("dc+sd-jwt", "ldp_vc")) as client:
        csrf = _person(client)
        accepted = _accept(client, csrf, setup.offers[0])
        assert accepted.status_code == 201, accepted.text
        # the offer names both formats: the SD-JWT VC first (the wallet's order), then the
        # ldp_vc of the same record with the same access token
        credential, ldp_copy = accepted.json()["credentials"]
        assert accepted.json()["not_received"] == []
        assert [credential["format"], ldp_copy["format"]] == ["dc+sd-jwt", "ldp_vc"]
        assert credential["state"] == "ok", credential
        assert ldp_copy["state"] == "ok", ldp_copy
        assert credential["bound_to_holder"] is True
        assert ldp_copy["bound_to_holder"] is True
        assert credential["kind"] == "examenresultaat"
        row, ldp_row = _rows(client)
        assert ldp_row.result_key == row.result_key  # linked: one result
        assert row.format == "dc+sd-jwt"
        assert row.document.endswith("~")
        assert row.document.count("~") > 5
        assert row.issuer == ISSUER_ID
        assert row.result_key is not None
        checks = {c["check"]: c for c in json.loads(row.checks)}
        for name in ("format", "proof", "issuer", "type_metadata", "validity", "status"):
            assert checks[name]["outcome"] == "passed", checks[name]
        # bound to the account's P-256 key, not to the did:key
        with UnitOfWork(client.app.state.sessions) as uow:  # type: ignore[attr-defined]
            key = accounts.sd_jwt_holder_key(uow, row.account_id, client.app.state.box)  # type: ignore[attr-defined]
        assert _claims_of(row.document)["cnf"]["jwk"] == key.public_jwk
        assert row.holder_did == accounts.sd_jwt_key_id(key)
        # the passport reads the stacking evidence from the flat claims
        assert json.loads(row.evidence)[0]["codes"] == ["B1-K1"]

        revoked = setup.issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": setup.offers[0][2],
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                },
                "status": True,
            },
            headers=setup.issuer.auth(setup.issuer.status_token),
        )
        assert revoked.status_code == 200, revoked.text
        client.app.state.checker.sd_jwt.status_lists.clear()  # type: ignore[attr-defined]
        again = client.get(f"/api/credentials/{credential['id']}")
        assert again.status_code == 200, again.text
        assert again.json()["document"] == row.document  # the SD-JWT compact, as received
        client.app.state.checker.fetch_status_list.clear()  # type: ignore[attr-defined]
        assert client.get(f"/api/credentials/{ldp_copy['id']}").status_code == 200
        row, ldp_row = _rows(client)
        assert row.state == "revoked"
        assert ldp_row.state == "revoked"  # one record: both status mechanisms flipped


def test_ldp_vc_first_by_default_then_sd_jwt_shown_once_with_both_formats(
    setup: Setup, tmp_path: Path
) -> None:
    with _wallet(tmp_path, setup, anchors=setup.anchors, formats=("ldp_vc", "dc+sd-jwt")) as client:
        csrf = _person(client)
        accepted = _accept(client, csrf, setup.offers[1])
        assert accepted.status_code == 201, accepted.text
        assert accepted.json()["not_received"] == []
        ldp, sd = _rows(client)
        assert (ldp.format, sd.format) == ("ldp_vc", "dc+sd-jwt")
        assert ldp.result_key is not None
        assert sd.result_key == ldp.result_key
        passport = client.get("/api/passport").json()
        by_format = {c["format"]: c for c in passport["credentials"]}
        assert by_format["dc+sd-jwt"]["copy_of"] == ldp.public_id
        listed = {
            c["public_id"]
            for g in passport["groups"]
            for k in g["kerntaken"]
            for w in k["werkprocessen"]
            for c in w["credentials"]
        }
        assert listed == {ldp.public_id}  # counted once
        page = client.get(f"/credentials/{ldp.public_id}")
        assert page.status_code == 200
        assert 'id="twin"' in page.text
        assert f'href="/credentials/{sd.public_id}"' in page.text


def test_second_format_not_verified_keeps_the_first_and_says_so(
    setup: Setup, tmp_path: Path
) -> None:
    """Without the issuer's CA as a trust anchor the SD-JWT VC does not verify: the ldp_vc
    received first is kept, and the receive page says the other format did not come in."""
    with _wallet(tmp_path, setup, anchors=None, formats=("ldp_vc", "dc+sd-jwt")) as client:
        body = client.post(
            "/api/accounts",
            json={"email": "sanne@example.nl", "name": "Sanne", "password": PASSWORD},
        ).json()
        offer, code, _ = setup.offers[0]
        answer = client.post(
            "/receive/offer",
            data={"offer": offer, "tx_code": code, "csrf_token": body["csrf_token"]},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        [row] = _rows(client)
        assert row.format == "ldp_vc"
        assert answer.headers["location"] == f"/credentials/{row.public_id}"
        page = client.get(answer.headers["location"])
        assert page.status_code == 200
        assert "ook aan als SD-JWT VC, maar dat is niet binnengekomen" in page.text
        assert "is niet echt of is veranderd" in page.text  # the reason
        assert "Ontvangen:" in page.text


def test_second_format_not_verified_in_the_api(setup: Setup, tmp_path: Path) -> None:
    with _wallet(tmp_path, setup, anchors=None, formats=("ldp_vc", "dc+sd-jwt")) as client:
        csrf = _person(client)
        accepted = _accept(client, csrf, setup.offers[0])
        assert accepted.status_code == 201, accepted.text
        [credential] = accepted.json()["credentials"]
        assert credential["format"] == "ldp_vc"
        [missing] = accepted.json()["not_received"]
        assert missing["format"] == "dc+sd-jwt"
        assert "niet echt" in missing["reason"]


def test_untrusted_chain_is_refused_and_nothing_stored(setup: Setup, tmp_path: Path) -> None:
    with _wallet(tmp_path, setup, anchors=None, formats=("dc+sd-jwt",)) as client:
        csrf = _person(client)
        refused = _accept(client, csrf, setup.offers[0])
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "not_genuine"
        assert refused.json()["check"]["check"] == "issuer"
        assert refused.json()["check"]["code"] == "x509_untrusted"
        assert _rows(client) == []


def test_token_status_list_is_revalidated_with_if_none_match(setup: Setup, tmp_path: Path) -> None:
    """With a ceiling of 0 s every check asks the issuer again, with the token's ETag: a 304
    keeps it (still valid), and after a revocation the new token (200) says revoked."""
    seen: list[tuple[str, str | None, int]] = []

    def record(response: httpx.Response) -> None:
        if "/token-status/" in response.request.url.path:
            tag = response.request.headers.get("if-none-match")
            seen.append((response.request.url.path, tag, response.status_code))

    setup.issuer.client.event_hooks = {"response": [record]}
    with _wallet(
        tmp_path, setup, anchors=setup.anchors, formats=("dc+sd-jwt",), status_list_cache_seconds=0
    ) as client:
        csrf = _person(client)
        accepted = _accept(client, csrf, setup.offers[0])
        assert accepted.status_code == 201, accepted.text
        [credential] = accepted.json()["credentials"]
        assert credential["state"] == "ok"
        assert seen[0][1:] == (None, 200)
        again = client.get(f"/api/credentials/{credential['id']}")
        assert again.status_code == 200
        path, tag, status = seen[-1]
        assert tag is not None  # revalidated, not downloaded again
        assert status == 304
        [row] = _rows(client)
        assert row.state == "ok"
        revoked = setup.issuer.client.post(
            "/credentials/status",
            json={
                "credentialId": setup.offers[0][2],
                "credentialStatus": {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                },
                "status": True,
            },
            headers=setup.issuer.auth(setup.issuer.status_token),
        )
        assert revoked.status_code == 200, revoked.text
        client.get(f"/api/credentials/{credential['id']}")
        assert seen[-1] == (path, tag, 200)  # the tag no longer matches: the new list
        [row] = _rows(client)
        assert row.state == "revoked"


# --------------------------------------------------------------------------- uploads


@pytest.fixture(scope="module")
def pki() -> dict[str, Any]:
    root = create_root_ca("test root")
    leaf = create_leaf(root, "ROC", san_uris=["https://roc.example"])
    return {"root": root, "leaf": leaf}


def _sd_jwt(pki: dict[str, Any], holder: P256KeyPair, **extra: Any) -> str:
    options: dict[str, Any] = {
        "vct": VCT_BASE + "examenresultaat",
        "iss": "https://roc.example",
        "claims": {
            "kind": "examenresultaat",
            "achievement_name": Sd("Kerntaak B1-K1"),
            "dossier_crebo": Sd("23189"),
            "dossier_version": Sd("sbb-2755"),
            "kerntaak_1_code": Sd("B1-K1"),
        },
        "signer": pki["leaf"].key,
        "iat": 1_780_000_000,
        "holder_jwk": holder.public_jwk,
        "x5c": pki["leaf"].x5c([]),
    }
    options.update(extra)
    return issue_sd_jwt_vc(**options).compact


def _upload_wallet(tmp_path: Path, anchors: Path, url: str | None = None) -> Iterator[TestClient]:
    url = url or f"sqlite:///{tmp_path / 'upload.db'}"
    migrated("wallet", url)
    settings = WalletSettings(
        environment="test", database_url=url, public_base_url=WALLET, log_json=False,
        x509_trust_anchors_file=str(anchors),
    )  # fmt: skip
    with TestClient(create_app(settings), base_url=WALLET) as client:
        yield client


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def upload_wallet(
    request: pytest.FixtureRequest, tmp_path: Path, pki: dict[str, Any]
) -> Iterator[TestClient]:
    anchors = tmp_path / "roots.pem"
    anchors.write_bytes(pki["root"].pem)
    url = request.getfixturevalue("new_postgres_url") if request.param == "postgres" else None
    yield from _upload_wallet(tmp_path, anchors, url)


def test_uploaded_sd_jwt_is_stored_with_its_checks(
    upload_wallet: TestClient, pki: dict[str, Any]
) -> None:
    csrf = _person(upload_wallet)
    compact = _sd_jwt(pki, P256KeyPair.generate())
    stored = upload_wallet.post("/api/credentials", json={"credential": compact}, headers=csrf)
    assert stored.status_code == 201, stored.text
    assert stored.json()["state"] == "ok"
    assert stored.json()["bound_to_holder"] is False  # someone else's key
    [row] = _rows(upload_wallet)
    assert row.document == compact
    assert row.format == "dc+sd-jwt"


def test_tampered_disclosure_is_refused(upload_wallet: TestClient, pki: dict[str, Any]) -> None:
    csrf = _person(upload_wallet)
    issuer_jwt, *disclosures = _sd_jwt(pki, P256KeyPair.generate()).split("~")
    forged = base64.urlsafe_b64encode(json.dumps(["c2FsdA", "kerntaak_1_code", "P2-K1"]).encode())
    changed = "~".join([issuer_jwt, forged.decode().rstrip("="), *disclosures])
    refused = upload_wallet.post("/api/credentials", json={"credential": changed}, headers=csrf)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "not_genuine"
    assert refused.json()["check"]["check"] == "proof"
    assert _rows(upload_wallet) == []


def test_wrong_type_metadata_integrity_is_refused(
    upload_wallet: TestClient, pki: dict[str, Any]
) -> None:
    csrf = _person(upload_wallet)
    wrong = "sha256-" + base64.b64encode(b"\0" * 32).decode()
    compact = _sd_jwt(pki, P256KeyPair.generate(), vct_integrity=wrong)
    refused = upload_wallet.post("/api/credentials", json={"credential": compact}, headers=csrf)
    assert refused.status_code == 422, refused.text
    assert refused.json()["check"]["check"] == "type_metadata"
    assert refused.json()["check"]["code"] == "type_metadata_integrity"


def test_issuer_not_under_an_anchor_is_refused(tmp_path: Path, pki: dict[str, Any]) -> None:
    other = create_root_ca("other root")
    anchors = tmp_path / "other.pem"
    anchors.write_bytes(other.pem)
    for client in _upload_wallet(tmp_path, anchors):
        csrf = _person(client)
        compact = _sd_jwt(pki, P256KeyPair.generate())
        refused = client.post("/api/credentials", json={"credential": compact}, headers=csrf)
        assert refused.status_code == 422, refused.text
        assert refused.json()["check"]["code"] == "x509_untrusted"


def test_export_import_and_deletion_cover_sd_jwt_and_the_p256_key(
    setup: Setup, tmp_path: Path
) -> None:
    with _wallet(tmp_path, setup, anchors=setup.anchors, formats=("dc+sd-jwt",)) as client:
        csrf = _person(client)
        assert _accept(client, csrf, setup.offers[0]).status_code == 201
        exported = client.post(
            "/api/export", json={"passphrase": "mijn geheime wachtzin"}, headers=csrf
        )
        assert exported.status_code == 200
        other = TestClient(client.app, base_url=WALLET)
        body = other.post(
            "/api/accounts", json={"email": "nieuw@example.nl", "name": "N", "password": PASSWORD}
        ).json()
        new_csrf = {"X-CSRF-Token": body["csrf_token"]}
        files = {"file": ("export.json", exported.content, "application/json")}
        imported = other.post(
            "/api/import", files=files, data={"passphrase": "mijn geheime wachtzin"},
            headers=new_csrf,
        )  # fmt: skip
        assert imported.status_code == 200, imported.text
        assert imported.json()["holder_keys"] == 2  # the did:key and the P-256 key
        [credential] = other.get("/api/credentials").json()
        assert credential["bound_to_holder"] is True  # bound to the imported P-256 key
        rows = _rows(client)
        assert [r.format for r in rows] == ["dc+sd-jwt", "dc+sd-jwt"]
        assert rows[0].document == rows[1].document
        deleted = other.post("/api/account/delete", json={"password": PASSWORD}, headers=new_csrf)
        assert deleted.status_code == 204
        with UnitOfWork(client.app.state.sessions) as uow:  # type: ignore[attr-defined]
            keys = list(uow.session.scalars(select(HolderKey)))
            assert {k.account_id for k in keys} == {rows[0].account_id}
            assert {k.key_type for k in keys} == {"Ed25519", "P-256"}
        assert len(_rows(client)) == 1


def test_ldp_vc_and_sd_jwt_copy_of_one_result_count_once(
    upload_wallet: TestClient, pki: dict[str, Any]
) -> None:
    csrf = _person(upload_wallet)
    me = upload_wallet.get("/api/session").json()
    ldp = signed_credential(me["holder_did"])
    catalog = upload_wallet.app.state.catalog  # type: ignore[attr-defined]
    flat = sd_jwt_vc_claims(ldp, catalog).claims
    claims = {k: v if k == "kind" else Sd(v) for k, v in flat.items()}
    compact = _sd_jwt(pki, P256KeyPair.generate(), claims=claims)
    for document in (ldp, compact):
        stored = upload_wallet.post("/api/credentials", json={"credential": document}, headers=csrf)
        assert stored.status_code == 201, stored.text
    rows = _rows(upload_wallet)
    assert rows[0].result_key == rows[1].result_key
    passport = upload_wallet.get("/api/passport").json()
    by_format = {c["format"]: c for c in passport["credentials"]}
    assert by_format["dc+sd-jwt"]["copy_of"] == by_format["ldp_vc"]["public_id"]
    assert by_format["ldp_vc"]["copy_of"] is None
    listed = [
        c["public_id"]
        for g in passport["groups"]
        for k in g["kerntaken"]
        for w in k["werkprocessen"]
        for c in w["credentials"]
    ]
    assert listed
    assert set(listed) == {by_format["ldp_vc"]["public_id"]}  # the copy adds nothing
    home = upload_wallet.get("/")
    assert home.status_code == 200
    assert "telt één keer" in home.text
    # the credential page: the format badge, the claims with their Dutch names, the twin
    page = upload_wallet.get(f"/credentials/{by_format['dc+sd-jwt']['public_id']}")
    assert page.status_code == 200
    assert "SD-JWT VC" in page.text
    assert 'id="twin"' in page.text
    assert "Crebo kwalificatiedossier" in page.text
    assert 'data-claim="kerntaak_1_code">B1-K1' in page.text
    english = upload_wallet.get(f"/credentials/{by_format['dc+sd-jwt']['public_id']}?lang=en")
    assert "Qualification file crebo" in english.text


def test_sd_jwt_checks_read_in_plain_dutch(upload_wallet: TestClient, pki: dict[str, Any]) -> None:
    csrf = _person(upload_wallet)
    stored = upload_wallet.post(
        "/api/credentials", json={"credential": _sd_jwt(pki, P256KeyPair.generate())}, headers=csrf
    ).json()
    page = upload_wallet.get(f"/credentials/{stored['id']}").text
    assert "Beschrijving van het soort bewijs" in page  # the type metadata check, for people
    assert "De digitale handtekening klopt" in page
    assert "vct" not in page.split('id="checks-title"')[1].split("</section>")[0]


def test_share_link_carries_a_selective_sd_jwt_presentation_bound_to_the_share(
    setup: Setup, tmp_path: Path
) -> None:
    with _wallet(tmp_path, setup, anchors=setup.anchors, formats=("dc+sd-jwt",)) as client:
        csrf = _person(client)
        [credential] = _accept(client, csrf, setup.offers[0]).json()["credentials"]
        page = client.get("/shares")
        assert f'name="claim:{credential["id"]}" value="holder_name"' in page.text
        assert "altijd zichtbaar" in page.text  # kind is always visible
        wrong = client.post(
            "/api/shares",
            json={"credentials": [credential["id"]], "disclose": {credential["id"]: ["nope"]}},
            headers=csrf,
        )
        assert wrong.status_code == 422
        assert wrong.json()["code"] == "unknown_claim"
        chosen = ["achievement_name", "kerntaak_1_code"]
        share = client.post(
            "/api/shares",
            json={"credentials": [credential["id"]], "disclose": {credential["id"]: chosen}},
            headers=csrf,
        )
        assert share.status_code == 201, share.text
        published = client.get(share.json()["url"], headers={"Accept": "application/json"}).json()
        [envelope] = published["verifiableCredential"]
        assert envelope["type"] == "EnvelopedVerifiableCredential"
        assert envelope["id"].startswith("data:application/dc+sd-jwt,")
        presentation = envelope["id"].removeprefix("data:application/dc+sd-jwt,")
        assert not presentation.endswith("~")  # a KB-JWT at the end
        proof = published["proof"]
        proof = proof[0] if isinstance(proof, list) else proof
        now = setup.issuer.clock()
        anchors = load_certificates_pem(setup.anchors.read_bytes())
        result = verify_sd_jwt_vc(
            presentation, x5c_key_resolver(anchors, now=now), now=int(now.timestamp()),
            key_binding=KeyBindingPolicy(
                audience=proof["domain"], nonce=proof["challenge"], now=int(now.timestamp())
            ),
        )  # fmt: skip
        assert result.verdict == Verdict.WARNING, result  # only: status not looked up here
        binding = result.check("holder_binding")
        assert binding is not None
        assert binding.outcome.value == "passed"
        assert result.credential is not None
        assert result.credential["kerntaak_1_code"] == "B1-K1"
        assert "holder_name" not in result.credential  # withheld
        assert "student_number" not in result.credential
        assert result.credential["kind"] == "examenresultaat"  # always visible
        # the plain page shows only what was disclosed
        plain = TestClient(client.app, base_url=WALLET).get(
            share.json()["url"], headers={"Accept": "text/html"}
        )
        assert plain.status_code == 200
        assert "Sanne de Vries" not in plain.text
        # a whole share (no choice) carries every Disclosure
        whole = client.post("/api/shares", json={"credentials": [credential["id"]]}, headers=csrf)
        body = client.get(whole.json()["url"], headers={"Accept": "application/json"}).json()
        full = body["verifiableCredential"][0]["id"].removeprefix("data:application/dc+sd-jwt,")
        [row] = _rows(client)
        assert full.rsplit("~", 1)[0] + "~" == row.document


@pytest.mark.parametrize(
    "text",
    [
        "eyJhbGciOiJFUzI1NiJ9.e30.AAAA~",
        "eyJ~~~~",
        "eyJhbGciOiJFUzI1NiJ9.e30.AAAA~WyJhIiwiYiJd~" * 50,
        "ey" + "~" * 10_000,
    ],
)
def test_hostile_sd_jwt_uploads_get_a_clear_4xx(upload_wallet: TestClient, text: str) -> None:
    csrf = _person(upload_wallet)
    refused = upload_wallet.post("/api/credentials", json={"credential": text}, headers=csrf)
    assert 400 <= refused.status_code < 500, refused.text
    assert _rows(upload_wallet) == []


def test_preview_names_a_credential_offered_in_two_formats_once(
    setup: Setup, tmp_path: Path
) -> None:
    with _wallet(tmp_path, setup, anchors=setup.anchors, formats=("ldp_vc",)) as client:
        csrf = _person(client)
        preview = client.post(
            "/api/offers/preview", json={"offer": setup.offers[0][0]}, headers=csrf
        )
        assert preview.status_code == 200, preview.text
        names = preview.json()["credentials"]
        assert len(names) == 1, names


def test_sd_jwt_of_a_did_key_issuer_verifies_through_the_resolver(
    upload_wallet: TestClient,
) -> None:
    csrf = _person(upload_wallet)
    issued = issue_sd_jwt_vc(
        vct=VCT_BASE + "examenresultaat", iss=ISSUER_KEY.did_key,
        claims={"kind": "examenresultaat", "achievement_name": Sd("Kerntaak B1-K1")},
        signer=EdDsaSigner(ISSUER_KEY), iat=1_780_000_000,
        kid=ISSUER_KEY.did_key_verification_method,
        holder_jwk=P256KeyPair.generate().public_jwk,
    ).compact  # fmt: skip
    stored = upload_wallet.post("/api/credentials", json={"credential": issued}, headers=csrf)
    assert stored.status_code == 201, stored.text
    assert stored.json()["state"] == "ok"
    assert stored.json()["issuer"] == ISSUER_KEY.did_key
    forged = issue_sd_jwt_vc(
        vct=VCT_BASE + "examenresultaat", iss=ISSUER_KEY.did_key, claims={"kind": "x"},
        signer=EdDsaSigner(Ed25519KeyPair.generate()), iat=1_780_000_000,
        kid=ISSUER_KEY.did_key_verification_method,
    ).compact  # fmt: skip
    refused = upload_wallet.post("/api/credentials", json={"credential": forged}, headers=csrf)
    assert refused.status_code == 422
    assert refused.json()["check"]["code"] == "invalid_signature"


def test_share_form_and_pdf_of_an_sd_jwt(upload_wallet: TestClient, pki: dict[str, Any]) -> None:
    csrf = _person(upload_wallet)
    token = csrf["X-CSRF-Token"]
    stored = upload_wallet.post(
        "/api/credentials", json={"credential": _sd_jwt(pki, P256KeyPair.generate())}, headers=csrf
    ).json()
    cid = stored["id"]
    form = {
        "csrf_token": token, "credential": cid, "sd_choice": cid,
        "claim:" + cid: "kerntaak_1_code", "label": "Werkgever", "valid_days": "7",
    }  # fmt: skip
    created = upload_wallet.post("/shares", data=form)
    assert created.status_code == 200, created.text
    [share] = upload_wallet.get("/api/shares").json()
    with UnitOfWork(upload_wallet.app.state.sessions) as uow:  # type: ignore[attr-defined]
        row = uow.session.scalars(select(Share)).one()
        published = json.loads(row.presentation)
    item = published["verifiableCredential"][0]["id"].removeprefix("data:application/dc+sd-jwt,")
    assert item.endswith("~")  # bound to a key that is not ours: no KB-JWT
    assert len(item.split("~")) == 3  # issuer JWT, one Disclosure, the end
    assert share["label"] == "Werkgever"
    pdf = upload_wallet.post(f"/credentials/{cid}/pdf", data={"csrf_token": token})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert b"bewijs.sd-jwt" in pdf.content


def test_the_verifier_reads_a_share_with_an_sd_jwt_bound_to_another_key(
    upload_wallet: TestClient, pki: dict[str, Any]
) -> None:
    """The share payload shape: the presentation's Data Integrity proof (holder binding)
    verifies; the SD-JWT VC inside is read (disclosed claims, withheld count), and as it is
    bound to a key this wallet does not hold it goes without KB-JWT: a warning, not shown to
    be shared by its holder."""
    from credentials.did import StaticDidResolver
    from verifier.services.checking import check_document
    from verifier.services.sd_jwt_fetching import SdJwtSupport, TypeMetadataFetcher

    support = SdJwtSupport((pki["root"].certificate,), None, TypeMetadataFetcher(None))
    csrf = _person(upload_wallet)
    cid = upload_wallet.post(
        "/api/credentials", json={"credential": _sd_jwt(pki, P256KeyPair.generate())}, headers=csrf
    ).json()["id"]
    share = upload_wallet.post("/api/shares", json={"credentials": [cid]}, headers=csrf).json()
    published = upload_wallet.get(share["url"], headers={"Accept": "application/json"}).json()
    report = check_document(
        published, resolver=StaticDidResolver({}), fetch_status_list=None, trusted={},
        now=upload_wallet.app.state.clock(), domain=WALLET,  # type: ignore[attr-defined]
        sd_jwt=support,
    )  # fmt: skip
    assert report.presentation is not None
    binding = report.presentation.check("holder_binding")
    assert binding is not None
    assert binding.outcome.value == "passed"
    [credential] = report.credentials
    proof = credential.result.check("proof")
    assert proof is not None
    assert proof.outcome.value == "passed", proof
    assert credential.format == "dc+sd-jwt"
    fmt = credential.result.check("format")
    assert fmt is not None
    assert fmt.outcome.value == "passed"
    kb = credential.result.check("holder_binding")
    assert kb is not None
    assert (kb.outcome.value, kb.code) == ("warning", "kb_missing")
    assert credential.disclosure is not None
    assert credential.disclosure.claims


def test_the_verifier_checks_a_share_link_kb_jwt_against_the_share_not_a_300_s_window(
    setup: Setup, tmp_path: Path
) -> None:
    """Issuer app -> wallet app over OpenID4VCI -> a share link disclosing two claims -> the
    verifier's checks: the KB-JWT names the proof's challenge and the wallet's origin and
    still counts an hour later; disclosed claims and the withheld count are shown; a changed
    Disclosure, a KB-JWT for another share and a revoked credential are refused."""
    from credentials.did import StaticDidResolver
    from verifier.services.checking import check_document
    from verifier.services.sd_jwt_fetching import (
        CachingTokenStatusFetcher,
        SdJwtSupport,
        TypeMetadataFetcher,
    )

    with _wallet(tmp_path, setup, anchors=setup.anchors, formats=("dc+sd-jwt",)) as client:
        csrf = _person(client)
        [credential] = _accept(client, csrf, setup.offers[0]).json()["credentials"]
        chosen = ["achievement_name", "kerntaak_1_code"]
        share = client.post(
            "/api/shares",
            json={"credentials": [credential["id"]], "disclose": {credential["id"]: chosen}},
            headers=csrf,
        ).json()
        published = client.get(share["url"], headers={"Accept": "application/json"}).json()

    issuer_client = cast(httpx.Client, setup.issuer.client)
    anchors = tuple(load_certificates_pem(setup.anchors.read_bytes()))

    def check(document: Any, later: timedelta = timedelta(hours=1)) -> Any:
        fetcher = CachingTokenStatusFetcher(
            issuer_client, allow_hosts={"issuer.test"}, resolve=lambda h, p: ["93.184.216.34"]
        )
        support = SdJwtSupport(anchors, fetcher, TypeMetadataFetcher(None))
        return check_document(
            document, resolver=StaticDidResolver({}), fetch_status_list=None, trusted={},
            now=setup.issuer.clock() + later, domain=WALLET, sd_jwt=support,
        )  # fmt: skip

    report = check(published)
    [shown] = report.credentials
    codes = {c.name: (c.outcome.value, c.code) for c in shown.result.checks}
    assert codes["proof"][0] == "passed"
    assert codes["holder_binding"] == ("passed", "kb_jwt")
    assert codes["status"][0] == "passed", codes
    assert codes["holder"] == ("skipped", "holder_key_separate")
    assert shown.disclosure is not None
    names = {c.name for c in shown.disclosure.claims}
    assert {"achievement_name", "kerntaak_1_code"} <= names
    assert "holder_name" not in names
    assert shown.disclosure.withheld > 0
    assert report.presentation is not None
    assert report.presentation.check("holder_binding").outcome.value == "passed"

    # a changed Disclosure breaks the issuer's digests (and the presentation proof)
    envelope = published["verifiableCredential"][0]["id"]
    head, *disclosures, kb = envelope.split("~")
    forged = base64.urlsafe_b64encode(b'["salt", "kerntaak_1_code", "B1-K9"]').decode().rstrip("=")
    tampered = json.loads(json.dumps(published))
    tampered["verifiableCredential"][0]["id"] = "~".join([head, forged, *disclosures[1:], kb])
    bad = check(tampered)
    assert bad.verdict.value == "invalid"
    assert bad.credentials[0].result.check("proof").outcome.value == "failed"

    # revoked at the issuer: the Token Status List says so
    revoked = setup.issuer.client.post(
        "/credentials/status",
        json={
            "credentialId": setup.offers[0][2],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=setup.issuer.auth(setup.issuer.status_token),
    )
    assert revoked.status_code == 200, revoked.text
    after = check(published)
    status = after.credentials[0].result.check("status")
    assert status is not None
    assert (status.outcome.value, status.code) == ("failed", "revoked"), status
    assert after.verdict.value == "invalid"

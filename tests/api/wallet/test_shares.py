"""Share links: a presentation signed by the holder, only the chosen credentials, bound to
the wallet's origin; access log; expiry and revocation; unguessable tokens."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote, urlsplit

from credentials.did import StaticDidResolver
from credentials.results import Verdict
from credentials.verification import verify_presentation

from .conftest import BASE_URL, Person, Wallet, signed_credential

JSON = {"Accept": "application/json"}


def _two(wallet: Wallet) -> tuple[Person, str, str]:
    person = wallet.person()
    first = person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    second = person.post(
        "/api/credentials", json={"credential": signed_credential(person.did, number=2)}
    )
    return person, first.json()["id"], second.json()["id"]


def test_share_publishes_a_holder_signed_presentation_of_only_the_chosen(wallet: Wallet) -> None:
    person, _first, second = _two(wallet)
    created = person.post(
        "/api/shares", json={"credentials": [second], "label": "Sollicitatie", "valid_days": 14}
    )
    assert created.status_code == 201, created.text
    share = created.json()
    assert share["url"].startswith(f"{BASE_URL}/s/")
    token = urlsplit(share["url"]).path.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64url: well over 128 bits
    assert share["qr_svg"].startswith("<?xml") or "<svg" in share["qr_svg"]
    assert share["expires_at"].startswith("2026-09-15")
    assert [c["id"] for c in share["credentials"]] == [second]

    anyone = wallet.browser()
    opened = anyone.get(share["url"], headers={**JSON, "User-Agent": "Werkgever-check/1.0"})
    assert opened.status_code == 200
    assert opened.headers["cache-control"] == "no-store"
    vp = opened.json()
    assert vp["holder"] == person.did
    assert len(vp["verifiableCredential"]) == 1
    assert vp["verifiableCredential"][0]["id"].endswith("000000000002")
    result = verify_presentation(
        vp, resolver=StaticDidResolver(), now=wallet.clock(), challenge=None, domain=BASE_URL
    )
    assert result.verdict is Verdict.VALID, result.to_json()
    elsewhere = verify_presentation(
        vp, resolver=StaticDidResolver(), now=wallet.clock(), challenge=None,
        domain="https://evil.example",
    )  # fmt: skip
    assert elsewhere.verdict is Verdict.INVALID

    log = person.get(f"/api/shares/{share['id']}").json()
    assert log["openings"] == 1
    [access] = log["accesses"]
    assert access["outcome"] == "served"
    assert access["user_agent"] == "Werkgever-check/1.0"
    assert access["as_json"] is True


def test_a_browser_opening_a_share_link_is_sent_to_the_verifier(wallet: Wallet) -> None:
    """The wallet publishes, the verifier checks: a person's first screen is its verdict."""
    person, first, _ = _two(wallet)
    share = person.post("/api/shares", json={"credentials": [first]}).json()
    opened = wallet.browser().get(
        share["url"], headers={"Accept": "text/html"}, follow_redirects=False
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == "http://localhost:8003/?share=" + quote(
        share["url"], safe=""
    )
    assert opened.headers["cache-control"] == "no-store"
    log = person.get(f"/api/shares/{share['id']}").json()
    assert [a["as_json"] for a in log["accesses"]] == [False]


def test_without_a_verifier_the_share_page_shows_both_expiries(wallet: Wallet) -> None:
    wallet.app.state.settings.verifier_url = ""
    person, first, _ = _two(wallet)
    share = person.post("/api/shares", json={"credentials": [first]}).json()
    page = wallet.browser().get(share["url"], headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "Deze link is geldig tot" in page.text
    assert "Biedt ondersteuning bij dienstverlening" in page.text
    assert "controle-dienst" not in page.text
    assert "Controleer of ze echt zijn" in page.text


def test_without_a_verifier_the_share_page_leads_to_the_verifier_the_employer_names(
    wallet: Wallet,
) -> None:
    wallet.app.state.settings.verifier_url = ""
    person, first, _ = _two(wallet)
    share = person.post("/api/shares", json={"credentials": [first]}).json()
    employer = wallet.browser()
    html = {"Accept": "text/html"}
    chosen = employer.get(
        share["url"], params={"controle": " https://controle.werkgever.nl/ "}, headers=html,
        follow_redirects=False,
    )  # fmt: skip
    assert chosen.status_code == 200  # a link, not a redirect: the CSP allows no form redirect
    link = "https://controle.werkgever.nl/?share=" + quote(share["url"], safe="")
    assert f'href="{link}"' in chosen.text
    assert "Bekijk de uitslag op controle.werkgever.nl" in chosen.text
    with_path = employer.get(
        share["url"], params={"controle": "https://werkgever.nl:8443/controle"}, headers=html,
    )  # fmt: skip
    assert 'href="https://werkgever.nl:8443/controle/?share=' in with_path.text
    for wrong in ("controle.werkgever.nl", "javascript:alert(1)", "https://a@evil.example",
                  "https://werkgever.nl/?x=1", "ftp://werkgever.nl", "https://"):  # fmt: skip
        refused = employer.get(
            share["url"], params={"controle": wrong}, headers=html, follow_redirects=False
        )
        assert refused.status_code == 400, wrong
        assert "Dat is geen webadres van een controlepagina" in refused.text
        assert "?share=" not in refused.text
    # a link that does not exist leads nowhere, whatever it names
    missing = employer.get(
        "/s/" + "A" * 43, params={"controle": "https://evil.example"}, headers=html,
        follow_redirects=False,
    )  # fmt: skip
    assert missing.status_code == 404


def test_revoked_and_expired_links_stop_and_are_logged(wallet: Wallet) -> None:
    person, first, _ = _two(wallet)
    short = person.post("/api/shares", json={"credentials": [first], "valid_days": 1}).json()
    other = person.post("/api/shares", json={"credentials": [first]}).json()
    anyone = wallet.browser()
    assert anyone.get(other["url"], headers=JSON).status_code == 200
    revoked = person.post(f"/api/shares/{other['id']}/revoke")
    assert revoked.json()["status"] == "revoked"
    gone = anyone.get(other["url"], headers=JSON)
    assert gone.status_code == 410
    assert gone.json()["type"].endswith("share-revoked")
    wallet.clock.now += timedelta(days=1, seconds=1)
    expired = anyone.get(short["url"], headers=JSON)
    assert expired.status_code == 410
    assert expired.json()["type"].endswith("share-expired")
    person.login()
    shares = {s["id"]: s for s in person.get("/api/shares").json()}
    assert shares[short["id"]]["status"] == "expired"
    assert shares[other["id"]]["status"] == "revoked"
    log = person.get(f"/api/shares/{other['id']}").json()
    assert [a["outcome"] for a in log["accesses"]] == ["revoked", "served"]


def test_unknown_and_malformed_tokens(wallet: Wallet) -> None:
    anyone = wallet.browser()
    assert anyone.get("/s/" + "A" * 43, headers=JSON).status_code == 404
    assert anyone.get("/s/short", headers=JSON).status_code == 400
    assert anyone.get("/s/" + "x" * 200, headers=JSON).status_code == 400


def test_share_input_is_checked(wallet: Wallet) -> None:
    person, first, _ = _two(wallet)
    post = person.post
    assert post("/api/shares", json={"credentials": []}).json()["code"] == "nothing_chosen"
    assert post("/api/shares", json={"credentials": [first], "valid_days": 0}).status_code == 422
    assert post("/api/shares", json={"credentials": [first], "valid_days": 9999}).status_code == 422
    assert post("/api/shares", json={"credentials": ["nope-nope-nope"]}).status_code == 404

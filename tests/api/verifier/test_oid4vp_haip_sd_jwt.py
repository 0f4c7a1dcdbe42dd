"""The HAIP request answered with a selective ``dc+sd-jwt`` presentation by the wallet written
from the specifications (OpenID4VP 1.0, SD-JWT: Disclosures chosen by the DCQL claims, the
Key Binding JWT built here with ``nonce``, ``aud`` and ``sd_hash``), over ``direct_post.jwt``
and over the Digital Credentials API. The SD-JWT VC itself is made as our issuer makes it."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi.testclient import TestClient
from jwcrypto import jwk, jws
from pydantic import SecretStr

from tests.databases import migrated
from verifier.app import create_app
from verifier.services.admin import hash_password
from verifier.settings import VerifierSettings

from ...unit.verifier.sd_jwt_factory import DIPLOMA, KERNTAAK_EXAM, NOW, DevIssuer
from .test_oid4vp_haip import BASE, SD_JWT, SpecWallet, _local
from .test_sd_jwt_pages import PASSWORD, Clock, Site, _text, _world


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    url = (
        f"sqlite:///{tmp_path / 'verifier.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("new_postgres_url")
    )
    migrated("verifier", url)
    issuer = DevIssuer()
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(issuer.root.pem)
    settings = VerifierSettings(
        environment="test", database_url=url, log_json=False,
        admin_password_hash=SecretStr(hash_password(PASSWORD)),
        x509_trust_anchors_file=str(anchors),
    )  # fmt: skip
    world = TestClient(_world(issuer, {}, []))
    app = create_app(settings, clock=Clock(), http_client=cast(httpx.Client, world),
                     resolve_host=lambda host, port: ["93.184.216.34"])  # fmt: skip
    with TestClient(app) as client:
        yield Site(client, issuer, {}, [])


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _disclosed_name(disclosure: str) -> str | None:
    decoded = json.loads(base64.urlsafe_b64decode(disclosure + "=" * (-len(disclosure) % 4)))
    return decoded[1] if len(decoded) == 3 else None


def _present(site: Site, claims: dict[str, Any], *, nonce: str | None = None, audience: str) -> str:
    """SD-JWT §4/§7.3 as a wallet does it: keep the Disclosures of the claims the DCQL
    query names (its first claim set), then append a KB-JWT over ``sd_hash``."""
    issued, _ = site.issuer.issue(DIPLOMA)
    jwt, *disclosures = [p for p in issued.split("~") if p]
    query = next(q for q in claims["dcql_query"]["credentials"] if q["id"] == SD_JWT)
    paths = {c["id"]: c["path"][0] for c in query["claims"]}
    wanted = {paths[cid] for cid in query["claim_sets"][0]}
    kept = [d for d in disclosures if _disclosed_name(d) in wanted]
    assert kept
    assert len(kept) < len(disclosures)  # selective: the rest stays with the holder
    presented = "~".join([jwt, *kept]) + "~"
    payload = {
        "iat": int(NOW.timestamp()),
        "aud": audience,
        "nonce": claims["nonce"] if nonce is None else nonce,
        "sd_hash": _b64url(hashlib.sha256(presented.encode("ascii")).digest()),
    }
    kb = jws.JWS(json.dumps(payload).encode())
    kb.add_signature(
        jwk.JWK.from_pyca(site.issuer.holder.private_key), alg="ES256",
        protected=json.dumps({"typ": "kb+jwt", "alg": "ES256"}),
    )  # fmt: skip
    return presented + str(kb.serialize(compact=True))


def test_a_selective_sd_jwt_vc_answers_the_haip_request(site: Site) -> None:
    info = site.client.post("/oid4vp/requests", json={"target": "25498"}).json()
    wallet = SpecWallet(TestClient(site.client.app))
    request = wallet.open(info["link"])
    claims = request.claims
    status_url = f"/oid4vp/requests/{info['id']}?key={info['resultKey']}"

    wrong_nonce = _present(site, claims, nonce="other", audience=request.client_id)
    wrong_aud = _present(site, claims, audience="origin:" + BASE)
    no_kb = wrong_nonce.rsplit("~", 1)[0] + "~"
    for name, presentation in {"nonce": wrong_nonce, "aud": wrong_aud, "no KB-JWT": no_kb}.items():
        refused = wallet.answer(claims, {SD_JWT: [presentation]})
        assert refused.status_code == 400, (name, refused.text)
        assert "nonce or audience" in refused.json()["error_description"], name
    assert site.client.get(status_url).json()["status"] == "pending"

    answer = wallet.answer(claims, {SD_JWT: [_present(site, claims, audience=request.client_id)]})
    assert answer.status_code == 200, answer.text
    status = site.client.get(status_url).json()
    assert status["status"] == "answered"
    (credential,) = status["result"]["credentials"]
    assert credential["issuerName"] == "ROC Midden Nederland"
    outcomes = {c["check"]: c["outcome"] for c in credential["checks"]}
    assert outcomes["holder_binding"] == "passed"  # KB-JWT: this nonce, this client id
    assert outcomes["proof"] == "passed"
    # genuine; only "not on this verifier's trust list" keeps it from green
    assert {k for k, v in outcomes.items() if v != "passed"} == {"trust"}
    assert status["result"]["verdict"] == "warning"
    replay = wallet.answer(claims, {SD_JWT: [_present(site, claims, audience=request.client_id)]})
    assert replay.status_code == 400


def test_the_dc_api_answer_with_sd_jwt_is_bound_to_the_origin(site: Site) -> None:
    made = site.client.post("/requests", data={"csrf_token": site.csrf()}, follow_redirects=False)
    wait_url = made.headers["location"]
    request_id = wait_url.rsplit("/", 1)[1]
    csrf = site.csrf(wait_url)
    token = site.client.get(f"/requests/{request_id}/dc-api").json()["data"]["request"]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))

    def post(audience: str) -> Any:
        presentation = _present(site, claims, audience=audience)
        data = {"response": SpecWallet.encrypt(claims, {"vp_token": {SD_JWT: [presentation]}})}
        return site.client.post(f"/requests/{request_id}/dc-api", json={"data": data},
                                headers={"X-CSRF-Token": csrf})  # fmt: skip

    assert post(claims["client_id"]).status_code == 400  # Appendix A.4: not the client id
    good = post("origin:" + BASE)
    assert good.status_code == 200, good.text
    shown = site.client.get(wait_url, follow_redirects=False)
    assert shown.status_code == 303
    page = site.client.get(_local(BASE + shown.headers["location"]))
    text = _text(page)
    assert "SD-JWT VC" in text
    assert "niet gedeeld" in text  # the withheld claims are counted, not shown


def _first_claim_set(query: dict[str, Any], held: set[str]) -> list[str]:
    """§6.4.1 as a wallet applies it: the first claim set whose claims the credential has."""
    paths = {c["id"]: c["path"][0] for c in query["claims"]}
    for claim_set in query["claim_sets"]:
        names = [paths[cid] for cid in claim_set]
        if set(names) <= held:
            return names
    raise AssertionError("no claim set fits")


def test_kind_and_companion_presentations_stack_as_one_credential(site: Site) -> None:
    """A foreign wallet answers the exam result's kind query and the ``mbo_kerntaken``
    companion with two presentations of the one SD-JWT VC (each its own Disclosures and
    KB-JWT, as §6.4 allows): the verdict shows one credential, and the stacking report
    counts the kerntaak's werkprocessen (not "0 van de …")."""
    made = site.client.post("/requests", data={"csrf_token": site.csrf()}, follow_redirects=False)
    wait_url = made.headers["location"]
    link = re.search(r'class="mono break" href="([^"]+)"', site.client.get(wait_url).text)
    assert link is not None
    wallet = SpecWallet(TestClient(site.client.app))
    request = wallet.open(html.unescape(link.group(1)))
    claims = request.claims
    queries = {q["id"]: q for q in claims["dcql_query"]["credentials"]}
    issued, _ = site.issuer.issue(KERNTAAK_EXAM)
    held = {name for d in issued.split("~")[1:] if d and (name := _disclosed_name(d))}
    held.add("kind")  # always visible, in the issuer-signed JWT
    assert "kerntaak_1_code" in held

    def present(names: list[str], nonce: str | None = None) -> str:
        return site.issuer.present(issued, select=names, audience=request.client_id,
                                   nonce=claims["nonce"] if nonce is None else nonce)  # fmt: skip

    own = _first_claim_set(queries["examenresultaat"], held)
    assert not any(n.startswith("kerntaak_") for n in own)  # the companion asks for those
    parts = _first_claim_set(queries["mbo_kerntaken"], held)
    assert parts == ["kerntaak_1_code"]  # every code held, no title
    # a companion presentation not bound to this request spoils the whole answer
    stray = wallet.answer(claims, {"examenresultaat": [present(own)],
                                   "mbo_kerntaken": [present(parts, nonce="other")]})  # fmt: skip
    assert stray.status_code == 400, stray.text
    answer = wallet.answer(claims, {"examenresultaat": [present(own)],
                                    "mbo_kerntaken": [present(parts)]})  # fmt: skip
    assert answer.status_code == 200, answer.text
    shown = site.client.get(wait_url, follow_redirects=False)
    assert shown.status_code == 303
    result = site.client.get(_local(BASE + shown.headers["location"]) + "?target=25498")
    text = _text(result)
    assert text.count("Gedeelde gegevens") == 1, text  # one credential, not two
    assert "Kerntaak 1 (code): B1-K1" in text
    found = re.search(r"Telt mee voor het diploma: (\d+) van de (\d+) werkprocessen", text)
    assert found is not None, text
    assert int(found.group(1)) > 0

"""``relatedResource`` digests are checked at every verify entry point of the verifier, by
the one engine check, through the app's guarded fetcher: a wallet's share link
(``/shares/check``) and a wallet's OpenID4VP answer; a changed resource fails the
credential. (The VC-API and the employer page: ``test_vc_api.py``, ``test_pages.py``.)"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof
from credentials.oid4vp import build_response_form, parse_authorization_request
from credentials.verification import sign_presentation
from issuer.db.tables import Organisation
from issuer.services.templates import build_unsigned_credential
from qualifications.achievements import AchievementRequest, CredentialKind, build_achievement
from tests.databases import migrated
from verifier.app import create_app
from verifier.settings import VerifierSettings

from .test_vc_api import CATALOG, CREATED, SCHOOL, STUDENT

RULES_URL = "https://wallet.example/examenreglement.pdf"
RULES = b"%PDF-1.7 examenreglement 2026-2027"


def _signed_with_rules() -> dict[str, Any]:
    request = AchievementRequest(CredentialKind.DIPLOMA, qualification="25498")
    achievement = build_achievement(CATALOG, request).achievement
    assert achievement is not None
    org = Organisation(slug="x", name="ROC Midden Nederland", kind="school", did=SCHOOL.did_key)
    unsigned = build_unsigned_credential(
        CredentialKind.DIPLOMA, achievement, org=org,
        credential_id="urn:uuid:11111111-2222-4333-8444-555566667778",
        subject_name="Sanne de Vries", subject_id=STUDENT.did_key,
        valid_from=datetime(2026, 7, 1, tzinfo=UTC),
    )  # fmt: skip
    digest = base64.b64encode(hashlib.sha384(RULES).digest()).decode()
    unsigned["relatedResource"] = [{"id": RULES_URL, "digestSRI": f"sha384-{digest}"}]
    return add_proof(unsigned, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)


def _vp(*, challenge: str, domain: str) -> dict[str, Any]:
    vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": STUDENT.did_key,
        "verifiableCredential": [_signed_with_rules()],
    }
    return sign_presentation(vp, STUDENT, STUDENT.did_key_verification_method,
                             challenge=challenge, domain=domain, created=CREATED)  # fmt: skip


class Site:
    """The wallet's share link and the school's published exam rules, on one host."""

    def __init__(self) -> None:
        self.rules = RULES
        self.fetched: list[str] = []
        self.app = FastAPI()
        vp = _vp(challenge="wallet-chosen", domain="https://wallet.example")

        @self.app.get("/s/{token}")
        def share(token: str) -> dict[str, Any]:
            return vp

        @self.app.get("/examenreglement.pdf")
        def rules() -> Response:
            self.fetched.append(RULES_URL)
            return Response(self.rules, media_type="application/pdf")


def _verifier(site: Site, tmp_path: Path) -> TestClient:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    migrated("verifier", url)
    app = create_app(
        VerifierSettings(environment="test", database_url=url, log_json=False),
        clock=lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        http_client=cast(httpx.Client, TestClient(site.app)),
        resolve_host=lambda host, port: ["93.184.216.34"],
    )
    return TestClient(app)


def _related(checks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(c for c in checks if c["check"] == "related_resources")


def test_a_share_link_s_credentials_have_their_resources_checked(tmp_path: Path) -> None:
    site = Site()
    with _verifier(site, tmp_path) as client:
        ok = client.post("/shares/check", json={"url": "https://wallet.example/s/abc"})
        assert ok.status_code == 200, ok.text
        [credential] = ok.json()["credentials"]
        assert (_related(credential["checks"])["outcome"], site.fetched) == ("passed", [RULES_URL])
        site.rules = b"%PDF-1.7 other rules"
        changed = client.post("/shares/check", json={"url": "https://wallet.example/s/abc"})
        assert changed.status_code == 400
        [credential] = changed.json()["credentials"]
        assert _related(credential["checks"])["code"] == "related_resource_mismatch"


def test_an_openid4vp_answer_has_its_resources_checked(tmp_path: Path) -> None:
    site = Site()
    with _verifier(site, tmp_path) as client:
        created = client.post("/oid4vp/requests", json={"profile": "by_value"}).json()
        request = parse_authorization_request(created["link"])
        vp = _vp(challenge=request.nonce, domain=request.client_id)
        path = request.response_uri.removeprefix("http://localhost:8003")
        answer = client.post(path, data=build_response_form(request, {"mbo_credentials": [vp]}))
        assert answer.status_code == 200, answer.text
        status = client.get(f"/oid4vp/requests/{created['id']}?key={created['resultKey']}")
        [credential] = status.json()["result"]["credentials"]
        assert _related(credential["checks"])["outcome"] == "passed"
        assert site.fetched == [RULES_URL]

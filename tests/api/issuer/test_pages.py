"""The staff pages: setup, login, roles, CSRF, issuing from the form, revoking."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credentials.status_list import StatusList
from issuer.services.setup_code import setup_code, setup_code_matches
from issuer.settings import IssuerSettings

from .conftest import BASE_URL, HTML, STAFF_PASSWORD, Issuer, csrf_of, login_client

QUALIFICATION = "mbo-25498-helpende-zorg-en-welzijn"


def _setup_form(**overrides: str) -> dict[str, str]:
    form = {
        "code": setup_code(IssuerSettings(environment="test").secret_key.get_secret_value()),
        "name": "ROC Test",
        "kind": "school",
        "identifier": "99XX",
        "slug": "roc-test",
        "admin_name": "Anna Admin",
        "admin_email": "anna@roc-test.nl",
        "admin_password": STAFF_PASSWORD,
        "admin_password_confirm": STAFF_PASSWORD,
    }
    form.update(overrides)
    return form


def test_setup_code_is_derived_from_the_secret_or_configured() -> None:
    derived = setup_code("one secret")
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", derived)
    assert setup_code("another secret") != derived
    assert setup_code("one secret", "MY-OWN-CODE") == "MY-OWN-CODE"
    assert setup_code_matches(derived.lower().replace("-", " "), derived)
    assert not setup_code_matches("", "")
    assert not setup_code_matches(derived[:-1], derived)


def test_setup_code_command_prints_the_accepted_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from issuer.cli import app

    monkeypatch.setenv("ISSUER_SECRET_KEY", "operator secret")
    monkeypatch.delenv("ISSUER_SETUP_CODE", raising=False)
    printed = CliRunner().invoke(app, ["setup-code"])
    assert printed.exit_code == 0, printed.output
    assert printed.output.strip() == setup_code("operator secret")
    monkeypatch.setenv("ISSUER_SETUP_CODE", "KNOWN-CODE")
    assert CliRunner().invoke(app, ["setup-code"]).output.strip() == "KNOWN-CODE"


def test_first_run_setup_then_closed(fresh_issuer: TestClient) -> None:
    client = fresh_issuer
    assert client.get("/", follow_redirects=True).url.path == "/setup"
    page = client.get("/setup")
    assert page.status_code == 200
    assert '<label for="field-slug">' in page.text
    token = csrf_of(page.text)
    bad = client.post(
        "/setup",
        data={
            **_setup_form(slug="Not OK!", admin_email="x", admin_password_confirm="other"),
            "csrf_token": token,
        },
    )
    assert bad.status_code == 400
    for field in ("slug", "admin_email", "admin_password_confirm"):
        assert f'id="error-{field}"' in bad.text
    # the service's refusals are worded by their code, in the reader's language
    assert "Gebruik kleine letters, cijfers en streepjes (maximaal 64)." in bad.text
    assert "hyphens" not in bad.text
    english = client.post(
        "/setup?lang=en",
        data={**_setup_form(slug="Not OK!", name=" "), "csrf_token": token},
    )
    assert "Use lower-case letters, digits and hyphens (at most 64)." in english.text
    assert "Fill in a name." in english.text
    client.get("/setup?lang=nl")  # the language is remembered: back to Dutch
    wrong = client.post("/setup", data={**_setup_form(code="AAAA-BBBB"), "csrf_token": token})
    assert wrong.status_code == 400
    assert 'id="error-code"' in wrong.text
    assert client.get("/setup").status_code == 200  # nothing was set up
    only_confirm = client.post(  # every other field is good: still nothing is kept
        "/setup", data={**_setup_form(admin_password_confirm="other"), "csrf_token": token}
    )
    assert only_confirm.status_code == 400
    assert 'id="error-admin_password_confirm"' in only_confirm.text
    assert 'id="error-slug"' not in only_confirm.text
    assert client.get("/setup").status_code == 200
    ok = client.post("/setup", data={**_setup_form(), "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303
    assert ok.headers["location"] == "/login"
    login = client.get("/login")
    assert "ROC Test is ingericht" in login.text
    assert client.get("/setup").status_code == 404
    again = client.post("/setup", data={**_setup_form(slug="other"), "csrf_token": token})
    assert again.status_code == 404
    response = client.post(
        "/login",
        data={
            "email": "anna@roc-test.nl",
            "password": STAFF_PASSWORD,
            "csrf_token": csrf_of(login.text),
        },
    )
    assert response.status_code == 200
    assert "Welkom, Anna Admin." in response.text
    assert "ROC Test" in response.text


def _login_answers(client: TestClient, email: str, password: str, times: int) -> list[Any]:
    token = csrf_of(client.get("/login").text)
    form = {"email": email, "password": password, "csrf_token": token}
    answers = []
    for _ in range(times):
        response = client.post("/login", data=form)
        answers.append((response.status_code, response.headers.get("retry-after")))
        assert ("klopt niet" in response.text) == (response.status_code == 400)
        assert ("Te veel mislukte pogingen" in response.text) == (response.status_code == 429)
    return answers


def test_wrong_passwords_slow_down_without_locking_out_the_staff_member(staff: Issuer) -> None:
    attacker = TestClient(staff.client.app, base_url=BASE_URL, headers=HTML,
                          client=("203.0.113.9", 5000))  # fmt: skip
    answers = _login_answers(attacker, "issuer@roc-midden.nl", "wrong password", 7)
    assert [code for code, _ in answers] == [400] * 5 + [429, 429]
    assert answers[5][1] is not None
    assert 1 <= int(answers[5][1]) <= 60
    # the same for an address without an account: nothing tells them apart
    assert _login_answers(attacker, "nobody@roc-midden.nl", "wrong password", 7) == answers
    # no fifteen-minute lock: after a minute at most, the right password works
    staff.clock.now += timedelta(seconds=61)
    elsewhere = TestClient(staff.client.app, base_url=BASE_URL, headers=HTML,
                           client=("198.51.100.20", 5000))  # fmt: skip
    token = csrf_of(elsewhere.get("/login").text)
    right = {"email": "issuer@roc-midden.nl", "password": STAFF_PASSWORD, "csrf_token": token}
    assert elsewhere.post("/login", data=right, follow_redirects=False).status_code == 303


def test_password_spraying_from_one_address_is_slowed_down(staff: Issuer) -> None:
    sprayer = TestClient(staff.client.app, base_url=BASE_URL, headers=HTML,
                         client=("203.0.113.50", 5000))  # fmt: skip
    token = csrf_of(sprayer.get("/login").text)
    codes = [
        sprayer.post(
            "/login",
            data={
                "email": f"staff{i}@roc-midden.nl",
                "password": "Zomer2026!",
                "csrf_token": token,
            },
        ).status_code
        for i in range(12)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10:] == [429, 429]


def test_failed_logins_are_audited(staff: Issuer) -> None:
    client = TestClient(staff.client.app, base_url=BASE_URL, headers=HTML)
    _login_answers(client, "issuer@roc-midden.nl", "wrong password", 1)
    audit = login_client(staff, "admin@roc-midden.nl").get("/audit?action=staff").text
    assert "Mislukte inlogpoging" in audit
    assert "actie:staff.login_failed" not in audit  # labelled, not raw
    assert STAFF_PASSWORD not in audit


def test_pages_need_login_and_csrf(staff: Issuer) -> None:
    anonymous = TestClient(staff.client.app, base_url=BASE_URL, headers=HTML)
    response = anonymous.get("/credentials", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcredentials"
    client = login_client(staff, "issuer@roc-midden.nl")
    forged = client.post("/issue", data={"kind": "examenresultaat"})
    assert forged.status_code == 403
    assert "Formulier verlopen" in forged.text
    assert client.get("/login?next=//evil.example").text.count('value="/"') == 1


def test_logout_ends_the_session(staff: Issuer) -> None:
    client = login_client(staff, "viewer@roc-midden.nl")
    page = client.get("/")
    stolen = dict(client.cookies)
    client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    replay = TestClient(staff.client.app, base_url=BASE_URL, headers=HTML, cookies=stolen)
    assert replay.get("/", follow_redirects=False).status_code == 303


def _issue(client: TestClient, **fields: str | list[str]) -> tuple[int, str]:
    step2 = client.get(f"/issue?step=2&kind=examenresultaat&qualification={QUALIFICATION}")
    assert step2.status_code == 200
    reference = re.search(r'name="reference" value="([^"]+)"', step2.text)
    assert reference
    form: dict[str, str | list[str]] = {
        "csrf_token": csrf_of(step2.text),
        "kind": "examenresultaat",
        "qualification": QUALIFICATION,
        "reference": reference.group(1),
        "student_name": "Sanne de Vries",
        "student_number": "123456",
        "codes": ["B1-K1"],
    }
    form.update(fields)
    response = client.post("/issue", data=form, follow_redirects=False)
    return response.status_code, response.text


def test_issue_form_happy_path_and_double_submit(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    step1 = client.get("/issue")
    assert "Helpende Zorg en Welzijn — crebo 25498, niveau 2" in step1.text
    step2 = client.get(f"/issue?step=2&kind=examenresultaat&qualification={QUALIFICATION}")
    assert 'value="B1-K1-W1"' in step2.text
    assert "<legend>B1-K1" in step2.text
    reference = re.search(r'name="reference" value="([^"]+)"', step2.text)
    assert reference
    form = {
        "csrf_token": csrf_of(step2.text),
        "kind": "examenresultaat",
        "qualification": QUALIFICATION,
        "reference": reference.group(1),
        "student_name": "Sanne de Vries",
        "codes": ["B1-K1"],
    }
    first = client.post("/issue", data=form)
    assert first.status_code == 200
    assert "openid-credential-offer://" in first.text
    assert 'src="data:image/svg+xml;base64,' in first.text
    tx_code = re.search(r'id="tx-code">(\d{6})<', first.text)
    assert tx_code
    assert tx_code.group(1) not in first.text.split("<pre>")[1]  # not in the e-mail text
    twice = client.post("/issue", data=form, follow_redirects=False)
    assert twice.status_code == 303
    detail = client.get(twice.headers["location"])
    assert "al uitgegeven" in detail.text
    listing = client.get("/credentials?q=Sanne")
    assert "1 bewijzen gevonden" in listing.text
    download = client.get(twice.headers["location"] + "/download")
    assert download.json()["credentialSubject"]["name"] == "Sanne de Vries"
    assert "proof" in download.json()


def test_issue_form_errors_per_field(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    status, html = _issue(client, student_name="", codes=[], student_email="not-an-address")
    assert status == 400
    for field in ("student_name", "codes", "student_email"):
        assert f'id="error-{field}"' in html
    assert "Vul de naam van de student in." in html
    english = client.get("/issue?lang=en")
    assert '<html lang="en">' in english.text
    status, html = _issue(client, kind="praktijkverklaring", leerbedrijf="")
    assert status == 400
    assert 'id="error-leerbedrijf"' in html
    assert "Name the erkend leerbedrijf" in html or "leerbedrijf" in html


def test_viewer_cannot_issue_or_revoke(staff: Issuer) -> None:
    issuer_client = login_client(staff, "issuer@roc-midden.nl")
    assert _issue(issuer_client)[0] == 200
    viewer = login_client(staff, "viewer@roc-midden.nl")
    listing = viewer.get("/credentials")
    credential_id = re.search(r'href="/credentials/(\d+)"', listing.text)
    assert credential_id
    path = f"/credentials/{credential_id.group(1)}"
    assert "Intrekken" not in viewer.get(path).text
    token = csrf_of(viewer.get(path).text)
    assert viewer.get("/issue").status_code == 403
    assert viewer.post("/issue", data={"csrf_token": token}).status_code == 403
    revoke = viewer.post(
        path + "/status", data={"csrf_token": token, "action": "revoke", "reason": "test"}
    )
    assert revoke.status_code == 403
    assert "Geen toegang" in revoke.text
    for admin_page in ("/keys", "/staff", "/tokens"):
        assert viewer.get(admin_page).status_code == 403
        assert issuer_client.get(admin_page).status_code == 403
    nav = viewer.get("/").text
    assert 'href="/issue"' not in nav


def test_revoke_flow_updates_status_list(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    _issue(client)
    listing = client.get("/credentials")
    path = re.search(r'href="(/credentials/\d+)"', listing.text)
    assert path
    assert "Open (geldig tot" in client.get(path.group(1)).text  # the offer from issuing
    confirm = client.get(path.group(1) + "/status?action=revoke")
    assert "definitief" in confirm.text
    token = csrf_of(confirm.text)
    empty = client.post(path.group(1) + "/status", data={"csrf_token": token, "action": "revoke"})
    assert empty.status_code == 400
    assert 'id="error-reason"' in empty.text
    done = client.post(
        path.group(1) + "/status",
        data={"csrf_token": token, "action": "revoke", "reason": "Verkeerde student"},
    )
    assert done.status_code == 200
    assert "Het bewijs is ingetrokken." in done.text
    assert 'badge-revoked" id="status"' in done.text
    document = client.get(path.group(1) + "/download").json()
    entry = document["credentialStatus"]
    status_path = entry["statusListCredential"].removeprefix(BASE_URL)
    listed = staff.client.get(status_path).json()
    bits = StatusList.decode(listed["credentialSubject"]["encodedList"], status_size=2)
    assert bits.get_value(int(entry["statusListIndex"])) == 0b10  # "revoked"
    assert "Verkeerde student" in login_client(staff, "admin@roc-midden.nl").get("/audit").text
    assert client.get("/credentials?status=revoked").text.count("badge-revoked") == 1
    offer_line = client.get(path.group(1)).text.split("Aanbod aan de student")[1][:200]
    assert "Ingetrokken: het bewijs is ingetrokken" in offer_line
    assert "Open" not in offer_line


def test_admin_pages(staff: Issuer) -> None:
    admin = login_client(staff, "admin@roc-midden.nl")
    keys = admin.get("/keys?confirm=1")
    assert "key-1" in keys.text
    rotated = admin.post("/keys/rotate", data={"csrf_token": csrf_of(keys.text)})
    assert "key-2" in rotated.text
    page = admin.get("/staff")
    token = csrf_of(page.text)
    bad = admin.post(
        "/staff",
        data={
            "csrf_token": token,
            "name": "",
            "email": "admin@roc-midden.nl",
            "role": "viewer",
            "password": "short",
        },
    )
    assert bad.status_code == 400
    for field in ("name", "email", "password"):
        assert f'id="error-{field}"' in bad.text
    added = admin.post(
        "/staff",
        data={
            "csrf_token": token,
            "name": "Piet",
            "email": "piet@x.nl",
            "role": "viewer",
            "password": STAFF_PASSWORD,
        },
    )
    assert "Piet kan nu inloggen." in added.text
    piet = login_client(staff, "piet@x.nl")
    piet_id = re.search(r'action="/staff/(\d+)"[^>]*>.{0,400}?Rol van Piet', added.text, re.S)
    assert piet_id
    admin.post(f"/staff/{piet_id.group(1)}", data={"csrf_token": token, "active": "no"})
    assert piet.get("/", follow_redirects=False).status_code == 303  # sessions ended
    tokens = admin.get("/tokens")
    created = admin.post(
        "/tokens",
        data={
            "csrf_token": csrf_of(tokens.text),
            "name": "Eduarte",
            "scopes": ["credentials:issue"],
        },
    )
    api_token = re.search(r'id="new-token">([^<]+)<', created.text)
    assert api_token
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', created.text)
    assert token_id
    admin.post(f"/tokens/{token_id.group(1)}/revoke", data={"csrf_token": csrf_of(created.text)})
    response = staff.client.post(
        "/credentials/issue",
        json={"credential": {}},
        headers={"Authorization": f"Bearer {api_token.group(1)}"},
    )
    assert response.status_code == 401


def test_api_errors_stay_problem_json(staff: Issuer) -> None:
    response = staff.client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.headers["content-type"] == "application/problem+json"
    page = staff.client.get("/nowhere", headers=HTML)
    assert page.headers["content-type"].startswith("text/html")
    assert "Pagina niet gevonden" in page.text


def test_issue_form_signs_the_grade_and_names_the_kind_once(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    status, html = _issue(client, grade="7,5")
    assert status == 200, html
    listing = client.get("/credentials?q=Sanne")
    link = re.search(r'href="(/credentials/\d+)"', listing.text)
    assert link
    document = client.get(link.group(1) + "/download").json()
    assert document["credentialSubject"]["result"][0]["value"] == "7,5"
    description = document["credentialSubject"]["achievement"]["resultDescription"][0]
    assert document["credentialSubject"]["result"][0]["resultDescription"] == description["id"]
    assert document["name"].count("Examenresultaat") == 1, document["name"]


def test_issue_form_refuses_a_grade_the_kind_cannot_carry(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    status, html = _issue(client, kind="evc", grade="7")
    assert status == 400
    assert "carries no grade" in html or "geen cijfer" in html, html

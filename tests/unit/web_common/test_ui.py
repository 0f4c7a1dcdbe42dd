"""The shared page plumbing: sessions, CSRF, language, security headers, HTML errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from web_common.problems import ProblemError, install_problem_handlers
from web_common.ui import (
    FormErrors,
    Redirect,
    Renderer,
    SessionCodec,
    Translations,
    flash,
    get_session,
    install_ui,
    make_environment,
    negotiate_language,
    page_router,
    problem_or_page,
    render,
    verify_csrf,
)

HTML = {"Accept": "text/html"}


def _app(tmp_path: Path, base_url: str = "http://test") -> FastAPI:
    (tmp_path / "page.html").write_text(
        '{% extends "ui/base.html" %}'
        '{% from "ui/forms.html" import csrf_field, field with context %}'
        "{% block title %}{{ _('Proef') }}{% endblock %}{% block content %}"
        "<h1>{{ _('Proef') }}</h1><form method=post>{{ csrf_field() }}"
        "{{ field('name', 'Naam', errors=errors, required=true) }}</form>"
        "{% endblock %}",
        encoding="utf-8",
    )
    app = FastAPI()
    install_problem_handlers(app, respond=problem_or_page)
    renderer = Renderer(
        make_environment(tmp_path),
        Translations({"en": {"Proef": "Trial", "Opgeslagen": "Saved"}}),
        site_name="Test",
    )
    router = APIRouter(dependencies=[Depends(verify_csrf)])

    @router.get("/page")
    def page(request: Request) -> HTMLResponse:
        errors = FormErrors()
        if request.query_params.get("bad"):
            errors.add("name", "Vul een naam in.")
        return renderer.render(request, "page.html", {"errors": errors})

    @router.post("/save")
    def save(request: Request, name: str = Form("")) -> HTMLResponse:
        flash(request, "Opgeslagen", "success")
        get_session(request).set("name", name)
        return renderer.render(request, "page.html", {"errors": None})

    @router.get("/private")
    def private() -> None:
        raise Redirect("/page")

    @router.get("/api/thing")
    def thing() -> None:
        raise ProblemError(404, "Not found", "no such thing")

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.include_router(router)
    install_ui(app, renderer, secret_key="k" * 32, public_base_url=base_url)
    return app


def _token(client: TestClient) -> str:
    html = client.get("/page", headers=HTML).text
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_page_has_layout_security_headers_and_session(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path))
    response = client.get("/page", headers=HTML)
    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert 'href="#main"' in response.text
    assert "<h1>Proef</h1>" in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_secure_cookie_on_https(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path, "https://issuer.example"), base_url="https://testserver")
    assert "Secure" in client.get("/page", headers=HTML).headers["set-cookie"]


def test_csrf_token_required_and_bound_to_session(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path))
    token = _token(client)
    missing = client.post("/save", data={"name": "x"}, headers=HTML)
    assert missing.status_code == 403
    assert "Formulier verlopen" in missing.text
    assert "<html" in missing.text
    wrong = client.post("/save", data={"name": "x", "csrf_token": "a" * 43}, headers=HTML)
    assert wrong.status_code == 403
    for odd in ("é" * 43, "ü"):  # non-ASCII text is a wrong token, not a server error
        assert client.post("/save", data={"csrf_token": odd}).status_code == 403
        assert client.post("/save", headers=[(b"X-CSRF-Token", odd.encode())],
                           data={"name": "x"}).status_code == 403  # fmt: skip
    other = TestClient(_app(tmp_path))
    assert other.post("/save", data={"csrf_token": token}).status_code == 403
    ok = client.post("/save", data={"name": "x", "csrf_token": token}, headers=HTML)
    assert ok.status_code == 200
    assert "Opgeslagen" in ok.text
    assert 'role="status"' in ok.text
    assert "Opgeslagen" not in client.get("/page", headers=HTML).text  # shown once


def test_tampered_cookie_is_a_fresh_session(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path))
    token = _token(client)
    value = client.cookies["session"]
    client.cookies.clear()
    client.cookies.set("session", value[:-2] + ("xx" if not value.endswith("xx") else "yy"))
    assert client.post("/save", data={"csrf_token": token}).status_code == 403


def test_codec_refuses_old_and_forged_values() -> None:
    codec = SessionCodec("secret", max_age=60)
    value = codec.encode({"a": 1}, now=1000)
    assert codec.decode(value, now=1010) == {"a": 1}
    assert codec.decode(value, now=1100) is None
    assert SessionCodec("other", max_age=60).decode(value, now=1010) is None
    assert codec.decode("garbage", now=1010) is None
    payload, _, signature = value.partition(".")
    assert codec.decode(f"{payload}é.{signature}", now=1010) is None  # non-ASCII: refused
    assert codec.decode(f"{payload}.{signature[:-1]}é", now=1010) is None


def test_language_switch_and_negotiation(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path))
    english = client.get("/page?lang=en", headers=HTML)
    assert '<html lang="en">' in english.text
    assert "<h1>Trial</h1>" in english.text
    assert "Skip to content" in english.text
    assert client.get("/page", headers=HTML).text.count('lang="en"') >= 1  # cookie remembered
    fresh = TestClient(_app(tmp_path))
    assert (
        '<html lang="en">'
        in fresh.get("/page", headers={**HTML, "Accept-Language": "en-GB,nl;q=0.5"}).text
    )
    assert negotiate_language(None, None, "de, en;q=0.4, nl;q=0.8") == "nl"
    assert negotiate_language(None, None, None) == "nl"
    assert negotiate_language("xx", "en", None) == "en"


def test_field_errors_are_linked_to_inputs(tmp_path: Path) -> None:
    html = TestClient(_app(tmp_path)).get("/page?bad=1", headers=HTML).text
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="error-name"' in html
    assert '<label for="field-name">Naam</label>' in html
    assert "Vul een naam in." in html


@pytest.mark.parametrize(("accept", "kind"), [("text/html", "html"), ("application/json", "json")])
def test_errors_render_as_page_or_problem(tmp_path: Path, accept: str, kind: str) -> None:
    client = TestClient(_app(tmp_path), raise_server_exceptions=False)
    missing = client.get("/api/thing", headers={"Accept": accept})
    unknown = client.get("/nowhere", headers={"Accept": accept})
    broken = client.get("/boom", headers={"Accept": accept})
    assert (missing.status_code, unknown.status_code, broken.status_code) == (404, 404, 500)
    if kind == "html":
        assert "no such thing" in missing.text
        assert "<h1>" in missing.text
        assert "Pagina niet gevonden" in unknown.text
        assert "Er ging iets mis" in broken.text
        assert "secret internals" not in broken.text
    else:
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["detail"] == "no such thing"
        assert broken.json()["status"] == 500


def test_redirect_signal(tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path))
    response = client.get("/private", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/page"


def test_static_css_served(tmp_path: Path) -> None:
    response = TestClient(_app(tmp_path)).get("/static/ui/ui.css")
    assert response.status_code == 200
    assert ":focus-visible" in response.text


class _MissingError(Exception):
    """A service's own error, mapped to a problem by the app."""


def _marked_app(tmp_path: Path) -> FastAPI:
    """The ui installed before any router, page routes marked by ``page_router``."""
    (tmp_path / "x.html").write_text("<p>{{ greeting }}</p>", encoding="utf-8")
    app = FastAPI()
    install_problem_handlers(
        app,
        {_MissingError: lambda exc: ProblemError(404, "Kwijt", str(exc), slug="gone")},
        respond=problem_or_page,
    )
    renderer = Renderer(make_environment(tmp_path), Translations({}), site_name="Test")
    install_ui(app, renderer, secret_key="k" * 32, public_base_url="http://test")
    pages = page_router()
    api = APIRouter()

    @pages.get("/page")
    def page(request: Request) -> HTMLResponse:
        return render(request, "x.html", {"greeting": "hallo"}, 201)

    @pages.get("/page/missing")
    def page_missing() -> None:
        raise _MissingError("niet hier")

    @pages.get("/page/boom")
    def page_boom() -> None:
        raise RuntimeError("secret internals")

    @api.get("/api/missing")
    def api_missing() -> None:
        raise _MissingError("niet hier")

    app.include_router(pages)
    app.include_router(api)
    return app


def test_marked_pages_answer_errors_as_pages_whatever_the_accept(tmp_path: Path) -> None:
    client = TestClient(_marked_app(tmp_path), raise_server_exceptions=False)
    ok = client.get("/page")
    assert (ok.status_code, ok.text) == (201, "<p>hallo</p>")
    for accept in ({}, {"Accept": "application/json"}):
        missing = client.get("/page/missing", headers=accept)
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("text/html")
        assert "<h1>Pagina niet gevonden</h1>" in missing.text
        assert "niet hier" in missing.text
        broken = client.get("/page/boom", headers=accept)
        assert broken.status_code == 500
        assert "Er ging iets mis" in broken.text
        assert "secret internals" not in broken.text
        wrong_method = client.post("/page", headers=accept)
        assert wrong_method.status_code == 405
        assert wrong_method.headers["content-type"].startswith("text/html")


def test_api_routes_and_unknown_paths_negotiate(tmp_path: Path) -> None:
    client = TestClient(_marked_app(tmp_path), raise_server_exceptions=False)
    api = client.get("/api/missing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json() == {
        "type": "https://w3id.org/mbo-wallet/problems/gone",
        "title": "Kwijt",
        "status": 404,
        "instance": "/api/missing",
        "detail": "niet hier",
    }
    assert "niet hier" in client.get("/api/missing", headers=HTML).text
    assert client.get("/api/missing", headers=HTML).headers["content-type"].startswith("text/")
    unknown = client.get("/page/nowhere/at/all")
    assert unknown.headers["content-type"] == "application/problem+json"
    assert "Pagina niet gevonden" in client.get("/page/nowhere/at/all", headers=HTML).text


def test_an_unknown_path_is_worded_in_the_page_language_not_starlettes_phrase(
    tmp_path: Path,
) -> None:
    client = TestClient(_marked_app(tmp_path), raise_server_exceptions=False)
    problem = client.get("/page/nowhere/at/all").json()
    assert problem["status"] == 404
    assert "detail" not in problem  # Starlette's "Not Found" says no more than the title
    page = client.get("/page/nowhere/at/all", headers={**HTML, "Accept-Language": "nl"}).text
    assert "Deze pagina bestaat niet (meer). Controleer het adres." in page
    assert "Not Found" not in page

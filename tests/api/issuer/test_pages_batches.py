"""The batch pages: upload a results file, preview with per-row errors, issue in the
background, download the offers file once; roles and CSRF. SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from issuer.app import create_app
from issuer.db.tables import IssuedCredential, StatusListRow
from issuer.services.organisations import create_organisation
from issuer.services.staff import create_staff
from issuer.settings import IssuerSettings
from issuer.worker import BatchWorker
from tests.databases import migrated
from web_common.db import UnitOfWork

from .conftest import BASE_URL, HTML, STAFF_PASSWORD, Clock, Issuer, csrf_of, login_client

GOOD = (
    "reference;naam;soort;kwalificatie;codes;studentnummer;email\n"
    "R1;Sanne de Vries;examenresultaat;25498;B1-K1;1001;sanne@example.nl\n"
    "R2;Daan Jansen;examenresultaat;25498;P2-K1;1002;daan@example.nl\n"
    "R3;Noor Bakker;examenresultaat;25655;B1-K2;1003;\n"
)
BAD = (
    "naam;soort;kwalificatie;codes;geldig_vanaf;opmerking\n"
    "Sanne;examenresultaat;25498;B1-K1;1-7-2026;ok\n"
    ";examenresultaat;25498;P9-K1;;\n"
    "Piet;zwemdiploma;;;;\n"
    "Jan;diploma;99999;;30-2-2026;\n"
)


def _count(issuer: Issuer, model: Any) -> int:
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def _upload(
    client: TestClient, data: bytes | str, name: str = "resultaten.csv", **kwargs: Any
) -> Any:
    token = csrf_of(client.get("/batches").text)
    body = data.encode("utf-8") if isinstance(data, str) else data
    return client.post(
        "/batches",
        data={"csrf_token": token},
        files={"file": (name, body, "text/csv")},
        **kwargs,
    )


def _batch_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/batches/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _confirm_and_wait(client: TestClient, batch_id: int) -> dict[str, Any]:
    page = client.get(f"/batches/{batch_id}")
    confirm = client.post(
        f"/batches/{batch_id}/confirm",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert confirm.status_code == 303
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(
            f"/batches/{batch_id}/progress", headers={"Accept": "application/json"}
        ).json()
        if body["finished"]:
            return body
        time.sleep(0.05)
    raise AssertionError(f"batch {batch_id} did not finish: {body}")


def test_upload_shows_preview_and_signs_nothing(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    page = client.get("/batches")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'href="/api/batches/template.csv"' in page.text
    assert "<code>soort</code>" in page.text  # the column help
    template = client.get("/api/batches/template.csv")
    assert template.status_code == 200
    assert template.headers["content-type"].startswith("text/csv")

    batch_id = _batch_id(_upload(client, GOOD, follow_redirects=False))
    preview = client.get(f"/batches/{batch_id}")
    assert preview.status_code == 200
    assert "Er is nog niets uitgegeven" in preview.text  # the flash
    assert re.search(r'id="count-ready">3<', preview.text)
    assert re.search(r'id="count-invalid">0<', preview.text)
    assert "Uitgeven</button>" not in preview.text  # the button says how many
    assert "Uitgeven (3)" in preview.text
    assert "Annuleren" in preview.text
    assert "Sanne de Vries" in preview.text
    assert _count(staff, IssuedCredential) == 0
    assert _count(staff, StatusListRow) == 0
    listing = client.get("/batches").text
    assert "resultaten.csv" in listing
    assert "issuer@roc-midden.nl" in listing
    assert "Te controleren" in listing
    again = _upload(client, GOOD, follow_redirects=False)
    assert _batch_id(again) == batch_id
    assert "al eerder geüpload" in client.get(f"/batches/{batch_id}").text


def test_bad_rows_show_errors_per_row_and_field(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    batch_id = _batch_id(_upload(client, BAD, follow_redirects=False))
    page = client.get(f"/batches/{batch_id}").text
    assert re.search(r'id="count-ready">1<', page)
    assert re.search(r'id="count-invalid">3<', page)
    assert "De kolom ‘opmerking’ kennen we niet; die slaan we over." in page
    row3 = page.split('id="row-3"')[1].split("</tr>")[0]
    assert "<code>naam</code>: Vul de naam van de student in." in row3
    assert "P9-K1 is geen kerntaak of werkproces" in row3
    row4 = page.split('id="row-4"')[1].split("</tr>")[0]
    assert "‘zwemdiploma’ kennen we niet" in row4
    row5 = page.split('id="row-5"')[1].split("</tr>")[0]
    assert "‘30-2-2026’ is geen datum" in row5
    only_errors = client.get(f"/batches/{batch_id}?show=errors").text
    assert 'id="row-2"' not in only_errors
    assert 'id="row-3"' in only_errors
    english = client.get(f"/batches/{batch_id}?lang=en").text
    assert "‘30-2-2026’ is not a date. Write a date as 2026-07-01 or 1-7-2026." in english
    assert "We do not know the column ‘opmerking’; it is skipped." in english
    assert "P9-K1 is not a core task or work process" in english
    assert _count(staff, IssuedCredential) == 0


def test_unreadable_files_get_a_readable_message(staff: Issuer) -> None:
    client = login_client(staff, "admin@roc-midden.nl")
    cases: list[tuple[bytes | str, str, str]] = [
        (b"PK\x03\x04\x14\x00\x06\x00binary workbook", "resultaten.xlsx", "Excel-werkmap"),
        (b"naam;soort\n\x00\x01\x02", "resultaten.csv", "geen tekstbestand"),
        ("studentnummer;cijfer\n1;7\n", "resultaten.csv", "verplichte kolom(men) ontbreken"),
        (b"", "leeg.csv", "Het bestand is leeg"),
    ]
    for data, name, expected in cases:
        response = _upload(client, data, name)
        assert response.status_code == 422, (name, response.status_code)
        assert response.headers["content-type"].startswith("text/html")
        assert "Dit bestand kunnen we niet gebruiken" in response.text
        assert expected in response.text, expected
    no_file = client.post("/batches", data={"csrf_token": csrf_of(client.get("/batches").text)})
    assert no_file.status_code == 400
    assert "Kies eerst een CSV-bestand" in no_file.text

    app = staff.client.app
    settings = app.state.settings  # type: ignore[attr-defined]
    app.state.settings = settings.model_copy(update={"batch_max_upload_bytes": 1024})  # type: ignore[attr-defined]
    try:
        too_big = _upload(client, GOOD + "R9;X;examenresultaat;25498;B1-K1;9;\n" * 40)
    finally:
        app.state.settings = settings  # type: ignore[attr-defined]
    assert too_big.status_code == 413
    assert "Het bestand is groter dan 0 MB" not in too_big.text
    assert "Splits het in kleinere bestanden" in too_big.text
    assert _count(staff, IssuedCredential) == 0
    assert "Nog geen batches." in client.get("/batches").text


def test_confirm_issues_in_background_and_offers_download_once(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    batch_id = _batch_id(
        _upload(client, BAD.replace("Sanne;", "Sanne Smit;"), follow_redirects=False)
    )
    body = _confirm_and_wait(client, batch_id)
    assert body["counts"]["issued"] == 1
    assert body["progress"] == 100
    assert _count(staff, IssuedCredential) == 1

    summary = client.get(f"/batches/{batch_id}").text
    assert re.search(r'id="count-issued">1<', summary)
    assert "<progress" not in summary
    assert "Open het in Excel als .xlsx-bestand." in summary
    link = re.search(r'<a href="/credentials/(\d+)">Bekijk bewijs</a>', summary)
    assert link, summary
    assert "Sanne Smit" in client.get(f"/credentials/{link.group(1)}").text

    offers = client.get(f"/batches/{batch_id}/offers.csv")
    assert offers.status_code == 200
    assert offers.headers["content-type"].startswith("text/csv")
    assert offers.headers["cache-control"] == "no-store"
    lines = offers.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "sep=;"
    assert lines[1].startswith("rij;reference;studentnummer;naam")
    assert len(lines) == 3
    assert "Sanne Smit" in lines[2]
    assert "openid-credential-offer://" in lines[2]
    code = re.search(r';"=""(\d{6})""";', lines[2])
    assert code, lines[2]

    # staff may download again, as .xlsx with text cells: the code keeps its leading zeros
    after = client.get(f"/batches/{batch_id}").text
    assert "Al gedownload" in after
    assert "issuer@roc-midden.nl" in after.split('id="offers-done"')[1]
    assert f'href="/batches/{batch_id}/offers.xlsx"' in after
    workbook_response = client.get(f"/batches/{batch_id}/offers.xlsx")
    assert workbook_response.status_code == 200
    assert workbook_response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_response.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    values = [c.value for c in sheet[2]]
    assert values[header.index("transactiecode")] == code.group(1)
    assert sheet.cell(row=2, column=header.index("transactiecode") + 1).data_type == "s"
    assert values[header.index("naam")] == "Sanne Smit"
    assert client.get(f"/batches/{batch_id}/offers.pdf", follow_redirects=False).status_code == 303
    audit = client.get("/audit").text
    assert audit.count("Links en codes gedownload") == 2
    assert "actie:batch" not in audit


def test_viewer_may_look_but_not_upload_or_issue(staff: Issuer) -> None:
    issuer_client = login_client(staff, "issuer@roc-midden.nl")
    batch_id = _batch_id(_upload(issuer_client, GOOD, follow_redirects=False))
    viewer = login_client(staff, "viewer@roc-midden.nl")
    listing = viewer.get("/batches")
    assert listing.status_code == 200
    assert 'enctype="multipart/form-data"' not in listing.text
    assert '<a href="/batches" aria-current="page">Batches</a>' in listing.text  # in the menu
    preview = viewer.get(f"/batches/{batch_id}")
    assert preview.status_code == 200
    assert "Uitgeven (3)" not in preview.text
    token = csrf_of(preview.text)  # the logout form's token is the session's
    refused = viewer.post(f"/batches/{batch_id}/confirm", data={"csrf_token": token})
    assert refused.status_code == 403
    assert "Geen toegang" in refused.text
    assert viewer.post(f"/batches/{batch_id}/cancel", data={"csrf_token": token}).status_code == 403
    upload = viewer.post(
        "/batches",
        data={"csrf_token": token},
        files={"file": ("x.csv", GOOD.encode(), "text/csv")},
    )
    assert upload.status_code == 403
    assert viewer.get(f"/batches/{batch_id}/offers.csv").status_code == 403
    assert _count(staff, IssuedCredential) == 0


def test_forms_need_the_csrf_token(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    forged = client.post("/batches", files={"file": ("r.csv", GOOD.encode(), "text/csv")})
    assert forged.status_code == 403
    assert "Formulier verlopen" in forged.text
    batch_id = _batch_id(_upload(client, GOOD, follow_redirects=False))
    assert client.post(f"/batches/{batch_id}/confirm", data={}).status_code == 403
    assert client.post(f"/batches/{batch_id}/cancel", data={}).status_code == 403
    assert "Te controleren" in client.get(f"/batches/{batch_id}").text


def test_cancel_a_preview(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    batch_id = _batch_id(_upload(client, GOOD, follow_redirects=False))
    token = csrf_of(client.get(f"/batches/{batch_id}").text)
    done = client.post(f"/batches/{batch_id}/cancel", data={"csrf_token": token})
    assert done.status_code == 200
    assert "De batch is geannuleerd. Er is niets uitgegeven." in done.text
    again = client.post(f"/batches/{batch_id}/confirm", data={"csrf_token": token})
    assert "Deze batch is geannuleerd" in again.text
    assert _count(staff, IssuedCredential) == 0


def test_pages_and_api_have_their_own_paths(staff: Issuer) -> None:
    """The pages under /batches need a staff login, the JSON API under /api/batches a token;
    neither answers for the other."""
    client = login_client(staff, "issuer@roc-midden.nl")
    batch_id = _batch_id(_upload(client, GOOD, follow_redirects=False))
    api = staff.client.get(f"/api/batches/{batch_id}", headers=staff.auth())
    assert api.status_code == 200
    assert api.json()["counts"]["valid"] == 3
    assert staff.client.get(f"/api/batches/{batch_id}").status_code == 401
    session_only = client.get(f"/api/batches/{batch_id}")  # a login is not a token
    assert session_only.status_code == 401
    assert "counts" not in session_only.text
    page = client.get(f"/batches/{batch_id}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    token_only = TestClient(staff.client.app, headers=staff.auth())
    redirect = token_only.get(f"/batches/{batch_id}", follow_redirects=False)
    assert redirect.status_code == 303  # a token is not a login: to the login page
    assert redirect.headers["location"].startswith("/login?next=")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def quiet_issuer(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """An issuer without the in-process worker (the test runs the worker itself), with an
    organisation and one issuing staff member, logged in."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'quiet.db'}"
    else:
        url = request.getfixturevalue("new_postgres_url")
    migrated("issuer", url)
    settings = IssuerSettings(
        environment="test", database_url=url, public_base_url=BASE_URL, log_json=False,
        batch_worker_in_process=False,
    )  # fmt: skip
    clock = Clock()
    app = create_app(settings, clock=clock)
    with TestClient(app, base_url=BASE_URL, headers=HTML) as client:
        with UnitOfWork(app.state.sessions) as uow:
            org = create_organisation(
                uow, slug="roc-midden", name="ROC Midden Nederland", kind="school",
                identifier="25PZ", public_base_url=BASE_URL, box=app.state.box, now=clock(),
                actor="test",
            )  # fmt: skip
            create_staff(
                uow, org, email="issuer@roc-midden.nl", name="Ingrid Uitgever", role="issuer",
                password=STAFF_PASSWORD, now=clock(), actor="test",
            )  # fmt: skip
            uow.commit()
        token = csrf_of(client.get("/login").text)
        client.post(
            "/login",
            data={"email": "issuer@roc-midden.nl", "password": STAFF_PASSWORD, "csrf_token": token},
        )
        yield client


def test_progress_page_until_the_worker_is_done(quiet_issuer: TestClient) -> None:
    client = quiet_issuer
    batch_id = _batch_id(_upload(client, GOOD, follow_redirects=False))
    token = csrf_of(client.get(f"/batches/{batch_id}").text)
    queued = client.post(f"/batches/{batch_id}/confirm", data={"csrf_token": token})
    assert queued.status_code == 200
    assert '<progress id="batch-progress" max="100" value="0"' in queued.text
    assert f'data-status-url="/batches/{batch_id}/progress"' in queued.text
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in queued.text
    assert '<script src="/static/issuer/batches.js" defer></script>' in queued.text
    assert "<script>" not in queued.text  # CSP: no inline scripts
    assert client.get("/static/issuer/batches.js").status_code == 200
    status = client.get(f"/batches/{batch_id}/progress", headers={"Accept": "application/json"})
    assert status.headers["cache-control"] == "no-store"
    assert status.json()["finished"] is False
    assert status.json()["counts"]["pending"] == 3
    early = client.get(f"/batches/{batch_id}/offers.csv", follow_redirects=False)
    assert early.status_code == 303
    assert "nog bezig" in client.get(early.headers["location"]).text

    app = client.app
    worker = BatchWorker(
        app.state.sessions, catalog=app.state.catalog, box=app.state.box,  # type: ignore[attr-defined]
        settings=app.state.settings, clock=app.state.clock,  # type: ignore[attr-defined]
    )  # fmt: skip
    assert worker.run_once() is not None
    done = client.get(f"/batches/{batch_id}/progress", headers={"Accept": "application/json"})
    assert done.json()["finished"] is True
    assert done.json()["progress"] == 100
    summary = client.get(f"/batches/{batch_id}").text
    assert re.search(r'id="count-issued">3<', summary)
    assert "<noscript>" not in summary
    assert "Download links en codes (3 studenten)" in summary


def test_excel_sep_line_is_read_and_a_bad_email_refuses_its_row(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    data = "sep=;\r\n" + GOOD.replace("daan@example.nl", "daan@example")
    batch_id = _batch_id(_upload(client, data, follow_redirects=False))
    page = client.get(f"/batches/{batch_id}").text
    assert "verplichte kolom" not in page
    assert re.search(r'id="count-ready">2<', page)
    assert re.search(r'id="count-invalid">1<', page)
    row3 = page.split('id="row-3"')[1].split("</tr>")[0]
    assert "‘daan@example’ is geen e-mailadres" in row3

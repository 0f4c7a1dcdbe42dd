"""Batch issuance over HTTP: template, preview with per-row errors, confirm, exactly once."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from sqlalchemy import func, select

from issuer.db.offer_tables import CredentialOffer
from issuer.db.tables import IssuedCredential, StatusListRow
from web_common.db import UnitOfWork

from .conftest import Issuer, run_batch

GOOD = (
    "reference;naam;soort;kwalificatie;codes;studentnummer\n"
    "R1;Sanne de Vries;examenresultaat;25498;B1-K1;1001\n"
    "R2;Daan Jansen;examenresultaat;25498;P2-K1;1002\n"
    "R3;Noor Bakker;examenresultaat;25498;B1-K1;1003\n"
)


def _upload(issuer: Issuer, data: bytes | str, name: str = "results.csv") -> Any:
    body = data.encode("utf-8") if isinstance(data, str) else data
    return issuer.client.post(
        "/api/batches", files={"file": (name, body, "text/csv")}, headers=issuer.auth()
    )


def _count(issuer: Issuer, model: Any) -> int:
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_template_downloads_and_uploads_as_is(issuer: Issuer) -> None:
    response = issuer.client.get("/api/batches/template.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    preview = _upload(issuer, response.content, "resultaten-sjabloon.csv")
    assert preview.status_code == 201
    assert preview.json()["counts"]["valid"] == 1
    assert preview.json()["rowErrors"] == []


def test_preview_names_row_and_column_and_signs_nothing(issuer: Issuer) -> None:
    data = (
        "naam;soort;kwalificatie;codes;geldig_vanaf;opmerking\n"
        "Sanne;examenresultaat;25498;B1-K1;1-7-2026;ok\n"
        ";examenresultaat;25498;P9-K1;;\n"
        "Piet;zwemdiploma;;;;\n"
        "Jan;diploma;99999;;30-2-2026;\n"
    )
    response = _upload(issuer, data)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "previewed"
    assert body["counts"] | {} == {"total": 4, "valid": 1, "invalid": 3, "issued": 0,
                                   "alreadyIssued": 0, "failed": 0, "conflicts": 0,
                                   "awaitingDecision": 0, "pending": 1}  # fmt: skip
    assert body["warnings"] == ["unknown column 'opmerking' is ignored"]
    errors = {(e["row"], e["column"]) for e in body["rowErrors"]}
    assert errors == {(3, "naam"), (3, "codes"), (4, "soort"), (5, "geldig_vanaf")}
    assert _count(issuer, IssuedCredential) == 0
    assert _count(issuer, StatusListRow) == 0
    page = issuer.client.get(
        f"/api/batches/{body['id']}?status=invalid&limit=2", headers=issuer.auth()
    ).json()
    assert [r["row"] for r in page["rows"]] == [3, 4]
    assert page["page"]["total"] == 3


def test_confirm_issues_every_valid_row_once_and_the_same_file_again_is_the_same_batch(
    issuer: Issuer,
) -> None:
    first = _upload(issuer, GOOD).json()
    done = run_batch(issuer, first["id"])
    assert done["counts"]["issued"] == 3
    assert done["progress"] == 100
    assert {r["status"] for r in done["rows"]} == {"issued"}
    assert _count(issuer, IssuedCredential) == 3
    assert _count(issuer, CredentialOffer) == 3

    again = _upload(issuer, GOOD, "renamed.csv")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert issuer.client.post(
        f"/api/batches/{first['id']}/confirm", headers=issuer.auth()
    ).json()["status"] == "done"  # fmt: skip
    assert _count(issuer, IssuedCredential) == 3


def test_rows_issued_by_an_earlier_file_are_already_issued(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, GOOD).json()["id"])
    bigger = GOOD + "R4;Fleur Visser;examenresultaat;25498;B1-K1;1004\n"
    preview = _upload(issuer, bigger).json()
    assert preview["counts"]["alreadyIssued"] == 3
    assert preview["counts"]["pending"] == 1
    done = run_batch(issuer, preview["id"])
    assert done["counts"] | {} == {"total": 4, "valid": 4, "invalid": 0, "issued": 1,
                                   "alreadyIssued": 3, "failed": 0, "conflicts": 0,
                                   "awaitingDecision": 0, "pending": 0}  # fmt: skip
    assert _count(issuer, IssuedCredential) == 4


def test_rows_without_reference_are_recognised_by_content(issuer: Issuer) -> None:
    rows = "naam;soort;kwalificatie;codes\nSanne;examenresultaat;25498;B1-K1\n"
    run_batch(issuer, _upload(issuer, rows).json()["id"])
    reordered = "codes,kwalificatie,soort,naam\nB1-K1,25498,examenresultaat,Sanne\n"
    preview = _upload(issuer, reordered).json()
    assert preview["counts"]["alreadyIssued"] == 1
    duplicated = rows + "Sanne;examenresultaat;25498;B1-K1\n"
    errors = _upload(issuer, duplicated).json()["rowErrors"]
    assert errors[0]["row"] == 3
    assert "same result as row 2" in errors[0]["detail"]


def test_offer_links_and_codes_download_once(issuer: Issuer) -> None:
    batch = _upload(issuer, GOOD).json()
    early = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
    assert early.status_code == 409
    run_batch(issuer, batch["id"])
    first = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-store"
    lines = first.content.decode("utf-8-sig").splitlines()
    # for programs: a plain CSV (the staff pages give Excel its .xlsx or sep=; CSV)
    assert lines[0].startswith("rij;reference;")
    assert len(lines) == 4
    assert re.fullmatch(r"\d{6}", lines[1].split(";")[8])
    second = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
    assert second.status_code == 410
    assert second.headers["content-type"] == "application/problem+json"


def test_bad_files_are_problems(issuer: Issuer) -> None:
    for data, fragment in [
        (b"", "empty"),
        (b"\x00\x01binary", "NUL"),
        (b"naam;kwalificatie\nSanne;25498\n", "soort"),
        (b"naam;soort\n" + b"a;diploma\n" * 100_001, "more than 100.000 rows"),
    ]:
        response = _upload(issuer, data)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert fragment in response.json()["errors"][0]["detail"]
    assert _count(issuer, IssuedCredential) == 0


def test_oversized_upload_is_413(issuer: Issuer) -> None:
    issuer.client.app.state.settings.batch_max_upload_bytes = 1024  # type: ignore[attr-defined]
    response = _upload(issuer, GOOD * 40)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_needs_a_token_with_issue_scope(issuer: Issuer) -> None:
    response = issuer.client.post("/api/batches", files={"file": ("r.csv", GOOD.encode())})
    assert response.status_code == 401
    other = issuer.client.get("/api/batches/1", headers=issuer.auth(issuer.status_token))
    assert other.status_code == 403
    assert other.json()["error"] == "insufficient_scope"


def test_cancel_stops_a_previewed_batch(issuer: Issuer) -> None:
    batch = _upload(issuer, GOOD).json()
    cancelled = issuer.client.post(f"/api/batches/{batch['id']}/cancel", headers=issuer.auth())
    assert cancelled.json()["status"] == "cancelled"
    refused = issuer.client.post(f"/api/batches/{batch['id']}/confirm", headers=issuer.auth())
    assert refused.status_code == 409
    assert issuer.client.get("/api/batches/999", headers=issuer.auth()).status_code == 404


def test_offers_file_neutralises_spreadsheet_formulas(issuer: Issuer) -> None:
    hostile = (
        "reference;naam;soort;kwalificatie;codes;studentnummer;email\n"
        '"=HYPERLINK(""https://evil.example"";""klik"")";+Sanne;examenresultaat;25498;'
        "B1-K1;-1001;-sanne@example.nl\n"
    )
    batch = _upload(issuer, hostile).json()
    assert batch["counts"]["valid"] == 1, batch
    run_batch(issuer, batch["id"])
    response = issuer.client.get(f"/api/batches/{batch['id']}/offers.csv", headers=issuer.auth())
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["reference"] == '\'=HYPERLINK("https://evil.example";"klik")'
    assert row["naam"] == "'+Sanne"
    assert row["studentnummer"] == "'-1001"
    assert row["email"] == "'-sanne@example.nl"
    assert row["transactiecode"].isdigit()
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))

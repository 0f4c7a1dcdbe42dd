"""The date a result was achieved: entered on the form, in the batch file or sent through
the VC-API, checked (not in the future, not before 1950), signed as OB 3.0 ``awardedDate``
and carried into the SD-JWT VC claims; today when absent."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from issuer.db.tables import Organisation
from issuer.services.batch_csv import (
    column_for_field,
    parse_results_csv,
    result_from_fields,
    template_csv,
)
from issuer.services.errors import IssuanceError
from issuer.services.student_results import StudentResult, unsigned_credential_for
from qualifications import load_catalog
from qualifications.achievements import (
    DATE_IN_FUTURE,
    DATE_NOT_A_DATE,
    DATE_TOO_OLD,
    CredentialKind,
    check_date_achieved,
)
from qualifications.sd_jwt_vc_claims import sd_jwt_vc_claims, type_metadata
from web_common.db import UnitOfWork

from .conftest import Issuer, csrf_of, login_client

QUALIFICATION = "mbo-25498-helpende-zorg-en-welzijn"
STUDENT = Ed25519KeyPair.from_seed(bytes(range(5, 37)))


def _issue(client: TestClient, **fields: str | list[str]) -> tuple[int, str]:
    step2 = client.get(f"/issue?step=2&kind=examenresultaat&qualification={QUALIFICATION}")
    assert step2.status_code == 200
    assert 'name="date_achieved"' in step2.text
    assert "Leeg laten: vandaag" in step2.text
    reference = re.search(r'name="reference" value="([^"]+)"', step2.text)
    assert reference
    form: dict[str, str | list[str]] = {
        "csrf_token": csrf_of(step2.text),
        "kind": "examenresultaat",
        "qualification": QUALIFICATION,
        "reference": reference.group(1),
        "student_name": "Sanne de Vries",
        "codes": ["B1-K1"],
    }
    form.update(fields)
    response = client.post("/issue", data=form, follow_redirects=False)
    return response.status_code, response.text


def _signed(client: TestClient) -> dict[str, Any]:
    listing = client.get("/credentials?q=Sanne")
    link = re.search(r'href="(/credentials/\d+)"', listing.text)
    assert link
    document: dict[str, Any] = client.get(link.group(1) + "/download").json()
    return document


def test_the_check_refuses_future_old_and_non_dates() -> None:
    today = date(2026, 7, 1)
    assert check_date_achieved("2026-06-26", today) == (date(2026, 6, 26), None)
    assert check_date_achieved(today, today) == (today, None)
    assert check_date_achieved(None, today) == (None, None)
    assert check_date_achieved("2026-07-02", today) == (None, DATE_IN_FUTURE)
    assert check_date_achieved("1949-12-31", today) == (None, DATE_TOO_OLD)
    assert check_date_achieved("26 juni", today) == (None, DATE_NOT_A_DATE)


def test_form_signs_the_date_achieved_as_awarded_date(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    status, html = _issue(client, date_achieved="2026-06-26")
    assert status == 200, html
    document = _signed(client)
    assert document["awardedDate"] == "2026-06-26T00:00:00Z"
    assert document["validFrom"] == "2026-07-01T09:00:00Z"  # issued now, achieved before


def test_form_defaults_to_today(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    status, html = _issue(client)
    assert status == 200, html
    assert _signed(client)["awardedDate"] == "2026-07-01T00:00:00Z"


def test_form_refuses_a_date_in_the_future_or_absurdly_old(staff: Issuer) -> None:
    client = login_client(staff, "issuer@roc-midden.nl")
    status, html = _issue(client, date_achieved="2026-07-02")
    assert status == 400
    assert 'id="error-date_achieved"' in html
    assert "De datum behaald ligt in de toekomst" in html
    status, html = _issue(client, date_achieved="1900-01-01")
    assert status == 400
    assert "vóór 1950" in html
    listing = client.get("/credentials?q=Sanne")
    assert not re.search(r'href="/credentials/\d+"', listing.text)  # nothing was signed


def test_batch_file_reads_behaald_op_and_the_template_has_it() -> None:
    header = template_csv().decode("utf-8-sig").splitlines()[0].split(";")
    assert "behaald_op" in header
    data = "naam;soort;kwalificatie;codes;behaald_op\nSanne;examenresultaat;25498;B1-K1;26-6-2026\n"
    parsed = parse_results_csv(data.encode())
    assert not parsed.file_errors
    row = parsed.rows[0]
    assert row.fields["behaald_op"] == "2026-06-26"
    result, problems = result_from_fields(row.fields)
    assert problems == ()
    assert result is not None
    assert result.date_achieved == "2026-06-26"
    english = (
        "name;kind;qualification;codes;date_achieved\nSanne;examenresultaat;25498;B1-K1;31-2-2026\n"
    )
    bad = parse_results_csv(english.encode()).rows[0]
    assert [p.column for p in bad.problems] == ["behaald_op"]


def test_batch_rows_sign_the_date_and_refuse_one_in_the_future(staff: Issuer) -> None:
    app = staff.client.app
    catalog = app.state.catalog  # type: ignore[attr-defined]
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        org = uow.session.query(Organisation).filter_by(slug="roc-midden").one()

        def row(when: str) -> StudentResult:
            header = "naam;soort;kwalificatie;codes;behaald_op\n"
            data = f"{header}Sanne;examenresultaat;25498;B1-K1;{when}\n"
            result, _ = result_from_fields(parse_results_csv(data.encode()).rows[0].fields)
            assert result is not None
            return result

        credential = unsigned_credential_for(catalog, org, row("2026-06-26"), staff.clock())
        assert credential["awardedDate"] == "2026-06-26T00:00:00Z"
        with pytest.raises(IssuanceError) as refused:
            unsigned_credential_for(catalog, org, row("2026-07-05"), staff.clock())
        assert ("date_achieved", DATE_IN_FUTURE) in refused.value.problems
        assert column_for_field("date_achieved") == "behaald_op"


def test_vc_api_checks_awarded_date(issuer: Issuer) -> None:
    def send(awarded: object) -> Any:
        credential = mbo_certificaat(issuer_id=issuer.did, subject_id=STUDENT.did_key)
        credential["awardedDate"] = awarded
        return issuer.client.post(
            "/credentials/issue", json={"credential": credential}, headers=issuer.auth()
        )

    for bad in ("2026-08-01T00:00:00Z", "1900-01-01T00:00:00Z", "gisteren", 20260626):
        response = send(bad)
        assert response.status_code == 400, (bad, response.text)
        pointers = [e.get("pointer") for e in response.json().get("errors", [])]
        assert "/credential/awardedDate" in pointers, response.json()
    good = send("2026-06-26T00:00:00Z")
    assert good.status_code == 201, good.text
    assert good.json()["verifiableCredential"]["awardedDate"] == "2026-06-26T00:00:00Z"


def test_sd_jwt_vc_claims_carry_the_date_achieved() -> None:
    credential = mbo_certificaat(issuer_id="did:web:x", subject_id=STUDENT.did_key)
    credential["awardedDate"] = "2026-06-26T00:00:00Z"
    assert sd_jwt_vc_claims(credential, load_catalog()).claims["date_achieved"] == "2026-06-26"
    del credential["awardedDate"]
    assert "date_achieved" not in sd_jwt_vc_claims(credential, load_catalog()).claims
    for kind in CredentialKind:
        assert ["date_achieved"] in [c["path"] for c in type_metadata(kind)["claims"]]

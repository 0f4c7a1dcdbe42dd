"""Issuing a student's result through catalog, template and issuance, exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from credentials.did import StaticDidResolver
from credentials.results import Verdict
from credentials.verification import verify_credential
from issuer.db.tables import IssuedCredential
from issuer.services.errors import IssuanceError
from issuer.services.organisations import active_signing_key, get_organisation
from issuer.services.student_results import StudentResult, issue_student_result
from qualifications.achievements import AchievementRequest, CredentialKind, credential_schema
from web_common.db import UnitOfWork

from .conftest import BASE_URL, Issuer


def _issue(issuer: Issuer, result: StudentResult) -> dict[str, object]:
    app = issuer.client.app
    state = app.state  # type: ignore[attr-defined]
    with UnitOfWork(state.sessions) as uow:
        org = get_organisation(uow, "roc-midden")
        key, vm = active_signing_key(uow, org, state.box)
        issued = issue_student_result(
            uow, org, state.catalog, result, key=key, verification_method=vm,
            public_base_url=BASE_URL, status_list_size=131_072, now=issuer.clock(),
            actor="test",
        )  # fmt: skip
        uow.commit()
        return issued.credential


RESULT = StudentResult(
    request=AchievementRequest(CredentialKind.EXAMENRESULTAAT, qualification="25498",
                               codes=("B1-K1",)),
    student_name="Sanne de Vries",
    student_number="123456",
    reference="sis-result-0001",
)  # fmt: skip


def test_result_becomes_a_valid_credential_once(issuer: Issuer) -> None:
    first = _issue(issuer, RESULT)
    second = _issue(issuer, RESULT)
    assert first == second
    doc = issuer.client.get("/roc-midden/did.json").json()
    outcome = verify_credential(
        first,
        resolver=StaticDidResolver({issuer.did: doc}),
        now=issuer.clock() + timedelta(minutes=1),
        schema_lookup=credential_schema,
    )
    assert outcome.verdict is Verdict.WARNING  # status not fetched here: warning, not valid
    assert [c.code for c in outcome.warnings] == ["status_not_checked"]
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        assert uow.session.scalar(select(func.count()).select_from(IssuedCredential)) == 1


def test_bad_result_names_every_field(issuer: Issuer) -> None:
    bad = StudentResult(
        request=AchievementRequest(CredentialKind.EXAMENRESULTAAT, qualification="25498",
                                   codes=("P9-K1",)),
        student_name=" ",
        reference="sis-result-0002",
    )  # fmt: skip
    with pytest.raises(IssuanceError) as caught:
        _issue(issuer, bad)
    assert {field for field, _ in caught.value.problems} == {"student_name", "codes"}

"""The plain student number is kept on the issuer's record, never signed (OB 3.0 names the
learner by a salted, hashed ``identifier``): staff still see and find credentials by it,
batch re-uploads still tell "already issued" from "changed", also for credentials signed
before with the plain ``credentialSubject.studentNumber`` (migration 0005 copies it into
the column). SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from credentials.identity_hash import identity_matches
from issuer.db.tables import IssuedCredential
from issuer.services.batch_csv import result_from_fields
from issuer.services.issuance import issue_credential
from issuer.services.organisations import active_signing_key, get_organisation
from issuer.services.overview import CredentialFilter, search_credentials, view_credential
from issuer.services.student_results import unsigned_credential_for
from web_common.db import UnitOfWork
from web_common.migrations import downgrade, upgrade

from .conftest import BASE_URL, Issuer, issued_credentials, run_batch
from .test_batch_corrections import ISSUED, _show, _upload


def _documents(issuer: Issuer) -> list[dict[str, Any]]:
    return [json.loads(row.document) for row in issued_credentials(issuer)]


def test_batch_keeps_the_number_on_the_record_and_signs_only_its_hash(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    rows = issued_credentials(issuer)
    assert [row.student_number for row in rows] == ["1001", "1002"]
    for row, number in zip(rows, ("1001", "1002"), strict=True):
        assert number not in row.document  # not the field, not anywhere
        subject = json.loads(row.document)["credentialSubject"]
        assert "studentNumber" not in subject
        [identity] = subject["identifier"]
        assert identity["identityType"] == "sisSourcedId"
        assert identity_matches(identity, number)


def test_staff_find_and_see_a_credential_by_its_student_number(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        org = get_organisation(uow, "roc-midden")
        found = search_credentials(uow, org, CredentialFilter(text="1002"), page=1)
        assert [(v.student_name, v.student_number) for v in found.items] == [
            ("Daan Jansen", "1002")
        ]
        assert search_credentials(uow, org, CredentialFilter(text="9999"), page=1).total == 0
        assert search_credentials(uow, org, CredentialFilter(text="Sanne"), page=1).total == 1


def test_reupload_is_already_issued_and_a_new_number_under_a_reference_is_a_change(
    issuer: Issuer,
) -> None:
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    same = _upload(issuer, ISSUED.replace("\n", "\r\n"))  # another file, the same rows
    assert same["counts"]["alreadyIssued"] == 2
    assert same["counts"]["conflicts"] == 0
    renumbered = _upload(issuer, ISSUED.replace(";1002", ";2002"))  # R2 under another number
    assert renumbered["counts"]["alreadyIssued"] == 1
    assert renumbered["counts"]["conflicts"] == 1
    rows = {r["row"]: r for r in _show(issuer, renumbered["id"])["rows"]}
    assert rows[3]["status"] == "conflict"


def _issue_the_old_way(issuer: Issuer, fields: dict[str, str]) -> None:
    """A credential as issued before 0005: the plain number in the signed subject, the
    record without the column (as the rows the migration finds)."""
    state = issuer.client.app.state  # type: ignore[attr-defined]
    with UnitOfWork(state.sessions) as uow:
        org = get_organisation(uow, "roc-midden")
        key, vm = active_signing_key(uow, org, state.box)
        result, _ = result_from_fields(fields)
        assert result is not None
        assert result.student_number
        unsigned: dict[str, Any] = unsigned_credential_for(
            state.catalog, org, result, issuer.clock()
        )
        subject = unsigned["credentialSubject"] | {"studentNumber": result.student_number}
        issue_credential(
            uow, org, unsigned | {"credentialSubject": subject}, None, key=key,
            verification_method=vm, public_base_url=BASE_URL, status_list_size=131_072,
            now=issuer.clock(), actor="test", result_key=result.reference,
        )  # fmt: skip
        uow.commit()


def test_credentials_signed_with_the_plain_number_migrate_and_still_match(issuer: Issuer) -> None:
    fields = {"reference": "R1", "naam": "Sanne de Vries", "soort": "examenresultaat",
              "kwalificatie": "25498", "codes": "B1-K1", "studentnummer": "1001"}  # fmt: skip
    _issue_the_old_way(issuer, fields)
    [old] = issued_credentials(issuer)
    assert old.student_number is None
    assert json.loads(old.document)["credentialSubject"]["studentNumber"] == "1001"

    downgrade("issuer", issuer.database_url, "0005_vci")
    upgrade("issuer", issuer.database_url)
    [migrated] = issued_credentials(issuer)
    assert migrated.student_number == "1001"
    assert view_credential(migrated).student_number == "1001"

    only_r1 = "\n".join(ISSUED.splitlines()[:2]) + "\n"
    same = _upload(issuer, only_r1)
    assert same["counts"]["alreadyIssued"] == 1
    assert same["counts"]["conflicts"] == 0
    changed = _upload(issuer, only_r1.replace("Sanne de Vries", "Sanne de Vries-Bakker"))
    assert changed["counts"]["conflicts"] == 1
    assert _show(issuer, changed["id"])["rows"][0]["replacesCredentialId"] == old.credential_ref


def test_the_migration_leaves_documents_without_a_number_alone(issuer: Issuer) -> None:
    run_batch(issuer, _upload(issuer, ISSUED)["id"])
    downgrade("issuer", issuer.database_url, "0005_vci")
    upgrade("issuer", issuer.database_url)
    # the number was only on the record: a downgrade loses it, the upgrade finds none
    assert [row.student_number for row in issued_credentials(issuer)] == [None, None]
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        count = len(list(uow.session.scalars(select(IssuedCredential.id))))
    assert count == 2

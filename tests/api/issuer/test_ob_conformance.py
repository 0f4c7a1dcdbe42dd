"""Everything the issuer emits passes the 1EdTech Open Badges 3.0 AchievementCredential JSON
Schema (the VC 2.0 revision, read from ``../shared/vectors/ob-3.0``): every credential kind,
issued one at a time and as a batch, as the plain download and as the holder-bound copy
delivered through OpenID4VCI. Each also verifies and reads back as stacking evidence."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator
from sqlalchemy import select

from credentials.identity_hash import identity_matches
from credentials.oid4vci import parse_credential_response, parse_token_response
from credentials.results import Verdict
from issuer.db.diploma_tables import DiplomaDecision
from issuer.db.tables import IssuedCredential, Organisation
from issuer.services.diploma_decisions import confirm_diploma
from issuer.services.organisations import active_signing_key, get_organisation
from issuer.services.student_results import StudentResult, issue_student_result
from qualifications.achievements import CredentialKind, evidence_from_credential
from tests.unit.issuer.test_templates import REQUESTS
from web_common.db import UnitOfWork

from .conftest import BASE_URL, Issuer, run_batch
from .test_batch_api import _upload
from .test_oid4vci import HOLDER, Wallet, _offer, _verify


@pytest.fixture(scope="module")
def ob_schema(shared_dir: Path) -> Draft201909Validator:
    path = shared_dir / "vectors" / "ob-3.0" / "achievementcredential.vc2.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    checker = Draft201909Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers  # rfc3339-validator installed: dates are checked
    return Draft201909Validator(schema, format_checker=checker)


def _conforms(validator: Draft201909Validator, credential: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential)]
    assert errors == [], credential.get("type")
    subject = credential["credentialSubject"]
    # OB 3.0 §B.1.2: id or identifier MUST be present (the schema does not enforce it)
    assert "id" in subject or subject.get("identifier")
    assert isinstance(credential["credentialStatus"], dict)
    assert credential["credentialStatus"]["statusPurpose"] == "message"


def _issue_single(issuer: Issuer, result: StudentResult) -> dict[str, Any]:
    state = issuer.client.app.state  # type: ignore[attr-defined]
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


def _holder_bound(issuer: Issuer, credential_id: str) -> dict[str, Any]:
    wallet = Wallet(issuer)
    created = _offer(issuer, credential_id)
    offer = wallet.offer(created.offer_uri)
    token = wallet.token(offer, created.tx_code)
    assert token.status_code == 200, token.text
    access = parse_token_response(token.json())
    response = wallet.credential(
        access.access_token,
        wallet.proof(wallet.nonce()),
        config_id=offer.credential_configuration_ids[0],
    )
    assert response.status_code == 200, response.text
    return dict(parse_credential_response(response.json())[0])


def _readable(issuer: Issuer, credential: dict[str, Any]) -> None:
    result = _verify(issuer, credential)
    assert result.verdict is Verdict.VALID, result.to_json()
    evidence, issues = evidence_from_credential(credential)
    assert evidence
    assert not issues


def test_every_kind_issued_singly_and_delivered_passes_the_ob_schema(
    issuer: Issuer, ob_schema: Draft201909Validator
) -> None:
    assert {r.kind for r in REQUESTS.values()} == set(CredentialKind)
    for number, (name, request) in enumerate(REQUESTS.items()):
        student_number = f"10{number:04d}" if number % 2 == 0 else None
        plain = _issue_single(
            issuer,
            StudentResult(
                request=request,
                student_name="Sanne de Vries",
                student_number=student_number,
                reference=f"conformance-{number}",
            ),
        )
        _conforms(ob_schema, plain)
        subject = plain["credentialSubject"]
        assert "id" not in subject
        (identity,) = subject["identifier"]
        assert identity["hashed"] is True
        assert identity["identityHash"].startswith("sha256$")
        if student_number:
            assert identity["identityType"] == "sisSourcedId"
            assert identity_matches(identity, student_number)
            assert student_number not in identity["identityHash"] + identity["salt"]
        else:
            assert identity["identityType"] == "name"
            assert identity_matches(identity, "Sanne de Vries")
        _readable(issuer, plain)

        bound = _holder_bound(issuer, plain["id"])
        assert bound["credentialSubject"]["id"] == HOLDER.did_key, name
        _conforms(ob_schema, bound)
        _readable(issuer, bound)


BATCH = (
    "reference;naam;soort;kwalificatie;codes;studentnummer;keuzedeel;certificaat;generiek_vak;"
    "generiek_niveau;cijfer;leerbedrijf;leerbedrijf_kvk;praktijkopleider;periode_start;"
    "periode_eind;examencommissie;besluitdatum;titel;leeruitkomsten;gekoppeld_door\n"
    "B1;Sanne de Vries;examenresultaat;25498;B1-K1;1001;;;;;8;;;;;;;;;;\n"
    "B2;Daan Jansen;examenresultaat;;;;;;nederlands;3F;7,5;;;;;;;;;;\n"
    "B3;Noor Bakker;mbo_certificaat;;;1003;;C0021;;;;;;;;;;;;;\n"
    "B4;Lotte Visser;praktijkverklaring;25655;B1-K1-W1 B1-K1-W2;1004;;;;;;Zorggroep De Linde;"
    "12345678;J. Jansen;2025-09-01;2026-06-30;;;;;\n"
    "B5;Sem de Boer;evc;25655;B1-K1 B1-K2;;;;;;;;;;;;;;;;\n"
    "B6;Emma Smit;vrijstelling;25655;B1-K3;1006;;;;;;;;;;;Examencommissie Zorg;2026-06-15;;;\n"
    "B7;Finn Mulder;diploma;25498;;1007;;;;;;;;;;;Examencommissie Zorg;2026-06-29;;;\n"
    "B8;Julia de Groot;mbo_verklaring;25499;P1-K1;1008;;;;;;;;;;;;;;;\n"
    "B9;Lucas Bos;branchecertificaat;25655;B1-K1-W3;1009;;;;;;;;;;;;;Tillen en verplaatsen;"
    "Veilig tillen (1,5);Stichting Zorgopleidingen\n"
)


def test_every_kind_issued_as_a_batch_passes_the_ob_schema(
    issuer: Issuer, ob_schema: Draft201909Validator
) -> None:
    batch = _upload(issuer, BATCH).json()
    assert batch["counts"]["invalid"] == 0, batch
    done = run_batch(issuer, batch["id"])
    assert done["counts"]["issued"] == 8, done
    assert done["counts"]["awaitingDecision"] == 1, done  # the diploma: a second person confirms
    app = issuer.client.app
    with UnitOfWork(app.state.sessions) as uow:  # type: ignore[attr-defined]
        org = uow.session.query(Organisation).filter_by(slug="roc-midden").one()
        decision_id = uow.session.scalars(select(DiplomaDecision.id)).one()
        confirm_diploma(
            uow, org, app.state.catalog, decision_id, box=app.state.box,  # type: ignore[attr-defined]
            public_base_url=BASE_URL, status_list_size=131_072, offer_ttl=timedelta(days=30),
            now=issuer.clock(), actor="examencommissie@roc-midden.nl",
        )  # fmt: skip
        uow.commit()
    with UnitOfWork(issuer.client.app.state.sessions) as uow:  # type: ignore[attr-defined]
        documents = [json.loads(d) for d in uow.session.scalars(select(IssuedCredential.document))]
    kinds = {t for d in documents for t in d["type"]} - {"VerifiableCredential"}
    assert len(documents) == 9
    assert len(kinds) == 9  # eight kinds and OpenBadgeCredential
    for document in documents:
        _conforms(ob_schema, document)
        _readable(issuer, document)
    # the grades in the file reach the signed credentials, kerntaak and generic alike
    grades = {
        d["credentialSubject"]["name"]: [r["value"] for r in d["credentialSubject"]["result"]]
        for d in documents
        if "result" in d["credentialSubject"]
    }
    assert grades == {"Sanne de Vries": ["8"], "Daan Jansen": ["7,5"]}
    bound = _holder_bound(issuer, documents[0]["id"])
    _conforms(ob_schema, bound)

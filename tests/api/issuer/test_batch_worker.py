"""The batch worker's hard paths: a poison row fails alone while the rest of its chunk is
issued, and rows that keep failing are given up on after MAX_ATTEMPTS claims, so a batch
always ends. Run against a real migrated database, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from issuer.db.batch_tables import Batch, BatchRow
from issuer.db.tables import IssuedCredential, SigningKey
from issuer.services.batch_jobs import MAX_ATTEMPTS
from issuer.services.batches import confirm_batch, create_batch
from issuer.services.organisations import create_organisation
from issuer.services.status import entry_columns
from issuer.settings import IssuerSettings
from issuer.worker import BatchWorker
from qualifications import load_catalog
from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.migrations import upgrade
from web_common.secrets import SecretBox

from .conftest import Clock

ROOT = Path(__file__).resolve().parents[3]
BASE_URL = "http://issuer.test"
CSV = (
    "reference;naam;soort;kwalificatie;codes\n"
    "R1;Sanne de Vries;examenresultaat;25498;B1-K1\n"
    "R2;Daan Jansen;examenresultaat;25498;P2-K1\n"
    "R3;Noor Bakker;examenresultaat;25498;B1-K1\n"
)


@dataclass
class Setup:
    sessions: sessionmaker[Session]
    worker: BatchWorker
    clock: Clock
    batch_id: int
    organisation_id: int


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Setup]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'issuer.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    upgrade("issuer", url)
    key = Fernet.generate_key().decode()
    settings = IssuerSettings(
        environment="test", database_url=url, public_base_url=BASE_URL, log_json=False,
        data_encryption_keys=SecretStr(key), batch_chunk_size=10, batch_lease_seconds=60,
        batch_worker_in_process=False,
    )  # fmt: skip
    box = SecretBox.from_setting(key)
    catalog = load_catalog(ROOT / "schemas" / "catalog" / "sample.json")
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    clock = Clock()
    try:
        with UnitOfWork(sessions) as uow:
            org = create_organisation(
                uow, slug="roc-midden", name="ROC Midden", kind="school", identifier="25PZ",
                public_base_url=BASE_URL, box=box, now=clock(), actor="test",
            )  # fmt: skip
            batch, _ = create_batch(
                uow, org, catalog, CSV.encode(), filename="r.csv", now=clock(), actor="test",
                max_rows=100,
            )  # fmt: skip
            assert batch.valid_count == 3
            confirm_batch(uow, org, batch.id, now=clock(), actor="test")
            uow.commit()
            ids = (batch.id, org.id)
        worker = BatchWorker(sessions, catalog=catalog, box=box, settings=settings, clock=clock)
        yield Setup(sessions, worker, clock, *ids)
    finally:
        engine.dispose()


def _rows(setup: Setup) -> dict[int, tuple[str, list[dict[str, Any]], int]]:
    """Row number → (status, errors, attempts)."""
    with UnitOfWork(setup.sessions) as uow:
        rows = uow.session.scalars(
            select(BatchRow).where(BatchRow.batch_id == setup.batch_id)
        ).all()
        return {r.row_number: (r.status, json.loads(r.errors or "[]"), r.attempts) for r in rows}


def _batch(setup: Setup) -> tuple[str, int, int]:
    """The batch's status, issued and failed counts."""
    with UnitOfWork(setup.sessions) as uow:
        batch = uow.session.get(Batch, setup.batch_id)
        assert batch is not None
        return batch.status, batch.issued_count, batch.failed_count


def test_a_poison_row_fails_alone_and_the_rest_of_its_chunk_is_issued(setup: Setup) -> None:
    chunk = setup.worker.claim()
    assert chunk is not None
    assert len(chunk.to_issue) == 3
    poison_row_id, poison = chunk.to_issue[1]
    assert poison.entries is not None
    # a record already holds the status entry reserved for the second row (a damaged
    # database): storing that row breaks the chunk's transaction, and only that row
    with UnitOfWork(setup.sessions) as uow:
        uow.session.add(
            IssuedCredential(
                organisation_id=setup.organisation_id, credential_ref="urn:uuid:squatter",
                credential_type="squatter", title="squatter", document="{}",
                request_digest="0" * 64, issued_at=setup.clock(),
                **entry_columns(poison.entries),
            )
        )  # fmt: skip
        uow.commit()

    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        setup.worker.complete(chunk)  # all or nothing: the whole chunk is refused ...
    assert {status for status, _, _ in _rows(setup).values()} == {"pending"}

    outcome = setup.worker.issue(chunk)  # ... so the worker issues each row alone
    assert (outcome.issued, outcome.already_issued, outcome.failed, outcome.lost) == (2, 0, 1, 0)
    rows = _rows(setup)  # the file's line numbers: the header is line 1
    assert [rows[n][0] for n in (2, 3, 4)] == ["issued", "failed", "issued"]
    assert "could not be issued" in rows[3][1][0]["detail"]
    assert rows[3][1][0]["code"] == "row_failed_alone"  # worded by code on the batch page
    assert rows[3][1][0]["params"]["error"]  # the exception's type, not its text
    assert "squatter" not in json.dumps(rows[3][1])  # the log has the details, not the school
    with UnitOfWork(setup.sessions) as uow:
        poison_row = uow.session.get(BatchRow, poison_row_id)
        assert poison_row is not None
        assert poison_row.row_number == 3
        assert poison_row.claimed_by is None
        issued = uow.session.scalars(
            select(IssuedCredential.result_key).where(IssuedCredential.result_key.is_not(None))
        ).all()
        assert len(issued) == 2
    assert _batch(setup) == ("done", 2, 1)


def test_rows_that_keep_failing_are_given_up_on_and_the_batch_ends(setup: Setup) -> None:
    # no active signing key: every row fails, alone too; the fault is not in the rows, so
    # none is failed for it: each claim counts an attempt until the worker gives up
    with UnitOfWork(setup.sessions) as uow:
        uow.session.execute(
            update(SigningKey)
            .where(SigningKey.organisation_id == setup.organisation_id)
            .values(active=False)
        )
        uow.commit()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(Exception, match="no active signing key"):
            setup.worker.run_once()
        rows = _rows(setup)
        assert {(status, tries) for status, _, tries in rows.values()} == {("pending", attempt)}
        setup.clock.now += timedelta(seconds=61)  # the lease runs out
    outcome = setup.worker.run_once()
    assert outcome is not None
    assert (outcome.issued, outcome.failed) == (0, 3)
    rows = _rows(setup)
    assert {status for status, _, _ in rows.values()} == {"failed"}
    assert all(
        f"gave up after {MAX_ATTEMPTS} attempts" in errors[0]["detail"]
        for _, errors, _ in rows.values()
    )
    # stored with its code, so the batch page words it in the reader's language
    assert all(
        (errors[0]["code"], errors[0]["params"]) == ("gave_up", {"attempts": str(MAX_ATTEMPTS)})
        for _, errors, _ in rows.values()
    )
    assert _batch(setup) == ("done", 0, 3)
    assert setup.worker.run_once() is None  # nothing left to claim

"""Crash and resume: kill -9 a worker process mid-batch, start another, check exactly-once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from credentials.did import StaticDidResolver
from credentials.results import Verdict
from credentials.verification import verify_credential
from issuer.db.batch_tables import Batch, BatchRow
from issuer.db.offer_tables import CredentialOffer
from issuer.db.tables import IssuedCredential
from issuer.services.batches import confirm_batch, create_batch
from issuer.services.organisations import create_organisation, did_document
from qualifications import load_catalog
from qualifications.achievements import credential_schema
from tests.databases import migrated
from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.secrets import SecretBox

ROOT = Path(__file__).resolve().parents[3]
ROWS = 400
BASE_URL = "http://issuer.test"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'issuer.db'}"
    else:
        yield request.getfixturevalue("new_postgres_url")


def _csv() -> bytes:
    lines = ["reference;naam;soort;kwalificatie;codes"]
    codes = ["B1-K1", "P2-K1", "B1-K1-W1 B1-K1-W2"]
    for i in range(ROWS):  # (a diploma row waits for the examencommissie: not signed here)
        lines.append(f"R{i:05d};Student {i};examenresultaat;25498;{codes[i % 3]}")
    return ("\n".join(lines) + "\n").encode()


def _worker(url: str, key: str, *, until_idle: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ISSUER_ENVIRONMENT": "test", "ISSUER_DATABASE_URL": url,
           "ISSUER_DATA_ENCRYPTION_KEYS": key, "ISSUER_PUBLIC_BASE_URL": BASE_URL,
           "ISSUER_BATCH_CHUNK_SIZE": "20", "ISSUER_BATCH_LEASE_SECONDS": "2",
           "ISSUER_BATCH_POLL_SECONDS": "0.1", "ISSUER_LOG_LEVEL": "WARNING"}  # fmt: skip
    command = [sys.executable, "-m", "issuer", "worker"] + (["--until-idle"] if until_idle else [])
    return subprocess.Popen(command, cwd=ROOT, env=env)


def test_kill_worker_mid_batch_then_resume_exactly_once(database_url: str) -> None:
    migrated("issuer", database_url)
    key = Fernet.generate_key().decode()
    box = SecretBox.from_setting(key)
    catalog = load_catalog(ROOT / "schemas" / "catalog" / "sample.json")
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with UnitOfWork(sessions) as uow:
            org = create_organisation(
                uow, slug="roc-midden", name="ROC Midden", kind="school", identifier="25PZ",
                public_base_url=BASE_URL, box=box, now=now, actor="test",
            )  # fmt: skip
            batch, _ = create_batch(uow, org, catalog, _csv(), filename="r.csv", now=now,
                                    actor="test", max_rows=1000)  # fmt: skip
            assert batch.valid_count == ROWS
            confirm_batch(uow, org, batch.id, now=now, actor="test")
            uow.commit()
            batch_id = batch.id

        def snapshot() -> tuple[int, int]:
            with UnitOfWork(sessions) as uow:
                issued = uow.session.scalar(
                    select(func.count()).select_from(BatchRow)
                    .where(BatchRow.batch_id == batch_id, BatchRow.status == "issued")
                ) or 0  # fmt: skip
                claimed = uow.session.scalar(
                    select(func.count()).select_from(BatchRow)
                    .where(BatchRow.status == "pending", BatchRow.claimed_by.is_not(None))
                ) or 0  # fmt: skip
                return issued, claimed

        first = _worker(database_url, key, until_idle=False)
        workers.append(first)
        deadline = time.monotonic() + 60
        issued = claimed = 0
        while time.monotonic() < deadline:
            issued, claimed = snapshot()
            if issued >= ROWS // 4 and claimed:  # some done, a chunk in flight
                break
            assert first.poll() is None, "the worker stopped by itself"
            time.sleep(0.005)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        issued_at_kill, claimed_at_kill = snapshot()
        assert 0 < issued_at_kill < ROWS, "kill the worker mid-batch"
        print(f"killed with {issued_at_kill} rows issued, {claimed_at_kill} claimed in flight")

        second = _worker(database_url, key, until_idle=True)
        workers.append(second)
        assert second.wait(timeout=120) == 0

        with UnitOfWork(sessions) as uow:
            s = uow.session
            done = s.get(Batch, batch_id)
            assert done is not None
            assert done.status == "done"
            assert (done.issued_count, done.skipped_count, done.failed_count) == (ROWS, 0, 0)
            statuses = s.execute(
                select(BatchRow.status, func.count()).where(BatchRow.batch_id == batch_id)
                .group_by(BatchRow.status)
            ).all()  # fmt: skip
            assert dict(statuses) == {"issued": ROWS}
            assert s.scalar(select(func.count()).select_from(IssuedCredential)) == ROWS
            refs = s.scalars(select(IssuedCredential.credential_ref)).all()
            assert len(set(refs)) == ROWS
            row_refs = set(s.scalars(select(BatchRow.credential_ref)))
            assert row_refs == set(refs)
            for list_col, index_col in (
                (IssuedCredential.revocation_list_id, IssuedCredential.revocation_index),
                (IssuedCredential.suspension_list_id, IssuedCredential.suspension_index),
            ):
                pairs = s.execute(select(list_col, index_col)).all()
                assert len(set(pairs)) == ROWS  # no status index handed out twice
            assert s.scalar(select(func.count()).select_from(CredentialOffer)) == ROWS
            org_row = s.get(type(org), org.id)
            assert org_row is not None
            resolver = StaticDidResolver({org_row.did: did_document(uow, org_row)})
            documents = s.scalars(select(IssuedCredential.document)).all()
        later = datetime.now(UTC) + timedelta(minutes=1)
        for document in documents:
            outcome = verify_credential(
                json.loads(document), resolver=resolver, now=later,
                schema_lookup=credential_schema,
            )  # fmt: skip
            assert outcome.verdict is Verdict.WARNING, outcome  # status not fetched here
            assert [c.code for c in outcome.warnings] == ["status_not_checked"]
    finally:
        for process in workers:  # never leave a worker behind, whatever failed
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        engine.dispose()

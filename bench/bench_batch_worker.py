"""Where a batch worker's CPU time goes, per row, on PostgreSQL.

Run: ``python bench/bench_batch_worker.py [--rows 1000]``. A throw-away database on
127.0.0.1:5432 (user postgres), migrated, with one school and its development X.509 chain; a
previewed and confirmed batch of ``--rows`` rows from :func:`bench_batch.generate_csv`; then
:class:`issuer.worker.BatchWorker` in this process, chunk after chunk, until none is left.

Prints the process CPU time per row for the whole run and for its parts: claiming (building
each unsigned credential from the catalog, result matching, status entries), issuing
(``issue_credentials_many``) and within it ``add_proof`` (eddsa-rdfc-2022), offers
(``create_offers_many``), and psycopg's conversion of queries (statements over 4,096
characters or 50 parameters are never in its cache; the chunk's INSERTs are short ones since
:mod:`web_common.bulk`, so this should stay near zero). The parts are timed by wrapping
those functions with a CPU clock (nothing else changes). CPU time, not wall time: on a
shared machine the wall time mostly measures the other processes, PostgreSQL included.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import psycopg._queries
from cryptography.fernet import Fernet

import issuer.services.batch_jobs as batch_jobs
import issuer.services.issuance as issuance
import issuer.worker as worker_module
from issuer.services.batches import confirm_batch, create_batch
from issuer.services.organisations import create_organisation
from issuer.services.x509_keys import create_dev_chain
from issuer.settings import IssuerSettings
from qualifications import load_catalog
from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.migrations import upgrade
from web_common.secrets import SecretBox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import ADMIN_DSN, ROOT, generate_csv

CPU: dict[str, float] = {}


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            CPU[name] = CPU.get(name, 0.0) + time.process_time() - start

    return timed


def _wrap(module: Any, attribute: str, label: str) -> None:
    """Time ``module.attribute`` (a function, or a method of a class) under ``label``."""
    setattr(module, attribute, _timed(label, getattr(module, attribute)))


def _instrument() -> None:
    _wrap(psycopg._queries.PostgresQuery, "convert", "psycopg query conversion")
    _wrap(issuance, "add_proof", "  of which add_proof")
    _wrap(batch_jobs, "issue_credentials_many", "issue_credentials_many")
    _wrap(batch_jobs, "create_offers_many", "create_offers_many")
    _wrap(worker_module, "claim_chunk", "claim_chunk")
    _wrap(worker_module, "complete_chunk", "complete_chunk")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    rows = parser.parse_args().rows
    catalog = load_catalog(ROOT / "schemas" / "catalog" / "sample.json")
    data = generate_csv(catalog, rows)
    name = f"bench_worker_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(ADMIN_DSN, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    fernet_key = Fernet.generate_key().decode()
    settings = IssuerSettings(environment="test", database_url=url,
                              data_encryption_keys=fernet_key,  # type: ignore[arg-type]
                              public_base_url="https://issuer.example")  # fmt: skip
    engine = make_engine(url)
    try:
        upgrade("issuer", url)
        sessions = make_session_factory(engine)
        box = SecretBox.from_setting(fernet_key)
        now = datetime.now(UTC)
        with UnitOfWork(sessions) as uow:
            org = create_organisation(
                uow, slug="roc-bench", name="ROC Bench", kind="school", identifier="99XX",
                public_base_url=settings.public_base_url, box=box, now=now, actor="bench",
            )  # fmt: skip
            create_dev_chain(uow, org, box, issuer_id="https://issuer.example/roc-bench",
                             now=now, actor="bench")  # fmt: skip
            uow.commit()
        with UnitOfWork(sessions) as uow:
            batch, _ = create_batch(uow, org, catalog, data, filename="bench.csv", now=now,
                                    actor="bench", max_rows=settings.batch_max_rows)  # fmt: skip
            uow.commit()
            batch_id = batch.id
        with UnitOfWork(sessions) as uow:
            confirm_batch(uow, org, batch_id, now=now, actor="bench")
            uow.commit()
        _instrument()
        worker = worker_module.BatchWorker(sessions, catalog=catalog, box=box, settings=settings)
        cpu, wall = time.process_time(), time.perf_counter()
        while worker.run_once() is not None:
            pass
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{rows} rows, one worker in this process: {cpu:.2f} CPU s "
              f"({cpu / rows * 1e3:.2f} ms per row), {wall:.2f} s wall")  # fmt: skip
        for part in ("claim_chunk", "complete_chunk", "issue_credentials_many",
                     "  of which add_proof", "create_offers_many",
                     "psycopg query conversion"):  # fmt: skip
            seconds = CPU.get(part, 0.0)
            print(f"  {part:28s} {seconds:7.2f} CPU s {seconds / rows * 1e3:7.2f} ms per row")
    finally:
        engine.dispose()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()

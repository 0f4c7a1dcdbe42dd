"""Batch workers: a thread in the web process by default, or separate processes to scale out.

    python -m issuer worker                      # settings from ISSUER_* variables
    python -m issuer worker --database-url postgresql+psycopg://… --until-idle

Any number of worker processes on any number of machines can share one PostgreSQL database:
each claims chunks with ``FOR UPDATE SKIP LOCKED`` (see :mod:`issuer.services.batch_jobs`).
On SQLite run one worker (the in-process default); SQLite serialises writers anyway.
On SIGTERM or Ctrl-C a worker finishes its current chunk and stops; after ``kill -9`` its
claimed rows are taken over by another worker when their lease runs out.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from qualifications import Catalog, load_catalog
from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.logs import configure_logging
from web_common.secrets import SecretBox

from .db.batch_tables import Batch
from .services.batch_jobs import (
    ChunkOutcome,
    ClaimedChunk,
    claim_chunk,
    complete_chunk,
    fail_claimed_rows,
    finish_if_complete,
)
from .services.batch_problems import BatchProblem, problem
from .services.organisations import active_signing_key
from .settings import IssuerSettings

__all__ = ["BatchWorker", "in_process_worker", "worker"]

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BatchWorker:
    """Issues queued batch rows chunk by chunk. ``run_once`` does one chunk; ``run`` loops
    until ``stop`` is set (or, with ``until_idle``, until no batch is queued or running)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        catalog: Catalog,
        box: SecretBox,
        settings: IssuerSettings,
        clock: Callable[[], datetime] = _utc_now,
        worker_id: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.catalog = catalog
        self.box = box
        self.settings = settings
        self.clock = clock
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._rng = random.SystemRandom()

    def run_once(self) -> ChunkOutcome | None:
        """Claim, issue and commit one chunk; None when there was nothing to claim."""
        chunk = self.claim()
        return None if chunk is None else self.issue(chunk)

    def issue(self, chunk: ClaimedChunk) -> ChunkOutcome:
        """Issue a claimed chunk in one unit of work; if that fails, row by row (a poison row
        fails alone); then mark the batch done when no row is left."""
        try:
            outcome = self.complete(chunk)
        except Exception:
            if len(chunk.row_ids) == 1:
                raise
            log.exception("batch chunk failed; issuing its rows one at a time")
            outcome = self._complete_row_by_row(chunk)
        with UnitOfWork(self.sessions) as uow:
            finish_if_complete(uow, [chunk.batch_id], now=self.clock())
            uow.commit()
        log.info(
            "batch chunk issued",
            extra={
                "batch": outcome.batch_id,
                "issued": outcome.issued,
                "already_issued": outcome.already_issued,
                "failed": outcome.failed,
                "lost": outcome.lost,
                "worker": self.worker_id,
            },
        )
        return outcome

    def claim(self) -> ClaimedChunk | None:
        """Claim the next chunk and reserve its status entries, in one committed unit of
        work; None when no batch has claimable rows."""
        settings = self.settings
        with UnitOfWork(self.sessions) as uow:
            chunk = claim_chunk(
                uow, self.catalog, worker_id=self.worker_id, now=self.clock(),
                lease=timedelta(seconds=settings.batch_lease_seconds),
                limit=settings.batch_chunk_size, public_base_url=settings.public_base_url,
                status_list_size=settings.status_list_entries, rng=self._rng,
            )  # fmt: skip
            if chunk is not None:
                uow.commit()
            return chunk

    def complete(self, chunk: ClaimedChunk) -> ChunkOutcome:
        """Sign, store and offer a claimed chunk in one committed unit of work (all or
        nothing). The signing key is read only when the chunk has something to sign."""
        settings = self.settings
        with UnitOfWork(self.sessions) as uow:
            signing = (
                active_signing_key(uow, chunk.organisation, self.box) if chunk.to_issue else None
            )
            outcome = complete_chunk(
                uow, chunk, signing=signing, box=self.box,
                public_base_url=settings.public_base_url,
                offer_ttl=timedelta(days=settings.offer_ttl_days), now=self.clock(),
            )  # fmt: skip
            uow.commit()
        return outcome

    def _complete_row_by_row(self, chunk: ClaimedChunk) -> ChunkOutcome:
        """After a chunk failed as a whole: each row in its own unit of work, so a poison
        row fails alone and the rest are issued. When every row fails alone the fault is
        not in the rows (a database or key problem): all are left to their lease, to be
        claimed again until :data:`MAX_ATTEMPTS` gives up on them."""
        outcomes: list[ChunkOutcome] = []
        broken: list[tuple[int, Exception]] = []
        for row_id in chunk.row_ids:
            try:
                outcomes.append(self.complete(chunk.only(row_id)))
            except Exception as exc:
                log.exception("batch row failed alone", extra={"batch_row": row_id})
                broken.append((row_id, exc))
        if broken and not outcomes:
            raise broken[0][1]
        if broken:
            with UnitOfWork(self.sessions) as uow:
                failed = fail_claimed_rows(
                    uow, chunk, {row_id: _poison_detail(exc) for row_id, exc in broken},
                    now=self.clock(),
                )  # fmt: skip
                uow.commit()
            outcomes.append(ChunkOutcome(chunk.batch_id, 0, 0, failed, len(broken) - failed))
        return ChunkOutcome(
            chunk.batch_id,
            sum(o.issued for o in outcomes),
            sum(o.already_issued for o in outcomes),
            sum(o.failed for o in outcomes),
            sum(o.lost for o in outcomes),
        )

    def _active_batches(self) -> bool:
        with UnitOfWork(self.sessions) as uow:
            return (
                uow.session.scalar(
                    select(Batch.id).where(Batch.status.in_(("queued", "running"))).limit(1)
                )
                is not None
            )

    def run(
        self,
        stop: threading.Event,
        *,
        wake: threading.Event | None = None,
        until_idle: bool = False,
    ) -> None:
        """Work until ``stop`` is set. Errors in a chunk are logged and the chunk is left to
        its lease; the loop goes on."""
        while not stop.is_set():
            try:
                outcome = self.run_once()
            except Exception:
                log.exception("batch chunk failed; its rows are retried after the lease")
                outcome = None
                stop.wait(self.settings.batch_poll_seconds)
            if outcome is not None:
                continue
            if until_idle and not self._active_batches():
                return
            if wake is not None:
                wake.wait(self.settings.batch_poll_seconds)
                wake.clear()
            else:
                stop.wait(self.settings.batch_poll_seconds)


def _poison_detail(exc: Exception) -> str:
    """What the school sees for a row that could not be issued on its own (coded
    :data:`BatchProblem.ROW_FAILED_ALONE`); the exception's text stays in the log (it may
    name internals)."""
    return problem(
        BatchProblem.ROW_FAILED_ALONE,
        f"this row could not be issued ({type(exc).__name__}); the other rows were; "
        "upload it again or ask the administrator to look in the log",
        error=type(exc).__name__,
    )


@asynccontextmanager
async def in_process_worker(app: FastAPI) -> AsyncIterator[None]:
    """A lifespan that runs one :class:`BatchWorker` thread in the web process, unless
    ``batch_worker_in_process`` is off. ``app.state.batch_wakeup`` wakes it at once.
    ``issuer.app.create_app`` enters it in its own lifespan, after the database is open."""
    settings: IssuerSettings = app.state.settings
    wake = threading.Event()
    app.state.batch_wakeup = wake
    if not settings.batch_worker_in_process:
        yield
        return
    stop = threading.Event()
    batch_worker = BatchWorker(
        app.state.sessions, catalog=app.state.catalog, box=app.state.box,
        settings=settings, clock=app.state.clock,
    )  # fmt: skip
    thread = threading.Thread(
        target=batch_worker.run, args=(stop,), kwargs={"wake": wake},
        name="batch-worker", daemon=True,
    )  # fmt: skip
    thread.start()
    try:
        yield
    finally:
        stop.set()
        wake.set()
        thread.join(timeout=30)


def worker(
    database_url: Annotated[
        str | None, typer.Option(help="Overrides ISSUER_DATABASE_URL.", show_default=False)
    ] = None,
    chunk_size: Annotated[int | None, typer.Option(help="Rows per transaction.")] = None,
    lease_seconds: Annotated[
        float | None, typer.Option(help="How long a claim lasts before others take over.")
    ] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Stop when no batch is queued or running.")
    ] = False,
) -> None:
    """Issue queued batches. Run as many as you like against one PostgreSQL database."""
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    if chunk_size:
        overrides["batch_chunk_size"] = chunk_size
    if lease_seconds:
        overrides["batch_lease_seconds"] = lease_seconds
    settings = IssuerSettings(**overrides)
    configure_logging(settings.log_level, json_lines=settings.log_json)
    engine = make_engine(settings.database_url)
    box = settings.secret_box()
    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        log.info("stopping after the current chunk", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        BatchWorker(
            make_session_factory(engine),
            catalog=load_catalog(Path(settings.catalog_path)),
            box=box,
            settings=settings,
        ).run(stop, until_idle=until_idle)
    finally:
        engine.dispose()

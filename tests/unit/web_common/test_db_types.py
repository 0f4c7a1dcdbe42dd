"""UtcDateTime: every moment column reads back aware UTC, on SQLite as on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import DateTime, Integer, MetaData, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import issuer.db.models  # noqa: F401  (registers every table)
import verifier.db.models  # noqa: F401
import wallet.db.models  # noqa: F401
from issuer.db.tables import IssuerBase
from verifier.db.tables import VerifierBase
from wallet.db.tables import WalletBase
from web_common.db import make_engine
from web_common.db_types import UtcDateTime

AMSTERDAM_SUMMER = timezone(timedelta(hours=2))


class _Base(DeclarativeBase):
    metadata = MetaData()


class Moment(_Base):
    __tablename__ = "moment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    until: Mapped[datetime | None] = mapped_column(UtcDateTime())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'moments.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _Base.metadata.create_all(engine)
    try:
        with Session(engine) as db:
            yield db
    finally:
        engine.dispose()


def test_a_moment_reads_back_aware_in_utc(session: Session) -> None:
    written = datetime(2026, 7, 1, 14, 30, 5, 123456, tzinfo=AMSTERDAM_SUMMER)
    session.add(Moment(id=1, at=written, until=None))
    session.commit()
    session.expunge_all()
    row = session.get(Moment, 1)
    assert row is not None
    assert row.at == written
    assert row.at.tzinfo is UTC
    assert row.at.hour == 12  # stored as UTC, not as the wall clock it was given in
    assert row.until is None
    assert row.at.isoformat() == "2026-07-01T12:30:05.123456+00:00"


def test_comparisons_in_sql_use_utc_whatever_zone_is_passed(session: Session) -> None:
    base = datetime(2026, 1, 1, 12, tzinfo=UTC)
    session.add_all([Moment(id=i, at=base + timedelta(hours=i)) for i in range(4)])
    session.commit()
    # 15:00 in UTC+2 is 13:00 UTC: rows at 14:00 and 15:00 UTC are later
    later = session.scalars(
        select(Moment.id).where(Moment.at > datetime(2026, 1, 1, 15, tzinfo=AMSTERDAM_SUMMER))
    ).all()
    assert sorted(later) == [2, 3]
    latest = session.scalar(select(Moment.at).order_by(Moment.at.desc()).limit(1))
    assert latest == base + timedelta(hours=3)
    assert latest is not None
    assert latest.tzinfo is UTC


def test_a_naive_moment_is_refused(session: Session) -> None:
    session.add(Moment(id=1, at=datetime(2026, 1, 1, 12)))
    with pytest.raises(Exception, match="time zone"):
        session.commit()


@pytest.mark.parametrize("base", [IssuerBase, WalletBase, VerifierBase])
def test_every_moment_column_of_the_services_is_utc_aware(base: type[DeclarativeBase]) -> None:
    columns = [c for table in base.metadata.tables.values() for c in table.columns]
    moments = [c for c in columns if isinstance(c.type, (DateTime, UtcDateTime))]
    assert len(moments) > 3  # each service has moments
    plain = [f"{c.table.name}.{c.name}" for c in moments if not isinstance(c.type, UtcDateTime)]
    assert plain == []


def test_the_ddl_type_is_a_zoned_timestamp(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ddl.db'}")
    try:
        _Base.metadata.create_all(engine)
        kinds = {c["name"]: str(c["type"]) for c in inspect(engine).get_columns("moment")}
        assert kinds["at"] == "DATETIME"
    finally:
        engine.dispose()

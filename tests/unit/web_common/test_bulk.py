"""web_common.bulk: rows inserted in one statement come back as persistent, loaded objects,
on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import ForeignKey, Integer, String, event, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from web_common.bulk import among, insert_objects, insert_rows
from web_common.db import make_engine, new_metadata
from web_common.db_types import UtcDateTime

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


class _Base(DeclarativeBase):
    metadata = new_metadata()


class Parent(_Base):
    __tablename__ = "parent"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    count: Mapped[int] = mapped_column(Integer, default=7)
    note: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Child(_Base):
    __tablename__ = "child"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parent.id"))
    label: Mapped[str] = mapped_column(String(50))


class WithServerDefault(_Base):
    __tablename__ = "with_server_default"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(Integer, server_default="3")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/bulk.db"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def test_objects_come_back_persistent_with_keys_defaults_and_no_further_query(
    session: Session,
) -> None:
    session.add(Parent(name="first", created_at=NOW))
    session.flush()
    statements: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda *args: statements.append(args[2]))  # fmt: skip
    rows = [{"name": f"p{i}", "created_at": NOW} for i in range(5)]
    rows[2]["count"] = 1
    parents = insert_objects(session, Parent, rows)
    inserted = len(statements)
    assert [p.name for p in parents] == ["p0", "p1", "p2", "p3", "p4"]
    assert [p.count for p in parents] == [7, 7, 1, 7, 7]  # the column's default unless given
    assert all(p.note is None and p.created_at == NOW for p in parents)
    assert len(statements) == inserted  # every attribute loaded: nothing read back lazily
    assert all(inspect(p).persistent for p in parents)
    ids = [p.id for p in parents]
    assert len(set(ids)) == 5
    assert min(ids) > 1  # after the row the session held
    assert session.get(Parent, ids[0]) is parents[0]  # in the identity map
    # the children's foreign keys hold: the parents are in the database in this transaction
    insert_objects(session, Child, [{"parent_id": p.id, "label": p.name} for p in parents])
    session.commit()
    stored = session.execute(select(Parent.id, Parent.name, Parent.count).order_by(Parent.id))
    assert [tuple(r) for r in stored][1:] == [(p.id, p.name, p.count) for p in parents]
    labels = session.scalars(select(Child.label).order_by(Child.id)).all()
    assert labels == ["p0", "p1", "p2", "p3", "p4"]


def test_a_changed_object_is_written_by_the_next_flush(session: Session) -> None:
    [parent] = insert_objects(session, Parent, [{"name": "old", "created_at": NOW}])
    parent.name = "new"
    session.commit()
    session.expunge_all()
    assert session.scalar(select(Parent.name).where(Parent.id == parent.id)) == "new"


def test_rows_keep_the_order_of_what_the_session_held(session: Session) -> None:
    session.add(Parent(name="pending", created_at=NOW))  # not flushed yet
    insert_rows(session, Parent, [{"name": "bulk", "created_at": NOW}])
    session.commit()
    assert session.scalars(select(Parent.name).order_by(Parent.id)).all() == ["pending", "bulk"]


def test_nothing_to_insert_is_no_statement(session: Session) -> None:
    assert insert_objects(session, Parent, []) == []
    insert_rows(session, Parent, [])
    assert session.scalar(select(Parent.id)) is None


def test_a_column_the_database_fills_must_be_given(session: Session) -> None:
    with pytest.raises(ValueError, match="level"):
        insert_objects(session, WithServerDefault, [{}])
    [given] = insert_objects(session, WithServerDefault, [{"level": 5}])
    assert given.level == 5


def test_a_naive_moment_is_refused_as_by_the_orm(session: Session) -> None:
    naive = datetime(2026, 1, 1)
    with pytest.raises(Exception, match="time zone"):
        insert_rows(session, Parent, [{"name": "x", "created_at": naive}])


def test_among_finds_the_rows_of_many_values_in_one_parameter(session: Session) -> None:
    parents = insert_objects(
        session, Parent, [{"name": f"n{i}", "created_at": NOW} for i in range(600)]
    )
    statements: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda *args: statements.append(args[2]))  # fmt: skip
    wanted = [f"n{i}" for i in range(0, 600, 3)] + ["absent"]
    found = session.scalars(select(Parent.id).where(among(session, Parent.name, wanted)))
    assert sorted(found) == [p.id for p in parents[::3]]
    by_id = session.scalars(select(Parent.name).where(among(session, Parent.id, [parents[1].id])))
    assert by_id.all() == ["n1"]
    assert session.scalars(select(Parent.id).where(among(session, Parent.name, []))).all() == []
    if session.get_bind().dialect.name == "postgresql":
        assert all(len(statement) < 300 for statement in statements)  # not a placeholder each

"""web_common.db.committed: a use case is its service step, then one commit; a step that
raises commits nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Integer, MetaData, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from web_common.db import UnitOfWork, committed, make_engine, make_session_factory


class _Base(DeclarativeBase):
    metadata = MetaData()


class Note(_Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(50))


def add_note(uow: UnitOfWork, text: str, *, fail: bool = False) -> str:
    """A service step: adds, never commits."""
    uow.session.add(Note(text=text))
    uow.flush()
    if fail:
        raise ValueError("refused after the write")
    return text.upper()


def test_a_use_case_commits_its_step_and_only_when_it_succeeds(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'notes.db'}")
    _Base.metadata.create_all(engine)
    sessions = make_session_factory(engine)
    use_case = committed(add_note)
    assert use_case.__name__ == "add_note"
    try:
        with UnitOfWork(sessions) as uow:
            assert use_case(uow, "kept") == "KEPT"
        with UnitOfWork(sessions) as uow, pytest.raises(ValueError, match="refused"):
            use_case(uow, "dropped", fail=True)
        with UnitOfWork(sessions) as uow:
            add_note(uow, "a step alone commits nothing")
        with UnitOfWork(sessions) as uow:
            assert uow.session.scalars(select(Note.text)).all() == ["kept"]
            assert uow.session.scalar(select(func.count()).select_from(Note)) == 1
    finally:
        engine.dispose()

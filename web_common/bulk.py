"""Bulk inserts in one statement per table, without the ORM's per-object flush.

The ORM's flush of many new objects sends one INSERT … VALUES (…), (…) … RETURNING id per
thousand rows ("insertmanyvalues"): SQLAlchemy builds a parameter dict with a name per row
and column, and psycopg converts that long statement afresh every time (statements over
4,096 characters or 50 parameters are never in its cache). For a batch chunk that was half
the cost of storing it. Here:

* :func:`insert_objects` completes each row with every column of the table (the column's
  Python scalar default, else None), takes its primary key first — on PostgreSQL one
  ``nextval`` of the table's sequence over ``generate_series`` — then inserts all rows with
  one executemany of a short INSERT without RETURNING (psycopg converts it once and runs it
  in a pipeline; SQLAlchemy wraps its errors as usual). On other databases (SQLite) it is
  one INSERT … RETURNING in parameter order. The rows come back as persistent ORM objects,
  every attribute loaded, in the session's identity map, as if they had been flushed.
* :func:`insert_rows` is the same for rows nobody reads back (audit events): no keys taken,
  no objects made.
* :func:`among` is ``column IN (…)`` for many values: on PostgreSQL ``column = ANY(array)``,
  one parameter whatever the count, so the statement is short and psycopg converts it once
  (the preview's look-up of issued credentials sent 500 placeholders per query).

Both run in the session's transaction, so they commit or roll back with the unit of work,
and flush what the session holds first, so rows keep the order in which they were made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table, any_, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import (
    DeclarativeBase,
    QueryableAttribute,
    Session,
    make_transient_to_detached,
)
from sqlalchemy.orm.instrumentation import manager_of_class

__all__ = ["among", "insert_objects", "insert_rows"]

_Model = TypeVar("_Model", bound=DeclarativeBase)


def _table(model: type[DeclarativeBase]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # declarative models map one table
    return table


def _complete(table: Table, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every row with a value for every column but the primary key: its own, the column's
    Python scalar default, or None. A column the database fills (server default, computed)
    must be given: None would override it."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.primary_key:
            continue
        if column.default is not None and column.default.is_scalar:
            defaults[column.key] = column.default.arg  # type: ignore[attr-defined]
        elif column.server_default is None and column.computed is None:
            defaults[column.key] = None
    completed = [defaults | dict(row) for row in rows]
    needed = {c.key for c in table.columns if not c.primary_key}
    for row in completed:
        missing = needed - row.keys()
        if missing:
            raise ValueError(f"{table.name}: give {', '.join(sorted(missing))} (database default)")
    return completed


def _primary_key(table: Table) -> str:
    [column] = table.primary_key.columns  # one integer key per table here
    return column.key


def _new_keys(session: Session, table: Table, count: int) -> list[int]:
    """``count`` keys from the table's sequence, in one statement (PostgreSQL)."""
    key = _primary_key(table)
    sequence = func.pg_get_serial_sequence(table.name, key)
    query = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
    return sorted(int(value) for value in session.scalars(query))


def insert_objects(
    session: Session, model: type[_Model], rows: Sequence[Mapping[str, Any]]
) -> list[_Model]:
    """Insert ``rows`` (column key → value, the primary key left out) of ``model``'s table and
    return them as persistent objects with their new keys, in order."""
    if not rows:
        return []
    table = _table(model)
    key = _primary_key(table)
    completed = _complete(table, rows)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        for row, value in zip(completed, _new_keys(session, table, len(completed)), strict=True):
            row[key] = value
        session.execute(insert(table), completed)
    else:
        statement = insert(table).returning(table.c[key], sort_by_parameter_order=True)
        keys = session.scalars(statement, completed).all()
        for row, value in zip(completed, keys, strict=True):
            row[key] = value
    # made the way the ORM makes an object it loads: no __init__ and no attribute events,
    # the values as the committed state; then attached to the session as persistent
    manager = manager_of_class(model)
    objects = []
    for row in completed:
        instance = manager.new_instance()
        instance.__dict__.update(row)
        make_transient_to_detached(instance)
        session.add(instance)
        objects.append(instance)
    return objects


def insert_rows(
    session: Session, model: type[DeclarativeBase], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` of ``model``'s table in one executemany; nothing is read back."""
    if rows:
        table = _table(model)
        completed = _complete(table, rows)
        session.flush()
        session.execute(insert(table), completed)


def among(
    session: Session,
    column: ColumnElement[Any] | QueryableAttribute[Any],
    values: Sequence[Any],
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL as ``column = ANY(:array)``, one parameter."""
    expression = column.expression
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, list(values), type_=ARRAY(expression.type))
        return expression == any_(array)
    return expression.in_(values)

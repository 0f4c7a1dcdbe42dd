"""Records of the catalog format to and from JSON, driven by :mod:`qualifications.catalog_fields`.

For every :class:`~qualifications.catalog_fields.Record` one reader and one writer are
compiled from its members and the model's type annotations, once, at import. The reader
checks JSON types only (the JSON Schema and :class:`~qualifications.catalog.Catalog` check
the rest) and names the failing member by its path::

    doc[0].dossiers[3].kwalificaties[0].niveau: expected an integer

What a JSON value must be follows from the Python type: ``str`` a string, ``int`` an integer
(not a boolean), ``float`` a number, ``date`` an ISO date string, a ``StrEnum`` one of its
values, ``tuple[...]`` a list, a record an object. ``X | None`` may also be null or absent;
a list member may be absent (empty); a number or boolean with a default may be absent (and
a boolean null), which gives the default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from qualifications.catalog_fields import RECORDS, Member, Record
from qualifications.errors import CatalogError

__all__ = ["BadValueError", "read", "read_fields", "record_fields", "unwrap_optional", "write"]

_MISSING: Any = object()

Reader = Callable[[Any, dict[str, Any]], Any]
Writer = Callable[[Any], Any]


class BadValueError(Exception):
    """A JSON value of the wrong shape; the path is collected on the way out."""

    def __init__(self, what: str, *, at_record: bool = False) -> None:
        super().__init__(what)
        self.what = what
        self.path: list[str] = []  # innermost first
        # True when the error names the record holding the member (unknown enum values).
        self.at_record = at_record

    def error(self, root: str) -> CatalogError:
        where = root + "".join(reversed(self.path))
        return CatalogError(f"{where}: {self.what}")


def _expected(what: str) -> BadValueError:
    return BadValueError(f"expected {what}")


def unwrap_optional(hint: Any) -> tuple[Any, bool]:
    """``X | None`` -> ``(X, True)``; anything else -> ``(hint, False)``."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


def record_fields(record: Record) -> dict[str, tuple[Member, Any, Any]]:
    """Each member's attribute -> (member, type hint, dataclass default or ``_MISSING``).

    Raises ``TypeError`` when the table and the dataclass disagree, so a field added to the
    model without a line in the format (or the reverse) fails at import.
    """
    hints = typing.get_type_hints(record.cls)
    defaults: dict[str, Any] = {}
    if dataclasses.is_dataclass(record.cls):
        init_fields = [f for f in dataclasses.fields(record.cls) if f.init]
        names = {f.name for f in init_fields}
        for f in init_fields:
            if f.default is not dataclasses.MISSING:
                defaults[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                defaults[f.name] = f.default_factory()
    else:  # a NamedTuple
        names = set(record.cls._fields)  # type: ignore[attr-defined]
    members = {m.attribute: m for m in record.members}
    if len(members) != len(record.members) or set(members) | set(record.inherit) != names:
        raise TypeError(f"catalog_fields: members of {record.cls.__name__} do not match")
    return {attr: (m, hints[attr], defaults.get(attr, _MISSING)) for attr, m in members.items()}


# -- reading ------------------------------------------------------------------------------


def _scalar_reader(t: Any, optional: bool, default: Any) -> Reader:
    if t is str:
        if optional:

            def opt_text(v: Any, _: dict[str, Any]) -> Any:
                if v is _MISSING or v is None:
                    return None
                if not isinstance(v, str):
                    raise _expected("a string or null")
                return v

            return opt_text

        def text(v: Any, _: dict[str, Any]) -> Any:
            if not isinstance(v, str):
                raise _expected("a string")
            return v

        return text
    if t is int:
        what = "an integer or null" if optional else "an integer"

        def integer(v: Any, _: dict[str, Any]) -> Any:
            if optional and (v is _MISSING or v is None):
                return None
            if isinstance(v, bool) or not isinstance(v, int):
                raise _expected(what)
            return v

        return integer
    if t is float:

        def number(v: Any, _: dict[str, Any]) -> Any:
            if v is _MISSING and default is not _MISSING:
                return default
            if optional and (v is _MISSING or v is None):
                return None
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise _expected("a number")
            return float(v)

        return number
    if t is bool:
        fallback = None if optional or default is _MISSING else default

        def boolean(v: Any, _: dict[str, Any]) -> Any:
            if v is _MISSING or v is None:
                if fallback is None and not optional:
                    raise _expected("true, false or null")
                return fallback
            if not isinstance(v, bool):
                raise _expected("true, false or null")
            return v

        return boolean
    if t is date:

        def iso_date(v: Any, _: dict[str, Any]) -> Any:
            if v is _MISSING or v is None:
                if optional:
                    return None
                raise _expected("an ISO date")
            if not isinstance(v, str):
                raise _expected("a string or null")
            try:
                return date.fromisoformat(v)
            except ValueError:
                raise _expected("an ISO date") from None

        return iso_date
    raise TypeError(f"catalog_codec: no JSON form for {t!r}")


def _enum(cls: type[StrEnum]) -> Callable[[Any], Any]:
    def value(v: Any) -> Any:
        try:
            return cls(v)
        except ValueError:
            raise BadValueError(f"unknown value {v!r}", at_record=True) from None

    return value


def _reader(hint: Any, default: Any, parent: Record) -> Reader:
    t, optional = unwrap_optional(hint)
    origin = typing.get_origin(t)
    if origin in (tuple, frozenset):
        item = typing.get_args(t)[0]
        if item in RECORDS:
            return _records_reader(RECORDS[item], optional)
        make = frozenset if origin is frozenset else tuple
        convert = _enum(item) if isinstance(item, type) and issubclass(item, StrEnum) else None
        if item is not str and convert is None:
            raise TypeError(f"catalog_codec: no JSON form for {t!r}")

        empty: Any = make()

        def strs(v: Any, _: dict[str, Any]) -> Any:
            if optional and (v is _MISSING or v is None):
                return None
            if v is _MISSING or (v == [] and type(v) is list):
                return empty
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise _expected("a list of strings")
            return make(v) if convert is None else make(convert(x) for x in v)

        return strs
    if origin is Mapping:
        key_type, value_type = typing.get_args(t)
        if isinstance(key_type, type) and issubclass(key_type, StrEnum):
            return _enum_mapping_reader(key_type, value_type)

        def mapping(v: Any, _: dict[str, Any]) -> Any:
            if v is _MISSING:
                return {}
            if not isinstance(v, Mapping):
                raise _expected("an object")
            return {str(k): x for k, x in v.items()}

        return mapping
    if t in RECORDS:
        nested = _record_reader(RECORDS[t])
        return lambda v, _: nested(v, {})
    if isinstance(t, type) and issubclass(t, StrEnum):
        convert = _enum(t)

        def enum_value(v: Any, _: dict[str, Any]) -> Any:
            if not isinstance(v, str):
                raise _expected("a string")
            return convert(v)

        return enum_value
    return _scalar_reader(t, optional, default)


def _enum_mapping_reader(key_type: type[StrEnum], value_type: Any) -> Reader:
    key, value = _enum(key_type), _enum(value_type)

    def enum_mapping(v: Any, _: dict[str, Any]) -> Any:
        if v is _MISSING:
            return {}
        if not isinstance(v, Mapping):
            raise _expected("an object")
        out = {}
        for k, x in v.items():
            subject = key(k)
            if not isinstance(x, str):
                bad = _expected("a string")
                bad.path.append(f".{k}")
                raise bad
            out[subject] = value(x)
        return out

    return enum_mapping


def _records_reader(record: Record, optional: bool) -> Reader:
    def items(v: Any, parent: dict[str, Any]) -> Any:
        if optional and (v is _MISSING or v is None):
            return None
        if v is _MISSING:
            return ()
        if not isinstance(v, list):
            raise _expected("a list")
        nested = _READERS[record.cls]
        out = []
        for i, x in enumerate(v):
            try:
                out.append(nested(x, parent))
            except BadValueError as bad:
                bad.path.append(f"[{i}]")
                raise
        return tuple(out)

    return items


def _record_reader(record: Record) -> Callable[[Any, dict[str, Any]], Any]:
    fields = _field_readers(record)
    inherit = tuple(record.inherit.items())
    cls = record.cls

    def read_record(value: Any, parent: dict[str, Any]) -> Any:
        kwargs = _read_members(fields, value)
        for attr, source in inherit:
            kwargs[attr] = parent[source]
        return cls(**kwargs)

    return read_record


def _field_readers(record: Record) -> tuple[tuple[str, str, Reader], ...]:
    return tuple(
        (m.name, attr, _reader(hint, default, record))
        for attr, (m, hint, default) in record_fields(record).items()
    )


def _read_members(fields: tuple[tuple[str, str, Reader], ...], value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _expected("an object")
    kwargs: dict[str, Any] = {}
    get = value.get
    for name, attr, reader in fields:
        try:
            kwargs[attr] = reader(get(name, _MISSING), kwargs)
        except BadValueError as bad:
            if bad.at_record:
                bad.at_record = False
            else:
                bad.path.append(f".{name}")
            raise
    return kwargs


_READERS: dict[type, Callable[[Any, dict[str, Any]], Any]] = {}
_FIELD_READERS: dict[type, tuple[tuple[str, str, Reader], ...]] = {}


def read(record: Record, value: object, where: str) -> Any:
    """One record from its JSON object; raises :class:`CatalogError` naming the path."""
    try:
        return _READERS[record.cls](value, {})
    except BadValueError as bad:
        raise bad.error(where) from None


def read_fields(record: Record, value: object, where: str) -> dict[str, Any]:
    """A record's attributes from its JSON object, without building it (the document)."""
    fields = _FIELD_READERS.get(record.cls)
    if fields is None:
        fields = _FIELD_READERS[record.cls] = _field_readers(record)
    try:
        return _read_members(fields, value)
    except BadValueError as bad:
        raise bad.error(where) from None


# -- writing ------------------------------------------------------------------------------


def _identity(v: Any) -> Any:
    return v


def _writer(hint: Any) -> Writer:
    t, optional = unwrap_optional(hint)
    origin = typing.get_origin(t)
    inner: Writer
    if origin is frozenset:
        inner = sorted
    elif origin is tuple:
        item = typing.get_args(t)[0]
        if item in RECORDS:
            cls = item

            def records(v: Any) -> Any:
                nested = _WRITERS[cls]
                return [nested(x) for x in v]

            inner = records
        elif isinstance(item, type) and issubclass(item, StrEnum):
            inner = _enum_list
        else:
            inner = list
    elif origin is Mapping:
        key_type, value_type = typing.get_args(t)
        if isinstance(key_type, type) and issubclass(key_type, StrEnum):
            inner = _enum_mapping
        elif typing.get_origin(value_type) is Mapping:
            inner = _mapping_of_mappings
        else:
            inner = dict
    elif t in RECORDS:
        cls = t
        inner = lambda v: _WRITERS[cls](v)  # noqa: E731 - late bound: records nest
    elif isinstance(t, type) and issubclass(t, StrEnum):
        inner = _enum_value
    elif t is date:
        inner = date.isoformat
    elif t in (str, int, float, bool):
        return _identity
    else:
        raise TypeError(f"catalog_codec: no JSON form for {t!r}")
    if not optional:
        return inner
    return lambda v: None if v is None else inner(v)


def _enum_list(v: Any) -> Any:
    return [x.value for x in v]


def _enum_value(v: Any) -> Any:
    return v.value


def _enum_mapping(v: Any) -> Any:
    return {k.value: x.value for k, x in v.items()}


def _mapping_of_mappings(v: Any) -> Any:
    return {k: dict(x) for k, x in v.items()}


def _record_writer(record: Record) -> Writer:
    fields = tuple(
        (m.name, attr, m.when_set, _writer(hint))
        for attr, (m, hint, _) in record_fields(record).items()
    )

    def write_record(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, attr, when_set, writer in fields:
            v = getattr(obj, attr)
            if when_set and not v:
                continue
            out[name] = writer(v)
        return out

    return write_record


_WRITERS: dict[type, Writer] = {}


def write(record: Record, obj: object) -> dict[str, Any]:
    """A record as its JSON object, members in file order."""
    writer = _WRITERS.get(record.cls)
    if writer is None:
        writer = _WRITERS[record.cls] = _record_writer(record)
    result: dict[str, Any] = writer(obj)
    return result


for _record in RECORDS.values():
    _READERS[_record.cls] = _record_reader(_record)
    _WRITERS[_record.cls] = _record_writer(_record)

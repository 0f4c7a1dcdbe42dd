"""The published JSON Schema of the catalog format, generated from the format's one table.

The table is :mod:`qualifications.catalog_fields`.

``python -m qualifications schema > schemas/catalog/catalog.schema.json`` writes it; a test
checks that the committed file is exactly :func:`schema_text`, so the schema cannot drift
from the reader. Each member's schema follows from its Python type (``str | None`` is
``{"type": ["string", "null"]}``, a ``StrEnum`` an ``enum`` of its values, a nested record a
``$ref`` or an inline object) plus the constraints its
:class:`~qualifications.catalog_fields.Member` names. Records are closed
(``additionalProperties: false``).
"""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from qualifications.catalog_codec import record_fields, unwrap_optional
from qualifications.catalog_fields import (
    CATALOG,
    DATE,
    FORMAT_NAME,
    FORMAT_VERSION,
    RECORDS,
    SCHEMA_HEADER,
    VALUE_TYPES,
    Member,
    Record,
    ValueType,
)

__all__ = ["catalog_schema", "schema_text"]

_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def catalog_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a catalog document."""
    document = _object_schema(CATALOG)
    document["required"] = ["format", "formatVersion", *document["required"]]
    document["properties"] = {
        "format": {"const": FORMAT_NAME},
        "formatVersion": {"const": FORMAT_VERSION},
        **document["properties"],
    }
    defs: dict[str, Any] = {v.name: dict(v.schema) for v in VALUE_TYPES}
    defs.update((r.name, _object_schema(r)) for r in RECORDS.values() if r.name)
    return {**SCHEMA_HEADER, **document, "$defs": defs}


def schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(catalog_schema(), ensure_ascii=False, indent=2) + "\n"


def _ref(value: ValueType | Record) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{value.name}"}


def _object_schema(record: Record) -> dict[str, Any]:
    members = record_fields(record)
    return {
        "type": "object",
        "required": [m.name for m, _, _ in members.values() if m.required],
        "additionalProperties": False,
        "properties": {m.name: _member_schema(m, hint) for m, hint, _ in members.values()},
    }


def _member_schema(member: Member, hint: Any) -> dict[str, Any]:
    t, optional = unwrap_optional(hint)
    schema: dict[str, Any]
    ref = member.ref or (DATE if t is date else None)
    if ref is not None:
        schema = _ref(ref)
        if optional and not ref.nullable:
            schema = {"oneOf": [schema, {"type": "null"}]}
    elif typing.get_origin(t) in (tuple, frozenset):
        item = typing.get_args(t)[0]
        schema = {"type": "array", "items": _value_schema(item, member.items)}
        if optional:
            schema = {"oneOf": [{"type": "null"}, schema]}
    elif typing.get_origin(t) is Mapping:
        key, value = typing.get_args(t)
        schema = {"type": "object"}
        if _is_enum(key):
            schema["propertyNames"] = _enum_schema(key)
        schema["additionalProperties"] = _value_schema(value, member.items)
    else:
        schema = _value_schema(t, None)
        if optional:
            schema["type"] = [schema["type"], "null"]
    schema.update(member.schema)
    if member.description:
        schema["description"] = member.description
    return schema


def _value_schema(t: Any, given: ValueType | Mapping[str, Any] | None) -> dict[str, Any]:
    if isinstance(given, ValueType):
        return _ref(given)
    if given is not None:
        return dict(given)
    if t in RECORDS:
        record = RECORDS[t]
        return _ref(record) if record.name else _object_schema(record)
    if _is_enum(t):
        return _enum_schema(t)
    if t in _JSON_TYPES:
        return {"type": _JSON_TYPES[t]}
    raise TypeError(f"catalog_schema: no JSON Schema for {t!r}")


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, StrEnum)


def _enum_schema(t: type[StrEnum]) -> dict[str, Any]:
    return {"enum": [e.value for e in t]}

"""The project's own catalog format: JSON documents, one file or several read together.

What each record holds and how it is spelled is defined once, in
:mod:`qualifications.catalog_fields`; :mod:`qualifications.catalog_codec` reads and writes
records from that table and :mod:`qualifications.catalog_schema` publishes it as
``schemas/catalog/catalog.schema.json``. This module handles whole documents: the
``format`` header, and merging several files (a dossier version may appear only once;
sources, the competentie legend, domains, generic sets and diploma rules repeated in
several files must agree).

Usage::

    catalog = load_catalog(Path("schemas/catalog/sample.json"))
    save_catalog(catalog, Path("out.json"))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qualifications.catalog import Catalog
from qualifications.catalog_codec import read_fields, write
from qualifications.catalog_fields import CATALOG, FORMAT_NAME, FORMAT_VERSION
from qualifications.errors import CatalogError, CatalogErrorCode

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "catalog_from_json",
    "catalog_to_json",
    "load_catalog",
    "save_catalog",
]

_LISTS = (
    "dossiers",
    "keuzedelen",
    "certificates",
    "generic_sets",
    "diploma_rules",
    "equivalences",
    "stacking_edges",
)


def load_catalog(*paths: Path) -> Catalog:
    """Read one or more catalog files into one :class:`Catalog`."""
    docs = []
    for path in paths:
        try:
            docs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise CatalogError(f"{path}: {exc}", CatalogErrorCode.UNREADABLE) from exc
    return catalog_from_json(*docs)


def save_catalog(catalog: Catalog, path: Path) -> None:
    """Write a catalog as one JSON file (UTF-8, stable key order)."""
    text = json.dumps(catalog_to_json(catalog), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def catalog_from_json(*docs: object) -> Catalog:
    """Build a catalog from parsed JSON documents in the project's format."""
    parts: dict[str, list[Any]] = {name: [] for name in _LISTS}
    sources: dict[str, dict[str, str]] = {}
    descriptions: list[str] = []
    legend: dict[str, str] = {}
    domains: dict[str, str] = {}
    for n, doc in enumerate(docs):
        where = f"doc[{n}]"
        _check_header(doc, where)
        fields = read_fields(CATALOG, doc, where)
        if fields["description"]:
            descriptions.append(fields["description"])
        for source_id, source in fields["sources"].items():
            _merge_source(sources, source_id, source)
        _merge_texts(legend, fields["competentie_legend"], f"{where}.competentieLegend")
        _merge_texts(domains, fields["domains"], f"{where}.opleidingsdomeinen")
        for name in _LISTS:
            parts[name].extend(fields[name])
    return Catalog(
        dossiers=tuple(parts["dossiers"]),
        keuzedelen=tuple(parts["keuzedelen"]),
        certificates=tuple(parts["certificates"]),
        generic_sets=_dedupe_identical(parts["generic_sets"]),
        diploma_rules=_dedupe_identical(parts["diploma_rules"]),
        equivalences=tuple(parts["equivalences"]),
        sources=sources,
        stacking_edges=tuple(parts["stacking_edges"]),
        competentie_legend=legend,
        description="\n".join(descriptions) or None,
        domains=domains,
    )


def _check_header(doc: object, where: str) -> None:
    if not isinstance(doc, Mapping):
        raise CatalogError(f"{where}: expected an object")
    name, version = doc.get("format"), doc.get("formatVersion")
    if not isinstance(name, str):
        raise CatalogError(f"{where}.format: expected a string")
    if name == FORMAT_NAME and (isinstance(version, bool) or not isinstance(version, int)):
        raise CatalogError(f"{where}.formatVersion: expected an integer")
    if name != FORMAT_NAME or version != FORMAT_VERSION:
        raise CatalogError(f"{where} is not a {FORMAT_NAME} v{FORMAT_VERSION} document")


def _merge_source(sources: dict[str, dict[str, str]], source_id: str, source: object) -> None:
    where = f"sources.{source_id}"
    if not isinstance(source, Mapping):
        raise CatalogError(f"{where}: expected an object")
    for key, text in source.items():
        if not isinstance(text, str):
            raise CatalogError(f"{where}.{key}: expected a string")
    value = {str(k): v for k, v in source.items()}
    if sources.get(source_id, value) != value:
        raise CatalogError(f"source {source_id!r} differs between files", CatalogErrorCode.CONFLICT)
    sources[source_id] = value


def _merge_texts(into: dict[str, str], texts: Mapping[str, object], where: str) -> None:
    for key, title in texts.items():
        if not isinstance(title, str) or into.get(key, title) != title:
            raise CatalogError(f"{where}.{key}: conflicting or not text", CatalogErrorCode.CONFLICT)
        into[key] = title


def _dedupe_identical(items: list[Any]) -> tuple[Any, ...]:
    # Shared sets and rules may be repeated in several files; identical copies are one.
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out and out[item.id] != item:
            raise CatalogError(f"{item.id!r} differs between files", CatalogErrorCode.CONFLICT)
        out[item.id] = item
    return tuple(out.values())


def catalog_to_json(catalog: Catalog) -> dict[str, Any]:
    """The JSON document for a catalog; :func:`catalog_from_json` reads it back unchanged.

    Members added for the full list (domains, validity, successors, leerwegen) are written
    only when set, so older files round-trip byte for byte.
    """
    return {"format": FORMAT_NAME, "formatVersion": FORMAT_VERSION, **write(CATALOG, catalog)}

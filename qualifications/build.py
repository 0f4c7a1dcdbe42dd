"""Derive the shipped full catalog (``schemas/catalog/kwalificatiestructuur.json``).

Layers, each record keeping its sources:

1. the hand-checked sample (``schemas/catalog/sample.json``);
2. the SBB XML exports (kerntaken, werkprocessen, generic parts) for the dossiers they hold;
3. the 2015 regulation's crebo list as the base for every other dossier and kwalificatie,
   and for the domain, leerwegen and validity start of the detailed ones.

Run ``python -m qualifications build`` to re-derive it from ``../shared/catalog``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qualifications.catalog import Catalog
from qualifications.crebo_list import apply_crebo_list, rows_from_regeling
from qualifications.model import Dossier
from qualifications.sbb_xml import import_sbb_xml

__all__ = ["REGELING_SOURCE_ID", "BuildResult", "build_full_catalog", "regeling_source"]

REGELING_SOURCE_ID = "src-regeling-2015"
REGELING_VERSION = "regeling-2015"

DESCRIPTION = (
    "The kwalificatiestructuur at full size: all 470 kwalificaties in 172 dossiers of the"
    " Regeling vaststelling kwalificatiedossiers 2015 (bijlage 1, valid from 2015-08-01) as"
    " the base; kerntaken and werkprocessen where an SBB XML export or the hand-checked sample"
    " has them. List-only records have no kerntaken ('kerntaken' in uncertain). The list is"
    " the 2015 state: it is no proof that a crebo is current. Derived by"
    " 'python -m qualifications build'."
)


@dataclass(frozen=True, slots=True)
class BuildResult:
    catalog: Catalog
    notes: tuple[str, ...]


def regeling_source(doc: Mapping[str, Any]) -> dict[str, str]:
    """The source record for the regulation, from its parsed file's provenance."""
    src = doc["source"]
    return {
        "kind": "repo",
        "repo": str(src["repo"]),
        "path": str(src["path"]),
        "commit": str(src["commit"]),
        "what": f"{src['citeertitel']} ({src['bwb_id']}), {src['bijlage_1_heading']}.",
        "derived": "../shared/catalog/qualification-lists/regeling-2015.json"
        " (parse_regeling.py; sha256 of the cut text "
        f"{src['extract']['sha256']})",
        "quality": "primary (ministerial regulation, public domain); the 2015 state",
    }


def build_full_catalog(
    sample: Catalog, exports: Sequence[tuple[str, bytes]], regeling: Mapping[str, Any]
) -> BuildResult:
    """The layered catalog. ``exports`` are ``(file name, bytes)`` of SBB XML exports; a
    dossier version the sample already holds is kept as hand-checked there."""
    catalog = sample
    notes: list[str] = []
    for name, data in exports:
        result = import_sbb_xml(catalog, data, source_name=name)
        imported = result.catalog
        for key, outcome in result.outcomes:
            kept = sample.dossier(key.crebo, key.version)
            if kept is None:
                notes.append(f"{name}: {key} {outcome.value}")
                continue
            completed, added = _complete(kept, imported.dossier(key.crebo, key.version))
            imported, _ = imported.with_dossier(completed)
            extra = f"; added {', '.join(added)} from the export" if added else ""
            notes.append(f"{name}: {key} kept as hand-checked in the sample{extra}")
        catalog = imported
    rows, domains = rows_from_regeling(regeling)
    merged = apply_crebo_list(
        catalog,
        rows,
        version=REGELING_VERSION,
        source_id=REGELING_SOURCE_ID,
        source=regeling_source(regeling),
        domains=domains,
    )
    notes.extend(merged.notes)
    final = dataclasses.replace(merged.catalog, description=DESCRIPTION)
    return BuildResult(final, tuple(notes))


def _complete(kept: Dossier, imported: Dossier | None) -> tuple[Dossier, list[str]]:
    """The sample's dossier version plus the export's kwalificaties it left out (the same SBB
    document, so the same basisdeel); unchanged when the basisdeel differs."""
    if imported is None or imported.basisdeel != kept.basisdeel:
        return kept, []
    have = {q.crebo for q in kept.kwalificaties} | {q.profiel_code for q in kept.kwalificaties}
    extra = tuple(
        q for q in imported.kwalificaties if q.crebo not in have and q.profiel_code not in have
    )
    merged = dataclasses.replace(kept, kwalificaties=kept.kwalificaties + extra)
    return merged, [q.crebo or q.id for q in extra]

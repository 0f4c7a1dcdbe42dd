"""How far genuine credentials go toward a chosen diploma: the catalog's ``progress``."""

from __future__ import annotations

from qualifications import Catalog, Evidence, ProgressReport, Qualification, progress

__all__ = ["search_qualifications", "stacking_report"]


def search_qualifications(catalog: Catalog, text: str, limit: int = 20) -> list[Qualification]:
    """Qualifications by crebo (or its first digits) or words of the title
    (case-insensitive): the catalog's own search."""
    return list(catalog.search(text, limit=limit))


def stacking_report(
    catalog: Catalog, evidence: tuple[Evidence, ...], target: str
) -> ProgressReport | None:
    """Progress toward ``target`` (crebo or catalog id), or None when it is not in the catalog."""
    if not catalog.qualification(target):
        return None
    return progress(catalog, list(evidence), target)

"""How far genuine credentials go toward a chosen diploma: the catalog's ``progress``."""

from __future__ import annotations

from qualifications import Catalog, Evidence, ProgressReport, Qualification, progress

__all__ = ["search_qualifications", "stacking_report"]


def search_qualifications(catalog: Catalog, text: str, limit: int = 20) -> list[Qualification]:
    """Qualifications whose title or crebo contains ``text`` (case-insensitive)."""
    needle = text.strip().lower()
    if not needle:
        return []
    found = [
        q
        for q in catalog.qualifications
        if needle in q.title.lower() or (q.crebo is not None and needle in q.crebo)
    ]
    return sorted(found, key=lambda q: (q.title, q.niveau))[:limit]


def stacking_report(
    catalog: Catalog, evidence: tuple[Evidence, ...], target: str
) -> ProgressReport | None:
    """Progress toward ``target`` (crebo or catalog id), or None when it is not in the catalog."""
    if not catalog.qualification(target):
        return None
    return progress(catalog, list(evidence), target)

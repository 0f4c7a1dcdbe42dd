"""What a diploma still needs, as one checklist with names people read.

A diploma is the whole of it: every kerntaak of the beroepsgericht deel, the required
generieke onderdelen (Nederlands, rekenen, Engels, loopbaan en burgerschap) and the
keuzedeel obligation. :func:`diploma_checklist` turns a :class:`ProgressReport` (the
stacking rules, :func:`qualifications.progress`) into those items, so the wallet's progress
and the verifier's stacking report count the same things the same way. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qualifications.model import GenericRequirement
from qualifications.progress import ProgressReport

__all__ = ["ChecklistItem", "DiplomaChecklist", "diploma_checklist", "generic_name"]

State = Literal["met", "missing", "unknown"]

_SUBJECTS = {
    "nederlands": ("Nederlands", "Dutch"),
    "rekenen": ("Rekenen", "Numeracy"),
    "engels": ("Engels", "English"),
    "loopbaan_burgerschap": ("Loopbaan en burgerschap", "Career and citizenship"),
}
_SKILLS = {
    "lezen": ("lezen", "reading"),
    "luisteren": ("luisteren", "listening"),
    "schrijven": ("schrijven", "writing"),
    "spreken": ("spreken", "speaking"),
    "gesprekken_voeren": ("gesprekken voeren", "conversation"),
}


def generic_name(requirement: GenericRequirement, lang: str = "nl") -> str:
    """``Rekenen (2F)``, ``Engels lezen (A2)``, ``Loopbaan en burgerschap``."""
    index = 1 if lang == "en" else 0
    subject = requirement.subject.value
    name = _SUBJECTS.get(subject, (subject.replace("_", " "),) * 2)[index]
    if requirement.skill:
        skill = requirement.skill
        name += " " + _SKILLS.get(skill, (skill.replace("_", " "),) * 2)[index]
    return f"{name} ({requirement.level})" if requirement.level else name


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One thing the diploma needs. ``part``: ``beroepsgericht``, ``generiek`` or
    ``keuzedelen``; ``state`` ``unknown`` when the catalog cannot tell (SBU missing)."""

    part: Literal["beroepsgericht", "generiek", "keuzedelen"]
    key: str
    name_nl: str
    name_en: str
    state: State

    def name(self, lang: str = "nl") -> str:
        return self.name_en if lang == "en" else self.name_nl


@dataclass(frozen=True, slots=True)
class DiplomaChecklist:
    items: tuple[ChecklistItem, ...]

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.state == "met")

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def still_needed(self) -> tuple[ChecklistItem, ...]:
        """Everything not (known to be) met: one "nog nodig" list."""
        return tuple(i for i in self.items if i.state != "met")

    @property
    def complete(self) -> bool:
        return bool(self.items) and not self.still_needed


def diploma_checklist(report: ProgressReport) -> DiplomaChecklist:
    """The diploma's parts and their state, in the order beroepsgericht, generiek,
    keuzedelen. Kerntaken count when complete (every werkproces covered toward the
    diploma); practical experience alone does not."""
    items: list[ChecklistItem] = []
    for k in report.kerntaken:
        name = f"{k.code} {k.title}"
        items.append(
            ChecklistItem("beroepsgericht", k.code, name, name, "met" if k.complete else "missing")
        )
    for g in report.generic:
        if not g.required:
            continue
        items.append(
            ChecklistItem(
                "generiek",
                g.label,
                generic_name(g.requirement, "nl"),
                generic_name(g.requirement, "en"),
                "met" if g.met else "missing",
            )
        )
    if report.keuzedelen.required:
        met = report.keuzedelen.met
        sbu = report.keuzedelen.required_sbu
        nl = f"Keuzedelen ({sbu} SBU)" if sbu else "Keuzedelen"
        en = f"Elective modules ({sbu} SBU)" if sbu else "Elective modules"
        state: State = "met" if met else "unknown" if met is None else "missing"
        items.append(ChecklistItem("keuzedelen", "keuzedelen", nl, en, state))
    return DiplomaChecklist(tuple(items))

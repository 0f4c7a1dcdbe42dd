"""Diploma rules applied to generic results.

The rules themselves are data (:class:`~qualifications.model.DiplomaRule` in the catalog):
per subject whether a level with a passing grade is needed, only participation, or nothing,
the pass grade, and which subjects may compensate each other. This module only evaluates
them, so changing a rule never means changing code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from qualifications.claims import GenericClaim
from qualifications.model import (
    DiplomaRule,
    GenericMode,
    GenericRequirement,
    GenericSubject,
    level_at_least,
)

__all__ = ["GenericProgress", "GenericStatus", "evaluate_generic"]


class GenericStatus(StrEnum):
    """Outcome for one generic requirement, best first. ``insufficient``: a grade below the
    pass grade but at or above a compensation floor."""

    MET = "met"
    COMPENSATED = "compensated"
    INSUFFICIENT = "insufficient"
    FAILED = "failed"
    MISSING = "missing"


_RANK = {
    GenericStatus.MET: 4,
    GenericStatus.COMPENSATED: 3,
    GenericStatus.INSUFFICIENT: 2,
    GenericStatus.FAILED: 1,
    GenericStatus.MISSING: 0,
}


@dataclass(frozen=True, slots=True)
class GenericProgress:
    """One generic requirement of the target and how the evidence meets it."""

    requirement: GenericRequirement
    mode: GenericMode
    status: GenericStatus
    evidence_ids: tuple[str, ...] = ()
    best_level: str | None = None
    best_grade: float | None = None

    @property
    def required(self) -> bool:
        return self.mode is not GenericMode.NOT_REQUIRED

    @property
    def met(self) -> bool:
        return self.status in (GenericStatus.MET, GenericStatus.COMPENSATED)

    @property
    def label(self) -> str:
        return self.requirement.label


def evaluate_generic(
    requirements: Iterable[GenericRequirement],
    rule: DiplomaRule,
    claims: Iterable[GenericClaim],
) -> tuple[GenericProgress, ...]:
    """Evaluate every requirement against the claims, then apply compensation.

    A claim fits a requirement when the subject matches, the skill matches (a claim without
    skill covers every skill) and its level is at least the required level. Adding claims can
    only raise a status, never lower it.
    """
    claims = tuple(claims)
    results = [_one(r, rule, claims) for r in requirements]
    for comp in rule.compensation:
        group = [i for i, p in enumerate(results) if p.requirement.subject in comp.subjects]
        if not group:
            continue
        statuses = [results[i].status for i in group]
        if any(s in (GenericStatus.FAILED, GenericStatus.MISSING) for s in statuses):
            continue
        below: set[GenericSubject] = set()
        fully_met: set[GenericSubject] = set(results[i].requirement.subject for i in group)
        for i in group:
            p = results[i]
            if p.status is GenericStatus.INSUFFICIENT:
                below.add(p.requirement.subject)
                fully_met.discard(p.requirement.subject)
                if p.best_grade is None or p.best_grade < comp.floor_grade:
                    break
        else:
            if below and len(below) <= comp.max_below_pass and fully_met:
                for i in group:
                    if results[i].status is GenericStatus.INSUFFICIENT:
                        p = results[i]
                        results[i] = GenericProgress(
                            p.requirement,
                            p.mode,
                            GenericStatus.COMPENSATED,
                            p.evidence_ids,
                            p.best_level,
                            p.best_grade,
                        )
    return tuple(results)


def _fits(claim: GenericClaim, requirement: GenericRequirement) -> bool:
    if claim.subject is not requirement.subject:
        return False
    if claim.skill is not None and claim.skill != requirement.skill:
        return False
    if requirement.level is None:
        return True
    if claim.level is None:
        return False
    return level_at_least(claim.level, requirement.level) is True


def _status(claim: GenericClaim, rule: DiplomaRule, mode: GenericMode) -> GenericStatus:
    if claim.exempt or claim.grade is None or mode is not GenericMode.LEVEL:
        return GenericStatus.MET
    if claim.grade >= rule.pass_grade:
        return GenericStatus.MET
    floors = [c.floor_grade for c in rule.compensation if claim.subject in c.subjects]
    if floors and claim.grade >= min(floors):
        return GenericStatus.INSUFFICIENT
    return GenericStatus.FAILED


def _one(
    requirement: GenericRequirement, rule: DiplomaRule, claims: tuple[GenericClaim, ...]
) -> GenericProgress:
    mode = rule.generic.get(requirement.subject, GenericMode.LEVEL)
    best = GenericStatus.MISSING
    ids: list[str] = []
    best_grade: float | None = None
    best_level: str | None = None
    for claim in claims:
        if not _fits(claim, requirement):
            continue
        status = _status(claim, rule, mode)
        if _RANK[status] > _RANK[best]:
            best, ids, best_grade, best_level = status, [], None, None
        if status is best:
            ids.append(claim.evidence_id)
            if claim.grade is not None and (best_grade is None or claim.grade > best_grade):
                best_grade = claim.grade
            if claim.level is not None and (
                best_level is None or level_at_least(claim.level, best_level)
            ):
                best_level = claim.level
    return GenericProgress(requirement, mode, best, tuple(sorted(set(ids))), best_level, best_grade)

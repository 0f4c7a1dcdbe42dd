"""The kwalificatiestructuur as immutable data.

A kwalificatiedossier exists in versions. Each :class:`Dossier` is one version of one dossier
and holds the basisdeel shared by its kwalificaties plus each kwalificatie's profieldeel::

    Dossier (crebo, version)
     ├── basisdeel: Kerntaak B1-K1 ─ Werkproces B1-K1-W1 ...
     └── kwalificaties: Qualification (crebo, niveau, ...)
          └── profieldeel: Kerntaak P2-K1 ─ Werkproces P2-K1-W1 ...

Kerntaak and werkproces codes are only unique inside one dossier version, so every unit is
addressed with a :class:`PartKey` ``(dossier crebo, dossier version, code)``; never by code
alone. Keuzedelen, mbo-certificaten, generic requirements and diploma rules live beside the
dossiers in the :class:`~qualifications.catalog.Catalog`.

Values the sources do not confirm are ``None`` and named in the record's ``uncertain`` set
(field names such as ``"crebo"`` or ``"titles"``); the library never fills them in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "CEFR_LEVELS",
    "KERNTAAK_CODE_PATTERN",
    "REFERENCE_LEVELS",
    "WERKPROCES_CODE_PATTERN",
    "Certificate",
    "CertificateCoverage",
    "CompensationRule",
    "DiplomaRule",
    "Dossier",
    "DossierKey",
    "Equivalence",
    "GenericMode",
    "GenericRequirement",
    "GenericRequirementSet",
    "GenericSubject",
    "Kerntaak",
    "Keuzedeel",
    "Part",
    "PartKey",
    "Qualification",
    "Reach",
    "StackingEdge",
    "Werkproces",
    "is_kerntaak_code",
    "is_werkproces_code",
    "level_at_least",
]

#: The form of a kerntaak code (``B1-K1``, ``P2-K1``) and of a werkproces code (``B1-K1-W3``).
KERNTAAK_CODE_PATTERN = r"^(B1|P[1-9][0-9]*)-K[1-9][0-9]*$"
WERKPROCES_CODE_PATTERN = r"^(B1|P[1-9][0-9]*)-K[1-9][0-9]*-W[1-9][0-9]*$"
_KERNTAAK_RE = re.compile(KERNTAAK_CODE_PATTERN)
_WERKPROCES_RE = re.compile(WERKPROCES_CODE_PATTERN)

#: Referentieniveaus for Nederlands and rekenen, lowest first.
REFERENCE_LEVELS: tuple[str, ...] = ("1F", "2F", "3F", "4F")
#: CEFR levels used for Engels, lowest first.
CEFR_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")


def is_kerntaak_code(code: str) -> bool:
    """Whether ``code`` has the form of a kerntaak code (``B1-K1``, ``P2-K1``)."""
    return _KERNTAAK_RE.match(code) is not None


def is_werkproces_code(code: str) -> bool:
    """Whether ``code`` has the form of a werkproces code (``B1-K1-W3``)."""
    return _WERKPROCES_RE.match(code) is not None


def level_at_least(achieved: str, required: str) -> bool | None:
    """Compare two levels on the same scale (``2F`` vs ``3F``, ``A2`` vs ``B1``).

    Returns ``None`` when the levels are not on one known scale, so callers can report that
    instead of guessing.
    """
    for scale in (REFERENCE_LEVELS, CEFR_LEVELS):
        if achieved in scale and required in scale:
            return scale.index(achieved) >= scale.index(required)
    return None


class DossierKey(NamedTuple):
    """One version of one kwalificatiedossier."""

    crebo: str
    version: str

    def __str__(self) -> str:
        return f"{self.crebo}@{self.version}"


class PartKey(NamedTuple):
    """A kerntaak or werkproces: ``(dossier crebo, dossier version, code)``."""

    crebo: str
    version: str
    code: str

    @property
    def dossier(self) -> DossierKey:
        return DossierKey(self.crebo, self.version)

    def __str__(self) -> str:
        return f"{self.crebo}@{self.version}:{self.code}"


class Reach(NamedTuple):
    """Evidence naming ``stated`` reaches ``werkproces``; ``via`` is the unit of the stated
    one whose catalog equivalence was used, or ``None`` for a direct match."""

    werkproces: PartKey
    stated: PartKey
    via: PartKey | None


class Part(StrEnum):
    """Where a kerntaak sits in a kwalificatie."""

    BASISDEEL = "basisdeel"
    PROFIELDEEL = "profieldeel"


class GenericSubject(StrEnum):
    """The generieke onderdelen of an mbo qualification."""

    NEDERLANDS = "nederlands"
    REKENEN = "rekenen"
    ENGELS = "engels"
    LOOPBAAN_BURGERSCHAP = "loopbaan_burgerschap"


class GenericMode(StrEnum):
    """How a diploma rule treats a generic subject.

    ``level``: a result at the required level with a passing grade (or compensated) is needed.
    ``participation``: the exam or obligation must be done at the required level; the grade
    does not count (rekenen for some cohorts, loopbaan en burgerschap).
    ``not_required``: shown in reports but not needed for the diploma.
    """

    LEVEL = "level"
    PARTICIPATION = "participation"
    NOT_REQUIRED = "not_required"


@dataclass(frozen=True, slots=True)
class Werkproces:
    """A werkproces, the finest unit a credential can be tied to."""

    code: str
    title: str
    sbu: int | None = None
    sbb_nr: str | None = None
    competenties: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Kerntaak:
    """A kerntaak with its werkprocessen. ``sbu`` is ``None`` when the source gives none."""

    code: str
    title: str
    werkprocessen: tuple[Werkproces, ...]
    sbu: int | None = None
    sbb_nr: str | None = None


@dataclass(frozen=True, slots=True)
class Qualification:
    """One kwalificatie (profile) inside one dossier version.

    ``id`` is unique in a catalog. ``crebo`` may be ``None`` when no source confirms it (then
    ``"crebo"`` is in ``uncertain``). ``basisdeel`` is the dossier's shared basisdeel, carried
    here so a qualification can be read on its own.
    """

    id: str
    crebo: str | None
    title: str
    profiel_code: str
    niveau: int
    dossier_crebo: str
    dossier_version: str
    basisdeel: tuple[Kerntaak, ...]
    profieldeel: tuple[Kerntaak, ...]
    generic_requirements: str
    diploma_rule: str
    nlqf: int | None = None
    eqf: int | None = None
    sbu: int | None = None
    soort_opleiding: str | None = None
    wettelijke_beroepsvereisten: bool | None = None
    keuzedelen: tuple[str, ...] = ()
    sbb_nr: str | None = None
    leerwegen: tuple[str, ...] = ()
    geldig_vanaf: date | None = None
    geldig_tot: date | None = None
    opvolgers: tuple[str, ...] = ()
    uncertain: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def dossier(self) -> DossierKey:
        return DossierKey(self.dossier_crebo, self.dossier_version)

    @property
    def has_detail(self) -> bool:
        """Whether the catalog knows this qualification's kerntaken and werkprocessen.

        Qualifications known only from a crebo list have none: diplomas and certificates can
        be issued for them, credentials for kerntaken or werkprocessen cannot.
        """
        return bool(self.basisdeel or self.profieldeel)

    def replaced_on(self, on: date) -> bool:
        """Whether the qualification's validity had ended on ``on`` (``geldig_tot`` passed)."""
        return self.geldig_tot is not None and on > self.geldig_tot

    @property
    def kerntaken(self) -> tuple[Kerntaak, ...]:
        """Basisdeel followed by profieldeel."""
        return self.basisdeel + self.profieldeel

    def part_of(self, kerntaak: Kerntaak) -> Part:
        return Part.BASISDEEL if kerntaak.code.startswith("B") else Part.PROFIELDEEL

    def key(self, code: str) -> PartKey:
        return PartKey(self.dossier_crebo, self.dossier_version, code)


@dataclass(frozen=True, slots=True)
class Dossier:
    """One version of a kwalificatiedossier.

    ``version`` is an opaque identifier, unique per dossier crebo (for SBB exports
    ``sbb-<document nr>``); ``geldig_vanaf`` and ``version_label`` are what people read.
    ``previous_version`` names the version this one replaces, when the source says so.
    ``opleidingsdomein`` is the code of the domain the dossier belongs to (``79140``), or
    ``None`` (the Entree dossiers belong to none).
    """

    crebo: str
    version: str
    title: str
    basisdeel: tuple[Kerntaak, ...]
    kwalificaties: tuple[Qualification, ...]
    geldig_vanaf: date | None = None
    geldig_tot: date | None = None
    opleidingsdomein: str | None = None
    sector: str | None = None
    sectorkamer: str | None = None
    status: str | None = None
    version_label: str | None = None
    previous_version: str | None = None
    vastgesteld_op: date | None = None
    sbb_nr: str | None = None
    uncertain: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def key(self) -> DossierKey:
        return DossierKey(self.crebo, self.version)

    @property
    def has_detail(self) -> bool:
        """Whether any kerntaak of this dossier version is known."""
        return bool(self.basisdeel) or any(q.has_detail for q in self.kwalificaties)


@dataclass(frozen=True, slots=True)
class Keuzedeel:
    """An elective unit, identified nationally by its code (``K0071``)."""

    code: str
    title: str
    sbu: int | None = None
    niveau: int | None = None
    uncertain: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CertificateCoverage:
    """What one mbo-certificaat covers of one kerntaak.

    ``werkprocessen`` is ``None`` when the whole kerntaak is covered, or the codes of the
    werkprocessen covered when the certificate includes the kerntaak only partly ("deels").
    """

    kerntaak: str
    werkprocessen: tuple[str, ...] | None = None

    @property
    def partial(self) -> bool:
        return self.werkprocessen is not None


@dataclass(frozen=True, slots=True)
class Certificate:
    """An mbo-certificaat.

    ``covers`` is ``None`` when the sources do not say which kerntaken/werkprocessen the
    certificate covers; evidence for such a certificate is then reported, not counted.
    A keuzedeel certificate names its ``keuzedeel``.
    """

    id: str
    title: str
    code: str | None = None
    dossier_crebo: str | None = None
    dossier_version: str | None = None
    qualification_crebo: str | None = None
    keuzedeel: str | None = None
    sbu: int | None = None
    covers: tuple[CertificateCoverage, ...] | None = None
    status: str | None = None
    uncertain: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def dossier(self) -> DossierKey | None:
        if self.dossier_crebo is None or self.dossier_version is None:
            return None
        return DossierKey(self.dossier_crebo, self.dossier_version)


@dataclass(frozen=True, slots=True)
class GenericRequirement:
    """One generic requirement: a subject at a level, for Engels per skill.

    ``level`` is ``None`` for loopbaan en burgerschap, which has no level.
    """

    subject: GenericSubject
    level: str | None = None
    skill: str | None = None

    @property
    def label(self) -> str:
        parts = [self.subject.value]
        if self.skill:
            parts.append(self.skill)
        if self.level:
            parts.append(self.level)
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class GenericRequirementSet:
    """The generieke onderdelen that apply to a group of qualifications (e.g. niveau 4)."""

    id: str
    applies_to: str
    requirements: tuple[GenericRequirement, ...]
    uncertain: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompensationRule:
    """Grades in ``subjects`` may compensate each other.

    Every subject needs at least ``floor_grade``; at most ``max_below_pass`` of them may be
    below the rule's pass grade. Grades are final grades on the Dutch 1-10 scale.
    """

    subjects: tuple[GenericSubject, ...]
    floor_grade: float
    max_below_pass: int


@dataclass(frozen=True, slots=True)
class DiplomaRule:
    """Which parts and generic results a diploma needs: configuration, not code.

    Every kerntaak of basisdeel and profieldeel is always required. ``generic`` says per
    subject how its result counts; ``keuzedelen_sbu`` is the keuzedeel obligation in SBU or
    ``None`` when unknown.
    """

    id: str
    title: str
    generic: Mapping[GenericSubject, GenericMode]
    pass_grade: float = 5.5
    compensation: tuple[CompensationRule, ...] = ()
    keuzedelen_sbu: int | None = None
    keuzedelen_required: bool = False
    uncertain: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Equivalence:
    """The catalog states that two kerntaken or two werkprocessen are the same.

    Only such explicit statements let evidence for one dossier version count for another.
    """

    a: PartKey
    b: PartKey
    sources: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class StackingEdge:
    """A documented stacking relation between two qualifications (informational)."""

    source: str
    target: str
    shared_kerntaken: tuple[str, ...]
    remaining: tuple[str, ...]
    note: str | None = None

"""The catalog: every dossier version, keuzedeel, certificate and rule, with lookup indexes.

A :class:`Catalog` is immutable. Building one checks that its parts refer to each other
consistently (raising :class:`~qualifications.errors.CatalogError` when they do not) and
builds the indexes the stacking functions need, so that looking up a ``(crebo, version,
code)`` or finding the qualifications that contain a werkproces is a dict access.

Versions are kept side by side: :meth:`Catalog.with_dossier` adds a new version of a dossier
without touching older ones, so evidence issued against an old version stays interpretable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from qualifications.errors import CatalogError, CatalogErrorCode
from qualifications.model import (
    Certificate,
    DiplomaRule,
    Dossier,
    DossierKey,
    Equivalence,
    GenericRequirementSet,
    Kerntaak,
    Keuzedeel,
    PartKey,
    Qualification,
    Reach,
    StackingEdge,
    is_kerntaak_code,
    is_werkproces_code,
)

__all__ = ["Catalog", "ImportOutcome", "Unit"]

_T = TypeVar("_T")


class ImportOutcome(StrEnum):
    """What adding a dossier version did to a catalog."""

    ADDED = "added"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Unit:
    """A kerntaak or werkproces as found in the index."""

    key: PartKey
    title: str
    is_kerntaak: bool
    werkprocessen: tuple[PartKey, ...]
    kerntaak: PartKey


@dataclass(slots=True)
class _Index:
    dossiers: dict[DossierKey, Dossier]
    versions: dict[str, tuple[Dossier, ...]]
    qualifications: tuple[Qualification, ...]
    qualification_by_id: dict[str, int]
    qualifications_by_crebo: dict[str, tuple[int, ...]]
    qualification_by_profile: dict[tuple[DossierKey, str], int]
    units: dict[PartKey, Unit]
    expand: dict[PartKey, tuple[Reach, ...]]
    equivalents: dict[PartKey, tuple[PartKey, ...]]
    qualifications_by_werkproces: dict[PartKey, tuple[int, ...]]
    werkprocessen_of: tuple[tuple[PartKey, ...], ...]
    certificates: dict[str, Certificate]
    certificates_by_dossier: dict[DossierKey, tuple[Certificate, ...]]
    keuzedelen: dict[str, Keuzedeel]
    generic_sets: dict[str, GenericRequirementSet]
    rules: dict[str, DiplomaRule]
    search_crebos: tuple[str, ...]
    search_titles: tuple[tuple[int, str], ...]
    dossiers_by_domain: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Catalog:
    """The kwalificatiestructuur (or the part of it we hold), versioned per dossier.

    Build one with :func:`qualifications.catalog_format.load_catalog` or directly from model
    objects. Lookups that can fail return ``None``; the stacking functions turn that into an
    issue in their result.
    """

    dossiers: tuple[Dossier, ...] = ()
    keuzedelen: tuple[Keuzedeel, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    generic_sets: tuple[GenericRequirementSet, ...] = ()
    diploma_rules: tuple[DiplomaRule, ...] = ()
    equivalences: tuple[Equivalence, ...] = ()
    sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    stacking_edges: tuple[StackingEdge, ...] = ()
    competentie_legend: Mapping[str, str] = field(default_factory=dict)
    description: str | None = None
    domains: Mapping[str, str] = field(default_factory=dict)
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self))

    # -- dossiers and versions -------------------------------------------------------------

    def dossier(self, crebo: str, version: str) -> Dossier | None:
        return self._index.dossiers.get(DossierKey(crebo, version))

    def versions(self, crebo: str) -> tuple[Dossier, ...]:
        """All versions of one dossier, oldest first."""
        return self._index.versions.get(crebo, ())

    def has_dossier(self, crebo: str) -> bool:
        return crebo in self._index.versions

    def domain_title(self, code: str | None) -> str | None:
        """The title of an opleidingsdomein by its code (``79140``), or ``None``."""
        return None if code is None else self.domains.get(code)

    def domain_of(self, qualification: Qualification) -> str | None:
        """The opleidingsdomein code of a qualification's dossier, when known."""
        dossier = self._index.dossiers.get(qualification.dossier)
        return None if dossier is None else dossier.opleidingsdomein

    def with_dossier(self, dossier: Dossier) -> tuple[Catalog, ImportOutcome]:
        """A catalog with ``dossier`` added; the same crebo and version is replaced, other
        versions of the dossier are kept."""
        existing = self._index.dossiers.get(dossier.key)
        if existing == dossier:
            return self, ImportOutcome.UNCHANGED
        kept = tuple(d for d in self.dossiers if d.key != dossier.key)
        outcome = ImportOutcome.ADDED if existing is None else ImportOutcome.REPLACED
        return dataclasses.replace(self, dossiers=(*kept, dossier)), outcome

    # -- qualifications -------------------------------------------------------------------

    @property
    def qualifications(self) -> tuple[Qualification, ...]:
        """Every qualification of every dossier version, in catalog order."""
        return self._index.qualifications

    def qualification(self, ref: str) -> tuple[Qualification, ...]:
        """Find qualifications by reference, returning every match.

        ``ref`` is a qualification id, a crebo (``25498``: matches the newest dossier version
        that contains it), or a crebo at a dossier version (``25498@sbb-2755``). An empty
        tuple means unknown; more than one match means the reference is ambiguous.
        """
        index = self._index
        found = index.qualification_by_id.get(ref)
        if found is not None:
            return (index.qualifications[found],)
        crebo, _, version = ref.partition("@")
        matches = [index.qualifications[i] for i in index.qualifications_by_crebo.get(crebo, ())]
        if version:
            return tuple(q for q in matches if q.dossier_version == version)
        if not matches:
            return ()
        newest = matches[-1].dossier
        return tuple(q for q in matches if q.dossier == newest)

    def successors(self, qualification: Qualification) -> tuple[Qualification, ...]:
        """The qualifications the catalog names as replacing ``qualification`` (its
        ``opvolgers``) that it also holds, newest version of each."""
        out: list[Qualification] = []
        for crebo in qualification.opvolgers:
            out.extend(self.qualification(crebo)[:1])
        return tuple(out)

    def search(self, text: str, limit: int = 20) -> tuple[Qualification, ...]:
        """Qualifications by crebo (exact or prefix) or words of the title (all must
        occur, case-insensitive), current version per crebo; exact crebo matches first."""
        needle = " ".join(text.lower().split())
        if not needle:
            return ()
        index = self._index
        if needle.isdigit():
            hits = [c for c in index.search_crebos if c.startswith(needle)]
            found = [q for c in hits for q in self.qualification(c)]
        else:
            words = needle.split()
            found = [
                index.qualifications[i]
                for i, title in index.search_titles
                if all(w in title for w in words)
            ]
            found = [q for q in found if q.crebo is None or self.qualification(q.crebo) == (q,)]
            found.sort(key=lambda q: (q.title.lower(), q.niveau))
        return tuple(found[:limit])

    def in_dossier(self, crebo: str) -> tuple[Qualification, ...]:
        """The qualifications of the newest version of a dossier."""
        versions = self.versions(crebo)
        return tuple(sorted(versions[-1].kwalificaties, key=lambda q: q.title)) if versions else ()

    def in_domain(self, code: str) -> tuple[Qualification, ...]:
        """The qualifications of the newest version of every dossier in a domain."""
        return tuple(
            q for c in self._index.dossiers_by_domain.get(code, ()) for q in self.in_dossier(c)
        )

    def qualification_in(self, dossier: DossierKey, profiel_code: str) -> Qualification | None:
        i = self._index.qualification_by_profile.get((dossier, profiel_code))
        return None if i is None else self._index.qualifications[i]

    def qualification_by_crebo_in(self, dossier: DossierKey, crebo: str) -> Qualification | None:
        for i in self._index.qualifications_by_crebo.get(crebo, ()):
            q = self._index.qualifications[i]
            if q.dossier == dossier:
                return q
        return None

    # -- units ----------------------------------------------------------------------------

    def unit(self, key: PartKey) -> Unit | None:
        return self._index.units.get(key)

    def expand(self, key: PartKey) -> tuple[Reach, ...]:
        """The werkprocessen a kerntaak or werkproces code stands for, each with the unit
        through which it was reached: ``None`` directly, else the unit whose catalog
        equivalence was used. Empty for an unknown key."""
        return self._index.expand.get(key, ())

    def equivalents(self, key: PartKey) -> tuple[PartKey, ...]:
        """Units the catalog explicitly declares equivalent to ``key`` (not ``key`` itself)."""
        return self._index.equivalents.get(key, ())

    def werkprocessen_of(self, qualification: Qualification) -> tuple[PartKey, ...]:
        i = self._index.qualification_by_id[qualification.id]
        return self._index.werkprocessen_of[i]

    def qualification_indexes_with(self, werkproces: PartKey) -> tuple[int, ...]:
        """Positions in :attr:`qualifications` of the qualifications containing a werkproces."""
        return self._index.qualifications_by_werkproces.get(werkproces, ())

    def qualification_position(self, qualification: Qualification) -> int:
        return self._index.qualification_by_id[qualification.id]

    # -- the rest -------------------------------------------------------------------------

    def certificate(self, code: str) -> Certificate | None:
        """A certificate by its code (``C0021``) or, for one without a code, its id."""
        return self._index.certificates.get(code)

    def certificates_for(self, dossier: DossierKey) -> tuple[Certificate, ...]:
        return self._index.certificates_by_dossier.get(dossier, ())

    def keuzedeel(self, code: str) -> Keuzedeel | None:
        return self._index.keuzedelen.get(code)

    def generic_set(self, set_id: str) -> GenericRequirementSet:
        return self._index.generic_sets[set_id]

    def diploma_rule(self, rule_id: str) -> DiplomaRule:
        return self._index.rules[rule_id]


def _build_index(catalog: Catalog) -> _Index:
    dossiers: dict[DossierKey, Dossier] = {}
    for d in catalog.dossiers:
        if d.key in dossiers:
            raise CatalogError(f"dossier {d.key} appears twice", CatalogErrorCode.DUPLICATE)
        dossiers[d.key] = d

    by_crebo: dict[str, list[Dossier]] = {}
    for d in catalog.dossiers:
        by_crebo.setdefault(d.crebo, []).append(d)
    versions = {crebo: _order_versions(ds) for crebo, ds in by_crebo.items()}

    generic_sets = _unique((s.id, s) for s in catalog.generic_sets)
    rules = _unique((r.id, r) for r in catalog.diploma_rules)
    keuzedelen = _unique((k.code, k) for k in catalog.keuzedelen)

    units: dict[PartKey, Unit] = {}
    for d in catalog.dossiers:
        _index_kerntaken(d, d.basisdeel, "B1", units)
        for q in d.kwalificaties:
            _check_qualification(d, q, generic_sets, rules, keuzedelen)
            _index_kerntaken(d, q.profieldeel, q.profiel_code, units)

    # Qualifications in a stable order: dossiers by crebo and version age, then profile.
    qualifications: list[Qualification] = []
    for crebo in sorted(versions):
        for d in versions[crebo]:
            qualifications.extend(sorted(d.kwalificaties, key=lambda q: q.profiel_code))
    qualification_by_id: dict[str, int] = {}
    crebo_lists: dict[str, list[int]] = {}
    by_profile: dict[tuple[DossierKey, str], int] = {}
    for i, q in enumerate(qualifications):
        if q.id in qualification_by_id:
            raise CatalogError(
                f"qualification id {q.id!r} appears twice", CatalogErrorCode.DUPLICATE
            )
        qualification_by_id[q.id] = i
        if q.crebo is not None:
            crebo_lists.setdefault(q.crebo, []).append(i)
        if (q.dossier, q.profiel_code) in by_profile:
            raise CatalogError(
                f"profile {q.profiel_code} appears twice in dossier {q.dossier}",
                CatalogErrorCode.DUPLICATE,
            )
        by_profile[(q.dossier, q.profiel_code)] = i

    equivalents = _equivalence_classes(catalog.equivalences, units)
    expand: dict[PartKey, tuple[Reach, ...]] = {}
    for key, unit in units.items():
        # Own werkprocessen directly; then werkprocessen declared equivalent to one of them;
        # then, for a kerntaak, the werkprocessen of kerntaken declared equivalent to it.
        reached: dict[PartKey, PartKey | None] = {wp: None for wp in unit.werkprocessen}
        for wp in unit.werkprocessen:
            for other in equivalents.get(wp, ()):
                reached.setdefault(other, wp)
        if unit.is_kerntaak:
            for other in equivalents.get(key, ()):
                for wp in units[other].werkprocessen:
                    reached.setdefault(wp, key)
        expand[key] = tuple(Reach(wp, key, via) for wp, via in reached.items())

    werkprocessen_of: list[tuple[PartKey, ...]] = []
    wp_lists: dict[PartKey, list[int]] = {}
    for i, q in enumerate(qualifications):
        wps = tuple(q.key(wp.code) for kt in q.kerntaken for wp in kt.werkprocessen)
        werkprocessen_of.append(wps)
        for wp_key in wps:
            wp_lists.setdefault(wp_key, []).append(i)

    certificates: dict[str, Certificate] = {}
    certs_by_dossier: dict[DossierKey, list[Certificate]] = {}
    for c in catalog.certificates:
        lookup = c.code or c.id
        if lookup in certificates:
            raise CatalogError(f"certificate {lookup!r} appears twice", CatalogErrorCode.DUPLICATE)
        certificates[lookup] = c
        if c.keuzedeel is not None and c.keuzedeel not in keuzedelen:
            raise CatalogError(
                f"certificate {lookup!r} names unknown keuzedeel {c.keuzedeel!r}",
                CatalogErrorCode.UNKNOWN_REFERENCE,
            )
        dossier_key = c.dossier
        if c.covers is not None and dossier_key is None:
            raise CatalogError(
                f"certificate {lookup!r} has coverage but no dossier version",
                CatalogErrorCode.INCONSISTENT,
            )
        if dossier_key is not None and dossier_key in dossiers:
            for cov in c.covers or ():
                _check_coverage(c, dossier_key, cov.kerntaak, cov.werkprocessen, units)
            certs_by_dossier.setdefault(dossier_key, []).append(c)

    _check_sources(catalog)
    by_domain: dict[str, dict[str, None]] = {}
    for crebo, ds in versions.items():
        domain = ds[-1].opleidingsdomein
        if domain is not None:
            by_domain.setdefault(domain, {})[crebo] = None
    return _Index(
        search_crebos=tuple(sorted(crebo_lists)),
        search_titles=tuple((i, q.title.lower()) for i, q in enumerate(qualifications)),
        dossiers_by_domain={k: tuple(sorted(v)) for k, v in by_domain.items()},
        dossiers=dossiers,
        versions=versions,
        qualifications=tuple(qualifications),
        qualification_by_id=qualification_by_id,
        qualifications_by_crebo={k: tuple(v) for k, v in crebo_lists.items()},
        qualification_by_profile=by_profile,
        units=units,
        expand=expand,
        equivalents=equivalents,
        qualifications_by_werkproces={k: tuple(v) for k, v in wp_lists.items()},
        werkprocessen_of=tuple(werkprocessen_of),
        certificates=certificates,
        certificates_by_dossier={k: tuple(v) for k, v in certs_by_dossier.items()},
        keuzedelen=keuzedelen,
        generic_sets=generic_sets,
        rules=rules,
    )


def _unique(pairs: Iterable[tuple[str, _T]]) -> dict[str, _T]:
    out: dict[str, _T] = {}
    for key, value in pairs:
        if key in out:
            raise CatalogError(f"{key!r} appears twice", CatalogErrorCode.DUPLICATE)
        out[key] = value
    return out


def _order_versions(dossiers: list[Dossier]) -> tuple[Dossier, ...]:
    """Oldest first: by geldig vanaf, then versions with kerntaken after list-only ones (an
    import adds detail to what a crebo list said), then by the previous-version chain, then
    by name."""
    by_version = {d.version: d for d in dossiers}

    def depth(d: Dossier) -> int:
        n, seen = 0, {d.version}
        while d.previous_version in by_version and d.previous_version not in seen:
            d = by_version[d.previous_version]
            seen.add(d.version)
            n += 1
        return n

    return tuple(
        sorted(
            dossiers,
            key=lambda d: (d.geldig_vanaf or date.min, d.has_detail, depth(d), d.version),
        )
    )


def _index_kerntaken(
    dossier: Dossier, kerntaken: tuple[Kerntaak, ...], prefix: str, units: dict[PartKey, Unit]
) -> None:
    for kt in kerntaken:
        if not is_kerntaak_code(kt.code) or not kt.code.startswith(prefix + "-"):
            raise CatalogError(
                f"{dossier.key}: {kt.code!r} is not a kerntaak code of {prefix}",
                CatalogErrorCode.BAD_CODE,
            )
        kt_key = PartKey(dossier.crebo, dossier.version, kt.code)
        if kt_key in units:
            raise CatalogError(f"{kt_key} appears twice", CatalogErrorCode.DUPLICATE)
        wp_keys: list[PartKey] = []
        for wp in kt.werkprocessen:
            if not is_werkproces_code(wp.code) or not wp.code.startswith(kt.code + "-W"):
                raise CatalogError(
                    f"{kt_key}: {wp.code!r} is not a werkproces code of it",
                    CatalogErrorCode.BAD_CODE,
                )
            wp_key = PartKey(dossier.crebo, dossier.version, wp.code)
            if wp_key in units:
                raise CatalogError(f"{wp_key} appears twice", CatalogErrorCode.DUPLICATE)
            units[wp_key] = Unit(wp_key, wp.title, False, (wp_key,), kt_key)
            wp_keys.append(wp_key)
        units[kt_key] = Unit(kt_key, kt.title, True, tuple(wp_keys), kt_key)


def _check_qualification(
    dossier: Dossier,
    q: Qualification,
    generic_sets: Mapping[str, GenericRequirementSet],
    rules: Mapping[str, DiplomaRule],
    keuzedelen: Mapping[str, Keuzedeel],
) -> None:
    if q.dossier != dossier.key:
        raise CatalogError(
            f"qualification {q.id!r} says dossier {q.dossier}, not {dossier.key}",
            CatalogErrorCode.INCONSISTENT,
        )
    if q.basisdeel != dossier.basisdeel:
        raise CatalogError(
            f"qualification {q.id!r} does not carry its dossier's basisdeel",
            CatalogErrorCode.INCONSISTENT,
        )
    if q.generic_requirements not in generic_sets:
        raise CatalogError(
            f"{q.id!r}: unknown generic requirements {q.generic_requirements!r}",
            CatalogErrorCode.UNKNOWN_REFERENCE,
        )
    if q.diploma_rule not in rules:
        raise CatalogError(
            f"{q.id!r}: unknown diploma rule {q.diploma_rule!r}", CatalogErrorCode.UNKNOWN_REFERENCE
        )
    for code in q.keuzedelen:
        if code not in keuzedelen:
            raise CatalogError(
                f"{q.id!r}: unknown keuzedeel {code!r}", CatalogErrorCode.UNKNOWN_REFERENCE
            )


def _check_coverage(
    certificate: Certificate,
    dossier: DossierKey,
    kerntaak: str,
    werkprocessen: tuple[str, ...] | None,
    units: Mapping[PartKey, Unit],
) -> None:
    kt_key = PartKey(dossier.crebo, dossier.version, kerntaak)
    unit = units.get(kt_key)
    if unit is None or not unit.is_kerntaak:
        raise CatalogError(
            f"certificate {certificate.id!r} covers unknown kerntaak {kt_key}",
            CatalogErrorCode.UNKNOWN_REFERENCE,
        )
    for code in werkprocessen or ():
        if PartKey(dossier.crebo, dossier.version, code) not in unit.werkprocessen:
            raise CatalogError(
                f"certificate {certificate.id!r}: {code!r} is not in {kt_key}",
                CatalogErrorCode.UNKNOWN_REFERENCE,
            )


def _equivalence_classes(
    equivalences: Iterable[Equivalence], units: Mapping[PartKey, Unit]
) -> dict[PartKey, tuple[PartKey, ...]]:
    parent: dict[PartKey, PartKey] = {}

    def find(k: PartKey) -> PartKey:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    for eq in equivalences:
        for key in (eq.a, eq.b):
            if key not in units:
                raise CatalogError(
                    f"equivalence names unknown unit {key}", CatalogErrorCode.UNKNOWN_REFERENCE
                )
        if units[eq.a].is_kerntaak != units[eq.b].is_kerntaak:
            raise CatalogError(
                f"equivalence joins a kerntaak and a werkproces: {eq.a}, {eq.b}",
                CatalogErrorCode.INCONSISTENT,
            )
        ra, rb = find(eq.a), find(eq.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    classes: dict[PartKey, list[PartKey]] = {}
    for key in list(parent):
        classes.setdefault(find(key), []).append(key)
    for root, members in classes.items():
        if root not in members:
            members.append(root)
    out: dict[PartKey, tuple[PartKey, ...]] = {}
    for members in classes.values():
        ordered = sorted(members)
        for key in ordered:
            out[key] = tuple(k for k in ordered if k != key)
    return out


def _check_sources(catalog: Catalog) -> None:
    known = catalog.sources
    if not known:
        return
    named: list[tuple[str, tuple[str, ...]]] = []
    for d in catalog.dossiers:
        named.append((f"dossier {d.key}", d.sources))
        named.extend((f"qualification {q.id}", q.sources) for q in d.kwalificaties)
    named.extend((f"keuzedeel {k.code}", k.sources) for k in catalog.keuzedelen)
    named.extend((f"certificate {c.id}", c.sources) for c in catalog.certificates)
    named.extend((f"generic set {s.id}", s.sources) for s in catalog.generic_sets)
    named.extend((f"diploma rule {r.id}", r.sources) for r in catalog.diploma_rules)
    named.extend((f"equivalence {e.a}={e.b}", e.sources) for e in catalog.equivalences)
    for what, ids in named:
        for source_id in ids:
            if source_id not in known:
                raise CatalogError(
                    f"{what} cites unknown source {source_id!r}", CatalogErrorCode.UNKNOWN_REFERENCE
                )

"""Crebo lists: every kwalificatie by crebo, title, niveau, dossier and domain, no content.

A crebo list is the base layer of the catalog. It names qualifications the catalog may hold
no kerntaken for; those become *list-only* records (a dossier version without basisdeel,
qualifications without profieldeel, ``"kerntaken"`` in ``uncertain``) so diplomas and
certificates can be issued and read for every real crebo. Where the catalog already has a
qualification (with or without detail), the list only adds what it says about validity
(``geldig vanaf``/``tot``, successors), leerwegen and the dossier's domain; the crebo is the
join key, never the title.

Two readers produce :class:`ListRow` values:

* :func:`rows_from_regeling` reads the parsed *Regeling vaststelling kwalificatiedossiers
  2015* (``../shared/catalog/qualification-lists/regeling-2015.json``);
* :func:`rows_from_csv` reads a crebo list CSV (the format in ``docs/catalog-import.md``:
  SBB's crebo list saved as CSV, with its column names or ours).

:func:`apply_crebo_list` merges rows into a catalog. Pure: callers read the files.

    rows, domains = rows_from_regeling(json.loads(path.read_text()))
    result = apply_crebo_list(catalog, rows, domains=domains, version="regeling-2015",
                              source_id="src-regeling-2015", source={...})
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from qualifications.catalog import Catalog, ImportOutcome
from qualifications.errors import CatalogError, CatalogErrorCode
from qualifications.model import Dossier, DossierKey, Qualification
from qualifications.sbb_xml import DEFAULT_RULES

__all__ = [
    "CreboListError",
    "ListImportResult",
    "ListRow",
    "apply_crebo_list",
    "rows_from_csv",
    "rows_from_regeling",
]

#: What a list-only record does not know; shown by ``show`` and in progress reports.
LIST_ONLY_UNCERTAIN = frozenset({"kerntaken", "profielCode", "genericRequirements"})
_CREBO = re.compile(r"^[0-9]{5}$")


class CreboListError(CatalogError):
    """A crebo list file is not readable; the message names the line and column."""


@dataclass(frozen=True, slots=True)
class ListRow:
    """One kwalificatie as a crebo list gives it. Optional fields are ``None`` / empty when
    the list does not say."""

    crebo: str
    title: str
    niveau: int
    dossier_crebo: str
    dossier_title: str
    opleidingsdomein: str | None = None
    soort_opleiding: str | None = None
    leerwegen: tuple[str, ...] = ()
    wettelijke_beroepsvereisten: bool | None = None
    geldig_vanaf: date | None = None
    geldig_tot: date | None = None
    opvolgers: tuple[str, ...] = ()
    where: str = ""


@dataclass(frozen=True, slots=True)
class ListImportResult:
    """The catalog after the merge, the list-only dossier versions it added or replaced,
    how many known qualifications it updated, and notes (titles that differ, ...)."""

    catalog: Catalog
    outcomes: tuple[tuple[DossierKey, ImportOutcome], ...]
    updated: int
    notes: tuple[str, ...]


# -- the 2015 regulation ------------------------------------------------------------------


def rows_from_regeling(doc: Mapping[str, Any]) -> tuple[list[ListRow], dict[str, str]]:
    """Rows and domain titles from the parsed regulation (``regeling-2015.json``)."""
    try:
        valid_from = date.fromisoformat(doc["source"]["bijlage_1_valid_from"])
        domains = {str(d["code"]): str(d["title"]) for d in doc["opleidingsdomeinen"]}
        dossiers = {str(d["crebo"]): d for d in doc["dossiers"]}
        rows = []
        for k in doc["kwalificaties"]:
            dossier = dossiers[str(k["dossier_crebo"])]
            rows.append(
                ListRow(
                    crebo=str(k["crebo"]),
                    title=str(k["title"]).strip(),
                    niveau=int(k["niveau"]),
                    dossier_crebo=str(k["dossier_crebo"]),
                    dossier_title=str(dossier["title"]).strip(),
                    opleidingsdomein=dossier.get("opleidingsdomein"),
                    soort_opleiding=k.get("soort"),
                    leerwegen=tuple(k.get("leerwegen") or ()),
                    wettelijke_beroepsvereisten=k.get("beroepsvereisten") is not None,
                    geldig_vanaf=valid_from,
                    where=f"regeling-2015.md line {k.get('source_line')}",
                )
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise CreboListError(f"not a parsed regeling file: {exc!r}") from None
    return rows, domains


# -- CSV ----------------------------------------------------------------------------------

#: Accepted column names (compared lower-case with runs of non-letters as ``_``) per field.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "crebo": ("crebo", "crebo_kwalificatie", "kwalificatie_crebo", "crebocode_kwalificatie"),
    "title": ("kwalificatie", "naam_kwalificatie", "kwalificatie_naam", "titel"),
    "niveau": ("niveau", "mbo_niveau"),
    "dossier_crebo": (
        "dossier_crebo",
        "crebo_dossier",
        "crebo_kwalificatiedossier",
        "kwalificatiedossier_crebo",
    ),
    "dossier_title": ("dossier", "naam_dossier", "kwalificatiedossier", "naam_kwalificatiedossier"),
    "opleidingsdomein": ("opleidingsdomein", "opleidingsdomein_crebo", "crebo_opleidingsdomein"),
    "opleidingsdomein_naam": ("opleidingsdomein_naam", "naam_opleidingsdomein"),
    "soort_opleiding": ("soort", "soort_opleiding", "opleidingssoort"),
    "leerwegen": ("leerweg", "leerwegen"),
    "geldig_vanaf": ("geldig_vanaf", "begindatum", "datum_ingang", "ingangsdatum"),
    "geldig_tot": ("geldig_tot", "einddatum", "einde_opleiding", "datum_einde_opleiding"),
    "opvolgers": ("opvolger", "opvolgers", "opvolger_crebo", "crebo_opvolger"),
}
_REQUIRED = ("crebo", "title", "niveau", "dossier_crebo", "dossier_title")
_MAX_ROWS = 20_000


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def _date(text: str, where: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CreboListError(f"{where}: {text!r} is not a date (YYYY-MM-DD or DD-MM-YYYY)")


def _crebo(text: str, where: str) -> str:
    value = text.strip().replace(".", "")
    if not _CREBO.match(value):
        raise CreboListError(f"{where}: {text!r} is not a crebo (five digits)")
    return value


def rows_from_csv(data: bytes) -> tuple[list[ListRow], dict[str, str]]:
    """Rows and domain titles from a crebo list CSV (UTF-8, ``,`` or ``;`` separated)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CreboListError("the file is not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(
        io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ","
    )
    try:
        header = next(reader)
    except StopIteration:
        raise CreboListError("the file is empty") from None
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        for field, aliases in COLUMNS.items():
            if _norm(name) in aliases and field not in positions:
                positions[field] = i
    missing = [COLUMNS[f][0] for f in _REQUIRED if f not in positions]
    if missing:
        raise CreboListError(f"line 1: missing column(s) {', '.join(missing)}")
    rows: list[ListRow] = []
    domains: dict[str, str] = {}
    try:
        for line_no, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= _MAX_ROWS:
                raise CreboListError(f"more than {_MAX_ROWS} rows")
            rows.append(_csv_row(record, positions, f"line {line_no}", domains))
    except csv.Error as exc:
        raise CreboListError(f"not valid CSV: {exc}") from None
    return rows, domains


def _csv_row(
    record: Sequence[str], positions: Mapping[str, int], where: str, domains: dict[str, str]
) -> ListRow:
    def cell(field: str) -> str:
        i = positions.get(field)
        return record[i].strip() if i is not None and i < len(record) else ""

    for field in _REQUIRED:
        if not cell(field):
            raise CreboListError(f"{where}: column {COLUMNS[field][0]} is empty")
    try:
        niveau = int(cell("niveau"))
    except ValueError:
        niveau = 0
    if not 1 <= niveau <= 4:
        raise CreboListError(f"{where}: niveau {cell('niveau')!r} is not 1, 2, 3 or 4")
    domain = _crebo(cell("opleidingsdomein"), where) if cell("opleidingsdomein") else None
    if domain and cell("opleidingsdomein_naam"):
        domains[domain] = cell("opleidingsdomein_naam")
    leerwegen = tuple(w for w in re.split(r"[^A-Za-z]+", cell("leerwegen").upper()) if w)
    if any(w not in ("BOL", "BBL") for w in leerwegen):
        raise CreboListError(f"{where}: leerweg {cell('leerwegen')!r} is not BOL and/or BBL")
    opvolgers = tuple(
        _crebo(c, where) for c in re.split(r"[\s,|/]+", cell("opvolgers")) if c.strip()
    )
    return ListRow(
        crebo=_crebo(cell("crebo"), where),
        title=cell("title"),
        niveau=niveau,
        dossier_crebo=_crebo(cell("dossier_crebo"), where),
        dossier_title=cell("dossier_title"),
        opleidingsdomein=domain,
        soort_opleiding=cell("soort_opleiding") or None,
        leerwegen=leerwegen,
        geldig_vanaf=_date(cell("geldig_vanaf"), where),
        geldig_tot=_date(cell("geldig_tot"), where),
        opvolgers=opvolgers,
        where=where,
    )


# -- merging ------------------------------------------------------------------------------


def apply_crebo_list(
    catalog: Catalog,
    rows: Iterable[ListRow],
    *,
    version: str,
    source_id: str,
    source: Mapping[str, str],
    domains: Mapping[str, str] | None = None,
) -> ListImportResult:
    """Merge crebo list rows into ``catalog``.

    A crebo the catalog knows is updated in every version that holds it (validity,
    successors, leerwegen when the row gives them; the dossier's domain when it had none);
    a different title is kept as the catalog has it and reported in ``notes``. Crebos it
    does not know are added per dossier as list-only dossier version ``version``; importing
    the same list again replaces that version (idempotent). Raises :class:`CreboListError`
    when a row contradicts another row of the same list.
    """
    rows = list(rows)
    _check_rows(rows)
    sources = {**catalog.sources, source_id: dict(source)}
    new_domains = {**catalog.domains, **(domains or {})}
    by_crebo = {r.crebo: r for r in rows}
    notes: list[str] = []
    updated = 0
    dossiers: list[Dossier] = []
    known_crebos: set[str] = set()
    for d in catalog.dossiers:
        if d.version == version and not d.has_detail:
            continue  # rebuilt below from this list
        kwalificaties = []
        domain = d.opleidingsdomein
        for q in d.kwalificaties:
            row = by_crebo.get(q.crebo or "")
            if row is None:
                kwalificaties.append(q)
                continue
            known_crebos.add(row.crebo)
            if row.dossier_crebo != d.crebo:
                notes.append(
                    f"{row.where}: crebo {row.crebo} is in dossier {row.dossier_crebo} in the"
                    f" list but in {d.crebo} in the catalog; the catalog is kept"
                )
                kwalificaties.append(q)
                continue
            if row.title.strip().lower() != q.title.strip().lower():
                notes.append(
                    f"{row.where}: crebo {row.crebo} is {row.title!r} in the list and"
                    f" {q.title!r} in the catalog; the catalog title is kept"
                )
            changed = _updated(q, row, source_id)
            updated += changed != q
            kwalificaties.append(changed)
            domain = domain or row.opleidingsdomein
        dossiers.append(
            dataclasses.replace(d, kwalificaties=tuple(kwalificaties), opleidingsdomein=domain)
        )
    added: dict[str, list[ListRow]] = {}
    for row in rows:
        if row.crebo not in known_crebos:
            added.setdefault(row.dossier_crebo, []).append(row)
    result = dataclasses.replace(catalog, dossiers=tuple(dossiers), sources=sources,
                                 domains=new_domains)  # fmt: skip
    outcomes: list[tuple[DossierKey, ImportOutcome]] = []
    for dossier_crebo, group in added.items():
        dossier = _list_dossier(result, dossier_crebo, group, version, source_id)
        previous = catalog.dossier(dossier_crebo, version)
        result, outcome = result.with_dossier(dossier)
        if previous is not None:
            outcome = ImportOutcome.UNCHANGED if previous == dossier else ImportOutcome.REPLACED
        outcomes.append((dossier.key, outcome))
    return ListImportResult(result, tuple(outcomes), updated, tuple(notes))


def _check_rows(rows: Sequence[ListRow]) -> None:
    seen: dict[str, ListRow] = {}
    dossier_titles: dict[str, str] = {}
    for row in rows:
        if row.crebo in seen and seen[row.crebo] != dataclasses.replace(
            row, where=seen[row.crebo].where
        ):
            raise CreboListError(f"{row.where}: crebo {row.crebo} is listed twice, differently")
        seen[row.crebo] = row
        title = dossier_titles.setdefault(row.dossier_crebo, row.dossier_title)
        if title != row.dossier_title:
            raise CreboListError(
                f"{row.where}: dossier {row.dossier_crebo} is called {row.dossier_title!r}"
                f" here and {title!r} elsewhere in the list"
            )
        if row.crebo in dossier_titles and row.crebo != row.dossier_crebo:
            raise CreboListError(
                f"{row.where}: {row.crebo} is used for a dossier and a kwalificatie"
            )


def _updated(q: Qualification, row: ListRow, source_id: str) -> Qualification:
    return dataclasses.replace(
        q,
        geldig_vanaf=row.geldig_vanaf or q.geldig_vanaf,
        geldig_tot=row.geldig_tot or q.geldig_tot,
        opvolgers=row.opvolgers or q.opvolgers,
        leerwegen=row.leerwegen or q.leerwegen,
        soort_opleiding=q.soort_opleiding or row.soort_opleiding,
        sources=tuple(dict.fromkeys((*q.sources, source_id))),
    )


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]


def _list_dossier(
    catalog: Catalog, crebo: str, rows: Sequence[ListRow], version: str, source_id: str
) -> Dossier:
    """A list-only dossier version. Profile codes follow the list's order (P1, P2, ...):
    they are placeholders, named uncertain, because the list gives none."""
    known_sets = {s.id for s in catalog.generic_sets}
    known_rules = {r.id for r in catalog.diploma_rules}
    kwalificaties = []
    for n, row in enumerate(sorted(rows, key=lambda r: r.crebo), start=1):
        generic = "generic-niveau-4" if row.niveau == 4 else "generic-niveau-2-3"
        rule = DEFAULT_RULES[row.niveau]
        if generic not in known_sets or rule not in known_rules:
            raise CatalogError(
                f"the catalog lacks {generic!r} or {rule!r} for list records",
                CatalogErrorCode.UNKNOWN_REFERENCE,
            )
        kwalificaties.append(
            Qualification(
                id=f"mbo-{row.crebo}-{_slug(row.title)}@{version}",
                crebo=row.crebo,
                title=row.title,
                profiel_code=f"P{n}",
                niveau=row.niveau,
                dossier_crebo=crebo,
                dossier_version=version,
                basisdeel=(),
                profieldeel=(),
                generic_requirements=generic,
                diploma_rule=rule,
                nlqf=row.niveau,
                eqf=row.niveau,
                soort_opleiding=row.soort_opleiding,
                wettelijke_beroepsvereisten=row.wettelijke_beroepsvereisten,
                leerwegen=row.leerwegen,
                geldig_vanaf=row.geldig_vanaf,
                geldig_tot=row.geldig_tot,
                opvolgers=row.opvolgers,
                uncertain=LIST_ONLY_UNCERTAIN,
                sources=(source_id, "src-nlqf-nuffic")
                if "src-nlqf-nuffic" in catalog.sources
                else (source_id,),
            )
        )
    starts = [r.geldig_vanaf for r in rows if r.geldig_vanaf is not None]
    return Dossier(
        crebo=crebo,
        version=version,
        title=rows[0].dossier_title,
        basisdeel=(),
        kwalificaties=tuple(kwalificaties),
        geldig_vanaf=min(starts) if starts else None,
        opleidingsdomein=rows[0].opleidingsdomein,
        version_label=version,
        uncertain=frozenset({"kerntaken"}),
        sources=(source_id,),
        notes=(
            "From a crebo list: no kerntaken or werkprocessen. Import the dossier's SBB export"
            " to issue credentials for its kerntaken.",
        ),
    )

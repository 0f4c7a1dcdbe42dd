"""Command line for the qualification catalog.

python -m qualifications list
python -m qualifications show 25655
python -m qualifications import ../shared/catalog/sbb-xml/*.xml crebolijst.csv --out catalog.json
python -m qualifications build [--shared ../shared/catalog] [--out FILE]
python -m qualifications progress 25655 evidence.json [--json]
python -m qualifications related 25498 | --evidence evidence.json [--limit 5] [--json]
python -m qualifications schema > schemas/catalog/catalog.schema.json

Every command reads ``schemas/catalog/kwalificatiestructuur.json`` (the full catalog) unless
``--catalog`` names other files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from qualifications.build import build_full_catalog
from qualifications.catalog import Catalog
from qualifications.catalog_format import load_catalog, save_catalog
from qualifications.catalog_schema import schema_text
from qualifications.crebo_list import apply_crebo_list, rows_from_csv
from qualifications.errors import QualificationsError
from qualifications.evidence import evidence_from_json
from qualifications.progress import ProgressReport, progress, resolve_qualification
from qualifications.related import related
from qualifications.report_json import issue_to_json, progress_to_json, related_to_json
from qualifications.sbb_xml import import_sbb_xml

__all__ = ["app", "main"]

_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "catalog"
DEFAULT_CATALOG = _SCHEMAS / "kwalificatiestructuur.json"
SAMPLE_CATALOG = _SCHEMAS / "sample.json"
DEFAULT_SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "catalog"

app = typer.Typer(
    help="Qualification catalog and stacking engine for mbo credentials.",
    no_args_is_help=True,
    add_completion=False,
)

CatalogOption = Annotated[
    list[Path] | None,
    typer.Option("--catalog", "-c", help="Catalog file(s); default: the shipped full catalog."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _catalog(paths: list[Path] | None) -> Catalog:
    try:
        return load_catalog(*(paths or [DEFAULT_CATALOG]))
    except QualificationsError as exc:
        raise _fail(f"cannot load catalog: {exc}") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail(f"cannot read {path}: {exc}") from None


@app.command("list")
def list_command(
    catalog: CatalogOption = None,
    dossier: Annotated[str | None, typer.Option(help="Only this dossier crebo.")] = None,
) -> None:
    """List qualifications: id, crebo, niveau, dossier@version, title."""
    cat = _catalog(catalog)
    for q in cat.qualifications:
        if dossier and q.dossier_crebo != dossier:
            continue
        crebo = q.crebo or "?"
        typer.echo(f"{q.id:<58} {crebo:>6}  n{q.niveau}  {q.dossier!s:<16} {q.title}")


@app.command()
def show(reference: str, catalog: CatalogOption = None) -> None:
    """Show one qualification with its kerntaken, werkprocessen and requirements."""
    cat = _catalog(catalog)
    q, issue = resolve_qualification(cat, reference)
    if q is None:
        assert issue is not None
        raise _fail(issue.detail, 1)
    dossier = cat.dossier(q.dossier_crebo, q.dossier_version)
    assert dossier is not None
    typer.echo(f"{q.title} (crebo {q.crebo or 'unknown'}, id {q.id})")
    typer.echo(f"  niveau {q.niveau}, NLQF {q.nlqf}, EQF {q.eqf}, SBU {q.sbu}")
    typer.echo(
        f"  dossier {dossier.title} {dossier.crebo} version {dossier.version}"
        f" (geldig vanaf {dossier.geldig_vanaf or 'unknown'})"
    )
    domain = dossier.opleidingsdomein
    if domain:
        typer.echo(f"  opleidingsdomein {domain} {cat.domain_title(domain) or ''}".rstrip())
    if q.geldig_tot or q.opvolgers:
        typer.echo(
            f"  geldig tot {q.geldig_tot or 'unknown'}; opvolger(s): "
            + (", ".join(q.opvolgers) or "none named")
        )
    if not q.has_detail:
        typer.echo(
            "  kerntaken not in the catalog yet (known from a crebo list only);"
            " import the dossier's SBB export"
        )
    for kt in q.kerntaken:
        typer.echo(f"  {kt.code}  {kt.title}" + (f"  [{kt.sbu} SBU]" if kt.sbu else ""))
        for wp in kt.werkprocessen:
            typer.echo(f"    {wp.code}  {wp.title}")
    generic = cat.generic_set(q.generic_requirements)
    typer.echo(f"  generic ({generic.id}): " + ", ".join(r.label for r in generic.requirements))
    rule = cat.diploma_rule(q.diploma_rule)
    typer.echo(f"  diploma rule: {rule.id} ({rule.title})")
    if q.keuzedelen:
        typer.echo("  keuzedelen: " + ", ".join(q.keuzedelen))
    uncertain = sorted(q.uncertain | dossier.uncertain)
    if uncertain:
        typer.echo("  uncertain: " + ", ".join(uncertain))
    typer.echo("  sources: " + ", ".join(dict.fromkeys(dossier.sources + q.sources)))


@app.command("import")
def import_command(
    files: Annotated[
        list[Path], typer.Argument(help="SBB XML export(s) and/or crebo list CSV file(s).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Catalog file to write.")],
    catalog: CatalogOption = None,
) -> None:
    """Import SBB XML exports and crebo lists (see docs/catalog-import.md) into a catalog.

    XML adds dossier versions with kerntaken (other versions are kept); a CSV crebo list
    adds the crebos the catalog lacks as list-only records and updates validity and
    successors of those it has. Files are applied in the order given.
    """
    cat = _catalog(catalog)
    for path in files:
        try:
            data = path.read_bytes()
            if path.suffix.lower() == ".csv":
                cat = _import_list(cat, path, data)
                continue
            result = import_sbb_xml(cat, data, source_name=path.name)
        except (OSError, QualificationsError) as exc:
            raise _fail(f"{path}: {exc}", 1) from None
        cat = result.catalog
        for key, outcome in result.outcomes:
            typer.echo(f"{path.name}: dossier {key} {outcome.value}")
    save_catalog(cat, out)
    counts = f"{len(cat.dossiers)} dossier versions, {len(cat.qualifications)} qualifications"
    typer.echo(f"wrote {out} ({counts})")


def _import_list(cat: Catalog, path: Path, data: bytes) -> Catalog:
    rows, domains = rows_from_csv(data)
    digest = hashlib.sha256(data).hexdigest()
    result = apply_crebo_list(
        cat,
        rows,
        version=f"list-{digest[:12]}",
        source_id=f"src-crebolijst-{digest[:12]}",
        source={"kind": "file", "path": path.name, "sha256": digest, "what": "crebo list CSV"},
        domains=domains,
    )
    for key, outcome in result.outcomes:
        typer.echo(f"{path.name}: list-only dossier {key} {outcome.value}")
    typer.echo(f"{path.name}: {len(rows)} rows, {result.updated} known qualifications updated")
    for note in result.notes:
        typer.echo(f"{path.name}: {note}")
    return result.catalog


@app.command("build")
def build_command(
    shared: Annotated[
        Path, typer.Option(help="The shared catalog folder (sbb-xml/, qualification-lists/).")
    ] = DEFAULT_SHARED,
    out: Annotated[Path, typer.Option("--out", "-o")] = DEFAULT_CATALOG,
    sample: Annotated[Path, typer.Option(help="The hand-checked sample.")] = SAMPLE_CATALOG,
) -> None:
    """Re-derive the shipped full catalog from the sample, SBB XML and the 2015 list."""
    try:
        exports = [(p.name, p.read_bytes()) for p in sorted((shared / "sbb-xml").glob("*.xml"))]
        regeling = json.loads(
            (shared / "qualification-lists" / "regeling-2015.json").read_text(encoding="utf-8")
        )
        result = build_full_catalog(load_catalog(sample), exports, regeling)
    except (OSError, ValueError, QualificationsError) as exc:
        raise _fail(f"cannot build: {exc}", 1) from None
    for note in result.notes:
        typer.echo(note)
    save_catalog(result.catalog, out)
    cat = result.catalog
    typer.echo(
        f"wrote {out} ({len(cat.dossiers)} dossier versions,"
        f" {len(cat.qualifications)} qualifications)"
    )


@app.command("schema")
def schema_command() -> None:
    """Print the catalog format's JSON Schema (generated from qualifications.catalog_fields)."""
    typer.echo(schema_text(), nl=False)


def _print_progress(report: ProgressReport) -> None:
    q = report.qualification
    if q is not None:
        typer.echo(f"{q.title} (crebo {q.crebo or 'unknown'}, {q.dossier})")
        for k in report.kerntaken:
            state = "complete" if k.complete else ("shown" if k.shown else "open")
            typer.echo(f"  {k.code} {k.title}  [{state}]")
            for w in k.werkprocessen:
                mark = "x" if w.covered else ("~" if w.shown else " ")
                by = ", ".join(s.evidence_id for s in w.toward_diploma + w.experience)
                typer.echo(f"    [{mark}] {w.code} {w.title}" + (f"  <- {by}" if by else ""))
        for view, t in (
            ("toward diploma", report.toward_diploma),
            ("with experience", report.with_experience),
        ):
            sbu = f"{t.sbu_covered}/{t.sbu_total} SBU" if t.sbu_total is not None else "SBU unknown"
            typer.echo(
                f"  {view}: {t.werkprocessen_covered}/{t.werkprocessen_total} werkprocessen,"
                f" {t.kerntaken_complete}/{t.kerntaken_total} kerntaken, {sbu}"
            )
        for g in report.generic:
            typer.echo(f"  generic {g.label}: {g.status.value}")
        typer.echo(f"  missing: {', '.join(report.missing) or 'nothing'}")
        if report.vrijstelling_candidates:
            candidates = ", ".join(report.vrijstelling_candidates)
            typer.echo(f"  shown by experience only (vrijstelling candidates): {candidates}")
        typer.echo(f"  diploma requirements met: {report.diploma_requirements_met}")
    for issue in report.issues:
        typer.echo(f"  ! {issue.code.value} [{issue.evidence_id or '-'}] {issue.detail}")


@app.command("progress")
def progress_command(
    reference: str,
    evidence_file: Annotated[Path, typer.Argument(help="JSON list of evidence items.")],
    catalog: CatalogOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Print a progress report for a JSON list of evidence toward one qualification."""
    cat = _catalog(catalog)
    items, parse_issues = evidence_from_json(_read_json(evidence_file))
    report = progress(cat, items, reference)
    if as_json:
        doc = progress_to_json(report)
        doc["issues"] = [issue_to_json(i) for i in parse_issues] + doc["issues"]
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for issue in parse_issues:
            typer.echo(f"  ! {issue.code.value} [{issue.evidence_id or '-'}] {issue.detail}")
        _print_progress(report)


@app.command("related")
def related_command(
    reference: Annotated[str | None, typer.Argument(help="A held qualification.")] = None,
    evidence_file: Annotated[Path | None, typer.Option("--evidence", "-e")] = None,
    limit: int = 10,
    catalog: CatalogOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Rank qualifications sharing most werkprocessen with a qualification or evidence."""
    if (reference is None) == (evidence_file is None):
        raise _fail("give either a qualification or --evidence FILE")
    cat = _catalog(catalog)
    if evidence_file is not None:
        items, parse_issues = evidence_from_json(_read_json(evidence_file))
        report = related(cat, items, limit=limit)
    else:
        assert reference is not None
        parse_issues = ()
        report = related(cat, reference, limit=limit)
    if as_json:
        doc = related_to_json(report)
        doc["issues"] = [issue_to_json(i) for i in parse_issues] + doc["issues"]
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    for r in report.results:
        certs = ", ".join(c.code or c.id for c in r.certificates)
        q = r.qualification
        needs = ", ".join(r.missing_kerntaken + r.missing_generic) or "nothing"
        typer.echo(
            f"{r.shared:>3}/{r.total:<3} {r.title} ({q.crebo or q.id}, n{q.niveau})  needs {needs}"
            + (f"  certificates: {certs}" if certs else "")
        )
    for label, near in (
        ("same dossier", report.same_dossier),
        ("same domain", report.same_domain),
    ):
        if near:
            typer.echo(f"{label}: " + "; ".join(f"{o.title} ({o.crebo or o.id})" for o in near))
    for issue in (*parse_issues, *report.issues):
        typer.echo(f"  ! {issue.code.value} [{issue.evidence_id or '-'}] {issue.detail}")


def main() -> None:
    app()

"""Benchmark of the qualification catalog and stacking engine on a full-size catalog.

Run: ``python bench/bench_catalog.py``. Generates a synthetic catalog (180 dossiers, 500
qualifications, about 3,000 kerntaken and werkprocessen, 200 keuzedelen) into a temporary
file, then times on one core:

* loading the catalog file (JSON parse, checks, indexes);
* ``progress`` for a 200-credential passport against one qualification;
* ``related`` for the same passport against all 500 qualifications.

Targets: load < 1 s, progress < 2 ms, related < 50 ms. Prints median and p95.

Then the shipped full catalog (``schemas/catalog/kwalificatiestructuur.json``: all 470
kwalificaties of the 2015 list, 16 with kerntaken): load < 200 ms, lookup by crebo < 10 µs,
search by title < 1 ms.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qualifications import load_catalog, progress, related
from qualifications.synthetic import generate_catalog_json, generate_passport

TARGETS_MS = {
    "load": 1000.0,
    "progress": 2.0,
    "related": 50.0,
    "full load": 200.0,
    "lookup": 0.010,
    "search": 1.0,
}
FULL = Path(__file__).resolve().parent.parent / "schemas" / "catalog" / "kwalificatiestructuur.json"


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _line(name: str, times: list[float], note: str) -> None:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    target = TARGETS_MS[name]
    verdict = "ok" if median < target else "OVER TARGET"
    print(
        f"{name:<9} median {median:9.4f} ms   p95 {p95:9.4f} ms   "
        f"target < {target:g} ms  {verdict}   ({note}, n={len(times)})"
    )


def main() -> None:
    doc = generate_catalog_json(seed=2024)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic-catalog.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        size_mb = path.stat().st_size / 1e6
        load_times = _timed(lambda: load_catalog(path), repeat=20)
        catalog = load_catalog(path)

    units = sum(
        1 + len(kt.werkprocessen)
        for d in catalog.dossiers
        for kt in d.basisdeel + tuple(k for q in d.kwalificaties for k in q.profieldeel)
    )
    passport = generate_passport(catalog, random.Random(7), size=200)
    target = related(catalog, passport, limit=1).results[0].qualification
    report = progress(catalog, passport, target)
    ranking = related(catalog, passport, limit=None)

    print(
        f"catalog: {len(catalog.dossiers)} dossiers, {len(catalog.qualifications)} qualifications,"
        f" {units} kerntaken+werkprocessen, {len(catalog.keuzedelen)} keuzedelen,"
        f" {len(catalog.certificates)} certificates, {size_mb:.2f} MB JSON"
    )
    print(
        f"passport: {len(passport)} evidence items; progress target {target.id} "
        f"({report.toward_diploma.werkprocessen_covered}/{report.toward_diploma.werkprocessen_total}"
        f" werkprocessen toward diploma, {report.with_experience.werkprocessen_covered} with"
        f" experience); related: {len(ranking.results)} qualifications share werkprocessen"
    )
    _line("load", load_times, "load_catalog from file")
    _line("progress", _timed(lambda: progress(catalog, passport, target), 500), "200 items")
    _line("related", _timed(lambda: related(catalog, passport, limit=None), 200), "vs all 500")
    _full()


def _full() -> None:
    catalog = load_catalog(FULL)
    detailed = sum(1 for q in catalog.qualifications if q.has_detail)
    print(
        f"full catalog: {len(catalog.dossiers)} dossier versions,"
        f" {len(catalog.qualifications)} qualifications ({detailed} with kerntaken),"
        f" {FULL.stat().st_size / 1e6:.2f} MB JSON"
    )
    _line("full load", _timed(lambda: load_catalog(FULL), repeat=20), "load_catalog")
    crebos = [q.crebo for q in catalog.qualifications if q.crebo]
    rounds = 200

    def lookups() -> None:
        for crebo in crebos:
            catalog.qualification(crebo)

    per_lookup = [t / len(crebos) for t in _timed(lookups, repeat=rounds)]
    _line("lookup", per_lookup, f"qualification(crebo), mean over {len(crebos)} crebos")
    _line("search", _timed(lambda: catalog.search("medewerker"), 200), "search('medewerker')")


if __name__ == "__main__":
    main()

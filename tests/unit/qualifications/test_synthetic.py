"""The synthetic catalog generator used by the benchmark."""

from __future__ import annotations

import json
import random

import jsonschema

from qualifications import catalog_from_json, progress, related
from qualifications.synthetic import generate_catalog_json, generate_passport

from .conftest import SCHEMA


def test_full_size_catalog_has_the_requested_shape() -> None:
    catalog = catalog_from_json(generate_catalog_json(1))
    assert len(catalog.dossiers) == 180
    assert len(catalog.qualifications) == 500
    assert len(catalog.keuzedelen) == 200
    units = sum(
        1 + len(kt.werkprocessen)
        for d in catalog.dossiers
        for kt in d.basisdeel + tuple(k for q in d.kwalificaties for k in q.profieldeel)
    )
    assert 2700 <= units <= 3300
    assert all(c.crebo is not None and int(c.crebo) >= 90000 for c in catalog.qualifications)


def test_generation_is_deterministic_per_seed() -> None:
    assert generate_catalog_json(3, dossiers=5, qualifications=9) == generate_catalog_json(
        3, dossiers=5, qualifications=9
    )
    assert generate_catalog_json(3, dossiers=5, qualifications=9) != generate_catalog_json(
        4, dossiers=5, qualifications=9
    )


def test_synthetic_catalog_is_valid_against_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    doc = generate_catalog_json(5, dossiers=20, qualifications=50, keuzedelen=20)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert errors == []


def test_passport_is_usable_evidence() -> None:
    catalog = catalog_from_json(generate_catalog_json(2, dossiers=30, qualifications=80))
    passport = generate_passport(catalog, random.Random(9), size=200)
    assert len(passport) == 200
    assert len({e.id for e in passport}) == 200
    best = related(catalog, passport, limit=1).results[0]
    report = progress(catalog, passport, best.qualification)
    assert report.issues == ()
    assert report.with_experience.werkprocessen_covered == best.shared

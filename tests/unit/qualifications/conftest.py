"""Fixtures for the qualification library: the shipped sample and the real SBB exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qualifications import Catalog, import_sbb_xml, load_catalog
from qualifications.catalog_format import catalog_from_json
from qualifications.synthetic import generate_catalog_json

REPO_ROOT = Path(__file__).resolve().parents[3]
SAMPLE = REPO_ROOT / "schemas" / "catalog" / "sample.json"
SCHEMA = REPO_ROOT / "schemas" / "catalog" / "catalog.schema.json"
# The same folder the ``shared_dir`` fixture points at, for code that runs at import time
# (hypothesis strategies are built before fixtures exist).
SHARED_XML_DIR = REPO_ROOT.parent / "shared" / "catalog" / "sbb-xml"
XML_FILES = (
    "2635_Pedagogisch_Werk.xml",
    "2637_Sociaal_werk.xml",
    "2755_Dienstverlening.xml",
    "4156_Maatschappelijke_Zorg.xml",
)


@pytest.fixture(scope="session")
def sample() -> Catalog:
    return load_catalog(SAMPLE)


@pytest.fixture(scope="session")
def sample_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="session")
def shared_sample(shared_dir: Path) -> dict[str, Any]:
    path = shared_dir / "catalog" / "sample-catalog.json"
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="session")
def xml_dir(shared_dir: Path) -> Path:
    return shared_dir / "catalog" / "sbb-xml"


@pytest.fixture(scope="session")
def imported(sample: Catalog, xml_dir: Path) -> Catalog:
    """The sample with all four real SBB exports imported."""
    catalog = sample
    for name in XML_FILES:
        path = xml_dir / name
        catalog = import_sbb_xml(catalog, path.read_bytes(), source_name=name).catalog
    return catalog


@pytest.fixture(scope="session")
def small_synthetic() -> Catalog:
    return catalog_from_json(
        generate_catalog_json(7, dossiers=12, qualifications=30, keuzedelen=10, certificates=6)
    )

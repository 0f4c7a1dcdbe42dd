"""Qualification catalog and stacking engine for mbo credentials.

A pure library (no web, no database): the Dutch kwalificatiestructuur as versioned data, an
importer for SBB's XML export, and functions that answer "how far am I from this diploma?"
(:func:`progress`) and "which qualifications are close to what I can do?" (:func:`related`).

Usage::

    from qualifications import load_catalog, progress, Evidence, EvidenceKind

    catalog = load_catalog(Path("schemas/catalog/sample.json"))
    evidence = [Evidence(id="urn:uuid:1", kind=EvidenceKind.DIPLOMA, dossier_crebo="23267",
                         dossier_version="2026", profiel_code="P1")]
    report = progress(catalog, evidence, "25655")
    report.missing   # ("P2-K1", "nederlands 3F", ...)
"""

from qualifications.catalog import Catalog, ImportOutcome
from qualifications.catalog_format import (
    catalog_from_json,
    catalog_to_json,
    load_catalog,
    save_catalog,
)
from qualifications.errors import (
    CatalogError,
    CatalogErrorCode,
    QualificationsError,
    SbbXmlError,
)
from qualifications.evidence import (
    EXPERIENCE_KINDS,
    FORMAL_KINDS,
    Evidence,
    EvidenceKind,
    evidence_from_json,
    evidence_to_json,
)
from qualifications.issues import Issue, IssueCode, Severity
from qualifications.model import (
    Certificate,
    CertificateCoverage,
    DiplomaRule,
    Dossier,
    DossierKey,
    Equivalence,
    GenericMode,
    GenericRequirement,
    GenericRequirementSet,
    GenericSubject,
    Kerntaak,
    Keuzedeel,
    PartKey,
    Qualification,
    Werkproces,
)
from qualifications.progress import ProgressReport, progress
from qualifications.related import RelatedQualification, RelatedReport, related
from qualifications.sbb_xml import ImportResult, import_sbb_xml, parse_sbb_xml

__all__ = [
    "EXPERIENCE_KINDS",
    "FORMAL_KINDS",
    "Catalog",
    "CatalogError",
    "CatalogErrorCode",
    "Certificate",
    "CertificateCoverage",
    "DiplomaRule",
    "Dossier",
    "DossierKey",
    "Equivalence",
    "Evidence",
    "EvidenceKind",
    "GenericMode",
    "GenericRequirement",
    "GenericRequirementSet",
    "GenericSubject",
    "ImportOutcome",
    "ImportResult",
    "Issue",
    "IssueCode",
    "Kerntaak",
    "Keuzedeel",
    "PartKey",
    "ProgressReport",
    "Qualification",
    "QualificationsError",
    "RelatedQualification",
    "RelatedReport",
    "SbbXmlError",
    "Severity",
    "Werkproces",
    "catalog_from_json",
    "catalog_to_json",
    "evidence_from_json",
    "evidence_to_json",
    "import_sbb_xml",
    "load_catalog",
    "parse_sbb_xml",
    "progress",
    "related",
    "save_catalog",
]

"""JSON forms of the stacking results, for the CLI and for services that return them.

Usage::

    json.dumps(progress_to_json(progress(catalog, evidence, "25655")))
"""

from __future__ import annotations

from typing import Any

from qualifications.issues import Issue
from qualifications.model import Qualification
from qualifications.progress import ProgressReport, Support, Tally
from qualifications.related import RelatedReport

__all__ = ["issue_to_json", "progress_to_json", "related_to_json"]


def issue_to_json(issue: Issue) -> dict[str, Any]:
    return {
        "code": issue.code.value,
        "severity": issue.severity.value,
        "evidenceId": issue.evidence_id,
        "detail": issue.detail,
    }


def _tally(t: Tally) -> dict[str, Any]:
    return {
        "werkprocessenCovered": t.werkprocessen_covered,
        "werkprocessenTotal": t.werkprocessen_total,
        "kerntakenComplete": t.kerntaken_complete,
        "kerntakenTotal": t.kerntaken_total,
        "fraction": round(t.fraction, 4),
        "sbuCovered": t.sbu_covered,
        "sbuTotal": t.sbu_total,
        "sbuKnown": t.sbu_total is not None,
    }


def _support(s: Support) -> dict[str, Any]:
    return {
        "evidenceId": s.evidence_id,
        "kind": s.kind.value,
        "stated": str(s.stated),
        "via": None if s.via is None else str(s.via),
    }


def progress_to_json(report: ProgressReport) -> dict[str, Any]:
    """The full report: both views, per kerntaak and werkproces, generic, keuzedelen."""
    q = report.qualification
    return {
        "qualification": None
        if q is None
        else {
            "id": q.id,
            "crebo": q.crebo,
            "title": q.title,
            "niveau": q.niveau,
            "dossierCrebo": q.dossier_crebo,
            "dossierVersion": q.dossier_version,
        },
        "diplomaRequirementsMet": report.diploma_requirements_met,
        "detailKnown": report.detail_known,
        "diplomas": list(report.diplomas),
        "missing": list(report.missing),
        "towardDiploma": _tally(report.toward_diploma),
        "withExperience": _tally(report.with_experience),
        "vrijstellingCandidates": list(report.vrijstelling_candidates),
        "kerntaken": [
            {
                "code": k.code,
                "title": k.title,
                "part": k.part.value,
                "sbu": k.sbu,
                "complete": k.complete,
                "werkprocessen": [
                    {
                        "code": w.code,
                        "title": w.title,
                        "covered": w.covered,
                        "shown": w.shown,
                        "towardDiploma": [_support(s) for s in w.toward_diploma],
                        "experience": [_support(s) for s in w.experience],
                    }
                    for w in k.werkprocessen
                ],
            }
            for k in report.kerntaken
        ],
        "generic": [
            {
                "requirement": g.label,
                "mode": g.mode.value,
                "status": g.status.value,
                "met": g.met,
                "required": g.required,
                "evidenceIds": list(g.evidence_ids),
            }
            for g in report.generic
        ],
        "keuzedelen": {
            "required": report.keuzedelen.required,
            "requiredSbu": report.keuzedelen.required_sbu,
            "sbuAchieved": report.keuzedelen.sbu_achieved,
            "codes": list(report.keuzedelen.codes),
            "sbuUnknown": list(report.keuzedelen.sbu_unknown),
            "met": report.keuzedelen.met,
        },
        "unusedEvidence": list(report.unused_evidence),
        "uncertain": list(report.uncertain),
        "issues": [issue_to_json(i) for i in report.issues],
    }


def related_to_json(report: RelatedReport) -> dict[str, Any]:
    return {
        "source": None if report.source is None else report.source.id,
        "results": [
            {
                "id": r.id,
                "crebo": r.qualification.crebo,
                "title": r.title,
                "niveau": r.qualification.niveau,
                "shared": r.shared,
                "sharedTowardDiploma": r.shared_toward_diploma,
                "total": r.total,
                "missingKerntaken": list(r.missing_kerntaken),
                "missingWerkprocessen": list(r.missing_werkprocessen),
                "missingGeneric": list(r.missing_generic),
                "certificates": [
                    {
                        "id": c.id,
                        "code": c.code,
                        "title": c.title,
                        "coversMissing": list(c.covers_missing),
                    }
                    for c in r.certificates
                ],
            }
            for r in report.results
        ],
        "sameDossier": [_brief(q) for q in report.same_dossier],
        "sameDomain": [_brief(q) for q in report.same_domain],
        "issues": [issue_to_json(i) for i in report.issues],
    }


def _brief(q: Qualification) -> dict[str, Any]:
    return {"id": q.id, "crebo": q.crebo, "title": q.title, "niveau": q.niveau}

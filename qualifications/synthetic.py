"""Synthetic catalogs and passports for benchmarks and property tests.

Nothing here is real data: crebo numbers start at 90000 so they cannot be mistaken for real
ones, titles say "Synthetisch", and the catalog's only source says it was generated. The
shape follows the real kwalificatiestructuur: dossiers with a shared basisdeel and two or
three profiles, kerntaken with SBU, keuzedelen, mbo-certificaten (whole and partial
kerntaken) and explicit equivalences between dossiers.

Randomness is explicit: every function takes a seed or a :class:`random.Random`.

Usage::

    doc = generate_catalog_json(seed=1)          # 180 dossiers, 500 qualifications
    catalog = catalog_from_json(doc)
    passport = generate_passport(catalog, random.Random(2), size=200)
"""

from __future__ import annotations

import random
from typing import Any

from qualifications.catalog import Catalog
from qualifications.evidence import Evidence, EvidenceKind
from qualifications.model import GenericSubject

__all__ = ["generate_catalog_json", "generate_passport"]

_SOURCE = "src-synthetic"
_VERSION = "syn-1"
_SBU_CHOICES = (240, 320, 400, 480, 640, 800)


def generate_catalog_json(
    seed: int,
    *,
    dossiers: int = 180,
    qualifications: int = 500,
    keuzedelen: int = 200,
    certificates: int = 60,
    equivalences: int = 40,
) -> dict[str, Any]:
    """A catalog document in the project's format (see ``catalog.schema.json``).

    With the defaults: 180 dossiers, 500 qualifications, about 3,000 kerntaken and
    werkprocessen, 200 keuzedelen. The same seed gives the same document.
    """
    if qualifications < dossiers:
        raise ValueError("every dossier needs at least one qualification")
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    per_dossier = [qualifications // dossiers] * dossiers
    for i in rng.sample(range(dossiers), qualifications % dossiers):
        per_dossier[i] += 1

    keuzedeel_docs = [
        {
            "code": f"K{9000 - i:04d}",
            "title": f"Synthetisch keuzedeel {i + 1}",
            "sbu": rng.choice((240, 240, 240, 480)),
            "niveau": rng.randint(2, 4),
            "uncertain": [],
            "sources": [_SOURCE],
            "notes": [],
        }
        for i in range(keuzedelen)
    ]
    keuzedeel_codes = [k["code"] for k in keuzedeel_docs]

    dossier_docs: list[dict[str, Any]] = []
    qual_no = 0
    for d in range(dossiers):
        crebo = f"{90000 + d}"
        basisdeel = [
            _kerntaak(rng, f"B1-K{k}", rng.randint(3, 5), f"basis {d}.{k}")
            for k in range(1, rng.randint(1, 2) + 1)
        ]
        kwalificaties = []
        for p in range(1, per_dossier[d] + 1):
            niveau = rng.randint(2, 4)
            kwalificaties.append(
                {
                    "id": f"syn-{95000 + qual_no}",
                    "crebo": f"{95000 + qual_no}",
                    "title": f"Synthetisch beroep {qual_no + 1}",
                    "profielCode": f"P{p}",
                    "niveau": niveau,
                    "nlqf": niveau,
                    "eqf": niveau,
                    "sbu": {2: 3200, 3: 4800, 4: 6400}[niveau],
                    "soortOpleiding": None,
                    "wettelijkeBeroepsvereisten": False,
                    "genericRequirements": "generic-niveau-4"
                    if niveau == 4
                    else "generic-niveau-2-3",
                    "diplomaRule": "rule-synthetic-4" if niveau == 4 else "rule-synthetic-2-3",
                    "keuzedelen": sorted(
                        rng.sample(keuzedeel_codes, min(len(keuzedeel_codes), rng.randint(5, 15)))
                    ),
                    "sbbNr": None,
                    "uncertain": [],
                    "sources": [_SOURCE],
                    "notes": [],
                    "profieldeel": [
                        _kerntaak(rng, f"P{p}-K1", rng.randint(2, 3), f"profiel {qual_no}")
                    ],
                }
            )
            qual_no += 1
        dossier_docs.append(
            {
                "crebo": crebo,
                "version": _VERSION,
                "title": f"Synthetisch dossier {d + 1}",
                "geldigVanaf": "2030-08-01",
                "sector": f"Synthetische sector {d % 17 + 1}",
                "sectorkamer": None,
                "status": "Synthetisch",
                "versionLabel": None,
                "previousVersion": None,
                "vastgesteldOp": None,
                "sbbNr": None,
                "uncertain": [],
                "sources": [_SOURCE],
                "notes": [],
                "basisdeel": basisdeel,
                "kwalificaties": kwalificaties,
            }
        )

    certificate_docs: list[dict[str, Any]] = []
    for n, d in enumerate(rng.sample(range(dossiers), min(certificates, dossiers))):
        doc = dossier_docs[d]
        profile = rng.choice(doc["kwalificaties"])
        basis = doc["basisdeel"][0]
        some = [wp["code"] for wp in basis["werkprocessen"]][: rng.randint(1, 2)]
        certificate_docs.append(
            {
                "id": f"C{9000 - n:04d}",
                "code": f"C{9000 - n:04d}",
                "title": f"Synthetisch certificaat {n + 1}",
                "dossierCrebo": doc["crebo"],
                "dossierVersion": _VERSION,
                "qualificationCrebo": profile["crebo"],
                "keuzedeel": None,
                "sbu": rng.choice((480, 640, 800)),
                "covers": [
                    {"kerntaak": profile["profieldeel"][0]["code"], "werkprocessen": None},
                    {"kerntaak": basis["code"], "werkprocessen": some},
                ],
                "status": None,
                "uncertain": [],
                "sources": [_SOURCE],
                "notes": [],
            }
        )

    equivalence_docs: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    while len(equivalence_docs) < equivalences and dossiers > 1:
        a, b = rng.sample(range(dossiers), 2)
        wa = rng.choice(dossier_docs[a]["basisdeel"][-1]["werkprocessen"])["code"]
        wb = rng.choice(dossier_docs[b]["basisdeel"][-1]["werkprocessen"])["code"]
        pair = (f"{a}:{wa}", f"{b}:{wb}")
        if pair in seen:
            continue
        seen.add(pair)
        equivalence_docs.append(
            {
                "a": {"crebo": dossier_docs[a]["crebo"], "version": _VERSION, "code": wa},
                "b": {"crebo": dossier_docs[b]["crebo"], "version": _VERSION, "code": wb},
                "sources": [_SOURCE],
                "note": "Synthetic equivalence.",
            }
        )

    return {
        "format": "mbo-wallet/qualification-catalog",
        "formatVersion": 1,
        "description": f"SYNTHETIC catalog for benchmarks (seed {seed}); not real qualifications.",
        "sources": {
            _SOURCE: {
                "kind": "generated",
                "what": "qualifications.synthetic.generate_catalog_json",
                "seed": str(seed),
            }
        },
        "competentieLegend": {},
        "genericRequirementSets": _generic_sets(),
        "diplomaRules": _rules(),
        "dossiers": dossier_docs,
        "keuzedelen": keuzedeel_docs,
        "certificates": certificate_docs,
        "equivalences": equivalence_docs,
        "stackingEdges": [],
    }


def _kerntaak(rng: random.Random, code: str, werkprocessen: int, label: str) -> dict[str, Any]:
    return {
        "code": code,
        "title": f"Synthetische kerntaak {label}",
        "sbu": rng.choice(_SBU_CHOICES),
        "sbbNr": None,
        "werkprocessen": [
            {
                "code": f"{code}-W{w}",
                "title": f"Synthetisch werkproces {label}.{w}",
                "sbu": None,
                "sbbNr": None,
                "competenties": [],
            }
            for w in range(1, werkprocessen + 1)
        ],
    }


def _generic_sets() -> list[dict[str, Any]]:
    def req(subject: str, level: str | None, skill: str | None = None) -> dict[str, Any]:
        return {"subject": subject, "level": level, "skill": skill}

    engels = [
        req("engels", level, skill)
        for skill, level in (
            ("lezen", "B1"),
            ("luisteren", "B1"),
            ("schrijven", "A2"),
            ("spreken", "A2"),
            ("gesprekken_voeren", "A2"),
        )
    ]
    meta = {"uncertain": [], "sources": [_SOURCE], "notes": []}
    return [
        {
            "id": "generic-niveau-2-3",
            "appliesTo": "niveau 2 and 3",
            "requirements": [
                req("nederlands", "2F"),
                req("rekenen", "2F"),
                req("loopbaan_burgerschap", None),
            ],
            **meta,
        },
        {
            "id": "generic-niveau-4",
            "appliesTo": "niveau 4",
            "requirements": [
                req("nederlands", "3F"),
                req("rekenen", "3F"),
                req("loopbaan_burgerschap", None),
                *engels,
            ],
            **meta,
        },
    ]


def _rules() -> list[dict[str, Any]]:
    meta = {"uncertain": [], "sources": [_SOURCE], "notes": ["Synthetic rule."]}
    return [
        {
            "id": "rule-synthetic-2-3",
            "title": "Synthetic rule niveau 2-3",
            "generic": {
                "nederlands": "level",
                "rekenen": "participation",
                "loopbaan_burgerschap": "participation",
            },
            "passGrade": 5.5,
            "compensation": [],
            "keuzedelenSbu": 480,
            "keuzedelenRequired": True,
            **meta,
        },
        {
            "id": "rule-synthetic-4",
            "title": "Synthetic rule niveau 4",
            "generic": {
                "nederlands": "level",
                "engels": "level",
                "rekenen": "participation",
                "loopbaan_burgerschap": "participation",
            },
            "passGrade": 5.5,
            "compensation": [
                {"subjects": ["nederlands", "engels"], "floorGrade": 4.5, "maxBelowPass": 1}
            ],
            "keuzedelenSbu": 720,
            "keuzedelenRequired": True,
            **meta,
        },
    ]


_CODED_KINDS = (
    EvidenceKind.EXAM_RESULT,
    EvidenceKind.EXAM_RESULT,
    EvidenceKind.EXAM_RESULT,
    EvidenceKind.PRAKTIJKVERKLARING,
    EvidenceKind.EVC,
    EvidenceKind.MAPPED_CREDENTIAL,
    EvidenceKind.VRIJSTELLING,
)


def generate_passport(
    catalog: Catalog, rng: random.Random, *, size: int = 200, dossiers: int = 8
) -> list[Evidence]:
    """A plausible skills passport of ``size`` evidence items concentrated on a few dossiers:
    werkproces and kerntaak results, experience, certificates, keuzedelen, generic results."""
    versions = sorted({q.dossier for q in catalog.qualifications})
    chosen = rng.sample(versions, min(dossiers, len(versions)))
    units = []
    for key in chosen:
        for q in catalog.qualifications:
            if q.dossier == key:
                for kt in q.kerntaken:
                    units.append((key, kt.code))
                    units.extend((key, wp.code) for wp in kt.werkprocessen)
    units = sorted(set(units))
    certificates = [c for key in chosen for c in catalog.certificates_for(key)]
    keuzedelen = [k.code for k in catalog.keuzedelen]
    out: list[Evidence] = []
    for n in range(size):
        roll = rng.random()
        evidence_id = f"urn:synthetic:{n}"
        if roll < 0.08 and certificates:
            cert = rng.choice(certificates)
            out.append(
                Evidence(evidence_id, EvidenceKind.MBO_CERTIFICAAT, certificate_code=cert.code)
            )
        elif roll < 0.14 and keuzedelen:
            out.append(
                Evidence(evidence_id, EvidenceKind.KEUZEDEEL, keuzedeel_code=rng.choice(keuzedelen))
            )
        elif roll < 0.2:
            subject = rng.choice(list(GenericSubject))
            level = {
                GenericSubject.NEDERLANDS: rng.choice(("2F", "3F")),
                GenericSubject.REKENEN: rng.choice(("2F", "3F")),
                GenericSubject.ENGELS: rng.choice(("A2", "B1")),
                GenericSubject.LOOPBAAN_BURGERSCHAP: None,
            }[subject]
            out.append(
                Evidence(
                    evidence_id,
                    EvidenceKind.GENERIC_RESULT,
                    generic_subject=subject.value,
                    generic_level=level,
                    grade=float(rng.randint(4, 9)),
                )
            )
        else:
            key, code = rng.choice(units)
            out.append(
                Evidence(
                    evidence_id,
                    rng.choice(_CODED_KINDS),
                    issuer="did:web:synthetic.example",
                    dossier_crebo=key.crebo,
                    dossier_version=key.version,
                    codes=(code,),
                )
            )
    return out

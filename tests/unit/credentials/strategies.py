"""Hypothesis strategies for credentials in the shapes the project issues."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import strategies as st

from credentials.contexts import MBO_V1, OB_V3P0, VC_V2

# Text that JSON-LD keeps as-is, including characters N-Quads must escape.
texts = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], min_codepoint=1), min_size=0, max_size=40
)
codes = st.from_regex(r"B1-K[1-3]-W[1-9]|P[1-3]-K1-W[1-5]", fullmatch=True)
crebos = st.from_regex(r"2[0-9]{4}", fullmatch=True)
timestamps = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
)
uuids = st.uuids().map(lambda u: f"urn:uuid:{u}")


@st.composite
def achievement(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": draw(uuids),
        "type": ["Achievement"],
        "name": draw(texts),
        "criteria": {"narrative": draw(texts)},
        "achievementType": draw(st.sampled_from(["Certificate", "Diploma", "Competency"])),
    }
    optional = {
        "description": texts,
        "dossierCrebo": crebos,
        "dossierVersion": st.sampled_from(["2015-08-01", "2020-08-01"]),
        "crebo": crebos,
        "niveau": st.integers(1, 4),
        "studiebelastingsuren": st.integers(0, 2000),
        "kerntaken": st.lists(st.sampled_from(["B1-K1", "B1-K2", "P2-K1"]), unique=True),
        "werkprocessen": st.lists(codes, unique=True, max_size=8),
        "keuzedeel": st.from_regex(r"K[0-9]{4}", fullmatch=True),
        "partial": st.booleans(),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            data[name] = draw(strategy)
    return data


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    """An unsigned VC 2.0 + Open Badges 3.0 credential with our mbo terms."""
    subject: dict[str, Any] = {
        "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "type": ["AchievementSubject"],
        "achievement": draw(achievement()),
    }
    if draw(st.booleans()):
        subject["name"] = draw(texts)
    issuer: Any = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    if draw(st.booleans()):
        issuer = {"id": issuer, "type": ["Profile"], "name": draw(texts)}
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3P0, MBO_V1],
        "type": [
            "VerifiableCredential",
            "OpenBadgeCredential",
            *draw(st.sampled_from([[], ["MboCertificaatCredential"], ["DiplomaCredential"]])),
        ],
        "issuer": issuer,
        "validFrom": draw(timestamps),
        "credentialSubject": subject,
    }
    if draw(st.booleans()):
        credential["id"] = draw(uuids)
    if draw(st.booleans()):
        credential["name"] = draw(texts)
    if draw(st.booleans()):
        credential["validUntil"] = draw(timestamps)
    return credential

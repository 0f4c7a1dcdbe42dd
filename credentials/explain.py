"""Plain-language explanations of verification results (Dutch and English), for the
employer's verifier pages and the learner's own credential page.

Every check code the engine, the trust list or the JWT verifier can produce has a sentence a
non-technical person understands; an unknown code falls back to the engine's own detail. The
summary verdict separates "not genuine: stop" from "genuine, but check this"; the headline
(:func:`headline`) reads the one judgement of :func:`credentials.results.judge`.

The sentences live in the package's flat JSON catalogs (``credentials/translations/nl.json``
and ``en.json``), read once at import, keyed by code:

- ``check:<check name>`` names a check, ``passed:<check name>`` says what its passing means;
- ``code:<check code>`` words a failed or warning check by its code
  (:class:`credentials.check_codes.CheckCode`), ``family:<prefix>`` a code of an SD-JWT VC
  family (``disclosure_…``, ``x509_…``) that has no sentence of its own;
- ``verdict:<verdict>:headline`` / ``:sentence`` sum up a verdict, and
  ``headline:<finding kind>:headline`` / ``:sentence`` a most telling finding; a kind without
  keys gets its verdict's generic text.

A language other than English is shown in Dutch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.resources import files
from types import MappingProxyType

from credentials.check_codes import CheckCode
from credentials.results import CheckName, CheckResult, Judgement, Outcome, Verdict

__all__ = [
    "CATALOGS",
    "CHECK_NAMES",
    "FAMILIES",
    "REQUIRED_KEYS",
    "explain",
    "headline",
    "verdict_text",
]

Lang = str


def _load(lang: str) -> Mapping[str, str]:
    text = (files("credentials") / "translations" / f"{lang}.json").read_text(encoding="utf-8")
    catalog = json.loads(text)
    if not isinstance(catalog, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in catalog.items()
    ):
        raise ValueError(f"credentials/translations/{lang}.json is not a flat string catalog")
    return MappingProxyType(catalog)


CATALOGS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {lang: _load(lang) for lang in ("nl", "en")}
)
"""The Dutch and the English catalog, key to sentence."""

# SD-JWT VC codes of a family not named one by one (``family:<prefix>``), first match wins.
FAMILIES: tuple[str, ...] = ("disclosure_", "digest_", "claim_", "sd_", "x509_", "type_metadata_")

CHECK_NAMES: Mapping[CheckName, tuple[str, str]] = MappingProxyType(
    {n: (CATALOGS["nl"][f"check:{n}"], CATALOGS["en"][f"check:{n}"]) for n in CheckName}
)
"""(Dutch, English) name of every check."""

REQUIRED_KEYS: frozenset[str] = frozenset(
    [f"{kind}:{n}" for n in CheckName for kind in ("check", "passed")]
    + [f"code:{c}" for c in CheckCode]
    + [f"family:{p}" for p in FAMILIES]
    + [f"verdict:{v}:{part}" for v in Verdict for part in ("headline", "sentence")]
)
"""The keys every catalog must have; ``headline:<finding kind>:…`` keys are optional."""


def _catalog(lang: Lang) -> Mapping[str, str]:
    return CATALOGS["en" if lang == "en" else "nl"]


def explain(check: CheckResult, lang: Lang = "nl") -> tuple[str, str]:
    """(name of the check, what it means) for a person."""
    catalog = _catalog(lang)
    name = catalog[f"check:{check.name}"]
    if check.outcome is Outcome.PASSED:
        # a passed check means the same whatever code says how (e.g. dc+sd-jwt, kb_jwt)
        return name, catalog.get(f"passed:{check.name}", catalog["code:ok"])
    text = catalog.get(f"code:{check.code}")
    if text is None:
        family = next((p for p in FAMILIES if check.code.startswith(p)), None)
        text = catalog[f"family:{family}"] if family is not None else None
    return name, text if text is not None else check.detail


def verdict_text(verdict: Verdict, lang: Lang = "nl") -> tuple[str, str]:
    """(headline, one sentence) for the summary at the top of the page."""
    catalog = _catalog(lang)
    return catalog[f"verdict:{verdict}:headline"], catalog[f"verdict:{verdict}:sentence"]


def headline(judgement: Judgement, lang: Lang = "nl") -> tuple[str, str]:
    """(headline, one sentence) saying what happened, from the most telling finding of the
    judgement: a genuine but revoked credential is "ingetrokken", an unreachable school
    server "nu niet te controleren"; a finding without a headline of its own gets the
    verdict's generic one."""
    finding = judgement.finding
    if judgement.verdict is not Verdict.VALID and finding is not None:
        catalog = _catalog(lang)
        title = catalog.get(f"headline:{finding.kind}:headline")
        sentence = catalog.get(f"headline:{finding.kind}:sentence")
        if title is not None and sentence is not None:
            return title, sentence
    return verdict_text(judgement.verdict, lang)

"""The NL Wallet's SD-JWT VC profile (MinBZK/nl-wallet ``wallet_docs/development/
sd-jwt-vc-profile.md``): rules for Type Metadata, its ``extends`` merge, and for the claims
of a credential issued to the NL Wallet. Each check returns a list of problems (English
sentences, empty when the document or credential conforms); nothing raises for bad input
except :func:`merge_extending` on a chain the profile rejects.

Rules checked:

- Type Metadata: ``display`` and ``claims`` REQUIRED; ``display[].locale`` REQUIRED and
  unique; at least one display with ``simple`` rendering (on the effective document); only
  ``simple`` rendering (no ``svg_templates``); logo and background image ``uri`` only as
  ``data:`` URIs of ``image/jpeg``, ``image/png`` or ``image/svg+xml``; every claim has a
  ``display`` with unique locales; ``sd`` one of ``always``/``allowed``/``never``; every
  ``{{svg_id}}`` placeholder of a ``summary`` names the ``svg_id`` of a claim; ``extends``
  needs ``extends#integrity``.
- Extending: ``display`` merged by locale (base order kept, new locales appended); claims
  merged by path, the child's paths ⊇ the base's (the child's order wins); ``sd`` only
  overridable while ``allowed``; the child's ``svg_id`` wins (absent in the child: none).
- Credential: every leaf value, except the reserved claims, selected by a claim path; only
  boolean, number and string values (no arrays or objects); mandatory claims present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .jws import JsonObject
from .type_metadata import SD_VALUES, TypeMetadataError

__all__ = [
    "RESERVED_CLAIMS",
    "credential_problems",
    "disclosure_problems",
    "merge_extending",
    "metadata_problems",
]

RESERVED_CLAIMS = frozenset(
    {"vct", "cnf", "iss", "exp", "iat", "sub", "status", "attestation_qualification"}
)
"""Top-level claims that need no claim metadata (the profile's list; ``nbf`` and
``vct#integrity`` are registered SD-JWT VC claims as well)."""
_ALSO_REGISTERED = frozenset({"nbf", "vct#integrity"})
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/svg+xml")
_PLACEHOLDER = re.compile(r"\{\{\s*([^}\s]+)\s*\}\}")


def _locales_problems(entries: object, where: str) -> list[str]:
    if not isinstance(entries, list) or not entries:
        return [f"{where}: display is required (at least one entry)"]
    locales = [e.get("locale") for e in entries if isinstance(e, dict)]
    problems = []
    if len(locales) != len(entries) or any(not isinstance(x, str) or not x for x in locales):
        problems.append(f"{where}: every display entry needs a locale")
    if len(set(map(str, locales))) != len(locales):
        problems.append(f"{where}: display locales must be unique")
    return problems


def _image_problems(image: object, where: str) -> list[str]:
    if image is None:
        return []
    uri = image.get("uri") if isinstance(image, dict) else None
    if not isinstance(uri, str):
        return [f"{where}: uri is required"]
    if not uri.startswith("data:"):
        return [f"{where}: uri must be a data: URI"]
    media_type = uri[5:].split(";", 1)[0].split(",", 1)[0]
    if media_type not in _IMAGE_TYPES:
        return [f"{where}: {media_type or 'no media type'} is not jpeg, png or svg+xml"]
    return []


def metadata_problems(
    document: Mapping[str, Any],
    *,
    effective: bool = True,
    inherited_svg_ids: Sequence[str] = (),
) -> list[str]:
    """Problems of one Type Metadata document under the profile. ``effective`` (the merged
    document of a chain, or a document without ``extends``) also requires a ``simple``
    rendering; ``inherited_svg_ids`` are the base's ids a ``summary`` may use."""
    problems = _locales_problems(document.get("display"), "type")
    if "extends" in document and "extends#integrity" not in document:
        problems.append("extends requires extends#integrity")
    claims = document.get("claims")
    if not isinstance(claims, list) or not claims:
        problems.append("claims is required")
        claims = []
    svg_ids = {c.get("svg_id") for c in claims if isinstance(c, dict)} | set(inherited_svg_ids)
    displays = [d for d in document.get("display") or [] if isinstance(d, dict)]
    for display in displays:
        where = f"display {display.get('locale')}"
        rendering = display.get("rendering") or {}
        if not isinstance(rendering, dict) or set(rendering) - {"simple"}:
            problems.append(f"{where}: only simple rendering is supported")
        simple = rendering.get("simple") if isinstance(rendering, dict) else None
        if isinstance(simple, dict):
            problems += _image_problems(simple.get("logo"), f"{where} logo")
            problems += _image_problems(simple.get("background_image"), f"{where} background")
        summary = display.get("summary")
        if summary is not None:
            if not isinstance(summary, str):
                problems.append(f"{where}: summary is a string")
            else:
                problems += [
                    f"{where}: summary placeholder {{{{{name}}}}} is no claim's svg_id"
                    for name in _PLACEHOLDER.findall(summary)
                    if name not in svg_ids
                ]
    if effective and not any(isinstance(d.get("rendering"), dict) for d in displays):
        problems.append("at least one display needs simple rendering")
    for claim in claims:
        if not isinstance(claim, dict) or not isinstance(claim.get("path"), list):
            problems.append("every claim needs a path")
            continue
        where = f"claim {claim['path']}"
        problems += _locales_problems(claim.get("display"), where)
        if claim.get("sd", "allowed") not in SD_VALUES:
            problems.append(f"{where}: sd must be always, allowed or never")
    return problems


def _merge_display(base: Sequence[JsonObject], child: Sequence[JsonObject]) -> list[JsonObject]:
    by_locale = {d.get("locale"): d for d in child}
    merged = [by_locale.get(d.get("locale"), d) for d in base]
    base_locales = {d.get("locale") for d in base}
    return merged + [d for d in child if d.get("locale") not in base_locales]


def merge_extending(base: Mapping[str, Any], child: Mapping[str, Any]) -> JsonObject:
    """The effective document of ``child`` extending ``base`` by the profile's rules. Raises
    :class:`TypeMetadataError` when the child drops a base path or overrides a final ``sd``."""
    base_claims = {repr(c.get("path")): c for c in base.get("claims") or []}
    child_claims = list(child.get("claims") or [])
    missing = set(base_claims) - {repr(c.get("path")) for c in child_claims}
    if missing:
        raise TypeMetadataError("extends_paths", f"the child lacks base paths {sorted(missing)}")
    claims = []
    for claim in child_claims:
        merged = dict(claim)
        parent = base_claims.get(repr(claim.get("path")))
        if parent is not None:
            base_sd, child_sd = parent.get("sd", "allowed"), claim.get("sd")
            if base_sd != "allowed" and child_sd is not None and child_sd != base_sd:
                raise TypeMetadataError("extends_sd", f"sd of {claim.get('path')} is final")
            if child_sd is None:
                merged["sd"] = base_sd
            merged["display"] = _merge_display(
                parent.get("display") or [], claim.get("display") or []
            )
        claims.append(merged)
    document: JsonObject = {**dict(base), **dict(child)}
    document["display"] = _merge_display(base.get("display") or [], child.get("display") or [])
    document["claims"] = claims
    return document


def _leaves(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _leaves(member, (*path, key))
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield from _leaves(element, (*path, index))
    else:
        yield path, value


def _selects(pattern: Sequence[Any], path: tuple[Any, ...]) -> bool:
    return len(pattern) == len(path) and all(
        p is None or p == q for p, q in zip(pattern, path, strict=True)
    )


def credential_problems(claims: Mapping[str, Any], document: Mapping[str, Any]) -> list[str]:
    """Problems of a credential's (processed) claims against its effective Type Metadata."""
    patterns = [c["path"] for c in document.get("claims") or [] if isinstance(c.get("path"), list)]
    problems = []
    skip = RESERVED_CLAIMS | _ALSO_REGISTERED
    for key, value in claims.items():
        if key in skip:
            continue
        for path, leaf in _leaves(value, (key,)):
            if not any(_selects(p, path) for p in patterns):
                problems.append(f"value at {list(path)} is not selected by any claim")
            if isinstance(leaf, dict | list) or leaf is None:
                problems.append(f"value at {list(path)} is not a boolean, number or string")
        if isinstance(value, list):
            problems.append(f"value at [{key!r}] is an array (not supported yet)")
    for claim in document.get("claims") or []:
        path = claim.get("path")
        if claim.get("mandatory") and isinstance(path, list) and not _has(claims, path):
            problems.append(f"mandatory claim {path} is missing")
    return problems


def _has(claims: Mapping[str, Any], path: Sequence[Any]) -> bool:
    value: Any = claims
    for element in path:
        in_object = isinstance(value, dict) and isinstance(element, str) and element in value
        in_array = isinstance(value, list) and isinstance(element, int) and element < len(value)
        if not (in_object or in_array):
            return False
        value = value[element]
    return True


def disclosure_problems(
    disclosable: Sequence[Sequence[Any]],
    signed_payload: Mapping[str, Any],
    document: Mapping[str, Any],
) -> list[str]:
    """``sd`` rules against an issued SD-JWT: an ``always`` claim must not be plainly in the
    signed payload; a ``never`` claim (or a claim around it) must not be a Disclosure.
    ``disclosable`` are the claims paths of all Disclosures."""
    paths = {tuple(p) for p in disclosable}
    problems = []
    for claim in document.get("claims") or []:
        path = tuple(claim.get("path") or ())
        sd = claim.get("sd", "allowed")
        if sd == "always" and _has(signed_payload, path):
            problems.append(f"claim {list(path)} must be selectively disclosable")
        if sd == "never" and any(path[:n] in paths for n in range(1, len(path) + 1)):
            problems.append(f"claim {list(path)} must not be selectively disclosable")
    return problems

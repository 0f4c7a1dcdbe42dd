"""Integrity of related resources (VC Data Model 2.0 §5.3): ``digestSRI`` and
``digestMultibase`` checked against the resource's exact bytes.

:func:`digests_match` is pure. :func:`related_resources_check` gets the bytes from the
``fetch_resource`` callable it is given (the verifier passes one built on
:func:`credentials.net.fetch_bytes`, under the same SSRF rules as every fetch). A resource
that is one of the credential's JSON-LD contexts is never fetched: it is checked against
the pinned local copy (bundled or operator-pinned) or not at all. A resource that cannot be
had is a warning ("could not be checked"); a digest that does not match is a failure.

Nothing is fetched by accident: without a ``fetch_resource`` (the caller's explicit choice,
size- and time-limited by the fetcher itself) a resource is "not checked", never "ok".
The fetches of one credential together stop after ``max_seconds`` (a slow server holding
every one of :data:`MAX_FETCHES` to the fetcher's timeout cannot stall a check); what
was left is "not checked" too. Every verify entry point gets this through
:func:`credentials.verification.verify_credential` (``fetch_resource``).

``digestMultibase`` is read as a multibase-encoded multihash (sha2-256 ``0x12``, sha2-384
``0x20``, sha2-512 ``0x13``), as Data Integrity §2.6 defines it, or — as the VC Data Model's
own example has it — a bare digest whose length says which SHA-2 it is.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from typing import Any

from .canonicalization import pinned_context_bytes
from .data_model import SRI_ALGORITHMS, is_url, parse_sri
from .errors import MultibaseError
from .multibase import decode_multibase
from .results import CheckName, CheckResult, Outcome

__all__ = [
    "MAX_FETCHES",
    "MAX_FETCH_SECONDS",
    "ResourceFetcher",
    "digests_match",
    "related_resources_check",
]

ResourceFetcher = Callable[[str], bytes]
"""Returns the exact bytes of the resource at a URL, or raises."""

MAX_FETCHES = 8
"""At most this many resources are fetched for one credential (a hostile credential could
list thousands); the rest are reported as not checked."""

MAX_FETCH_SECONDS = 10.0
"""All fetches for one credential together; later resources are reported as not checked."""

_MULTIHASH = {0x12: "sha256", 0x20: "sha384", 0x13: "sha512"}
_BY_LENGTH = {size: name for name, size in SRI_ALGORITHMS.items()}


def _multibase_digest(value: str) -> tuple[str, bytes] | None:
    try:
        raw = decode_multibase(value)
    except (MultibaseError, ValueError, TypeError):
        return None
    if len(raw) >= 2 and raw[0] in _MULTIHASH and raw[1] == len(raw) - 2:
        name = _MULTIHASH[raw[0]]
        if SRI_ALGORITHMS[name] == raw[1]:
            return name, raw[2:]
    if len(raw) in _BY_LENGTH:
        return _BY_LENGTH[len(raw)], raw
    return None


def _matches(expected: list[tuple[str, bytes]], content: bytes) -> bool:
    return any(
        hmac.compare_digest(hashlib.new(name, content).digest(), digest)
        for name, digest in expected
    )


def digests_match(entry: Mapping[str, Any], content: bytes) -> bool | None:
    """True when every digest the entry gives matches ``content``; None if it gives none
    that can be read.

    SRI (W3C Subresource Integrity §3.3.4): of several expressions only the strongest
    algorithm counts, and any one of those matching is enough.
    """
    verdicts: list[bool] = []
    sri = parse_sri(entry.get("digestSRI")) if "digestSRI" in entry else None
    if sri:
        strongest = max(SRI_ALGORITHMS[name] for name, _ in sri)
        verdicts.append(_matches([d for d in sri if SRI_ALGORITHMS[d[0]] == strongest], content))
    if "digestMultibase" in entry:
        raw = entry["digestMultibase"]
        values = raw if isinstance(raw, list) else [raw]
        decoded = [_multibase_digest(v) for v in values if isinstance(v, str)]
        readable = [d for d in decoded if d is not None]
        if readable:
            verdicts.append(_matches(readable, content))
    return all(verdicts) if verdicts else None


def _contexts(credential: Mapping[str, Any]) -> set[str]:
    ctx = credential.get("@context")
    return {c for c in (ctx if isinstance(ctx, list) else [ctx]) if isinstance(c, str)}


def related_resources_check(
    credential: Mapping[str, Any],
    fetch_resource: ResourceFetcher | None,
    *,
    max_fetches: int = MAX_FETCHES,
    max_seconds: float = MAX_FETCH_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> CheckResult | None:
    """The ``related_resources`` check, or None when the credential lists none."""
    raw = credential.get("relatedResource")
    if raw is None:
        return None
    entries = [e for e in (raw if isinstance(raw, list) else [raw]) if isinstance(e, Mapping)]
    contexts = _contexts(credential)
    mismatched: list[str] = []
    unchecked: list[str] = []
    checked = fetches = 0
    deadline = clock() + max_seconds
    for entry in entries:
        url = entry.get("id")
        if not is_url(url):
            continue  # the format check reports it
        url = str(url)
        content: bytes | None
        if url in contexts:
            content = pinned_context_bytes(url)
            if content is None:
                unchecked.append(f"{url} (a context we hold no pinned copy of; never fetched)")
                continue
        elif fetch_resource is None:
            unchecked.append(f"{url} (not fetched)")
            continue
        elif fetches >= max_fetches:
            unchecked.append(f"{url} (more than {max_fetches} resources; not fetched)")
            continue
        elif clock() >= deadline:
            unchecked.append(f"{url} (over {max_seconds:g} s of fetching; not fetched)")
            continue
        else:
            fetches += 1
            try:
                content = fetch_resource(url)
            except Exception as exc:  # a fetcher may fail in any way: report, never "valid"
                unchecked.append(f"{url} ({type(exc).__name__}: {exc})")
                continue
        verdict = digests_match(entry, content)
        if verdict is None:
            continue  # malformed digests: the format check reports them
        checked += 1
        if not verdict:
            mismatched.append(url)
    if mismatched:
        return CheckResult(
            CheckName.RELATED_RESOURCES,
            Outcome.FAILED,
            "related_resource_mismatch",
            f"the content of {', '.join(mismatched)} does not match its digest",
        )
    if unchecked:
        return CheckResult(
            CheckName.RELATED_RESOURCES,
            Outcome.WARNING,
            "related_resource_not_checked",
            f"could not be checked: {'; '.join(unchecked)}",
        )
    return CheckResult(
        CheckName.RELATED_RESOURCES,
        Outcome.PASSED,
        "ok",
        f"{checked} related resource(s) match their digests",
    )

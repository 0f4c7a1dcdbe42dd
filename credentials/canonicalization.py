"""JSON-LD expansion and RDFC-1.0 canonicalisation, with correct context caching.

Plain pyld re-processes every type-scoped context (Open Badges' ``Achievement``,
``AchievementSubject``, ``Profile``; the Data Integrity proof; status entries) for every
document: a type-scoped context is processed against a fresh clone of the active context, and
the clone gets a new random ``_uuid``, so pyld's processed-context cache, keyed by that uuid,
never hits. It also JCS-canonicalises each scoped context dict just to build a cache key.

:class:`JsonLdEngine` fixes that without changing pyld's algorithms: it memoises
``_process_context`` on inputs that cannot change under the same key —

* the active context, when it is frozen (every context pyld returns from processing is), by
  its ``_uuid``;
* the local context by value for URLs (our document loader is static: the same URL always
  yields the same pinned document), and by identity for dicts, holding a reference so the
  identity is never reused. Dicts from a caller's document never hit: pyld deep-copies the
  input document before expansion, so only the long-lived context documents of the loader
  are ever seen twice;
* the flags that change the outcome (``override_protected``, ``propagate``,
  ``validate_scoped``) and the options that do (``base``, ``processingMode``).

A memoised result is the frozen context pyld itself returned, so the path is byte-for-byte
the plain pyld result; tests prove it with differential runs over generated credentials and
the specification's vectors.

Safe mode (as Data Integrity requires): a property that no context defines, which plain
JSON-LD silently drops, and a relative IRI in ``@id`` or ``@type`` raise
:class:`~credentials.errors.SafeModeError`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from .contexts import StaticDocumentLoader, bundled_context_bytes
from .errors import CanonicalizationError, DocumentLoaderError, SafeModeError

__all__ = [
    "JsonLdEngine",
    "default_engine",
    "pinned_context_bytes",
    "plain_pyld_canonicalize",
    "use_operator_contexts",
]

JsonObject = dict[str, Any]

_NQUADS = "application/n-quads"
# Relative IRIs are resolved against this base during expansion; ".invalid" is reserved
# (RFC 2606), so an IRI under it can only have come from a relative reference. Without a base
# pyld would resolve against its built-in http://example.org/base/ and hide the mistake.
_RELATIVE_BASE = "https://relative-iri.invalid/"
_PROCESSED_CACHE_SIZE = 4096
_IRI_CACHE_SIZE = 65536
_RESOLVED_CACHE_SIZE = 256


class _SafeModeViolationError(Exception):
    """Raised inside pyld's expansion to abort on an undefined term."""


def _raise_dropped(expanded_property: str | None) -> None:
    raise _SafeModeViolationError(
        f"property {expanded_property!r} is not defined by any context and would be dropped"
    )


class _CachingProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """A pyld processor whose context processing is memoised in a shared, bounded cache."""

    def __init__(
        self,
        memo: LRUCache[tuple[Any, ...], tuple[Any, Any]],
        iri_memo: dict[tuple[Any, ...], Any],
        lock: threading.Lock,
        on_property_dropped: Callable[[str | None], Any],
    ) -> None:
        super().__init__(on_property_dropped=on_property_dropped)
        self._memo = memo
        self._iri_memo = iri_memo
        self._lock = lock

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        # Outside context processing (no local_ctx/defined), IRI expansion only reads the
        # frozen active context, so its result is fixed by (context, value, base, vocab).
        if (
            local_ctx is None
            and defined is None
            and isinstance(value, str)
            and isinstance(active_ctx, frozendict)
        ):
            key = (active_ctx["_uuid"], value, base, vocab)
            try:
                return self._iri_memo[key]
            except KeyError:
                result = super()._expand_iri(active_ctx, value, base, vocab)
                if len(self._iri_memo) >= _IRI_CACHE_SIZE:
                    self._iri_memo.clear()  # bounded; dict operations are atomic under the GIL
                self._iri_memo[key] = result
                return result
        return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Mapping[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        key = _memo_key(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped
        )
        if key is not None:
            with self._lock:
                hit = self._memo.get(key)
            if (hit is not None and hit[0] is local_ctx) or (hit is not None and key[1] != "id"):
                return hit[1]
        result = super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )
        if key is not None and isinstance(result, frozendict):
            with self._lock:
                self._memo[key] = (local_ctx, result)
        return result


def _memo_key(
    active_ctx: Any,
    local_ctx: Any,
    options: Mapping[str, Any],
    override_protected: bool,
    propagate: bool,
    validate_scoped: bool,
) -> tuple[Any, ...] | None:
    """A key under which the outcome of processing ``local_ctx`` cannot change, or None."""
    if not isinstance(active_ctx, frozendict) or "_uuid" not in active_ctx:
        return None
    if isinstance(local_ctx, str):
        local: tuple[Any, ...] = ("url", local_ctx)
    elif isinstance(local_ctx, list) and local_ctx and all(isinstance(c, str) for c in local_ctx):
        local = ("urls", tuple(local_ctx))
    elif isinstance(local_ctx, dict | frozendict):
        local = ("id", id(local_ctx))
    else:
        return None
    return (
        active_ctx["_uuid"],
        local[0],
        local[1],
        override_protected,
        propagate,
        validate_scoped,
        options.get("base"),
        options.get("processingMode"),
    )


def _check_safe_iris(node: Any, path: str = "$") -> None:
    """Raise if an expanded document has a relative IRI where an absolute one is needed."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _check_safe_iris(item, f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    node_id = node.get("@id")
    if isinstance(node_id, str) and not _is_absolute_or_blank(node_id):
        raise SafeModeError(f"{path}: relative IRI {_shown(node_id)!r} in @id")
    types = node.get("@type")
    for t in types if isinstance(types, list) else [types] if types is not None else []:
        if isinstance(t, str) and t != "@json" and not _is_absolute_or_blank(t):
            raise SafeModeError(
                f"{path}: type {_shown(t)!r} is not defined by any context (relative IRI in @type)"
            )
    for key, value in node.items():
        if key in ("@value", "@context"):
            continue
        _check_safe_iris(value, f"{path}.{key}")


def _shown(iri: str) -> str:
    return iri.removeprefix(_RELATIVE_BASE)


def _is_absolute_or_blank(iri: str) -> bool:
    """pyld's own test (``scheme:`` or ``_:`` and no white space), so nothing it would drop
    while building RDF passes this check; and not resolved from a relative reference."""
    return bool(jsonld._is_absolute_iri(iri)) and not iri.startswith(_RELATIVE_BASE)


class JsonLdEngine:
    """Expands and canonicalises JSON-LD with a static loader and shared context caches.

    Thread-safe; build one per document loader and reuse it.

        >>> engine = default_engine()
        >>> nquads = engine.canonicalize(credential)  # doctest: +SKIP
    """

    def __init__(self, loader: StaticDocumentLoader) -> None:
        self.loader = loader
        self._memo: LRUCache[tuple[Any, ...], tuple[Any, Any]] = LRUCache(_PROCESSED_CACHE_SIZE)
        self._resolved: LRUCache[str, Any] = LRUCache(_RESOLVED_CACHE_SIZE)
        self._iri_memo: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()

    def _options(self) -> JsonObject:
        return {
            "documentLoader": self.loader,
            "contextResolver": ContextResolver(self._resolved, self.loader),
            "base": _RELATIVE_BASE,
            "processingMode": "json-ld-1.1",
        }

    def _processor(self) -> _CachingProcessor:
        return _CachingProcessor(self._memo, self._iri_memo, self._lock, _raise_dropped)

    def expand(self, document: Mapping[str, Any]) -> list[Any]:
        """Expanded form of ``document`` in safe mode."""
        try:
            expanded = self._processor().expand(dict(document), self._options())
        except Exception as exc:
            raise _translate(exc) from None
        _check_safe_iris(expanded)
        return list(expanded)

    def canonicalize(self, document: Mapping[str, Any]) -> str:
        """RDFC-1.0 canonical N-Quads of ``document`` (safe mode).

        Expands once, then builds the RDF dataset from the expanded form the way pyld's
        ``to_rdf`` does (pyld's ``normalize`` would expand the expanded form a second time).
        """
        processor = self._processor()
        options = self._options()
        try:
            expanded = processor.expand(dict(document), options)
            _check_safe_iris(expanded)
            issuer = IdentifierIssuer("_:b")
            node_map: dict[str, Any] = {"@default": {}}
            processor._create_node_map(expanded, node_map, "@default", issuer)
            rdf_options = {"produceGeneralizedRdf": False, "rdfDirection": None, **options}
            dataset = {
                name: processor._graph_to_rdf(graph, issuer, rdf_options)
                for name, graph in sorted(node_map.items())
                if name == "@default" or jsonld._is_absolute_iri(name)
            }
            result = URDNA2015().main(dataset, {"format": _NQUADS})
        except SafeModeError:
            raise
        except Exception as exc:
            raise _translate(exc) from None
        return str(result)


def _translate(exc: BaseException) -> CanonicalizationError:
    """Turn pyld's nested errors into one readable engine error."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, _SafeModeViolationError):
            return SafeModeError(str(cause))
        if isinstance(cause, DocumentLoaderError):
            return CanonicalizationError(str(cause))
        cause = cause.__cause__ or cause.__context__
    messages: list[str] = []
    cause = exc
    while cause is not None and len(messages) < 4:
        messages.append(str(cause).splitlines()[0] if str(cause) else type(cause).__name__)
        cause = cause.__cause__
    return CanonicalizationError("invalid JSON-LD: " + " <- ".join(messages))


_default_lock = threading.Lock()
_default: JsonLdEngine | None = None


_operator_contexts: dict[str, JsonObject] = {}
_operator_bytes: dict[str, bytes] = {}


def default_engine() -> JsonLdEngine:
    """The engine over the bundled contexts (plus the operator's, see
    :func:`use_operator_contexts`), built once per process."""
    global _default
    with _default_lock:
        if _default is None:
            _default = JsonLdEngine(StaticDocumentLoader.bundled(_operator_contexts))
        return _default


def use_operator_contexts(
    documents: Mapping[str, JsonObject], raw: Mapping[str, bytes] | None = None
) -> JsonLdEngine:
    """Serve the operator's pinned contexts (:func:`~credentials.contexts.load_context_dir`)
    beside the bundled ones from now on, in this process, and return the default engine.

    Each service runs in its own process and calls this once at start with its setting
    (``…_EXTRA_CONTEXTS_DIR``; an empty mapping for none). ``raw`` are the files' bytes,
    for :func:`pinned_context_bytes`. The engine, and its caches, are rebuilt only when the
    set of contexts changes.
    """
    global _default
    with _default_lock:
        _operator_bytes.clear()
        _operator_bytes.update(raw or {})
        if dict(documents) != _operator_contexts or _default is None:
            _operator_contexts.clear()
            _operator_contexts.update(documents)
            _default = JsonLdEngine(StaticDocumentLoader.bundled(_operator_contexts))
        return _default


def pinned_context_bytes(url: str) -> bytes | None:
    """The exact bytes of a bundled or operator-pinned context, or None: what a
    ``relatedResource`` digest of a context is checked against (contexts are never fetched)."""
    return bundled_context_bytes().get(url) or _operator_bytes.get(url)


def plain_pyld_canonicalize(document: Mapping[str, Any], loader: StaticDocumentLoader) -> str:
    """Canonicalise with unmodified pyld (no memo): the reference for differential tests."""
    options = {
        "algorithm": "URDNA2015",
        "format": _NQUADS,
        "documentLoader": loader,
        "contextResolver": ContextResolver(LRUCache(_RESOLVED_CACHE_SIZE), loader),
    }
    return str(jsonld.JsonLdProcessor().normalize(dict(document), options))

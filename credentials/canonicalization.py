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

Three more memos and a fast path, all checked the same way against plain pyld:

* the expansion of an embedded object, by frozen context, property, flags and the object's
  JSON text (documents of plain JSON values only): the issuer profile and the achievement
  repeat across a batch; hits are returned as copies;
* :meth:`JsonLdEngine.canonicalize_repeated` remembers whole small documents by their JSON
  text (the proof configuration, the same for every credential signed at one moment);
* the RDF step: :mod:`credentials.rdf_quads` turns the expanded form of the JSON-LD our
  credentials use straight into quads, and :mod:`credentials.rdfc_simple` canonicalises
  them when every blank node has a unique first-degree hash (no Hash N-Degree Quads
  needed); anything else goes through pyld's node map, RDF and URDNA2015 as before.

Budgets: every document is measured against a :class:`~credentials.budget.Budget` first
(depth, values, array items, ``@context`` entries), then expansion steps, blank nodes, runs of
RDFC-1.0 Hash N-Degree Quads, the permutations tried inside it and the CPU time are metered
while the work runs (see :mod:`credentials.budget`). Going over raises
:class:`~credentials.errors.BudgetExceededError`; a document within budget gives the same bytes
as plain pyld (work served from a memo is not charged again).

Safe mode (as Data Integrity requires): a property that no context defines, which plain
JSON-LD silently drops, and a relative IRI in ``@id`` or ``@type`` raise
:class:`~credentials.errors.SafeModeError`.
"""

from __future__ import annotations

import functools
import json
import math
import threading
from collections.abc import Callable, Mapping
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from .budget import DEFAULT_BUDGET, Budget, Meter, check_document
from .contexts import StaticDocumentLoader, bundled_context_bytes
from .errors import BudgetExceededError, CanonicalizationError, DocumentLoaderError, SafeModeError
from .fair_share import FairLock
from .rdf_quads import expanded_quads
from .rdfc_simple import Quad, canonical_quads, canonicalize_unique_first_degree

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
_REPEATED_CACHE_SIZE = 512
_REPEATED_MAX_CHARS = 8192
_SUBTREE_CACHE_SIZE = 2048
_SUBTREE_MAX_CHARS = 8192


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
        meter: Meter,
        subtrees: LRUCache[tuple[Any, ...], Any] | None = None,
    ) -> None:
        super().__init__(on_property_dropped=on_property_dropped)
        self._memo = memo
        self._iri_memo = iri_memo
        self._lock = lock
        self._meter = meter
        self._subtrees = subtrees

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        self._meter.charge("max_expansion_steps")
        key = None
        if self._subtrees is not None and type(element) is dict and active_property is not None:
            key = _subtree_key(
                active_ctx, active_property, element, options, inside_list, inside_index,
                type_scoped_ctx,
            )  # fmt: skip
            if key is not None:
                with self._lock:
                    hit = self._subtrees.get(key)
                if hit is not None:
                    return _json_copy(hit)
        result = super()._expand(
            active_ctx,
            active_property,
            element,
            options,
            inside_list=inside_list,
            inside_index=inside_index,
            type_scoped_ctx=type_scoped_ctx,
        )
        if key is not None:
            with self._lock:
                self._subtrees[key] = _json_copy(result)  # type: ignore[index]
        return result

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

    def _create_term_definition(
        self,
        active_ctx: Any,
        local_ctx: Any,
        term: Any,
        defined: Any,
        options: Any,
        override_protected: bool = False,
        validate_scoped: bool = True,
    ) -> Any:
        self._meter.charge("max_expansion_steps")
        return super()._create_term_definition(
            active_ctx,
            local_ctx,
            term,
            defined,
            options,
            override_protected=override_protected,
            validate_scoped=validate_scoped,
        )

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
        self._meter.charge("max_expansion_steps")
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


def _subtree_key(
    active_ctx: Any,
    active_property: Any,
    element: dict[str, Any],
    options: Mapping[str, Any],
    inside_list: bool,
    inside_index: bool,
    type_scoped_ctx: Any,
) -> tuple[Any, ...] | None:
    """A key under which expanding the embedded object ``element`` cannot give another
    result: the frozen active and type-scoped contexts, the property, the flags and options
    pyld's ``_expand`` reads, and the element's JSON text (the document was checked to hold
    plain JSON values only, so equal text means equal input)."""
    if not isinstance(active_ctx, frozendict) or "_uuid" not in active_ctx:
        return None
    if type_scoped_ctx is None:
        scoped = None
    elif isinstance(type_scoped_ctx, frozendict) and "_uuid" in type_scoped_ctx:
        scoped = type_scoped_ctx["_uuid"]
    else:
        return None
    try:
        text = json.dumps(element)
    except (TypeError, ValueError, RecursionError):
        return None
    if len(text) > _SUBTREE_MAX_CHARS:
        return None
    return (
        active_ctx["_uuid"],
        scoped,
        active_property,
        inside_list,
        inside_index,
        options.get("isFrame"),
        options.get("keepFreeFloatingNodes"),
        options.get("base"),
        options.get("processingMode"),
        text,
    )


class _JsonDocument(dict[str, Any]):
    """A document of plain JSON values: pyld's deep copy of its input is a JSON copy."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {k: _json_copy(v) for k, v in self.items()}


def _input(document: Mapping[str, Any], plain: bool) -> dict[str, Any]:
    """What pyld gets: a fresh top-level dict (pyld copies it deeply before expansion)."""
    return _JsonDocument(document) if plain else dict(document)


def _json_copy(value: Any) -> Any:
    """A deep copy of expanded JSON-LD (dicts, lists and scalars), faster than deepcopy."""
    if type(value) is dict:
        return {k: _json_copy(v) if type(v) in _CONTAINERS else v for k, v in value.items()}
    if type(value) is list:
        return [_json_copy(v) if type(v) in _CONTAINERS else v for v in value]
    return value


_CONTAINERS = frozenset({dict, list})


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


class _MeteredIssuer(IdentifierIssuer):  # type: ignore[misc]
    """A temporary identifier issuer whose copies (one per permutation tried by Hash N-Degree
    Quads, step 5.4.1) are charged to the meter."""

    def __init__(self, prefix: str, meter: Meter) -> None:
        super().__init__(prefix)
        self._meter = meter

    @classmethod
    def of(cls, issuer: IdentifierIssuer, meter: Meter) -> _MeteredIssuer:
        clone = cls(issuer.prefix, meter)
        clone.counter = issuer.counter
        clone.existing = dict(issuer.existing)
        clone.order = list(issuer.order)
        return clone

    def __deepcopy__(self, memo: dict[int, Any]) -> _MeteredIssuer:
        # existing maps str to str and order lists str: shallow copies are deep ones.
        self._meter.charge("max_permutations")
        return _MeteredIssuer.of(self, self._meter)


class _MeteredUrdna2015(URDNA2015):  # type: ignore[misc]
    """pyld's RDFC-1.0 (URDNA2015) with a work counter checked in Hash N-Degree Quads."""

    def __init__(self, meter: Meter) -> None:
        super().__init__()
        self._meter = meter

    def hash_n_degree_quads(self, id_: str, issuer: IdentifierIssuer) -> Any:
        self._meter.charge("max_ndegree_calls")
        if not isinstance(issuer, _MeteredIssuer):
            issuer = _MeteredIssuer.of(issuer, self._meter)
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_: str, issuer: IdentifierIssuer) -> Any:
        """Steps 1-3 of Hash N-Degree Quads, then a look ahead: step 5.4 will try every
        permutation of each list of related blank nodes (``m!`` copies of the issuer for
        ``m`` distinct nodes, each charged), so when their sum is beyond what is left the run
        is refused before it starts. A poison graph costs its first-degree hashes, not
        hundreds of permutations; a document within budget is untouched (nothing is charged
        here)."""
        hash_to_related = super().create_hash_to_related(id_, issuer)
        certain = sum(_permutations(nodes) for nodes in hash_to_related.values())
        self._meter.require("max_permutations", certain)
        return hash_to_related


def _permutations(nodes: list[str]) -> int:
    """How many permutations pyld's generator certainly yields for ``nodes``: ``m!`` for
    ``m`` distinct blank nodes (saturated at 20!, more than any budget allows); a list with
    repeats (a graph name related through each of its quads) at least the one."""
    if len(set(nodes)) != len(nodes):
        return 1
    return math.factorial(min(len(nodes), 20))


def _charge_blank_nodes(dataset: Mapping[str, Any], meter: Meter) -> None:
    """Charge the distinct blank nodes of ``dataset`` before canonicalisation starts."""
    blank: set[str] = set()
    for name, triples in dataset.items():
        if name.startswith("_:"):
            blank.add(name)
        for triple in triples:
            for position in ("subject", "object"):
                component = triple[position]
                if component["type"] == "blank node":
                    blank.add(component["value"])
    meter.charge("max_blank_nodes", len(blank))


def _blank_node_count(quads: list[Quad]) -> int:
    blank = {q[0] for q in quads if q[4]}
    blank.update(q[2] for q in quads if q[5])
    return len(blank)


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


@functools.lru_cache(maxsize=_IRI_CACHE_SIZE)
def _is_safe_iri(iri: str) -> bool:
    """:func:`_is_absolute_or_blank`, remembered (the same IRIs recur in every credential)."""
    return _is_absolute_or_blank(iri)


def _shown(iri: str) -> str:
    return iri.removeprefix(_RELATIVE_BASE)


def _is_absolute_or_blank(iri: str) -> bool:
    """pyld's own test (``scheme:`` or ``_:`` and no white space), so nothing it would drop
    while building RDF passes this check; and not resolved from a relative reference."""
    return bool(jsonld._is_absolute_iri(iri)) and not iri.startswith(_RELATIVE_BASE)


# pyld is pure Python: under the GIL two expansions or canonicalisations in one process never
# finish sooner side by side, they only interleave. Running them one at a time gives each its
# result soonest and leaves the other threads of a service (its event loop above all, which
# answers /healthz and reads requests) competing with one busy thread instead of dozens. The
# next turn goes to the waiting client that has used the least engine CPU (start-time fair
# queuing, see :mod:`credentials.fair_share`), so one client's many or costly requests cannot
# starve another's. Waiting costs no CPU time: the CPU budget of a document counts only its
# own work.
_one_at_a_time = FairLock()


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
        self._repeated: LRUCache[str, str] = LRUCache(_REPEATED_CACHE_SIZE)
        self._subtrees: LRUCache[tuple[Any, ...], Any] = LRUCache(_SUBTREE_CACHE_SIZE)
        self._lock = threading.Lock()

    def _options(self) -> JsonObject:
        return {
            "documentLoader": self.loader,
            "contextResolver": ContextResolver(self._resolved, self.loader),
            "base": _RELATIVE_BASE,
            "processingMode": "json-ld-1.1",
        }

    def _processor(self, meter: Meter, plain: bool) -> _CachingProcessor:
        subtrees = self._subtrees if plain else None
        return _CachingProcessor(
            self._memo, self._iri_memo, self._lock, _raise_dropped, meter, subtrees
        )

    def expand(
        self,
        document: Mapping[str, Any],
        budget: Budget = DEFAULT_BUDGET,
        *,
        meter: Meter | None = None,
    ) -> list[Any]:
        """Expanded form of ``document`` in safe mode, within ``budget`` (or ``meter``)."""
        meter = meter or Meter(budget)
        meter.check()
        check_document(document, meter.budget)
        try:
            plain = _plain_document(document)
            with _one_at_a_time:
                expanded = self._processor(meter, plain).expand(
                    _input(document, plain), self._options()
                )
        except Exception as exc:
            raise _translate(exc) from None
        _check_safe_iris(expanded)
        return list(expanded)

    def canonicalize(
        self,
        document: Mapping[str, Any],
        budget: Budget = DEFAULT_BUDGET,
        *,
        meter: Meter | None = None,
    ) -> str:
        """RDFC-1.0 canonical N-Quads of ``document`` (safe mode), within ``budget``.

        Pass a ``meter`` instead to charge several documents (a credential and its proof
        configurations) to one budget. Raises :class:`~credentials.errors.BudgetExceededError`
        when a limit is crossed.

        Expands once, then builds the RDF dataset from the expanded form the way pyld's
        ``to_rdf`` does (pyld's ``normalize`` would expand the expanded form a second time).
        """
        meter = meter or Meter(budget)
        meter.check()
        check_document(document, meter.budget)
        plain = _plain_document(document)
        processor = self._processor(meter, plain)
        document = _input(document, plain)
        options = self._options()
        try:
            with _one_at_a_time:
                return self._canonicalize(processor, options, document, meter)
        except SafeModeError:
            raise
        except Exception as exc:
            raise _translate(exc) from None

    def canonicalize_repeated(
        self,
        document: Mapping[str, Any],
        budget: Budget = DEFAULT_BUDGET,
        *,
        meter: Meter | None = None,
    ) -> str:
        """:meth:`canonicalize` for small documents that recur unchanged, such as the proof
        configuration every credential of an organisation's batch shares: the result is
        remembered by the document's JSON text (plain JSON values only, at most
        8,192 characters; only successful results), so a repeat costs no JSON-LD work and
        charges nothing to the meter. The same text always gives the same canonical form:
        the loader is static, and pyld reads nothing else."""
        key = _repeat_key(document)
        if key is not None:
            with self._lock:
                hit = self._repeated.get(key)
            if hit is not None:
                return hit
        result = self.canonicalize(document, budget, meter=meter)
        if key is not None:
            with self._lock:
                self._repeated[key] = result
        return result

    @staticmethod
    def _canonicalize(
        processor: _CachingProcessor,
        options: JsonObject,
        document: Mapping[str, Any],
        meter: Meter,
    ) -> str:
        expanded = processor.expand(document, options)
        # the walk checks every @id and @type as _check_safe_iris does; it gives up on the
        # first that fails (or on JSON-LD it does not cover), and the full check names it
        quads = expanded_quads(expanded, iri_ok=_is_safe_iri)
        if quads is None:
            _check_safe_iris(expanded)
        else:
            meter.charge("max_blank_nodes", _blank_node_count(quads))
            simple = canonical_quads(quads)
            if simple is not None:
                meter.check()
                return simple
        # pyld's own node map, RDF and (unless every blank node is simple) RDFC-1.0
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        rdf_options = {"produceGeneralizedRdf": False, "rdfDirection": None, **options}
        dataset = {
            name: processor._graph_to_rdf(graph, issuer, rdf_options)
            for name, graph in sorted(node_map.items())
            if name == "@default" or jsonld._is_absolute_iri(name)
        }
        if quads is None:
            _charge_blank_nodes(dataset, meter)
        simple = canonicalize_unique_first_degree(dataset) if quads is None else None
        if simple is not None:
            meter.check()
            return simple
        result = _MeteredUrdna2015(meter).main(dataset, {"format": _NQUADS})
        meter.check()
        return str(result)


def _is_plain_json(value: Any) -> bool:
    """Only dicts with string keys, lists, strings, numbers, booleans and None (a tuple or a
    mapping of another type would encode as the same JSON text but expand differently)."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if type(value) is list:
        return all(_is_plain_json(item) for item in value)
    if type(value) is dict:
        return all(isinstance(k, str) and _is_plain_json(v) for k, v in value.items())
    return False


def _plain_document(document: Mapping[str, Any]) -> bool:
    try:
        return type(document) is dict and _is_plain_json(document)
    except RecursionError:
        return False


def _repeat_key(document: Mapping[str, Any]) -> str | None:
    try:
        if type(document) is not dict or not _is_plain_json(document):
            return None
        text = json.dumps(document, allow_nan=False)
    except (ValueError, RecursionError):
        return None
    return text if len(text) <= _REPEATED_MAX_CHARS else None


def _translate(exc: BaseException) -> CanonicalizationError:
    """Turn pyld's nested errors into one readable engine error."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, BudgetExceededError):
            return cause
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

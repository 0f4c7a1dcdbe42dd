"""RDF quads straight from expanded JSON-LD, for the documents we sign and check.

JSON-LD 1.1 turns an expanded document into RDF in two steps: Node Map Generation (API §7.2:
every node object, embedded or not, becomes an entry of a map by its ``@id``, blank nodes
get fresh labels, a node seen twice is merged, a value already present for a property is not
added again) and Deserialize JSON-LD to RDF (§8.2). pyld builds dictionaries for every node,
value, term and triple on the way; :func:`expanded_quads` does both steps in one walk into
the tuples :mod:`credentials.rdfc_simple` canonicalises.

It covers the JSON-LD our credentials use: node objects with ``@id``, ``@type`` and
properties, value objects with ``@value`` and optionally ``@type`` or ``@language``, node
references, in the default graph. Anything else — ``@graph``, ``@list``, ``@reverse``,
``@included``, ``@index``, ``@direction``, JSON literals, blank-node types or properties —
gives None, and the caller runs pyld's algorithms. Within what it covers, the quads are the
ones pyld's ``_create_node_map`` and ``_graph_to_rdf`` produce (up to blank node labels,
which canonicalisation replaces): the same duplicate rule (pyld's ``compare_values``: a
boolean never equals a number, ``1`` equals ``1.0``), the same skipping of triples with a
relative IRI, and non-string literals converted by pyld itself. Tests compare the canonical
results of both paths.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pyld import jsonld

from .rdfc_simple import Quad, escape_literal, object_text

__all__ = ["expanded_quads"]

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# pyld's test for an absolute IRI (or a blank node identifier), as its RDF step applies it.
_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$").match
_NODE_KEYS = frozenset({"@id", "@type"})
_VALUE_KEYS = frozenset({"@value", "@type", "@language"})

ValueToRdf = Callable[[Mapping[str, Any]], Mapping[str, Any] | None]
"""pyld's conversion of one value object to an RDF term (for numbers and booleans)."""


class _UnsupportedError(Exception):
    """The document uses JSON-LD this walk does not cover."""


_IRI, _BLANK, _LITERAL = 0, 1, 2
Term = tuple[int, str]
"""An object: its kind and its value (an IRI or blank node identifier, or literal text)."""


class _Walk:
    __slots__ = ("count", "iri_ok", "labels", "nodes", "value_to_rdf")

    def __init__(self, value_to_rdf: ValueToRdf, iri_ok: Callable[[str], bool]) -> None:
        self.value_to_rdf = value_to_rdf
        self.iri_ok = iri_ok
        # node id -> property -> (objects in first-seen order, their duplicate keys)
        self.nodes: dict[str, dict[str, tuple[list[Term], set[Any]]]] = {}
        self.labels: dict[str, str] = {}  # the document's blank node identifiers -> ours
        self.count = 0

    def fresh(self) -> str:
        self.count += 1
        return f"_:b{self.count - 1}"

    def label(self, node: Mapping[str, Any]) -> str:
        if "@id" not in node:
            return self.fresh()
        node_id = node["@id"]
        if not isinstance(node_id, str) or not self.iri_ok(node_id):
            raise _UnsupportedError
        if not node_id.startswith("_:"):
            return node_id
        known = self.labels.get(node_id)
        if known is None:
            known = self.labels[node_id] = self.fresh()
        return known

    def add(self, subject: str, prop: str, key: Any, term: Term) -> None:
        properties = self.nodes[subject]
        entry = properties.get(prop)
        if entry is None:
            properties[prop] = ([term], {key})
        elif key not in entry[1]:
            entry[1].add(key)
            entry[0].append(term)

    def node(self, node: Any) -> str:
        """Walk a node object; return its (relabelled) identifier."""
        if type(node) is not dict or "@value" in node or "@list" in node or "@set" in node:
            raise _UnsupportedError
        node_id = self.label(node)
        self.nodes.setdefault(node_id, {})
        for prop, objects in node.items():
            if prop.startswith("@"):
                if prop not in _NODE_KEYS:
                    raise _UnsupportedError
                if prop == "@type":
                    if type(objects) is not list:
                        raise _UnsupportedError
                    for type_ in objects:
                        if (
                            not isinstance(type_, str)
                            or type_.startswith("_:")
                            or not self.iri_ok(type_)
                        ):
                            raise _UnsupportedError
                        self.add(node_id, "@type", type_, (_IRI, type_))
                continue
            if prop.startswith("_:") or type(objects) is not list:
                raise _UnsupportedError
            for item in objects:
                if type(item) is not dict:
                    raise _UnsupportedError
                if "@value" in item:
                    self.value(node_id, prop, item)
                else:
                    target = self.node(item)
                    kind = _BLANK if target.startswith("_:") else _IRI
                    self.add(node_id, prop, ("@id", target), (kind, target))
        return node_id

    def value(self, subject: str, prop: str, item: dict[str, Any]) -> None:
        value = item["@value"]
        if type(value) is str and len(item) == 1:  # a plain string: most values
            text = f'"{escape_literal(value)}"'
            self.add(subject, prop, ("s", value, None, None), (_LITERAL, text))
            return
        if not _VALUE_KEYS.issuperset(item):
            raise _UnsupportedError
        datatype = item.get("@type")
        language = item.get("@language")
        if datatype is not None and (
            not isinstance(datatype, str)
            or datatype.startswith(("@", "_:"))
            or not self.iri_ok(datatype)
        ):
            raise _UnsupportedError
        if isinstance(value, str) and datatype == _XSD_DOUBLE:
            key: Any = ("s", value, datatype, language)
            text = self.literal(item)  # pyld writes it as a canonical double
        elif isinstance(value, str):
            key = ("s", value, datatype, language)
            if "@language" in item:
                if not isinstance(language, str):
                    raise _UnsupportedError
                datatype = datatype or _RDF_LANGSTRING
            term = {"type": "literal", "value": value, "datatype": datatype or _XSD_STRING}
            if language is not None:
                term["language"] = language
            text = object_text(term)
        elif isinstance(value, bool):
            key = ("b", value, datatype, language)
            text = self.literal(item)
        elif isinstance(value, int | float) and value == value and abs(value) != math.inf:
            key = ("n", value, datatype, language)  # 1 and 1.0 are one value, as in pyld
            text = self.literal(item)
        else:
            raise _UnsupportedError
        self.add(subject, prop, key, (_LITERAL, text))

    def literal(self, item: Mapping[str, Any]) -> str:
        term = self.value_to_rdf(item)
        if term is None or term.get("type") != "literal":
            raise _UnsupportedError
        return object_text(term)


_PYLD = jsonld.JsonLdProcessor()
_RDF_OPTIONS = {"processingMode": "json-ld-1.1", "rdfDirection": None}


def _pyld_value_to_rdf(item: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """pyld's own conversion of a value object (JSON-LD 1.1, no ``rdfDirection``: it needs
    no blank node issuer and adds no triples)."""
    term = _PYLD._object_to_rdf(item, None, [], _RDF_OPTIONS)
    return term if isinstance(term, dict) else None


def _any_iri(_iri: str) -> bool:
    return True


def expanded_quads(
    expanded: Sequence[Any],
    value_to_rdf: ValueToRdf = _pyld_value_to_rdf,
    *,
    iri_ok: Callable[[str], bool] = _any_iri,
) -> list[Quad] | None:
    """The default-graph quads of an expanded JSON-LD document, or None when it uses JSON-LD
    beyond what this walk covers (see the module docstring). Numbers and booleans are turned
    into literals by ``value_to_rdf`` (pyld's conversion by default). Every ``@id`` and
    ``@type`` (of nodes and values) is passed to ``iri_ok``; None when it says no, so the
    caller's own check can name the problem."""
    walk = _Walk(value_to_rdf, iri_ok)
    try:
        for node in expanded:
            walk.node(node)
    except _UnsupportedError:
        return None
    quads: list[Quad] = []
    for subject, properties in walk.nodes.items():
        subject_blank = subject.startswith("_:")
        if not subject_blank and not _ABSOLUTE(subject):
            continue
        subject_text = subject if subject_blank else f"<{subject}>"
        for prop, (objects, _keys) in properties.items():
            if prop == "@type":
                predicate = _RDF_TYPE
            elif _ABSOLUTE(prop):
                predicate = f"<{prop}>"
            else:
                continue
            for kind, text in objects:
                if kind == _IRI:
                    if not _ABSOLUTE(text):
                        continue  # a relative IRI: pyld leaves the triple out
                    text = f"<{text}>"
                blank = kind == _BLANK
                quads.append((subject_text, predicate, text, "", subject_blank, blank, False))
    return quads

"""RDFC-1.0 for the common case: every blank node has a first-degree hash of its own.

RDFC-1.0 (W3C, §4.4) names blank nodes in two stages. Step 5 hashes each blank node's own
quads (Hash First Degree Quads, §4.6) and issues canonical identifiers, in hash order, to
every blank node whose hash no other blank node shares; only the nodes left over go through
Hash N-Degree Quads (§4.8), the expensive part. The credentials we issue and verify have a
handful of blank nodes (the subject, the achievement, the proof, a result, an alignment…),
each with different properties or values, so every hash is unique and step 6 has nothing to
do. :func:`canonicalize_unique_first_degree` does exactly that case, on the RDF dataset that
:class:`~credentials.canonicalization.JsonLdEngine` builds, without pyld's per-component
dictionary copies and deep copies; for anything else it returns None and the caller runs
pyld's full algorithm.

The result is byte for byte what pyld's ``URDNA2015.main`` returns for the same dataset
(tests compare both on the specification's vectors, on many generated credentials, and check
the fallback on graphs of symmetric blank nodes), including pyld's particulars:

* a quad is listed once per blank-node position it has for that node (``_:x <p> _:x`` twice);
* literals are escaped as pyld's N-Quads serializer escapes them (``\\``, tab, newline,
  carriage return, ``"``), the datatype is left out for ``xsd:string`` and for
  ``rdf:langString`` (whose language tag is written instead);
* duplicate quads are kept, and the output lines are sorted by their text.

The dataset is only read, never changed, so the fallback can use it afterwards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Quad", "canonical_quads", "canonicalize_unique_first_degree", "dataset_quads"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_CANONICAL_PREFIX = "_:c14n"
_BLANK = "blank node"

Quad = tuple[str, str, str, str, bool, bool, bool]
"""One quad: subject, predicate, object and graph name as N-Quads terms (a blank node as its
identifier; "" for the default graph), and whether subject, object and graph name are blank
nodes."""


def escape_literal(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )


def object_text(component: Mapping[str, Any]) -> str:
    kind = component["type"]
    if kind == "IRI":
        return f"<{component['value']}>"
    if kind == _BLANK:
        return str(component["value"])
    text = f'"{escape_literal(component["value"])}"'
    datatype = component["datatype"]
    if datatype == _RDF_LANGSTRING:
        language = component.get("language")
        return f"{text}@{language}" if language else text
    if datatype != _XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def _node_text(component: Mapping[str, Any]) -> str:
    value = str(component["value"])
    return f"<{value}>" if component["type"] == "IRI" else value


def dataset_quads(dataset: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[Quad]:
    quads: list[Quad] = []
    for graph_name, triples in dataset.items():
        if graph_name == "@default":
            graph, graph_blank = "", False
        elif graph_name.startswith("_:"):
            graph, graph_blank = graph_name, True
        else:
            graph, graph_blank = f"<{graph_name}>", False
        for triple in triples:
            subject, obj = triple["subject"], triple["object"]
            quads.append(
                (
                    _node_text(subject),
                    _node_text(triple["predicate"]),
                    object_text(obj),
                    graph,
                    subject["type"] == _BLANK,
                    obj["type"] == _BLANK,
                    graph_blank,
                )
            )
    return quads


def _line(subject: str, predicate: str, obj: str, graph: str) -> str:
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def _first_degree_hash(node: str, quads: Sequence[Quad]) -> str:
    """Hash First Degree Quads (§4.6): the node itself as ``_:a``, other blank nodes ``_:z``."""
    lines = []
    for s, p, o, g, s_blank, o_blank, g_blank in quads:
        if s_blank:
            s = "_:a" if s == node else "_:z"
        if o_blank:
            o = "_:a" if o == node else "_:z"
        if g_blank:
            g = "_:a" if g == node else "_:z"
        lines.append(_line(s, p, o, g))
    lines.sort()
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def canonicalize_unique_first_degree(
    dataset: Mapping[str, Sequence[Mapping[str, Any]]],
) -> str | None:
    """Canonical N-Quads of ``dataset`` (pyld's form: graph name → triples of term dicts)
    when every blank node has a unique first-degree hash; None otherwise (or for a blank
    node already labelled like a canonical one), for the full algorithm to handle."""
    return canonical_quads(dataset_quads(dataset))


def canonical_quads(quads: Sequence[Quad]) -> str | None:
    """Canonical N-Quads of ``quads`` when every blank node has a unique first-degree hash;
    None otherwise (or for a blank node already labelled like a canonical one)."""
    by_node: dict[str, list[Quad]] = {}
    for quad in quads:
        s, _p, o, g, s_blank, o_blank, g_blank = quad
        if s_blank:
            by_node.setdefault(s, []).append(quad)
        if o_blank:
            by_node.setdefault(o, []).append(quad)
        if g_blank:
            by_node.setdefault(g, []).append(quad)
    if any(node.startswith(_CANONICAL_PREFIX) for node in by_node):
        return None
    hashes = {_first_degree_hash(node, node_quads): node for node, node_quads in by_node.items()}
    if len(hashes) != len(by_node):
        return None  # two blank nodes share a hash: Hash N-Degree Quads is needed
    canonical = {hashes[h]: f"{_CANONICAL_PREFIX}{index}" for index, h in enumerate(sorted(hashes))}
    lines = [
        _line(
            canonical[s] if s_blank else s,
            p,
            canonical[o] if o_blank else o,
            canonical[g] if g_blank else g,
        )
        for s, p, o, g, s_blank, o_blank, g_blank in quads
    ]
    lines.sort()
    return "".join(lines)

"""The fast RDFC-1.0 path (credentials.rdf_quads + credentials.rdfc_simple) against pyld.

Each stage is compared with pyld on its own (our quads from the expanded form against pyld's
node map and RDF; our canonicalisation of pyld's dataset against pyld's URDNA2015), and the
whole engine against plain pyld: on the specification's vectors, on generated credentials,
on the JSON-LD the walk hands back to pyld (lists, named graphs, @index, @json), on pyld's
duplicate rules, and on symmetric blank nodes that need Hash N-Degree Quads.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pyld import jsonld
from pyld.canon import URDNA2015

from credentials.budget import DEFAULT_BUDGET, Meter
from credentials.canonicalization import JsonLdEngine, default_engine, plain_pyld_canonicalize
from credentials.contexts import VC_V2, StaticDocumentLoader
from credentials.data_integrity import add_proof, proof_configuration
from credentials.errors import CanonicalizationError
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.rdf_quads import expanded_quads
from credentials.rdfc_simple import canonical_quads, canonicalize_unique_first_degree

from .strategies import credentials

ISSUER = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SUBJECT = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
EX = "https://example.org/vocab#"


def _pyld_dataset(document: dict[str, Any], loader: StaticDocumentLoader) -> dict[str, Any]:
    options = {"documentLoader": loader, "processingMode": "json-ld-1.1"}
    return dict(jsonld.JsonLdProcessor().to_rdf(copy.deepcopy(document), options))


def _pyld_urdna(dataset: dict[str, Any]) -> str:
    return str(URDNA2015().main(copy.deepcopy(dataset), {"format": "application/n-quads"}))


def _fast(engine: JsonLdEngine, document: dict[str, Any]) -> str | None:
    quads = expanded_quads(engine.expand(document))
    return None if quads is None else canonical_quads(quads)


def _assert_all_paths_agree(engine: JsonLdEngine, document: dict[str, Any]) -> str:
    """Both fast stages are taken and agree with pyld; returns the canonical form."""
    expected = plain_pyld_canonicalize(document, engine.loader)
    dataset = _pyld_dataset(document, engine.loader)
    assert canonicalize_unique_first_degree(dataset) == _pyld_urdna(dataset) == expected
    assert _fast(engine, document) == expected
    assert engine.canonicalize(document) == expected
    return expected


@pytest.mark.parametrize("name", ["unsigned.json", "employmentAuth.json"])
def test_specification_vectors_take_the_fast_path(
    name: str,
    vectors_dir: Path,
    vector_engine: JsonLdEngine,
    read_json: Callable[[Path], Any],
) -> None:
    document = read_json(vectors_dir / name)
    _assert_all_paths_agree(vector_engine, document)


def test_specification_proof_configuration_takes_the_fast_path(
    vectors_dir: Path, vector_engine: JsonLdEngine, read_json: Callable[[Path], Any]
) -> None:
    config = read_json(vectors_dir / "eddsa-rdfc-2022" / "proofConfigDataInt.json")
    canonical = _assert_all_paths_agree(vector_engine, config)
    expected = (vectors_dir / "eddsa-rdfc-2022" / "proofCanonDataInt.txt").read_text("utf-8")
    assert canonical == expected


def test_our_credentials_take_the_fast_path_signed_and_unsigned() -> None:
    key = Ed25519KeyPair.generate()
    credential = mbo_certificaat(issuer_id=key.did_key, subject_id=SUBJECT)
    _assert_all_paths_agree(default_engine(), credential)
    signed = add_proof(
        credential, key, key.did_key_verification_method, created="2026-07-01T09:00:00Z"
    )
    config = proof_configuration(
        credential["@context"],
        verification_method=key.did_key_verification_method,
        created="2026-07-01T09:00:00Z",
    )
    _assert_all_paths_agree(default_engine(), config)
    # a signed credential: the proof is a named graph, which the walk hands to pyld
    assert expanded_quads(default_engine().expand(signed)) is None
    assert default_engine().canonicalize(signed) == plain_pyld_canonicalize(
        signed, default_engine().loader
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_generated_credentials_agree_with_pyld_at_every_stage(credential: dict[str, Any]) -> None:
    engine = default_engine()
    expected = plain_pyld_canonicalize(credential, engine.loader)
    dataset = _pyld_dataset(credential, engine.loader)
    assert canonicalize_unique_first_degree(dataset) in (None, expected)
    assert _pyld_urdna(dataset) == expected
    assert _fast(engine, credential) in (None, expected)
    assert engine.canonicalize(credential) == expected


def _doc(subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": [VC_V2, {"ex": EX, "@vocab": EX}],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"id": SUBJECT, **subject},
    }


SYMMETRIC = [
    pytest.param({"ex:knows": [{"ex:name": "a"}, {"ex:name": "a"}]}, id="twin-leaves"),
    pytest.param(
        {
            "ex:pair": [
                {"@id": "_:x", "ex:next": {"@id": "_:y"}},
                {"@id": "_:y", "ex:next": {"@id": "_:x"}},
            ]
        },
        id="two-cycle",
    ),
    pytest.param(
        {
            "ex:ring": [
                {"@id": f"_:n{i}", "ex:next": {"@id": f"_:n{(i + 1) % 4}"}} for i in range(4)
            ]
        },
        id="four-ring",
    ),
]


@pytest.mark.parametrize("subject", SYMMETRIC)
def test_symmetric_blank_nodes_fall_back_to_the_full_algorithm(subject: dict[str, Any]) -> None:
    engine = default_engine()
    document = _doc(subject)
    expected = plain_pyld_canonicalize(document, engine.loader)
    quads = expanded_quads(engine.expand(document))
    assert quads is not None
    assert canonical_quads(quads) is None  # shared first-degree hashes: not simple
    assert canonicalize_unique_first_degree(_pyld_dataset(document, engine.loader)) is None
    meter = Meter(DEFAULT_BUDGET)
    assert engine.canonicalize(document, meter=meter) == expected
    assert meter.count("max_ndegree_calls") > 0  # the full algorithm ran, metered


HANDED_TO_PYLD = [
    pytest.param({"ex:items": {"@list": ["a", "b", {"ex:name": "c"}]}}, id="list"),
    pytest.param({"ex:claims": {"@graph": {"ex:name": "inner"}}}, id="graph"),
    pytest.param({"ex:name": {"@value": "x", "@index": "i"}}, id="value-index"),
    pytest.param(
        {"ex:data": {"@value": {"b": 1, "a": [True, None]}, "@type": "@json"}}, id="json-literal"
    ),
    pytest.param(
        {"ex:name": {"@value": "x", "@language": "ar", "@direction": "rtl"}}, id="direction"
    ),
    pytest.param({"@reverse": {"ex:parentOf": {"@id": "urn:child"}}}, id="reverse"),
    pytest.param({"@included": [{"@id": "urn:other", "ex:name": "o"}]}, id="included"),
]


@pytest.mark.parametrize("subject", HANDED_TO_PYLD)
def test_json_ld_beyond_the_walk_is_handed_to_pyld(subject: dict[str, Any]) -> None:
    engine = default_engine()
    document = _doc(subject)
    assert expanded_quads(engine.expand(document)) is None
    assert engine.canonicalize(document) == plain_pyld_canonicalize(document, engine.loader)


PYLD_RULES = [
    pytest.param({"ex:n": [1, 1.0, 2.5, 2.5, 10**21, 3.0e21]}, id="numbers-1-equals-1.0"),
    pytest.param({"ex:n": [True, 1, 0, False, "true", "1"]}, id="booleans-are-not-numbers"),
    pytest.param(
        {
            "ex:n": [
                {"@value": "true", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
                True,
                True,
            ]
        },
        id="same-text-different-values",
    ),
    pytest.param(
        {
            "ex:d": [
                {"@value": "2.50", "@type": "http://www.w3.org/2001/XMLSchema#double"},
                {"@value": "x", "@type": "http://www.w3.org/2001/XMLSchema#double"},
            ]
        },
        id="string-doubles",
    ),
    pytest.param(
        {"ex:s": ["tab\there", 'quote " and \\ back', "new\nline\r", "ünïcode ✓", ""]},
        id="escapes",
    ),
    pytest.param(
        {
            "ex:l": [
                {"@value": "hallo", "@language": "nl"},
                {"@value": "hallo", "@language": "nl"},
                {"@value": "hallo", "@language": "en"},
                "hallo",
            ]
        },
        id="languages",
    ),
    pytest.param(
        {
            "ex:a": [
                {"@id": "urn:same", "ex:name": "one"},
                {"@id": "urn:same", "ex:name": "two"},
                {"@id": "urn:same", "ex:name": "one"},
            ],
            "ex:b": {"@id": "urn:same", "@type": ["ex:T", "ex:T"]},
        },
        id="merged-nodes",
    ),
    pytest.param(
        {
            "ex:a": {"@id": "_:shared", "ex:name": "s"},
            "ex:b": {"@id": "_:shared"},
            "ex:c": {"@id": "_:b0", "ex:name": "labelled like pyld's own"},
        },
        id="document-blank-labels",
    ),
    pytest.param({"ex:self": {"@id": "_:me", "ex:loop": {"@id": "_:me"}}}, id="self-loop"),
    pytest.param({"ex:empty": [], "ex:nothing": None}, id="empty-values"),
]


@pytest.mark.parametrize("subject", PYLD_RULES)
def test_pyld_duplicate_escape_and_label_rules_are_kept(subject: dict[str, Any]) -> None:
    _assert_all_paths_agree(default_engine(), _doc(subject))


def test_repeated_documents_are_canonicalised_once() -> None:
    engine = JsonLdEngine(StaticDocumentLoader.bundled())
    config = proof_configuration(
        [VC_V2], verification_method=f"{ISSUER}#key-1", created="2026-07-01T09:00:00Z"
    )
    first, second = Meter(DEFAULT_BUDGET), Meter(DEFAULT_BUDGET)
    canonical = engine.canonicalize_repeated(config, meter=first)
    assert canonical == plain_pyld_canonicalize(config, engine.loader)
    assert first.count("max_expansion_steps") > 0
    assert engine.canonicalize_repeated(dict(config), meter=second) == canonical
    assert second.count("max_expansion_steps") == 0  # remembered: no JSON-LD work
    changed = {**config, "created": "2026-07-02T09:00:00Z"}
    assert engine.canonicalize_repeated(changed) == plain_pyld_canonicalize(changed, engine.loader)


def test_repeated_cache_keys_only_plain_json() -> None:
    """A tuple encodes as the same JSON text as a list but is not a JSON-LD array to pyld:
    such a document is never answered from (or put in) the cache."""
    engine = JsonLdEngine(StaticDocumentLoader.bundled())
    config = proof_configuration(
        [VC_V2], verification_method=f"{ISSUER}#key-1", created="2026-07-01T09:00:00Z"
    )
    engine.canonicalize_repeated(config)
    odd = {**config, "@context": (VC_V2,)}
    meter = Meter(DEFAULT_BUDGET)
    with contextlib.suppress(CanonicalizationError):  # whatever pyld makes of it: not a hit
        engine.canonicalize_repeated(odd, meter=meter)
    assert meter.count("max_expansion_steps") > 0


def test_remembered_subtrees_follow_their_context() -> None:
    """The same embedded object under another active context expands differently: the
    subtree memo keys on the context, so each document still equals plain pyld."""
    engine = JsonLdEngine(StaticDocumentLoader.bundled())
    inner = {"ex:name": "gedeeld", "colour": "blue"}
    outputs = []
    for colour in ("https://example.org/a#colour", "https://example.org/b#colour"):
        document = {
            "@context": [VC_V2, {"ex": EX, "colour": colour}],
            "type": ["VerifiableCredential"],
            "issuer": ISSUER,
            "credentialSubject": {"id": SUBJECT, "ex:part": copy.deepcopy(inner)},
        }
        for _ in range(2):  # the second run is served from the memo
            assert engine.canonicalize(document) == plain_pyld_canonicalize(document, engine.loader)
        outputs.append(engine.canonicalize(document))
    assert outputs[0] != outputs[1]


def test_remembered_subtrees_are_copies() -> None:
    engine = JsonLdEngine(StaticDocumentLoader.bundled())
    credential = mbo_certificaat(issuer_id=ISSUER, subject_id=SUBJECT)
    first = engine.expand(credential)
    first[0]["https://www.w3.org/2018/credentials#credentialSubject"].clear()
    assert engine.expand(credential) != first
    assert engine.canonicalize(credential) == plain_pyld_canonicalize(credential, engine.loader)

"""W3C Data Integrity EdDSA Cryptosuites v1.0 test vectors, reproduced byte for byte.

Each intermediate value of the specification's example (canonical document, its hash, proof
configuration, canonical proof configuration, its hash, combined hash, signature in hex and
base58btc, the signed credential) is compared with the published file.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from credentials.canonicalization import JsonLdEngine, plain_pyld_canonicalize
from credentials.contexts import StaticDocumentLoader
from credentials.data_integrity import (
    add_proof,
    canonical_document,
    canonical_proof_configuration,
    hash_data,
    proof_configuration,
    verify_proofs,
)
from credentials.did import StaticDidResolver
from credentials.keys import Ed25519KeyPair

CASES = [
    pytest.param("unsigned.json", "eddsa-rdfc-2022", id="alumni"),
    pytest.param("employmentAuth.json", "eddsa-rdfc-2022/employ", id="employment"),
]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("unsigned_name", "folder"), CASES)
def test_every_intermediate_value_matches(
    unsigned_name: str,
    folder: str,
    vectors_dir: Path,
    vector_engine: JsonLdEngine,
    vector_key: Ed25519KeyPair,
    read_json: Callable[[Path], Any],
) -> None:
    out = vectors_dir / folder
    unsigned = read_json(vectors_dir / unsigned_name)
    expected_config = read_json(out / "proofConfigDataInt.json")

    canon_doc = canonical_document(unsigned, vector_engine)
    assert canon_doc == _text(out / "canonDocDataInt.txt")
    assert hashlib.sha256(canon_doc.encode()).hexdigest() == _text(out / "docHashDataInt.txt")

    config = proof_configuration(
        unsigned["@context"],
        verification_method=expected_config["verificationMethod"],
        proof_purpose=expected_config["proofPurpose"],
        created=expected_config["created"],
    )
    assert config == expected_config

    canon_config = canonical_proof_configuration(config, vector_engine)
    assert canon_config == _text(out / "proofCanonDataInt.txt")
    assert hashlib.sha256(canon_config.encode()).hexdigest() == _text(out / "proofHashDataInt.txt")

    combined = hash_data(canon_config, canon_doc)
    assert combined.hex() == _text(out / "combinedHashDataInt.txt")

    signature = vector_key.sign(combined)
    assert signature.hex() == _text(out / "sigHexDataInt.txt")

    signed = add_proof(
        unsigned,
        vector_key,
        expected_config["verificationMethod"],
        created=expected_config["created"],
        engine=vector_engine,
    )
    assert signed == read_json(out / "signedDataInt.json")
    assert signed["proof"]["proofValue"] == _text(out / "sigBTC58DataInt.txt")


@pytest.mark.parametrize(("unsigned_name", "folder"), CASES)
def test_published_signed_credential_verifies(
    unsigned_name: str,
    folder: str,
    vectors_dir: Path,
    vector_engine: JsonLdEngine,
    read_json: Callable[[Path], Any],
) -> None:
    signed = read_json(vectors_dir / folder / "signedDataInt.json")
    [result] = verify_proofs(signed, resolver=StaticDidResolver(), engine=vector_engine)
    assert result.verified, result.detail
    assert result.controller == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def test_published_signed_credential_fails_when_one_character_changes(
    vectors_dir: Path, vector_engine: JsonLdEngine, read_json: Callable[[Path], Any]
) -> None:
    signed = read_json(vectors_dir / "eddsa-rdfc-2022" / "signedDataInt.json")
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Exampler"
    [result] = verify_proofs(tampered, resolver=StaticDidResolver(), engine=vector_engine)
    assert not result.verified
    assert result.code == "invalid_signature"


def test_proof_set_of_two_independent_proofs_verifies(
    vectors_dir: Path, vector_engine: JsonLdEngine, read_json: Callable[[Path], Any]
) -> None:
    signed = read_json(vectors_dir / "proof-set-chain" / "signedProofSet2.json")
    results = verify_proofs(signed, resolver=StaticDidResolver(), engine=vector_engine)
    assert [r.verified for r in results] == [True, True], [r.detail for r in results]
    assert {r.controller for r in results} == {
        "did:key:z6MktgKTsu1QhX6QPbyqG6geXdw6FQCZBPq7uQpieWbiQiG7",
        "did:key:z6MkhWqdDBPojHA7cprTGTt5yHv5yUi1B8cnXn8ReLumkw6E",
    }


@pytest.mark.parametrize("unsigned_name", ["unsigned.json", "employmentAuth.json"])
def test_cached_engine_equals_plain_pyld_on_vectors(
    unsigned_name: str,
    vectors_dir: Path,
    vector_engine: JsonLdEngine,
    vector_loader: StaticDocumentLoader,
    read_json: Callable[[Path], Any],
) -> None:
    unsigned = read_json(vectors_dir / unsigned_name)
    for _ in range(3):  # later runs are served from the warm caches
        assert vector_engine.canonicalize(unsigned) == plain_pyld_canonicalize(
            unsigned, vector_loader
        )

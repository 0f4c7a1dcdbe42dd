"""Multibase, Multikey and did:key."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credentials.did import (
    StaticDidResolver,
    did_key_document,
    resolve_verification_method,
)
from credentials.errors import DidResolutionError, KeyFormatError, MultibaseError
from credentials.keys import Ed25519KeyPair, public_key_from_multibase
from credentials.multibase import (
    decode_base58btc,
    decode_base64url,
    decode_multibase,
    encode_base58btc,
    encode_base64url,
)

SPEC_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SPEC_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


@given(st.binary(max_size=200))
def test_multibase_round_trips(data: bytes) -> None:
    assert decode_base58btc(encode_base58btc(data)) == data
    assert decode_base64url(encode_base64url(data)) == data
    assert decode_multibase(encode_base58btc(data)) == data
    assert "=" not in encode_base64url(data)


@pytest.mark.parametrize("value", ["", "zO0Il", "abc", "u===", "u+/", 42])
def test_malformed_multibase_is_refused(value: object) -> None:
    with pytest.raises(MultibaseError):
        decode_multibase(value)  # type: ignore[arg-type]


def test_spec_key_pair_round_trips_through_multikey() -> None:
    key = Ed25519KeyPair.from_multibase(SPEC_SECRET)
    assert key.public_multibase == SPEC_PUBLIC
    assert key.secret_multibase == SPEC_SECRET
    assert key.did_key == f"did:key:{SPEC_PUBLIC}"
    assert key.did_key_verification_method == f"did:key:{SPEC_PUBLIC}#{SPEC_PUBLIC}"


def test_secret_never_appears_in_repr() -> None:
    key = Ed25519KeyPair.from_multibase(SPEC_SECRET)
    assert SPEC_SECRET not in repr(key)
    assert key.seed.hex() not in repr(key)


@pytest.mark.parametrize(
    "value",
    [
        SPEC_SECRET,  # a secret key is not a public key
        encode_base58btc(b"\xed\x01" + bytes(31)),  # too short
        encode_base58btc(b"\xe7\x01" + bytes(33)),  # secp256k1 prefix
        "zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76",  # P-256
    ],
)
def test_public_key_parsing_is_strict(value: str) -> None:
    with pytest.raises(KeyFormatError):
        public_key_from_multibase(value)


def test_seed_length_is_checked() -> None:
    with pytest.raises(KeyFormatError):
        Ed25519KeyPair.from_seed(bytes(31))
    with pytest.raises(KeyFormatError):
        Ed25519KeyPair.from_multibase(SPEC_PUBLIC)


def test_did_key_document_and_method_lookup() -> None:
    did = f"did:key:{SPEC_PUBLIC}"
    doc = did_key_document(did)
    vm = f"{did}#{SPEC_PUBLIC}"
    assert doc["id"] == did
    assert doc["assertionMethod"] == [vm]
    resolved = resolve_verification_method(vm, "assertionMethod", StaticDidResolver())
    assert resolved.controller == did
    assert resolved.public_key_multibase == SPEC_PUBLIC


@pytest.mark.parametrize(
    ("vm", "purpose", "reason"),
    [
        (f"did:key:{SPEC_PUBLIC}#other", "assertionMethod", "is not in the DID document"),
        (f"did:key:{SPEC_PUBLIC}#{SPEC_PUBLIC}", "keyAgreement", "not authorised"),
        (f"did:key:{SPEC_PUBLIC}#{SPEC_PUBLIC}", "signing", "unknown proof purpose"),
        (
            "did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76#x",
            "assertionMethod",
            "Ed25519",
        ),
        ("did:web:school.example#key-1", "assertionMethod", "no DID document is known"),
        ("https://school.example/key", "assertionMethod", "DID URL"),
    ],
)
def test_method_lookup_failures_have_reasons(vm: str, purpose: str, reason: str) -> None:
    with pytest.raises(DidResolutionError, match=reason):
        resolve_verification_method(vm, purpose, StaticDidResolver())


def test_static_resolver_checks_document_id_and_controller() -> None:
    key = Ed25519KeyPair.from_multibase(SPEC_SECRET)
    did = "did:web:school.example"
    good: dict[str, Any] = {
        "id": did,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_multibase,
            }
        ],
        "assertionMethod": ["#key-1"],
    }
    resolver = StaticDidResolver({did: good})
    assert (
        resolve_verification_method(f"{did}#key-1", "assertionMethod", resolver).controller == did
    )
    wrong_controller = {
        **good,
        "verificationMethod": [
            {**good["verificationMethod"][0], "controller": "did:web:evil.example"}
        ],
    }
    with pytest.raises(DidResolutionError, match="not controlled"):
        resolve_verification_method(
            f"{did}#key-1", "assertionMethod", StaticDidResolver({did: wrong_controller})
        )
    with pytest.raises(DidResolutionError, match="does not match"):
        resolve_verification_method(
            f"{did}#key-1", "assertionMethod", StaticDidResolver({did: {**good, "id": "did:web:x"}})
        )

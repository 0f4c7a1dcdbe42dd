"""The issuer's fast paths equal the plain encodings they replace: the cached protected
header, the sliced ES256 DER → R||S, the directly written top-level ``_sd`` array and the
one-pass Disclosure."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given
from hypothesis import strategies as st

from credentials import jws
from credentials.errors import SigningError
from credentials.jwk import P256KeyPair, _raw_signature, b64url_decode, b64url_encode
from credentials.jws import json_bytes, parse_compact, sign_compact, verify_compact
from credentials.sd_jwt import new_disclosure
from credentials.sd_jwt_issuer import Sd, issue_sd_jwt
from credentials.sd_jwt_vc import issue_sd_jwt_vc

KEY = P256KeyPair.generate()
X5C = ["MIIB" + "A" * 3000, "MIIC" + "B" * 3000]


def _fresh_header_segment(header: dict[str, Any], **options: bool) -> str:
    full = {"alg": KEY.alg, **{k: v for k, v in header.items() if k != "alg"}}
    return b64url_encode(json_bytes(full, **options))


@pytest.mark.parametrize(
    "header",
    [
        {"typ": "dc+sd-jwt", "x5c": X5C},
        {"typ": "dc+sd-jwt", "kid": "did:web:x#p256-1"},
        {"x5c": X5C, "typ": "dc+sd-jwt"},  # member order is part of the bytes
        {"alg": "ES256", "typ": "kb+jwt"},
        {"typ": "x", "n": 1},
        {"typ": "x", "n": True},
        {"typ": "x", "n": 1.0},  # not cached (floats), still right
        {"typ": "x", "jwk": KEY.public_jwk},  # not cached (objects), still right
        {"typ": "é"},
    ],
)
@pytest.mark.parametrize("options", [{}, {"compact": True}, {"sort_keys": True}])
def test_a_cached_header_segment_equals_the_fresh_encoding(
    header: dict[str, Any], options: dict[str, bool]
) -> None:
    flags = {
        "compact_json": options.get("compact", False),
        "sort_keys": options.get("sort_keys", False),
    }
    first = sign_compact(header, {"sub": "a"}, KEY, **flags)
    again = sign_compact(header, {"sub": "b"}, KEY, **flags)  # from the cache now
    expected = _fresh_header_segment(header, **options)
    assert first.split(".")[0] == again.split(".")[0] == expected
    assert verify_compact(parse_compact(again), KEY.public_key)


def test_different_headers_give_different_segments() -> None:
    base: dict[str, Any] = {"typ": "dc+sd-jwt", "x5c": X5C}
    variants: list[dict[str, Any]] = [
        base,
        {"typ": "dc+sd-jwt", "x5c": [X5C[0]]},
        {"typ": "dc+sd-jwt", "x5c": [*X5C[:1], X5C[1] + "C"]},
        {"typ": "vc+sd-jwt", "x5c": X5C},
        {"x5c": X5C, "typ": "dc+sd-jwt"},
        {"typ": "x", "n": 1},
        {"typ": "x", "n": True},  # 1 == True, but "1" is not "true"
        {"typ": "x", "n": "1"},
    ]
    segments = [sign_compact(h, {}, KEY).split(".")[0] for h in variants]
    assert len(set(segments)) == len(variants)
    for header, segment in zip(variants, segments, strict=True):
        assert json.loads(b64url_decode(segment)) == {"alg": "ES256", **header}
    other = P256KeyPair.generate()  # another key of the same alg shares the cached segment
    assert sign_compact(base, {}, other).split(".")[0] == segments[0]


def test_the_header_cache_stays_bounded() -> None:
    for n in range(jws._HEADER_CACHE_SIZE + 10):
        sign_compact({"typ": "x", "kid": f"k{n}"}, {}, KEY)
    assert len(jws._header_segments) <= jws._HEADER_CACHE_SIZE


def test_a_mutated_x5c_list_is_not_served_from_the_cache() -> None:
    chain = list(X5C)
    before = sign_compact({"x5c": chain}, {}, KEY).split(".")[0]
    chain.append("MIID")
    after = sign_compact({"x5c": chain}, {}, KEY).split(".")[0]
    assert before != after
    assert json.loads(b64url_decode(after))["x5c"] == chain


def _library_raw(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def test_es256_signatures_convert_as_cryptography_decodes_them() -> None:
    private = KEY.private_key
    for n in range(500):  # about one in two has a leading 0x00 in r or s
        der = private.sign(b"message %d" % n, ec.ECDSA(hashes.SHA256()))
        assert _raw_signature(der) == _library_raw(der)


@given(st.integers(1, 2**256 - 1), st.integers(1, 2**256 - 1))
def test_der_of_any_width_converts_like_the_library(r: int, s: int) -> None:
    der = encode_dss_signature(r, s)  # short r/s, high bits set, leading zeros dropped
    assert _raw_signature(der) == r.to_bytes(32, "big") + s.to_bytes(32, "big")


def test_the_payload_with_a_written_sd_array_is_json_dumps() -> None:
    claims = {"iss": "https://i.example", "a": Sd("x"), "b": Sd(2), "o": {"c": Sd(None)}}
    issued = issue_sd_jwt(claims, KEY, holder_jwk=KEY.public_jwk, decoys=3)
    signed = b64url_decode(issued.issuer_jwt.split(".")[1])
    assert signed == json.dumps(issued.payload).encode("ascii")


def test_a_callers_odd_decoy_falls_back_to_the_json_encoder() -> None:
    odd = iter(['q"uote', "back\\slash", "ü"])
    issued = issue_sd_jwt({"a": Sd("x")}, KEY, decoys=3, decoy=odd.__next__)
    signed = b64url_decode(issued.issuer_jwt.split(".")[1])
    assert signed == json.dumps(issued.payload).encode("ascii")
    assert 'q"uote' in issued.payload["_sd"]


SCALARS = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())


@given(st.text(), st.one_of(st.none(), st.text()), st.one_of(SCALARS, st.lists(SCALARS)))
def test_a_disclosure_is_json_dumps_of_its_contents(
    salt: str, name: str | None, value: Any
) -> None:
    made = new_disclosure(salt, name, value)
    contents = [salt, value] if name is None else [salt, name, value]
    assert b64url_decode(made.encoded) == json.dumps(contents).encode("ascii")
    assert (made.salt, made.name, made.value) == (salt, name, value)


def test_registered_claims_among_the_claims_are_refused_by_name() -> None:
    with pytest.raises(SigningError, match=r"\['iss', 'sub'\] are parameters"):
        issue_sd_jwt_vc(
            vct="https://v.example", iss="https://i.example", claims={"sub": "s", "iss": "x"},
            signer=KEY, iat=1_700_000_000,
        )  # fmt: skip

"""RFC 9901 vectors (``../shared/vectors/sd-jwt``): Disclosures, digests and payload bytes
byte for byte; ECDSA signatures, KB-JWTs and processed payloads by verification."""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credentials.jwk import P256KeyPair, b64url_encode
from credentials.jws import parse_compact, verify_compact
from credentials.sd_jwt import Disclosure, parse_sd_jwt, sd_hash
from credentials.sd_jwt_holder import KeyBindingRequest, present
from credentials.sd_jwt_issuer import Sd, issue_sd_jwt
from credentials.sd_jwt_verifier import KeyBindingPolicy, verify_sd_jwt

from .sd_vectors import (
    SD_JWT,
    SD_JWT_VC,
    disclosed_paths,
    load_examples,
    load_settings,
    load_spec,
    salts,
)

EXAMPLES = load_examples(SD_JWT / "rfc9901-examples.json")
VC_EXAMPLES = load_examples(SD_JWT_VC / "sd-jwt-vc-examples.json")
SETTINGS = load_settings(SD_JWT)
VC_SETTINGS = load_settings(SD_JWT_VC)
ISSUER = P256KeyPair.from_jwk(SETTINGS["key_settings"]["issuer_keys"][0])
HOLDER = P256KeyPair.from_jwk(SETTINGS["key_settings"]["holder_key"])
KB_NOW = {"simple_presentation": 1748536865}


def _issuer_key(_header: Any, _payload: Any) -> Any:
    return ISSUER.public_key


def _all_disclosure_entries() -> list[dict[str, Any]]:
    examples = chain(EXAMPLES.values(), VC_EXAMPLES.values())
    return [d for e in examples for d in e.get("disclosures", [])]


@pytest.mark.parametrize("entry", _all_disclosure_entries(), ids=lambda e: e["digest"][:8])
def test_every_vector_disclosure_and_digest_is_reproduced(entry: dict[str, Any]) -> None:
    made = Disclosure.create(entry["claim_name"], entry["value"], salt=entry["salt"])
    assert made.encoded == entry["disclosure"]
    assert made.digest == entry["digest"]
    decoded = Disclosure.decode(entry["disclosure"])
    assert (decoded.salt, decoded.name, decoded.value) == (
        entry["salt"],
        entry["claim_name"],
        entry["value"],
    )


def test_hand_written_encoding_variants_decode_alike_with_their_own_digests() -> None:
    data = json.loads((SD_JWT / "rfc9901-examples.json").read_text(encoding="utf-8"))
    mobius = [e for e in data["disclosure_encoding_examples"] if e["section"] == "4.2.1"]
    decoded = [Disclosure.decode(e["disclosure"]) for e in mobius]
    assert {(d.salt, d.name, d.value) for d in decoded} == {tuple(mobius[0]["contents"])}
    for entry, d in zip(mobius, decoded, strict=True):
        assert d.digest == entry.get("digest", entry.get("digest_computed_here"))


ISSUANCE = [
    # (example id, examples, specification file, settings)
    ("simple", EXAMPLES, SD_JWT / "simple.specification.yml", SETTINGS),
    ("arf-pid", EXAMPLES, SD_JWT / "arf-pid.specification.yml", SETTINGS),
    ("01", VC_EXAMPLES, SD_JWT_VC / "01.specification.yml", VC_SETTINGS),
    ("03-pid", VC_EXAMPLES, SD_JWT_VC / "03-pid.specification.yml", VC_SETTINGS),
]


@pytest.mark.parametrize(("example_id", "examples", "spec_path", "settings"), ISSUANCE)
def test_issuance_reproduces_header_payload_and_disclosures_byte_for_byte(
    example_id: str, examples: dict[str, Any], spec_path: Any, settings: dict[str, Any]
) -> None:
    example = examples[example_id]
    spec = load_spec(spec_path)
    claims = {
        "iss": settings["identifiers"]["issuer"],
        "iat": settings["iat"],
        "exp": settings["exp"],
        **spec["user_claims"],
    }
    holder = None
    if spec.get("key_binding"):
        holder = HOLDER.public_jwk
    issued = issue_sd_jwt(
        claims,
        ISSUER,
        # the generator's default typ, then the example's own header parameters
        header={"typ": "example+sd-jwt", **spec.get("extra_header_parameters", {})},
        holder_jwk=holder,
        salt=salts(example["disclosures"]).__next__,
    )
    expected_jwt = example["sd_jwt"].split("~")[0]
    head, body, _signature = issued.issuer_jwt.split(".")
    assert f"{head}.{body}" == expected_jwt.rsplit(".", 1)[0]
    assert issued.payload == example["issuer_signed_jwt_payload"]
    assert [d.encoded for d in issued.disclosures] == [
        d["disclosure"] for d in example["disclosures"]
    ]
    # everything but the (randomised) ECDSA signature is identical
    assert issued.compact.split("~")[1:] == example["sd_jwt"].split("~")[1:]
    assert verify_compact(parse_compact(issued.issuer_jwt), ISSUER.public_key)


def test_decoy_digests_are_placed_as_in_a1() -> None:
    example = EXAMPLES["simple_structured"]
    decoys = iter(example["decoy_digests"])
    payload = example["issuer_signed_jwt_payload"]
    counts: dict[tuple[object, ...], int] = {(): 2, ("address",): 4}
    # A.1 has no specification file in the folder: every member disclosable, address open
    user = example["user_claims"]
    claims: dict[str, Any] = {
        "iss": "https://issuer.example.com",
        "iat": 1683000000,
        "exp": 1883000000,
    }
    for key, value in user.items():
        if key == "address":
            claims[key] = {k: Sd(v) for k, v in value.items()}
        else:
            claims[key] = Sd(value)
    issued = issue_sd_jwt(
        claims,
        ISSUER,
        salt=salts(example["disclosures"]).__next__,
        decoys=lambda path: counts.get(path, 0),
        decoy=decoys.__next__,
    )
    assert json.dumps(issued.payload) == json.dumps(payload)


PRESENTATIONS = [
    (EXAMPLES, "simple_presentation", SETTINGS),
    (EXAMPLES, "simple_structured", SETTINGS),
    (EXAMPLES, "complex_ekyc", SETTINGS),
    (EXAMPLES, "arf-pid", SETTINGS),
    (EXAMPLES, "jsonld", SETTINGS),
    (VC_EXAMPLES, "01_presentation", VC_SETTINGS),
    (VC_EXAMPLES, "02_presentation", VC_SETTINGS),
    (VC_EXAMPLES, "03-pid", VC_SETTINGS),
]


@pytest.mark.parametrize(("examples", "example_id", "settings"), PRESENTATIONS)
def test_presentations_verify_to_the_processed_payload(
    examples: dict[str, Any], example_id: str, settings: dict[str, Any]
) -> None:
    example = examples[example_id]
    policy = None
    if "kb_jwt_payload" in example:
        kb = example["kb_jwt_payload"]
        policy = KeyBindingPolicy(
            audience=settings["identifiers"]["verifier"],
            nonce=settings["key_binding_nonce"],
            now=kb["iat"],
        )
    result = verify_sd_jwt(example["presentation"], _issuer_key, key_binding=policy)
    assert result.ok, result.reason
    assert json.dumps(result.claims) == json.dumps(example["processed_payload"])
    assert result.payload == example["issuer_signed_jwt_payload"]
    if policy is not None:
        assert result.key_binding == example["kb_jwt_payload"]


def test_nl_wallet_resigned_5_2_verifies_with_its_own_kb_jwt() -> None:
    token = (SD_JWT / "with_kb.jwt").read_text(encoding="utf-8").strip()
    kb_payload = parse_compact(token.rsplit("~", 1)[1]).payload
    assert kb_payload["iat"] == 1740818271
    policy = KeyBindingPolicy(
        audience="https://verifier.example.org", nonce="1234567890", now=1740818271
    )
    result = verify_sd_jwt(token, _issuer_key, key_binding=policy)
    assert result.ok, result.reason
    assert result.claims == EXAMPLES["simple_presentation"]["processed_payload"]


def test_nl_wallet_invalid_disclosure_is_rejected() -> None:
    token = (SD_JWT / "invalid_disclosure.jwt").read_text(encoding="utf-8").strip()
    assert verify_compact(parse_compact(parse_sd_jwt(token).issuer_jwt), ISSUER.public_key)
    result = verify_sd_jwt(token, _issuer_key)
    assert not result.ok
    assert result.code == "disclosure_unreferenced"


@pytest.mark.parametrize(
    ("examples", "example_id", "spec_path"),
    [
        (EXAMPLES, "arf-pid", SD_JWT / "arf-pid.specification.yml"),
        (VC_EXAMPLES, "03-pid", SD_JWT_VC / "03-pid.specification.yml"),
        (EXAMPLES, "simple_presentation", SD_JWT / "simple.specification.yml"),
    ],
)
def test_holder_chooses_the_vector_disclosures_and_binds_them(
    examples: dict[str, Any], example_id: str, spec_path: Any
) -> None:
    example = examples[example_id]
    sd_jwt = example.get("sd_jwt") or EXAMPLES["simple"]["sd_jwt"]  # 5.2 presents 5.1
    frame = load_spec(spec_path)["holder_disclosed_claims"]
    request = KeyBindingRequest(HOLDER, "https://verifier.example", "n-0S6_WzA2Mj", 1_800_000_000)
    shown = present(sd_jwt, select=disclosed_paths(frame), key_binding=request)
    parts = parse_sd_jwt(shown)
    assert set(parts.disclosures) == set(example["presented_disclosures"])
    kb = parse_compact(parts.kb_jwt)
    assert kb.header == {"alg": "ES256", "typ": "kb+jwt"}
    assert kb.payload["sd_hash"] == sd_hash(parts.without_kb)
    policy = KeyBindingPolicy("https://verifier.example", "n-0S6_WzA2Mj", now=1_800_000_010)
    result = verify_sd_jwt(shown, _issuer_key, key_binding=policy)
    assert result.ok, result.reason
    assert json.dumps(result.claims, sort_keys=True) == json.dumps(
        example["processed_payload"], sort_keys=True
    )


@settings(max_examples=200, deadline=None)
@given(
    name=st.none() | st.text(max_size=8),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=8,
    ),
)
def test_disclosure_encoding_is_json_dumps_for_any_value(name: str | None, value: Any) -> None:
    contents = ["salt", value] if name is None else ["salt", name, value]
    made = Disclosure.create(name, value, salt="salt")
    assert made.encoded == b64url_encode(json.dumps(contents).encode("utf-8"))

"""Bitstring Status List v1.0: bit order, encoding, entries, list credentials and checks."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credentials.contexts import VC_V2
from credentials.errors import StatusListError
from credentials.multibase import encode_base64url
from credentials.status_list import (
    MIN_ENTRIES,
    StatusList,
    build_status_entry,
    build_status_list_credential,
    check_status,
    decode_list,
    encode_list,
)

# The encodedList of the spec's BitstringStatusListCredential example: 16 KB of zeros.
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
LIST_URL = "https://school.example/status/1"
ISSUER = "did:web:school.example"
JULY = datetime(2025, 7, 1, 9, 30, tzinfo=UTC)
EMPTY = StatusList.new()


def list_credential(bits: StatusList, purpose: str | list[str] = "revocation") -> dict[str, Any]:
    return build_status_list_credential(
        list_id=LIST_URL,
        issuer=ISSUER,
        purpose=purpose,
        encoded_list=bits.encode(),
        valid_from=JULY,
    )


def entry(index: int, purpose: str = "revocation") -> dict[str, Any]:
    return build_status_entry(list_credential_url=LIST_URL, index=index, purpose=purpose)


# --- encoding ----------------------------------------------------------------------------


def test_spec_example_decodes_to_16kb_of_zeros() -> None:
    bits = decode_list(SPEC_EXAMPLE)
    assert bits == bytes(16 * 1024)


def test_empty_list_encodes_exactly_as_the_spec_example() -> None:
    assert encode_list(bytes(16 * 1024)) == SPEC_EXAMPLE
    assert EMPTY.encode() == SPEC_EXAMPLE


def test_encoding_is_gzip_in_multibase_base64url() -> None:
    encoded = EMPTY.set(3, True).encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert not set(encoded[1:]) - set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert decode_list(encoded)[0] == 0b0001_0000


def test_bit_zero_is_the_most_significant_bit_of_the_first_byte() -> None:
    bits = EMPTY.set(0, True).bitstring
    assert bits[0] == 0x80
    assert bits[1:] == bytes(len(bits) - 1)
    last = EMPTY.set(len(EMPTY) - 1, True).bitstring
    assert last[-1] == 0x01
    assert EMPTY.set(9, True).bitstring[1] == 0x40


def test_encode_refuses_lists_below_the_minimum() -> None:
    with pytest.raises(StatusListError, match="at least 131072 entries"):
        encode_list(bytes(16 * 1024 - 1))
    with pytest.raises(StatusListError, match="bitstring is bytes"):
        encode_list("not bytes")  # type: ignore[arg-type]


def test_decode_refuses_short_lists() -> None:
    short = encode_base64url(gzip.compress(bytes(1024)))
    with pytest.raises(StatusListError, match="too short: 8192 entries, at least 131072"):
        decode_list(short)
    assert len(decode_list(short, min_entries=8192)) == 1024


def test_decode_length_check_uses_status_size() -> None:
    with pytest.raises(StatusListError, match="too short: 65536 entries"):
        decode_list(SPEC_EXAMPLE, status_size=2)


def test_decode_zip_bomb_guard() -> None:
    bomb = encode_base64url(gzip.compress(bytes(64 * 1024 * 1024)))
    assert len(bomb) < 100_000
    with pytest.raises(StatusListError, match="expands to more than"):
        decode_list(bomb)
    just_over = encode_base64url(gzip.compress(bytes(20_001)))
    with pytest.raises(StatusListError, match="expands to more than 20000 bytes"):
        decode_list(just_over, max_bytes=20_000, min_entries=0)
    assert len(decode_list(just_over, max_bytes=20_001, min_entries=0)) == 20_001


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        ("zABC", "not multibase base64url"),
        ("uAAA=", "not multibase base64url"),
        (encode_base64url(b"x"), "GZIP data"),
        (encode_base64url(b"not gzip at all, just bytes"), "not GZIP data"),
        (encode_base64url(gzip.compress(bytes(16384))[:-12]), "truncated"),
        (encode_base64url(gzip.compress(bytes(16384)) + b"junk"), "data after the GZIP"),
        (encode_base64url(gzip.compress(bytes(16384)) * 2), "data after the GZIP"),
    ],
)
def test_decode_refuses_malformed_lists(encoded: str, reason: str) -> None:
    with pytest.raises(StatusListError, match=reason):
        decode_list(encoded)


def test_decode_refuses_non_strings() -> None:
    with pytest.raises(StatusListError, match="must be a string"):
        decode_list(None)  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=512), st.integers(0, 16 * 1024), st.integers(0, 1024))
def test_encode_decode_round_trip(noise: bytes, offset: int, extra: int) -> None:
    bits = bytearray(16 * 1024 + extra)
    bits[offset : offset + len(noise)] = noise
    assert decode_list(encode_list(bits)) == bytes(bits)


# --- bit operations ----------------------------------------------------------------------


def test_new_list_defaults() -> None:
    assert len(EMPTY) == MIN_ENTRIES == EMPTY.length
    assert len(EMPTY.bitstring) == 16 * 1024
    assert not any(EMPTY.get(i) for i in (0, 1, 7, 8, MIN_ENTRIES - 1))
    with pytest.raises(StatusListError, match="at least 131072"):
        StatusList.new(MIN_ENTRIES - 1)
    assert len(StatusList.new(MIN_ENTRIES + 1)) == MIN_ENTRIES + 8  # whole bytes


@pytest.mark.parametrize("index", [0, 1, 7, 8, MIN_ENTRIES - 1])
def test_set_and_get_edges(index: int) -> None:
    changed = EMPTY.set(index, True)
    assert changed.get(index)
    assert sum(bin(b).count("1") for b in changed.bitstring) == 1
    assert not EMPTY.get(index)  # the original list is unchanged
    assert not changed.set(index, False).get(index)


@pytest.mark.parametrize("index", [MIN_ENTRIES, MIN_ENTRIES + 1, -1, -MIN_ENTRIES])
def test_index_out_of_range(index: int) -> None:
    with pytest.raises(StatusListError, match=r"outside the status list \(0 to 131071\)"):
        EMPTY.get(index)
    with pytest.raises(StatusListError, match="outside the status list"):
        EMPTY.set(index, True)


@pytest.mark.parametrize("index", [True, 1.0, "1", None])
def test_index_must_be_an_int(index: object) -> None:
    with pytest.raises(StatusListError, match="index is an integer"):
        EMPTY.get(index)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [2, -1, "1", None])
def test_value_must_fit(value: object) -> None:
    with pytest.raises(StatusListError, match="does not fit in 1 bit"):
        EMPTY.set(5, value)  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(st.integers(0, MIN_ENTRIES - 1), st.booleans(), max_size=30),
    st.integers(0, MIN_ENTRIES - 1),
)
def test_set_get_round_trip(updates: dict[int, bool], probe: int) -> None:
    bits = EMPTY.set_many(updates)
    for index, value in updates.items():
        assert bits.get(index) is value
    if probe not in updates:
        assert not bits.get(probe)
    assert StatusList.decode(bits.encode()) == bits


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from([2, 3, 4, 8]),
    st.dictionaries(st.integers(0, MIN_ENTRIES - 1), st.integers(0, 255), max_size=10),
)
def test_multi_bit_entries_round_trip(size: int, raw: dict[int, int]) -> None:
    updates = {i: v % (1 << size) for i, v in raw.items()}
    bits = StatusList.new(status_size=size).set_many(updates)
    assert len(bits) == MIN_ENTRIES
    for index, value in updates.items():
        assert bits.get_value(index) == value
    assert StatusList.decode(bits.encode(), status_size=size) == bits


def test_multi_bit_layout_is_most_significant_bit_first() -> None:
    bits = StatusList.new(status_size=2).set(1, 0b10)
    assert bits.bitstring[0] == 0b0010_0000
    with pytest.raises(StatusListError, match="does not fit in 2 bit"):
        bits.set(0, 4)


def test_status_size_bounds() -> None:
    with pytest.raises(StatusListError, match="statusSize"):
        StatusList(bytes(16384), 0)
    with pytest.raises(StatusListError, match="statusSize"):
        StatusList(bytes(16384), True)


# --- entries and list credentials --------------------------------------------------------


def test_build_status_entry() -> None:
    assert entry(94567) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"index": -1}, "non-negative integer"),
        ({"index": True}, "non-negative integer"),
        ({"purpose": ""}, "statusPurpose"),
        ({"entry_id": LIST_URL}, "must not be the URL of the status list"),
        ({"list_credential_url": ""}, "must be a URL"),
    ],
)
def test_build_status_entry_refuses_misuse(kwargs: dict[str, Any], reason: str) -> None:
    args: dict[str, Any] = {"list_credential_url": LIST_URL, "index": 1, "purpose": "revocation"}
    with pytest.raises(StatusListError, match=reason):
        build_status_entry(**(args | kwargs))


def test_build_status_list_credential_matches_the_spec_shape() -> None:
    credential = build_status_list_credential(
        list_id=LIST_URL,
        issuer=ISSUER,
        purpose="revocation",
        encoded_list=SPEC_EXAMPLE,
        valid_from=datetime(2025, 7, 1, 11, 30, tzinfo=timezone(timedelta(hours=2))),
        valid_until=datetime(2026, 7, 1, tzinfo=UTC),
        ttl_ms=300_000,
    )
    assert credential == {
        "@context": [VC_V2],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-07-01T09:30:00Z",
        "validUntil": "2026-07-01T00:00:00Z",
        "credentialSubject": {
            "id": LIST_URL + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": SPEC_EXAMPLE,
            "ttl": 300_000,
        },
    }


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"list_id": "did:web:school.example"}, "http"),
        ({"purpose": []}, "purpose"),
        ({"encoded_list": "uAAAA"}, "GZIP"),
        ({"valid_from": datetime(2025, 7, 1)}, "timezone-aware"),
        ({"valid_until": JULY}, "later than valid_from"),
        ({"ttl_ms": 0}, "ttl_ms"),
    ],
)
def test_build_status_list_credential_refuses_misuse(kwargs: dict[str, Any], reason: str) -> None:
    args: dict[str, Any] = {
        "list_id": LIST_URL,
        "issuer": ISSUER,
        "purpose": "revocation",
        "encoded_list": SPEC_EXAMPLE,
        "valid_from": JULY,
    }
    with pytest.raises(StatusListError, match=reason):
        build_status_list_credential(**(args | kwargs))


# --- check_status ------------------------------------------------------------------------


def test_check_status_revoked_and_not_revoked() -> None:
    credential = list_credential(EMPTY.set(94567, True))
    revoked = check_status(entry(94567), credential)
    assert revoked.is_set
    assert not revoked.valid
    assert (revoked.purpose, revoked.index, revoked.status) == ("revocation", 94567, 1)
    assert revoked.status_list_credential == LIST_URL
    fine = check_status(entry(94566), credential)
    assert fine.valid
    assert fine.status == 0


@pytest.mark.parametrize("index", [0, MIN_ENTRIES - 1])
def test_check_status_edge_indices(index: int) -> None:
    assert check_status(entry(index), list_credential(EMPTY.set(index, True))).is_set


def test_check_status_index_beyond_the_list() -> None:
    with pytest.raises(StatusListError, match="outside the status list"):
        check_status(entry(MIN_ENTRIES), list_credential(EMPTY))


def test_check_status_purpose_must_match() -> None:
    with pytest.raises(StatusListError, match="not for purpose 'suspension'"):
        check_status(entry(5, "suspension"), list_credential(EMPTY.set(5, True)))


def test_check_status_list_with_several_purposes() -> None:
    credential = list_credential(EMPTY.set(5, True), ["revocation", "suspension"])
    assert check_status(entry(5, "suspension"), credential).is_set


def test_check_status_suspension_is_reversible() -> None:
    suspended = EMPTY.set(7, True)
    assert check_status(entry(7, "suspension"), list_credential(suspended, "suspension")).is_set
    lifted = suspended.set(7, False)
    assert check_status(entry(7, "suspension"), list_credential(lifted, "suspension")).valid


def broken(change: dict[str, Any], subject_change: dict[str, Any] | None = None) -> Any:
    credential = list_credential(EMPTY)
    credential.update(change)
    if subject_change is not None:
        credential["credentialSubject"] = credential["credentialSubject"] | subject_change
    return credential


@pytest.mark.parametrize(
    ("credential", "reason"),
    [
        (broken({"type": ["VerifiableCredential"]}), "not a BitstringStatusListCredential"),
        (broken({"id": "https://evil.example/status/1"}), "but the entry points at"),
        (broken({"credentialSubject": "x"}), "no BitstringStatusList subject"),
        (broken({}, {"type": "StatusList2021"}), "no BitstringStatusList subject"),
        (broken({}, {"encodedList": 42}), "no encodedList string"),
        (broken({}, {"encodedList": "uAAAA"}), "not GZIP"),
        (broken({}, {"encodedList": encode_base64url(gzip.compress(bytes(100)))}), "too short"),
        ("not a credential", "must be an object"),
    ],
)
def test_check_status_refuses_bad_list_credentials(credential: Any, reason: str) -> None:
    with pytest.raises(StatusListError, match=reason):
        check_status(entry(1), credential)


def test_check_status_accepts_list_credential_without_id() -> None:
    credential = list_credential(EMPTY.set(1, True))
    del credential["id"]
    assert check_status(entry(1), credential).is_set


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": "StatusList2021Entry"}, "not supported"),
        ({"statusPurpose": None}, "statusPurpose"),
        ({"statusListIndex": 5}, "base-10 integer in a string"),
        ({"statusListIndex": "-1"}, "base-10 integer in a string"),
        ({"statusListIndex": "0x10"}, "base-10 integer in a string"),
        ({"statusListIndex": " 5"}, "base-10 integer in a string"),
        ({"statusListIndex": "05"}, "base-10 integer in a string"),
        ({"statusListIndex": ""}, "base-10 integer in a string"),
        ({"statusListIndex": "9" * 40}, "base-10 integer in a string"),
        ({"statusListCredential": None}, "must be a URL"),
        ({"id": LIST_URL}, "must not be the URL of the status list"),
        ({"statusSize": 0}, "statusSize"),
        ({"statusSize": "1"}, "statusSize"),
        ({"statusSize": 2}, "statusMessage is required"),
        ({"statusMessage": [{"status": "0x0"}]}, "list of 2 entries"),
    ],
)
def test_check_status_refuses_bad_entries(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(StatusListError, match=reason):
        check_status(entry(1) | change, list_credential(EMPTY))


def test_check_status_refuses_non_object_entry() -> None:
    with pytest.raises(StatusListError, match="must be an object"):
        check_status("entry", list_credential(EMPTY))  # type: ignore[arg-type]


def test_check_status_multi_bit_message() -> None:
    bits = StatusList.new(status_size=2).set(10, 2)
    credential = build_status_list_credential(
        list_id=LIST_URL,
        issuer=ISSUER,
        purpose="message",
        encoded_list=bits.encode(),
        valid_from=JULY,
    )
    messages = [
        {"status": "0x0", "message": "pending_review"},
        {"status": "0x1", "message": "accepted"},
        {"status": "0x2", "message": "rejected"},
        {"status": "0x3", "message": "undefined"},
    ]
    status_entry = entry(10, "message") | {"statusSize": 2, "statusMessage": messages}
    result = check_status(status_entry, credential)
    assert (result.status, result.message, result.is_set) == (2, "rejected", True)
    assert (
        check_status(
            entry(11, "message") | status_entry | {"statusListIndex": "11"}, credential
        ).message
        == "pending_review"
    )


def test_a_message_entry_names_every_value() -> None:
    entry = build_status_entry(
        list_credential_url=LIST_URL, index=3, purpose="message", status_size=2,
        messages=["valid", "suspended", "revoked", "revoked"],
    )  # fmt: skip
    assert entry["statusSize"] == 2
    assert [m["status"] for m in entry["statusMessage"]] == ["0x0", "0x1", "0x2", "0x3"]
    for size, messages in ((2, ["a", "b"]), (2, None), (1, ["a", ""]), (17, ["a"] * (1 << 17))):
        with pytest.raises(StatusListError):
            build_status_entry(
                list_credential_url=LIST_URL, index=3, purpose="message",
                status_size=size, messages=messages,
            )  # fmt: skip


# --- statusSize wider than 1 bit (§2.1, Validate Algorithm) -------------------------------


def _messages(size: int) -> list[str]:
    return [f"state-{value}" for value in range(1 << size)]


@pytest.mark.parametrize("size", [2, 3, 9, 16])
def test_every_entry_width_is_read_at_index_times_size(size: int) -> None:
    top = (1 << size) - 1
    bits = StatusList.new(status_size=size).set_many({0: top, 5: 1, MIN_ENTRIES - 1: top - 1})
    assert len(bits.bitstring) == MIN_ENTRIES * size // 8  # 131,072 entries of ``size`` bits
    credential = list_credential(bits, "message")
    for index, value in ((0, top), (5, 1), (6, 0), (MIN_ENTRIES - 1, top - 1)):
        status_entry = build_status_entry(
            list_credential_url=LIST_URL, index=index, purpose="message",
            status_size=size, messages=_messages(size),
        )  # fmt: skip
        result = check_status(status_entry, credential)
        assert (result.status, result.message) == (value, f"state-{value}")
        assert result.valid is (value == 0)


def test_a_wide_entry_reads_its_neighbours_bits_apart() -> None:
    """Entry 1 of a 3-bit list is bits 3-5; set bits of entries 0 and 2 around it do not leak."""
    bits = StatusList.new(status_size=3).set_many({0: 0b111, 1: 0b010, 2: 0b111})
    assert bits.bitstring[:2] == bytes([0b111_010_11, 0b1_0000000])
    assert [bits.get_value(i) for i in range(4)] == [7, 2, 7, 0]


def test_a_list_long_enough_for_one_bit_is_too_short_for_two() -> None:
    one_bit = StatusList.new()  # 16 KB
    with pytest.raises(StatusListError, match="32768 bytes for 2-bit entries"):
        encode_list(one_bit.bitstring, status_size=2)
    two_bit_entry = build_status_entry(
        list_credential_url=LIST_URL, index=3, purpose="message", status_size=2,
        messages=_messages(2),
    )  # fmt: skip
    with pytest.raises(StatusListError, match="too short: 65536 entries"):  # LENGTH_ERROR
        check_status(two_bit_entry, list_credential(one_bit, "message"))


def test_an_index_past_a_wide_list_is_a_range_error() -> None:
    bits = StatusList.new(status_size=2)
    two_bit_entry = build_status_entry(
        list_credential_url=LIST_URL, index=MIN_ENTRIES, purpose="message", status_size=2,
        messages=_messages(2),
    )  # fmt: skip
    with pytest.raises(StatusListError, match="outside the status list"):
        check_status(two_bit_entry, list_credential(bits, "message"))


def test_without_status_messages_one_bit_is_set_or_unset() -> None:
    credential = list_credential(EMPTY.set(4, True), "message")
    assert check_status(entry(4, "message"), credential).message == "set"
    assert check_status(entry(5, "message"), credential).message == "unset"
    assert check_status(entry(4, "message"), credential).outcome is None  # shown, not decided


def test_a_one_bit_entry_may_name_its_messages() -> None:
    named = entry(4, "message") | {
        "statusMessage": [{"status": "0x0", "message": "valid"},
                          {"status": "0x1", "message": "revoked"}],
    }  # fmt: skip
    result = check_status(named, list_credential(EMPTY.set(4, True), "message"))
    assert (result.message, result.outcome) == ("revoked", "revocation")


WIDE: dict[str, Any] = {
    "statusSize": 2,
    "statusMessage": [{"status": hex(v), "message": "m"} for v in range(4)],
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"statusSize": -2}, "greater than zero"),
        ({"statusSize": 17}, "not supported"),
        ({"statusSize": 2.0}, "integer greater than zero"),
        ({"statusMessage": [*WIDE["statusMessage"][:3], "0x3"]}, "must be an object"),
        ({"statusMessage": [*WIDE["statusMessage"][:3], {"status": "0x3"}]}, "message string"),
        ({"statusMessage": [*WIDE["statusMessage"][:3], {"status": "3", "message": "m"}]}, "0x"),
        ({"statusMessage": [*WIDE["statusMessage"][:3], {"status": 3, "message": "m"}]}, "0x"),
        ({"statusReference": 42}, "statusReference"),
        ({"statusReference": []}, "statusReference"),
        ({"statusReference": ["https://example.org/d", "not a url"]}, "statusReference"),
    ],
)
def test_wide_entries_must_be_well_formed(change: dict[str, Any], reason: str) -> None:
    bad = entry(1, "message") | WIDE | change
    with pytest.raises(StatusListError, match=reason):
        check_status(bad, list_credential(StatusList.new(status_size=2), "message"))


def test_status_reference_may_be_one_url_or_several() -> None:
    credential = list_credential(StatusList.new(status_size=2), "message")
    for reference in ("https://example.org/status-dictionary/", ["https://a.example/", "urn:x:y"]):
        assert check_status(entry(1, "message") | WIDE | {"statusReference": reference}, credential)

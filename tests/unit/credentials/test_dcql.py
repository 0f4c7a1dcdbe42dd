"""DCQL on the wallet's side (OpenID4VP 1.0 §6, §7): the published example queries, matching
by ``vct_values`` / ``type_values``, claims paths, ``values``, ``claim_sets``,
``credential_sets``, and refusals of malformed and over-budget queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credentials.dcql import (
    DcqlBudgets,
    DcqlError,
    HeldCredential,
    check_selection,
    match_credential,
    match_query,
    parse_dcql,
    select_path,
)

VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors" / "openid4vc"
PID = "https://credentials.example.com/identity_credential"


def _vector(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return data


def _pid(ref: str = "pid-1", vct: str = PID, **extra: Any) -> HeldCredential:
    claims = {
        "vct": vct,
        "given_name": "John",
        "family_name": "Doe",
        "address": {"street_address": "123 Main St", "locality": "Anytown", "region": "Anystate"},
        "postal_code": "90210",
        "locality": "Anytown",
        "region": "Anystate",
        "date_of_birth": "1940-01-01",
        "nationalities": ["US", "DE"],
        **extra,
    }
    return HeldCredential(ref, "dc+sd-jwt", claims, vct=vct)


def test_simple_vector_matches_the_pid_with_its_three_claims() -> None:
    query = parse_dcql(_vector("dcql_simple.json"))
    match = match_query(query, [_pid()])
    assert match.satisfied
    [candidate] = match.candidates["my_credential"]
    assert [c.path for c in candidate.claims] == [
        ("family_name",),
        ("given_name",),
        ("address", "street_address"),
    ]


def test_other_vct_or_format_does_not_match() -> None:
    query = parse_dcql(_vector("dcql_simple.json"))
    other = _pid(vct="https://other.example/pid")
    ldp = HeldCredential("x", "ldp_vc", dict(_pid().claims), types=frozenset({"X"}))
    match = match_query(query, [other, ldp])
    assert not match.satisfied
    assert match.candidates["my_credential"] == []


def test_missing_claim_means_no_match() -> None:
    query = parse_dcql(_vector("dcql_simple.json"))
    held = _pid()
    claims = dict(held.claims)
    del claims["address"]
    assert (
        match_credential(query.credentials[0], HeldCredential("p", "dc+sd-jwt", claims, PID))
        is None
    )


def test_value_matching_needs_type_and_value() -> None:
    query = parse_dcql(_vector("dcql_value_matching_simple.json"))
    assert match_query(query, [_pid()]).satisfied
    assert not match_query(query, [_pid(family_name="Smith")]).satisfied
    assert not match_query(query, [_pid(postal_code=90210)]).satisfied  # int, not "90210"


def test_claim_sets_first_satisfiable_set_wins() -> None:
    query = parse_dcql(_vector("dcql_claims_alternatives.json"))
    [candidate] = match_query(query, [_pid()]).candidates["pid"]
    assert [c.id for c in candidate.claims] == ["a", "c", "d", "e"]
    claims = dict(_pid().claims)
    del claims["region"]
    second = match_credential(query.credentials[0], HeldCredential("p", "dc+sd-jwt", claims, PID))
    assert second is not None
    assert [c.id for c in second.claims] == ["a", "b", "e"]
    del claims["postal_code"]
    assert (
        match_credential(query.credentials[0], HeldCredential("p", "dc+sd-jwt", claims, PID))
        is None
    )


def _paths(query_claims: Any, ids: str) -> list[tuple[Any, ...]]:
    return [c.path for c in query_claims if c.id in ids]


def test_a_selection_answers_only_when_it_holds_a_claim_set() -> None:
    """§6.4.1: unticking claims may leave a choice that meets none of the claim sets; the
    check says so and names the fewest claims to add, of a set the credential can meet."""
    query = parse_dcql(_vector("dcql_claims_alternatives.json")).credentials[0]
    claims = query.claims or ()
    everything = _pid().claims
    whole = check_selection(query, everything, _paths(claims, "abcde"))
    assert [c.id for c in whole.met or ()] == ["a", "c", "d", "e"]  # the verifier's preference
    second = check_selection(query, everything, _paths(claims, "abe"))
    assert [c.id for c in second.met or ()] == ["a", "b", "e"]
    short = check_selection(query, everything, _paths(claims, "acd"))
    assert short.met is None
    assert [c.id for c in short.missing] == ["e"]  # one claim away from the first set
    nearer_second = check_selection(query, everything, _paths(claims, "b"))
    assert nearer_second.met is None
    assert [c.id for c in nearer_second.missing] == ["a", "e"]  # the second set is nearer
    # a set the credential cannot meet is never what the person is told to complete
    no_region = {k: v for k, v in everything.items() if k != "region"}
    assert [c.id for c in check_selection(query, no_region, _paths(claims, "ac")).missing] == [
        "b", "e"]  # fmt: skip
    assert check_selection(query, no_region, _paths(claims, "acde")).met is None
    assert check_selection(query, {}, []).missing == ()  # nothing it could meet at all


def test_without_claim_sets_every_claim_is_needed_and_without_claims_none() -> None:
    query = parse_dcql(_vector("dcql_simple.json")).credentials[0]
    paths = [c.path for c in query.claims or ()]
    assert check_selection(query, _pid().claims, paths).met == tuple(query.claims or ())
    short = check_selection(query, _pid().claims, paths[1:])
    assert short.met is None
    assert [c.path for c in short.missing] == [paths[0]]
    bare = parse_dcql(_one()).credentials[0]
    assert check_selection(bare, _pid().claims, []).met == ()


def test_credential_sets_options_and_optional_set() -> None:
    query = parse_dcql(_vector("dcql_credentials_alternatives.json"))
    reduced_1 = _pid("r1", "https://credentials.example.com/reduced_identity_credential")
    reduced_2 = _pid("r2", "https://cred.example/residence_credential")
    match = match_query(query, [reduced_1, reduced_2])
    assert match.satisfied
    assert match.options == (("pid_reduced_cred_1", "pid_reduced_cred_2"), None)
    assert match.answers(["pid_reduced_cred_1", "pid_reduced_cred_2"])
    assert not match.answers(["pid_reduced_cred_1"])
    only_one = match_query(query, [reduced_1])
    assert not only_one.satisfied
    assert match_query(query, [_pid()]).options == (("pid",), None)


def test_without_sets_every_query_is_needed() -> None:
    query = parse_dcql(
        {
            "credentials": [
                {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": [PID]}},
                {"id": "b", "format": "ldp_vc", "meta": {"type_values": [["X", "Y"]]}},
            ]
        }
    )
    vc = HeldCredential("vc", "ldp_vc", {"type": ["X", "Y", "Z"]}, types=frozenset({"X", "Y", "Z"}))
    assert match_query(query, [_pid(), vc]).satisfied
    assert not match_query(query, [_pid()]).satisfied
    [candidate] = match_query(query, [_pid(), vc]).candidates["a"]
    assert candidate.claims == ()  # no claims asked: nothing selectively disclosable
    narrow = HeldCredential("n", "ldp_vc", {}, types=frozenset({"X"}))
    assert match_query(query, [_pid(), narrow]).candidates["b"] == []


def test_select_path_members_indexes_and_wildcards() -> None:
    claims = _pid().claims
    assert select_path(claims, ("nationalities", None)) == ["US", "DE"]
    assert select_path(claims, ("nationalities", 1)) == ["DE"]
    assert select_path(claims, ("nationalities", 5)) == []
    assert select_path(claims, ("address", "locality")) == ["Anytown"]
    assert select_path(claims, ("given_name", "x")) == []


def _one(**query: Any) -> dict[str, Any]:
    base = {"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [PID]}}
    return {"credentials": [{**base, **query}]}


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"credentials": []},
        {"credentials": [{"id": "q"}]},
        {"credentials": [{"id": "bad id!", "format": "dc+sd-jwt", "meta": {"vct_values": [PID]}}]},
        {"credentials": [{"id": "q", "format": "dc+sd-jwt"}]},  # meta is required
        {"credentials": [{"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": []}}]},
        {"credentials": [{"id": "q", "format": "ldp_vc", "meta": {"type_values": ["X"]}}]},
        _one(claims=[]),
        _one(claims=[{"path": []}]),
        _one(claims=[{"path": ["a", -1]}]),
        _one(claims=[{"path": ["a", True]}]),
        _one(claims=[{"path": ["a"], "values": [1.5]}]),
        _one(claims=[{"path": ["a"], "id": "x"}], claim_sets=[["y"]]),
        _one(claim_sets=[["x"]]),
        _one(multiple="yes"),
        {**_one(), "credential_sets": [{"options": [["nope"]]}]},
        {**_one(), "credential_sets": [{"options": []}]},
        {
            "credentials": [
                {"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [PID]}},
                {"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [PID]}},
            ]
        },
        "not json",
        [1, 2],
    ],
)
def test_malformed_queries_are_refused(value: Any) -> None:
    with pytest.raises(DcqlError) as caught:
        parse_dcql(value)
    assert caught.value.code == "invalid"


@pytest.mark.parametrize(
    "value",
    [
        {"credentials": [_one()["credentials"][0] | {"id": f"q{i}"} for i in range(17)]},
        _one(claims=[{"path": [f"c{i}"]} for i in range(65)]),
        _one(claims=[{"path": ["a"] * 17}]),
        _one(claims=[{"path": ["a"], "values": list(range(33))}]),
        _one(meta={"vct_values": [PID] * 17}),
        _one(padding="x" * 40_000),
    ],
)
def test_queries_over_budget_are_refused(value: Any) -> None:
    with pytest.raises(DcqlError) as caught:
        parse_dcql(value)
    assert caught.value.code == "over_budget"


def test_budgets_are_parameters() -> None:
    query = _one(claims=[{"path": ["a"]}, {"path": ["b"]}])
    parse_dcql(query)
    with pytest.raises(DcqlError):
        parse_dcql(query, DcqlBudgets(max_claims=1))


def test_deeply_nested_json_text_is_refused_not_crashing() -> None:
    with pytest.raises(DcqlError):
        parse_dcql("[" * 100_000)


def test_module_example_runs() -> None:
    import doctest

    import credentials.dcql

    result = doctest.testmod(credentials.dcql)
    assert result.attempted > 0
    assert result.failed == 0


def test_claims_paths_are_processed_to_the_letter_of_section_7() -> None:
    claims = {"a": [{"b": 1}, 2], "o": {"k": "v"}, "list": [[1, 2], [3]]}
    # an element of the wrong kind on the way is an error, not a partial selection
    assert select_path(claims, ("a", None, "b")) == []
    assert select_path(claims, ("o", None)) == []
    assert select_path(claims, ("o", 0)) == []
    assert select_path(claims, ("list", None, 0)) == [1, 3]
    assert select_path(claims, ("list", None, 1)) == [2]  # the short array drops out
    assert select_path(claims, ("list", None, 5)) == []


def test_claim_sets_need_an_id_on_every_claim_and_duplicates_are_ignored() -> None:
    with pytest.raises(DcqlError):
        parse_dcql(_one(claims=[{"path": ["given_name"], "id": "g"}, {"path": ["region"]}],
                        claim_sets=[["g"]]))  # fmt: skip
    query = parse_dcql(_one(claims=[{"path": ["given_name"]}, {"path": ["given_name"]}]))
    candidate = match_credential(query.credentials[0], _pid())
    assert candidate is not None
    assert [c.path for c in candidate.claims] == [("given_name",)]


def _issued_under(root_name: str) -> tuple[list[str], str]:
    """An ``x5c`` (leaf only) under a fresh dev root, and the root's key id (base64url)."""
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from credentials.x509_dev_ca import create_leaf, create_root_ca

    root = create_root_ca(root_name)
    leaf = create_leaf(root, "issuer", organization="School")
    der = leaf.certificate.public_bytes(serialization.Encoding.DER)
    ski = x509.SubjectKeyIdentifier.from_public_key(root.key.public_key)  # RFC 5280 method 1
    key_id = base64.urlsafe_b64encode(ski.digest).rstrip(b"=").decode()
    return [base64.b64encode(der).decode()], key_id


def test_trusted_authorities_aki_is_matched_against_the_x5c_chain() -> None:
    from credentials.dcql import authority_key_ids

    x5c, key_id = _issued_under("trusted root")
    other_x5c, other_id = _issued_under("another root")
    assert authority_key_ids(x5c) == {key_id}
    assert authority_key_ids(["not base64!"]) == frozenset()
    assert authority_key_ids("nope") == frozenset()
    trusted = HeldCredential(
        "t", "dc+sd-jwt", _pid().claims, PID, authority_key_ids=authority_key_ids(x5c)
    )
    foreign = HeldCredential(
        "f", "dc+sd-jwt", _pid().claims, PID, authority_key_ids=authority_key_ids(other_x5c)
    )
    bare = _pid("b")  # no x5c at all
    query = parse_dcql(_one(trusted_authorities=[{"type": "aki", "values": [key_id]}]))
    found = match_query(query, [trusted, foreign, bare]).candidates["q"]
    assert [c.ref for c in found] == ["t"]
    # a type this wallet cannot evaluate never matches; any matching entry is enough
    mixed = parse_dcql(_one(trusted_authorities=[
        {"type": "etsi_tl", "values": ["https://lotl.example.com"]},
        {"type": "aki", "values": [other_id]},
    ]))  # fmt: skip
    assert [c.ref for c in match_query(mixed, [trusted, foreign]).candidates["q"]] == ["f"]
    only_tl = parse_dcql(_one(trusted_authorities=[{"type": "etsi_tl", "values": ["x"]}]))
    assert match_query(only_tl, [trusted]).candidates["q"] == []


@pytest.mark.parametrize(
    "authorities",
    [[], "aki", [{"type": "aki"}], [{"type": "aki", "values": []}], [{"values": ["x"]}],
     [{"type": "aki", "values": [1]}], ["aki"]],
)  # fmt: skip
def test_malformed_trusted_authorities_are_refused(authorities: Any) -> None:
    with pytest.raises(DcqlError) as caught:
        parse_dcql(_one(trusted_authorities=authorities))
    assert caught.value.code == "invalid"

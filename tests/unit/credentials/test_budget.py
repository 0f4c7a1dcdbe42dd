"""Work budgets: poison graphs and context bombs are refused quickly, naming the limit;
documents within budget canonicalise to exactly what plain pyld gives."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.budget import (
    DEFAULT_BUDGET,
    Budget,
    Meter,
    budget_failure,
    check_document,
    exceeded_limit,
)
from credentials.canonicalization import JsonLdEngine, default_engine, plain_pyld_canonicalize
from credentials.contexts import VC_V2, StaticDocumentLoader
from credentials.data_integrity import add_proof, verify_proofs
from credentials.did import StaticDidResolver
from credentials.errors import BudgetExceededError, SigningError
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.results import Outcome
from credentials.verification import sign_presentation, verify_credential, verify_presentation
from tests.hostile import context_bomb, fake_proof, poison_credential, poison_nodes

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(32)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
RESOLVER = StaticDidResolver()
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CREATED = "2026-07-01T09:00:00Z"
# A hang guard only: each of these takes milliseconds; unbounded, the poison graph takes minutes.
HANG_GUARD_S = 30.0


def _timed(fn: Any) -> Any:
    start = time.monotonic()
    result = fn()
    assert time.monotonic() - start < HANG_GUARD_S
    return result


def _limit_of(exc_info: pytest.ExceptionInfo[BudgetExceededError]) -> tuple[str, int | float]:
    return exc_info.value.limit, exc_info.value.value


def test_poison_graph_is_refused_inside_hash_n_degree_quads() -> None:
    with pytest.raises(BudgetExceededError) as caught:
        _timed(lambda: default_engine().canonicalize(poison_credential(SCHOOL, proof=False)))
    assert _limit_of(caught) == ("max_permutations", DEFAULT_BUDGET.max_permutations)
    assert "max_permutations" in str(caught.value)


def test_a_poison_graph_is_refused_before_its_permutations_are_tried() -> None:
    """The look ahead in Hash N-Degree Quads: an 8-clique's first run would try 7! = 5,040
    permutations, so it is refused before the first one (nothing charged, a few ms)."""
    meter = Meter()
    with pytest.raises(BudgetExceededError) as caught:
        default_engine().canonicalize(poison_credential(SCHOOL, proof=False), meter=meter)
    assert _limit_of(caught) == ("max_permutations", DEFAULT_BUDGET.max_permutations)
    assert meter.count("max_permutations") == 0


@pytest.mark.parametrize(("allowed", "passes"), [(556, True), (555, False)])
def test_the_look_ahead_refuses_nothing_the_count_would_allow(allowed: int, passes: bool) -> None:
    """A 4-clique tries exactly 556 permutations: a budget of 556 passes (with pyld's bytes),
    555 does not."""
    document = poison_credential(SCHOOL, n=4, proof=False)
    meter = Meter(Budget(max_permutations=allowed))
    if passes:
        ours = default_engine().canonicalize(document, meter=meter)
        assert ours == plain_pyld_canonicalize(document, default_engine().loader)
        assert meter.count("max_permutations") == 556
    else:
        with pytest.raises(BudgetExceededError) as caught:
            default_engine().canonicalize(document, meter=meter)
        assert _limit_of(caught) == ("max_permutations", 555)


def test_n_degree_call_limit_is_counted_per_document() -> None:
    document = poison_credential(SCHOOL, n=3, proof=False)
    with pytest.raises(BudgetExceededError) as caught:
        default_engine().canonicalize(document, Budget(max_ndegree_calls=1))
    assert _limit_of(caught) == ("max_ndegree_calls", 1)


def test_blank_node_limit() -> None:
    document = poison_credential(SCHOOL, n=3, proof=False)
    with pytest.raises(BudgetExceededError) as caught:
        default_engine().canonicalize(document, Budget(max_blank_nodes=2))
    assert _limit_of(caught) == ("max_blank_nodes", 2)


def test_cpu_budget() -> None:
    document = poison_credential(SCHOOL, n=6, proof=False)
    budget = Budget(max_cpu_seconds=0.0, max_permutations=10**9, max_ndegree_calls=10**9)
    with pytest.raises(BudgetExceededError) as caught:
        default_engine().canonicalize(document, budget)
    assert _limit_of(caught) == ("max_cpu_seconds", 0.0)


@pytest.mark.parametrize(
    ("n", "budget"),
    [
        (2, DEFAULT_BUDGET),
        (3, DEFAULT_BUDGET),
        (4, DEFAULT_BUDGET),
        (5, Budget(max_permutations=5_000)),
    ],
)
def test_small_cliques_within_budget_give_the_plain_pyld_bytes(n: int, budget: Budget) -> None:
    """N-Degree Quads runs for these, through the metered path: same bytes as plain pyld.
    (A 5-clique needs 4,565 permutations: over the default budget, within a raised one.)"""
    document = poison_credential(SCHOOL, n=n, proof=False)
    meter = Meter(budget)
    ours = default_engine().canonicalize(document, meter=meter)
    assert ours == plain_pyld_canonicalize(document, default_engine().loader)
    assert meter.count("max_ndegree_calls") > 0
    assert meter.count("max_blank_nodes") == n + 1  # the credential node has no id either


def test_five_blank_nodes_pointing_at_each_other_are_refused_by_default() -> None:
    with pytest.raises(BudgetExceededError) as caught:
        default_engine().canonicalize(poison_credential(SCHOOL, n=5, proof=False))
    assert _limit_of(caught) == ("max_permutations", DEFAULT_BUDGET.max_permutations)


def test_honest_credential_needs_no_n_degree_work() -> None:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    meter = Meter()
    default_engine().canonicalize(credential, meter=meter)
    assert meter.count("max_ndegree_calls") == 0
    assert meter.count("max_permutations") == 0
    assert 0 < meter.count("max_expansion_steps") < DEFAULT_BUDGET.max_expansion_steps // 10


def test_context_bomb_is_refused_before_expansion() -> None:
    meter = Meter()
    with pytest.raises(BudgetExceededError) as caught:
        _timed(lambda: default_engine().canonicalize(context_bomb(SCHOOL), meter=meter))
    assert _limit_of(caught) == ("max_contexts", DEFAULT_BUDGET.max_contexts)
    assert meter.count("max_expansion_steps") == 0  # refused before any JSON-LD work


def test_nested_contexts_count_too() -> None:
    subjects = [{"@context": [VC_V2], "id": f"did:example:{i}"} for i in range(40)]
    with pytest.raises(BudgetExceededError) as caught:
        check_document({"@context": [VC_V2], "credentialSubject": subjects})
    assert caught.value.limit == "max_contexts"


@pytest.mark.parametrize(
    ("document", "limit"),
    [
        ({"a": list(range(DEFAULT_BUDGET.max_array_items + 1))}, "max_array_items"),
        ({"a": [[0] * 900 for _ in range(120)]}, "max_nodes"),
        ({"a": [[[[[[0]]]]]]}, "max_depth"),
    ],
)
def test_structural_limits(document: Any, limit: str) -> None:
    budget = Budget(max_depth=5) if limit == "max_depth" else DEFAULT_BUDGET
    with pytest.raises(BudgetExceededError) as caught:
        check_document(document, budget)
    assert caught.value.limit == limit


def test_expansion_steps_are_metered() -> None:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    # a fresh engine: a warm one serves repeated subtrees from its memo, with fewer steps
    engine = JsonLdEngine(StaticDocumentLoader.bundled())
    with pytest.raises(BudgetExceededError) as caught:
        engine.canonicalize(credential, Budget(max_expansion_steps=10))
    assert _limit_of(caught) == ("max_expansion_steps", 10)


def test_a_spent_meter_stays_spent() -> None:
    meter = Meter(Budget(max_blank_nodes=2))
    with pytest.raises(BudgetExceededError):
        default_engine().canonicalize(poison_credential(SCHOOL, n=3, proof=False), meter=meter)
    honest = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    with pytest.raises(BudgetExceededError) as caught:
        default_engine().canonicalize(honest, meter=meter)
    assert caught.value.limit == "max_blank_nodes"


def test_unknown_limit_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown budget limit"):
        DEFAULT_BUDGET.value("max_fun")
    assert exceeded_limit("budget_exceeded:max_fun") is None
    assert exceeded_limit("invalid_signature") is None
    assert exceeded_limit("budget_exceeded:max_permutations") == "max_permutations"


def test_verify_credential_reports_the_poison_graph_as_a_failed_proof_check() -> None:
    result = _timed(
        lambda: verify_credential(poison_credential(SCHOOL), resolver=RESOLVER, now=NOW)
    )
    proof = result.check("proof")
    assert proof is not None
    assert (proof.outcome, proof.code) == (Outcome.FAILED, "budget_exceeded:max_permutations")
    assert budget_failure(result.checks) == proof
    assert not result.verified


def test_verify_credential_reports_the_context_bomb_as_a_failed_format_check() -> None:
    result = verify_credential(context_bomb(SCHOOL), resolver=RESOLVER, now=NOW)
    assert [(c.name, c.code) for c in result.checks] == [("format", "budget_exceeded:max_contexts")]


def test_verify_credential_budget_is_overridable_per_call() -> None:
    credential = add_proof(
        mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key),
        SCHOOL,
        SCHOOL.did_key_verification_method,
        created=CREATED,
    )
    assert verify_credential(credential, resolver=RESOLVER, now=NOW).verified
    tight = verify_credential(
        credential, resolver=RESOLVER, now=NOW, budget=Budget(max_expansion_steps=5)
    )
    failure = budget_failure(tight.checks)
    assert failure is not None
    assert failure.code == "budget_exceeded:max_expansion_steps"


def test_too_many_proofs_are_refused_before_any_work() -> None:
    credential = poison_credential(SCHOOL, n=2, proof=False)
    credential["proof"] = [fake_proof(SCHOOL, id=f"urn:p:{i}") for i in range(17)]
    results = verify_proofs(credential, resolver=RESOLVER)
    assert [r.code for r in results] == ["budget_exceeded:max_proofs"]


def test_presentation_carrying_a_poison_graph_fails_within_one_budget() -> None:
    vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": STUDENT.did_key,
        "verifiableCredential": [poison_credential(SCHOOL)],
        "proof": fake_proof(STUDENT, "authentication", challenge="c", domain="d"),
    }
    result = _timed(
        lambda: verify_presentation(vp, resolver=RESOLVER, now=NOW, challenge="c", domain="d")
    )
    holder = result.check("holder_binding")
    assert holder is not None
    assert holder.code == "budget_exceeded:max_permutations"
    # The presentation's meter is spent, so the credential inside is refused at once too.
    proof = result.credentials[0].check("proof")
    assert proof is not None
    assert proof.code == "budget_exceeded:max_permutations"


def test_honest_presentation_passes_within_the_default_budget() -> None:
    credential = add_proof(
        mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key),
        SCHOOL,
        SCHOOL.did_key_verification_method,
        created=CREATED,
    )
    vp = sign_presentation(
        {
            "@context": [VC_V2],
            "type": ["VerifiablePresentation"],
            "holder": STUDENT.did_key,
            "verifiableCredential": [credential] * 10,
        },
        STUDENT,
        STUDENT.did_key_verification_method,
        challenge="c",
        domain="d",
        created=CREATED,
    )
    result = verify_presentation(vp, resolver=RESOLVER, now=NOW, challenge="c", domain="d")
    assert result.verified
    assert all(budget_failure(c.checks) is None for c in result.credentials)


def test_signing_a_poison_graph_raises_the_budget_error() -> None:
    with pytest.raises(BudgetExceededError) as caught:
        _timed(
            lambda: add_proof(
                poison_credential(SCHOOL, proof=False),
                SCHOOL,
                SCHOOL.did_key_verification_method,
                created=CREATED,
            )
        )
    assert caught.value.limit == "max_permutations"


@pytest.mark.parametrize("previous", [7, 1.5, True, False, {"id": "urn:p:0"}, [1, 2], [], [None]])
def test_previous_proof_of_the_wrong_type_is_a_failed_check(previous: Any) -> None:
    signed = add_proof(
        mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key),
        SCHOOL,
        SCHOOL.did_key_verification_method,
        created=CREATED,
        proof_id="urn:p:0",
    )
    second = dict(signed["proof"], id="urn:p:1", previousProof=previous)
    signed["proof"] = [signed["proof"], second]
    results = verify_proofs(signed, resolver=RESOLVER)
    assert results[0].verified
    assert (results[1].verified, results[1].code) == (False, "malformed_proof")
    result = verify_credential(signed, resolver=RESOLVER, now=NOW)
    proof = result.check("proof")
    assert proof is not None
    assert proof.code == "malformed_proof"


def test_signing_with_a_previous_proof_of_the_wrong_type_is_a_signing_error() -> None:
    with pytest.raises(SigningError, match="previousProof"):
        add_proof(
            mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key),
            SCHOOL,
            SCHOOL.did_key_verification_method,
            created=CREATED,
            previous_proof=[3],  # type: ignore[list-item]
        )


def test_poison_nodes_shape() -> None:
    nodes = poison_nodes(3)
    assert nodes[0] == {"id": "_:b0", "knows": ["_:b1", "_:b2"]}

"""Fuzzing the engine's verify entry points with mutated real documents: no exception escapes.

Seeds are real, valid documents: a credential we issue (with status entries), the W3C
eddsa-rdfc-2022 vectors, a signed presentation, a vc+jwt, a status list credential and DID
documents. Hypothesis applies type swaps, deleted and added keys, deep nesting, huge numbers
and wrong-type proof fields anywhere in them. ``verify_credential`` and
``verify_presentation`` must return structured results; the vc+jwt verifier a failed
``JwtVerification``; the status list decoder and DID parsing only their documented engine
errors (:class:`~credentials.errors.CredentialsError`), never a TypeError or KeyError.
Bounded: 200 examples per test (derandomised), well under a minute.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials.canonicalization import JsonLdEngine
from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof
from credentials.did import StaticDidResolver, did_key_document, resolve_verification_method
from credentials.did_web import build_did_web_document
from credentials.errors import CredentialsError, DidResolutionError
from credentials.examples import mbo_certificaat
from credentials.jose import sign_vc_jwt, verify_vc_jwt
from credentials.keys import Ed25519KeyPair
from credentials.results import Verdict
from credentials.status_list import (
    StatusList,
    build_status_entry,
    build_status_list_credential,
    check_status,
)
from credentials.verification import sign_presentation, verify_credential, verify_presentation

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(32)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CREATED = "2026-07-01T09:00:00Z"
LIST_URL = "https://school.example/status/revocation/1"
WEB_DID = "did:web:school.example"
# FUZZ_EXAMPLES=5000 runs a longer, randomised campaign locally; the suite stays fixed.
_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=_EXAMPLES,
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# What a mutation puts in place of a value: every JSON type, wrong-type proof fields, huge and
# odd numbers, deep nesting, strings that look like the real thing.
_deep: Any = "x"
for _ in range(60):
    _deep = {"a": [_deep]}
REPLACEMENTS: list[Any] = [
    None, True, False, 0, -1, 7, 1.5, 10**40, -(10**40), 1e308, float("-0.0"),
    "", "x", "did:key:z6Mk", "did:web:", "_:b0", "2026-13-45T99:99:99Z", "z" + "1" * 90,
    [], [None], [1, 2], ["a", 3], {}, {"id": 5}, {"type": None}, _deep,
    [VC_V2] * 40, {"@context": {"@vocab": 5}},
]  # fmt: skip


# Proof fields are where verification branches most, so they get mutated most often.
ACTIONS = ["replace", "delete", "add", "wrap", "swap_proof", "swap_proof", "swap_proof"]


ADDED_KEYS = ["@context", "id", "type", "proof", "previousProof", "@id", "@type", "extra",
              "credentialSubject"]  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_paths(value, (*prefix, i)))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> Any:
    """``seed`` with one to three mutations at random places."""
    document = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(ACTIONS))
        if not path:
            if action in ("replace", "wrap"):
                replacement = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
                document = replacement if action == "replace" else [document]
            continue
        parent, key = _parent(document, path), path[-1]
        if action == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            name = draw(st.sampled_from(ADDED_KEYS))
            parent[name] = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
        elif action == "add" and isinstance(parent, list):
            parent.append(copy.deepcopy(draw(st.sampled_from(REPLACEMENTS))))
        elif action == "wrap":
            parent[key] = [parent[key]] if draw(st.booleans()) else {"@value": parent[key]}
        elif action == "swap_proof" and isinstance(document, dict):
            proofs = document.get("proof")
            proof = proofs[0] if isinstance(proofs, list) and proofs else proofs
            if isinstance(proof, dict):
                field = draw(st.sampled_from(["previousProof", "proofValue", "created",
                                              "expires", "verificationMethod", "proofPurpose",
                                              "cryptosuite", "type", "domain", "challenge",
                                              "@context", "id"]))  # fmt: skip
                proof[field] = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
    return document


def _status_list() -> dict[str, Any]:
    unsigned = build_status_list_credential(
        list_id=LIST_URL,
        issuer=SCHOOL.did_key,
        purpose="revocation",
        encoded_list=StatusList.new().set(6, True).encode(),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return add_proof(unsigned, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)


STATUS_LIST = _status_list()
ENTRY = build_status_entry(list_credential_url=LIST_URL, index=5, purpose="revocation")


def _issued() -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    credential["credentialStatus"] = [ENTRY]
    return add_proof(credential, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)


ISSUED = _issued()


def _fetch(url: str) -> Any:
    if url != LIST_URL:
        raise ConnectionError(url)
    return STATUS_LIST


def _never_raises(result: Any) -> None:
    assert result.verdict in set(Verdict)
    json.dumps(result.to_json())  # the result itself is plain data


@pytest.fixture(scope="module")
def w3c_seeds(vectors_dir: Path, read_json: Callable[[Path], Any]) -> list[Any]:
    return [
        read_json(vectors_dir / "eddsa-rdfc-2022" / "signedDataInt.json"),
        read_json(vectors_dir / "proof-set-chain" / "signedProofSet2.json"),
    ]


def test_seeds_verify_before_mutation(w3c_seeds: list[Any], vector_engine: JsonLdEngine) -> None:
    """The fuzzing starts from real, valid documents (so mutations reach deep checks)."""
    resolver = StaticDidResolver()
    result = verify_credential(ISSUED, resolver=resolver, now=NOW, fetch_status_list=_fetch)
    assert result.verdict is Verdict.VALID, result.to_json()
    proofs = verify_credential(w3c_seeds[0], resolver=resolver, now=None, engine=vector_engine)
    assert proofs.check("proof") is not None
    assert proofs.check("proof").code == "ok"  # type: ignore[union-attr]


@FUZZ
@given(data=st.data())
def test_mutated_credentials_never_raise(
    data: st.DataObject, w3c_seeds: list[Any], vector_engine: JsonLdEngine
) -> None:
    seed = data.draw(st.sampled_from([ISSUED, STATUS_LIST, *w3c_seeds]))
    document = data.draw(mutated(seed))
    result = verify_credential(
        document,
        resolver=StaticDidResolver(),
        now=NOW,
        fetch_status_list=_fetch,
        engine=vector_engine,
    )
    _never_raises(result)


def _presentation() -> dict[str, Any]:
    vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": STUDENT.did_key,
        "verifiableCredential": [ISSUED],
    }
    return sign_presentation(vp, STUDENT, STUDENT.did_key_verification_method,
                             challenge="c", domain="d", created=CREATED)  # fmt: skip


PRESENTATION = _presentation()


@FUZZ
@given(document=mutated(PRESENTATION))
def test_mutated_presentations_never_raise(document: Any) -> None:
    result = verify_presentation(
        document,
        resolver=StaticDidResolver(),
        now=NOW,
        challenge="c",
        domain="d",
        fetch_status_list=_fetch,
    )
    _never_raises(result)


UNSIGNED = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
TOKEN = sign_vc_jwt(UNSIGNED, SCHOOL, SCHOOL.did_key_verification_method)


@FUZZ
@given(payload=mutated(UNSIGNED), cut=st.integers(0, len(TOKEN)), junk=st.text(max_size=8))
def test_mutated_vc_jwt_never_raise(payload: Any, cut: int, junk: str) -> None:
    """A validly signed token over a mutated payload, and a damaged token."""
    resolver = StaticDidResolver()
    try:
        token = sign_vc_jwt(payload, SCHOOL, SCHOOL.did_key_verification_method)
    except CredentialsError:
        token = TOKEN
    for candidate in (token, TOKEN[:cut] + junk + TOKEN[cut:]):
        jwt = verify_vc_jwt(candidate, resolver, now=NOW)
        assert isinstance(jwt.verified, bool)
        _never_raises(verify_credential(candidate, resolver=resolver, now=NOW))


@FUZZ
@given(entry=mutated(ENTRY), list_credential=mutated(STATUS_LIST))
def test_status_list_decoder_raises_only_its_own_error(entry: Any, list_credential: Any) -> None:
    for pair in ((entry, STATUS_LIST), (ENTRY, list_credential)):
        with contextlib.suppress(CredentialsError):
            check_status(pair[0], pair[1])


WEB_DOCUMENT = build_did_web_document(WEB_DID, [("key-1", SCHOOL)])


@FUZZ
@given(
    document=mutated(WEB_DOCUMENT),
    did=st.sampled_from([SCHOOL.did_key, WEB_DID, "did:key:", "did:key:zzz", "did:web", "x"]),
    fragment=st.sampled_from(["#key-1", "#", "", "#" + SCHOOL.public_multibase, "#nope"]),
    purpose=st.sampled_from(["assertionMethod", "authentication", "", "capabilityInvocation"]),
)
def test_did_document_parsing_raises_only_engine_errors(
    document: Any, did: str, fragment: str, purpose: str
) -> None:
    resolver = StaticDidResolver({WEB_DID: document} if isinstance(document, dict) else {})
    with contextlib.suppress(CredentialsError):
        resolve_verification_method(did + fragment, purpose, resolver)
    with contextlib.suppress(CredentialsError):
        did_key_document(did)


@pytest.mark.parametrize("field", ["verificationMethod", "assertionMethod"])
@pytest.mark.parametrize("value", [True, 7, "key-1", {"id": "#key-1"}])
def test_did_document_sets_of_the_wrong_type_are_a_resolution_error(field: str, value: Any) -> None:
    """Found by the fuzzing above: ``verificationMethod: true`` raised TypeError."""
    document = {**WEB_DOCUMENT, field: value}
    with pytest.raises(DidResolutionError):
        resolve_verification_method(
            WEB_DID + "#key-1", "assertionMethod", StaticDidResolver({WEB_DID: document})
        )
    with pytest.raises(DidResolutionError, match="not a JSON object"):
        resolve_verification_method(
            WEB_DID + "#key-1",
            "assertionMethod",
            StaticDidResolver({WEB_DID: [1]}),  # type: ignore[dict-item]
        )

"""verify_credential / verify_presentation: every check, with the right outcome and reason."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof
from credentials.did import StaticDidResolver
from credentials.examples import mbo_certificaat
from credentials.jose import enveloped_credential, sign_vc_jwt
from credentials.keys import Ed25519KeyPair
from credentials.results import Outcome, Verdict
from credentials.status_list import StatusList, build_status_entry, build_status_list_credential
from credentials.verification import sign_presentation, verify_credential, verify_presentation

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(32)))
OTHER_SCHOOL = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
STRANGER = Ed25519KeyPair.from_seed(bytes(range(3, 35)))
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CREATED = "2026-07-01T09:00:00Z"
LIST_URL = "https://school.example/status/revocation/1"
SUSPEND_URL = "https://school.example/status/suspension/1"
RESOLVER = StaticDidResolver()
INDEX = 4242


def _status_list_credential(
    url: str, purpose: str, set_index: int | None, signer: Ed25519KeyPair = SCHOOL
) -> dict[str, Any]:
    bits = StatusList.new()
    if set_index is not None:
        bits = bits.set(set_index, True)
    unsigned = build_status_list_credential(
        list_id=url,
        issuer=signer.did_key,
        purpose=purpose,
        encoded_list=bits.encode(),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return add_proof(unsigned, signer, signer.did_key_verification_method, created=CREATED)


def _credential(*, status: bool = True, **changes: Any) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    if status:
        credential["credentialStatus"] = [
            build_status_entry(list_credential_url=LIST_URL, index=INDEX, purpose="revocation"),
            build_status_entry(list_credential_url=SUSPEND_URL, index=INDEX, purpose="suspension"),
        ]
    credential.update(changes)
    return add_proof(credential, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)


class Lists:
    """Status lists an issuer would serve, keyed by URL; a missing URL is 'down'."""

    def __init__(self, lists: Mapping[str, dict[str, Any]]) -> None:
        self.lists = dict(lists)
        self.calls: list[str] = []

    def __call__(self, url: str) -> Mapping[str, Any]:
        self.calls.append(url)
        if url not in self.lists:
            raise ConnectionError(f"{url} is not reachable")
        return self.lists[url]


def _lists(revoked: bool = False, suspended: bool = False) -> Lists:
    return Lists(
        {
            LIST_URL: _status_list_credential(LIST_URL, "revocation", INDEX if revoked else None),
            SUSPEND_URL: _status_list_credential(
                SUSPEND_URL, "suspension", INDEX if suspended else None
            ),
        }
    )


def _outcome(result: Any, name: str) -> tuple[Outcome, str]:
    check = result.check(name)
    assert check is not None, f"no {name} check"
    return check.outcome, check.code


def test_genuine_credential_passes_every_check() -> None:
    fetch = _lists()
    result = verify_credential(_credential(), resolver=RESOLVER, now=NOW, fetch_status_list=fetch)
    assert result.verdict is Verdict.VALID
    assert [c.name for c in result.checks] == [
        "format", "proof", "issuer", "validity", "status", "schema"
    ]  # fmt: skip
    assert [c.outcome for c in result.checks[:5]] == [Outcome.PASSED] * 5
    assert _outcome(result, "schema") == (Outcome.SKIPPED, "no_schema")
    assert fetch.calls == [LIST_URL, SUSPEND_URL]
    assert result.issuer == SCHOOL.did_key


def test_revoked_credential_fails_on_status() -> None:
    result = verify_credential(
        _credential(), resolver=RESOLVER, now=NOW, fetch_status_list=_lists(revoked=True)
    )
    assert result.verdict is Verdict.INVALID
    assert _outcome(result, "status") == (Outcome.FAILED, "revoked")
    assert _outcome(result, "proof") == (Outcome.PASSED, "ok")


def test_suspended_credential_fails_on_status() -> None:
    result = verify_credential(
        _credential(), resolver=RESOLVER, now=NOW, fetch_status_list=_lists(suspended=True)
    )
    assert _outcome(result, "status") == (Outcome.FAILED, "suspension")


MESSAGE_URL = "https://school.example/status/message/1"
MESSAGES = ["valid", "suspended", "revoked", "revoked"]


def _message_case(value: int, messages: list[str] = MESSAGES) -> Any:
    """A credential with one 2-bit ``message`` entry (as the issuer emits) in state ``value``."""
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    credential["credentialStatus"] = build_status_entry(
        list_credential_url=MESSAGE_URL, index=INDEX, purpose="message",
        status_size=2, messages=messages,
    )  # fmt: skip
    signed = add_proof(credential, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)
    bits = StatusList.new(status_size=2).set(INDEX, value).set(INDEX + 1, 3)
    unsigned = build_status_list_credential(
        list_id=MESSAGE_URL, issuer=SCHOOL.did_key, purpose="message",
        encoded_list=bits.encode(), valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    listed = add_proof(unsigned, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)
    return verify_credential(
        signed, resolver=RESOLVER, now=NOW, fetch_status_list=Lists({MESSAGE_URL: listed})
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, (Outcome.PASSED, "ok")),
        (1, (Outcome.FAILED, "suspension")),
        (2, (Outcome.FAILED, "revoked")),
        (3, (Outcome.FAILED, "revoked")),
    ],
)
def test_one_message_entry_carries_revocation_and_suspension(
    value: int, expected: tuple[Outcome, str]
) -> None:
    assert _outcome(_message_case(value), "status") == expected


def test_a_status_message_we_do_not_know_is_shown_not_decided() -> None:
    result = _message_case(2, ["valid", "pending", "under review", "expired soon"])
    assert _outcome(result, "status") == (Outcome.WARNING, "status_message")
    assert "under review" in result.check("status").detail
    assert _outcome(_message_case(0, ["ok", "a", "b", "c"]), "status") == (Outcome.PASSED, "ok")


def test_other_index_revoked_leaves_this_credential_valid() -> None:
    fetch = Lists(
        {
            LIST_URL: _status_list_credential(LIST_URL, "revocation", INDEX + 1),
            SUSPEND_URL: _status_list_credential(SUSPEND_URL, "suspension", INDEX - 1),
        }
    )
    result = verify_credential(_credential(), resolver=RESOLVER, now=NOW, fetch_status_list=fetch)
    assert _outcome(result, "status") == (Outcome.PASSED, "ok")


def test_unreachable_status_list_is_a_warning_never_valid() -> None:
    result = verify_credential(
        _credential(), resolver=RESOLVER, now=NOW, fetch_status_list=Lists({})
    )
    assert result.verdict is Verdict.WARNING
    outcome, code = _outcome(result, "status")
    assert (outcome, code) == (Outcome.WARNING, "status_unavailable")
    assert "not reachable" in (result.check("status") or result.checks[0]).detail


def test_status_list_signed_by_someone_else_is_not_trusted() -> None:
    fetch = Lists(
        {
            LIST_URL: _status_list_credential(LIST_URL, "revocation", None, signer=OTHER_SCHOOL),
            SUSPEND_URL: _status_list_credential(SUSPEND_URL, "suspension", None),
        }
    )
    result = verify_credential(_credential(), resolver=RESOLVER, now=NOW, fetch_status_list=fetch)
    assert _outcome(result, "status") == (Outcome.WARNING, "status_list_untrusted")


def test_tampered_status_list_is_not_trusted() -> None:
    tampered = _status_list_credential(LIST_URL, "revocation", INDEX)
    tampered["credentialSubject"]["encodedList"] = StatusList.new().encode()  # un-revoke
    fetch = Lists({LIST_URL: tampered, SUSPEND_URL: _lists().lists[SUSPEND_URL]})
    result = verify_credential(_credential(), resolver=RESOLVER, now=NOW, fetch_status_list=fetch)
    assert _outcome(result, "status") == (Outcome.WARNING, "status_list_untrusted")


def test_status_without_fetcher_is_a_warning_and_no_status_is_skipped() -> None:
    with_status = verify_credential(_credential(), resolver=RESOLVER, now=NOW)
    assert _outcome(with_status, "status") == (Outcome.WARNING, "status_not_checked")
    without = verify_credential(_credential(status=False), resolver=RESOLVER, now=NOW)
    assert _outcome(without, "status") == (Outcome.SKIPPED, "no_status")
    assert without.verdict is Verdict.VALID


def test_expired_and_not_yet_valid_are_warnings() -> None:
    expired = _credential(status=False, validUntil="2026-08-01T00:00:00Z")
    result = verify_credential(expired, resolver=RESOLVER, now=NOW)
    assert _outcome(result, "validity") == (Outcome.WARNING, "expired")
    assert result.verdict is Verdict.WARNING
    future = _credential(status=False, validFrom="2027-01-01T00:00:00Z")
    assert _outcome(verify_credential(future, resolver=RESOLVER, now=NOW), "validity") == (
        Outcome.WARNING,
        "not_yet_valid",
    )
    within_skew = _credential(status=False, validFrom="2026-11-24T12:03:00Z")
    assert _outcome(verify_credential(within_skew, resolver=RESOLVER, now=NOW), "validity")[0] is (
        Outcome.PASSED
    )


def test_credential_signed_by_another_did_than_its_issuer() -> None:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    forged = add_proof(
        credential, OTHER_SCHOOL, OTHER_SCHOOL.did_key_verification_method, created=CREATED
    )
    result = verify_credential(forged, resolver=RESOLVER, now=NOW)
    assert _outcome(result, "proof") == (Outcome.PASSED, "ok")
    assert _outcome(result, "issuer") == (Outcome.FAILED, "issuer_mismatch")
    assert result.verdict is Verdict.INVALID


def test_unresolvable_issuer() -> None:
    credential = mbo_certificaat(issuer_id="did:web:unknown.example", subject_id=STUDENT.did_key)
    signed = add_proof(credential, SCHOOL, "did:web:unknown.example#key-1", created=CREATED)
    result = verify_credential(signed, resolver=RESOLVER, now=NOW)
    assert _outcome(result, "proof") == (Outcome.FAILED, "unknown_key")
    assert _outcome(result, "issuer") == (Outcome.FAILED, "issuer_unresolved")


def test_tampered_credential_skips_issuer_check() -> None:
    tampered = copy.deepcopy(_credential(status=False))
    tampered["credentialSubject"]["achievement"]["niveau"] = 4
    result = verify_credential(tampered, resolver=RESOLVER, now=NOW)
    assert _outcome(result, "proof") == (Outcome.FAILED, "invalid_signature")
    assert _outcome(result, "issuer") == (Outcome.SKIPPED, "proof_failed")
    assert _outcome(result, "validity") == (Outcome.PASSED, "ok")


SCHEMA_ID = "https://w3id.org/mbo-wallet/schemas/test.json"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["credentialSubject"],
    "properties": {
        "credentialSubject": {
            "type": "object",
            "properties": {
                "achievement": {
                    "type": "object",
                    "properties": {"niveau": {"type": "integer", "minimum": 1, "maximum": 4}},
                }
            },
        }
    },
}


def _lookup(schema_id: str) -> Mapping[str, Any] | None:
    return SCHEMA if schema_id == SCHEMA_ID else None


def test_schema_check() -> None:
    ref = {"id": SCHEMA_ID, "type": "JsonSchema"}
    good = _credential(status=False, credentialSchema=ref)
    result = verify_credential(good, resolver=RESOLVER, now=NOW, schema_lookup=_lookup)
    assert _outcome(result, "schema") == (Outcome.PASSED, "ok")
    bad = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    bad["credentialSubject"]["achievement"]["niveau"] = 7
    bad["credentialSchema"] = ref
    bad = add_proof(bad, SCHOOL, SCHOOL.did_key_verification_method, created=CREATED)
    result = verify_credential(bad, resolver=RESOLVER, now=NOW, schema_lookup=_lookup)
    assert _outcome(result, "schema") == (Outcome.FAILED, "schema_mismatch")
    assert "credentialSubject/achievement/niveau" in (result.check("schema") or bad).detail  # type: ignore[union-attr]
    unknown = _credential(
        status=False, credentialSchema={"id": "https://elsewhere.example/s", "type": "JsonSchema"}
    )
    result = verify_credential(unknown, resolver=RESOLVER, now=NOW, schema_lookup=_lookup)
    assert _outcome(result, "schema") == (Outcome.WARNING, "unknown_schema")


def test_a_string_is_read_as_vc_jwt_and_garbage_fails_on_proof() -> None:
    result = verify_credential("not json-ld", resolver=RESOLVER, now=NOW)
    assert [(c.name, c.outcome) for c in result.checks] == [("proof", Outcome.FAILED)]
    assert result.verdict is Verdict.INVALID


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (["a", "list"], "not_an_object"),
        (None, "not_an_object"),
    ],
)
def test_non_objects_fail_cleanly(document: Any, code: str) -> None:
    result = verify_credential(document, resolver=RESOLVER, now=NOW)
    assert [(c.name, c.code) for c in result.checks] == [("format", code)]
    assert result.verdict is Verdict.INVALID


def test_deeply_nested_and_huge_documents_fail_cleanly() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5000):
        node["x"] = {}
        node = node["x"]
    assert verify_credential(deep, resolver=RESOLVER, now=NOW).checks[0].code == "too_deep"
    huge = _credential(status=False)
    huge["credentialSubject"]["name"] = "x" * 2_000_000
    assert verify_credential(huge, resolver=RESOLVER, now=NOW).checks[0].code == "too_large"


def test_malformed_credential_shape_is_reported_with_every_problem() -> None:
    credential = _credential(status=False)
    credential["validFrom"] = "1 July 2026"
    credential["type"] = ["OpenBadgeCredential"]
    result = verify_credential(credential, resolver=RESOLVER, now=NOW)
    failed = {c.code: c.detail for c in result.checks if c.name == "format"}
    assert set(failed) == {"type_required_missing", "date_invalid"}
    assert all(c.outcome is Outcome.FAILED for c in result.checks if c.name == "format")
    assert "VerifiableCredential" in failed["type_required_missing"]
    assert "/validFrom" in failed["date_invalid"]
    assert "§4.9" in failed["date_invalid"]


def _presentation(*credentials: dict[str, Any], holder: Ed25519KeyPair = STUDENT, **kw: Any) -> Any:
    vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did_key,
        "verifiableCredential": list(credentials),
    }
    return sign_presentation(
        vp,
        holder,
        holder.did_key_verification_method,
        challenge=kw.get("challenge", "c-1"),
        domain=kw.get("domain", "https://employer.example"),
        created="2026-11-24T11:59:00Z",
    )


def _verify_vp(vp: Any, **kw: Any) -> Any:
    options = {"challenge": "c-1", "domain": "https://employer.example", **kw}
    return verify_presentation(
        vp, resolver=RESOLVER, now=NOW, fetch_status_list=_lists(), **options
    )


def test_presentation_by_the_holder_passes() -> None:
    result = _verify_vp(_presentation(_credential(), _credential(status=False)))
    assert result.verdict is Verdict.VALID
    assert result.holder == STUDENT.did_key
    assert _outcome(result, "holder_binding") == (Outcome.PASSED, "ok")
    assert [c.verdict for c in result.credentials] == [Verdict.VALID, Verdict.VALID]
    assert all(_outcome(c, "holder") == (Outcome.PASSED, "ok") for c in result.credentials)


def test_replayed_presentation_wrong_challenge_or_domain_fails() -> None:
    vp = _presentation(_credential())
    assert _outcome(_verify_vp(vp, challenge="c-2"), "holder_binding") == (
        Outcome.FAILED,
        "challenge_mismatch",
    )
    assert _outcome(_verify_vp(vp, domain="https://other.example"), "holder_binding") == (
        Outcome.FAILED,
        "domain_mismatch",
    )


def test_presentation_by_someone_else_than_the_subject_is_flagged() -> None:
    vp = _presentation(_credential(), holder=STRANGER)
    result = _verify_vp(vp)
    assert _outcome(result, "holder_binding") == (Outcome.PASSED, "ok")
    assert _outcome(result.credentials[0], "holder") == (Outcome.WARNING, "not_subject")
    assert result.verdict is Verdict.WARNING


def test_presentation_naming_another_holder_fails() -> None:
    vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": STUDENT.did_key,
        "verifiableCredential": [_credential()],
    }
    signed = sign_presentation(
        vp, STRANGER, STRANGER.did_key_verification_method, challenge="c-1",
        domain="https://employer.example", created=CREATED,
    )  # fmt: skip
    assert _outcome(_verify_vp(signed), "holder_binding") == (Outcome.FAILED, "holder_mismatch")


def test_tampered_credential_inside_a_valid_presentation_is_caught() -> None:
    credential = _credential()
    vp = _presentation(credential)
    vp_tampered = copy.deepcopy(vp)
    vp_tampered["verifiableCredential"][0]["credentialSubject"]["achievement"]["niveau"] = 4
    result = _verify_vp(vp_tampered)
    # the holder's signature covers the embedded credential too
    assert _outcome(result, "holder_binding") == (Outcome.FAILED, "invalid_signature")
    assert _outcome(result.credentials[0], "proof") == (Outcome.FAILED, "invalid_signature")
    assert result.verdict is Verdict.INVALID


def test_unbound_presentation_is_a_warning() -> None:
    vp = _presentation(_credential())
    result = verify_presentation(
        vp, resolver=RESOLVER, now=NOW, challenge=None, domain=None, fetch_status_list=_lists()
    )
    assert _outcome(result, "holder_binding") == (Outcome.WARNING, "unbound")


def test_result_serialises_to_json() -> None:
    result = verify_credential(_credential(status=False), resolver=RESOLVER, now=NOW)
    data = result.to_json()
    assert data["verified"] is True
    assert data["verdict"] == "valid"
    assert {c["check"] for c in data["checks"]} >= {"proof", "issuer", "validity"}


def test_clock_is_a_parameter() -> None:
    credential = _credential(status=False, validUntil="2026-12-01T00:00:00Z")
    before = verify_credential(credential, resolver=RESOLVER, now=NOW)
    after = verify_credential(credential, resolver=RESOLVER, now=NOW + timedelta(days=30))
    assert before.verdict is Verdict.VALID
    assert after.verdict is Verdict.WARNING


def _jwt_credential(**changes: Any) -> str:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    credential["credentialStatus"] = build_status_entry(
        list_credential_url=LIST_URL, index=INDEX, purpose="revocation"
    )
    credential.update(changes)
    return sign_vc_jwt(credential, SCHOOL, SCHOOL.did_key_verification_method)


def test_vc_jwt_gets_the_same_checks() -> None:
    token = _jwt_credential()
    result = verify_credential(token, resolver=RESOLVER, now=NOW, fetch_status_list=_lists())
    assert result.verdict is Verdict.VALID
    assert [c.name for c in result.checks] == [
        "format", "proof", "issuer", "validity", "status", "schema"
    ]  # fmt: skip
    assert result.issuer == SCHOOL.did_key
    revoked = verify_credential(
        token, resolver=RESOLVER, now=NOW, fetch_status_list=_lists(revoked=True)
    )
    assert _outcome(revoked, "status") == (Outcome.FAILED, "revoked")


def test_tampered_vc_jwt_fails_on_proof() -> None:
    header, _payload, signature = _jwt_credential().split(".")
    other = _jwt_credential(name="Diploma Mbo-Verpleegkundige").split(".")[1]
    result = verify_credential(f"{header}.{other}.{signature}", resolver=RESOLVER, now=NOW)
    assert _outcome(result, "proof")[0] is Outcome.FAILED
    assert _outcome(result, "issuer") == (Outcome.SKIPPED, "proof_failed")


def test_enveloped_vc_jwt_inside_a_presentation() -> None:
    vp = _presentation(enveloped_credential(_jwt_credential()))
    result = _verify_vp(vp)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert _outcome(result.credentials[0], "holder") == (Outcome.PASSED, "ok")
    broken = {**enveloped_credential(_jwt_credential()), "id": "data:text/plain,nope"}
    assert verify_credential(broken, resolver=RESOLVER, now=NOW).checks[0].code == (
        "malformed_envelope"
    )


def test_domain_without_challenge_binds_to_the_domain() -> None:
    """A wallet's share link: the verifier knows the domain, not the wallet's challenge."""
    vp = _presentation(_credential())
    bound = verify_presentation(
        vp, resolver=RESOLVER, now=NOW, challenge=None, domain="https://employer.example",
        fetch_status_list=_lists(),
    )  # fmt: skip
    assert _outcome(bound, "holder_binding") == (Outcome.PASSED, "ok")
    elsewhere = verify_presentation(
        vp, resolver=RESOLVER, now=NOW, challenge=None, domain="https://other.example",
        fetch_status_list=_lists(),
    )  # fmt: skip
    assert _outcome(elsewhere, "holder_binding") == (Outcome.FAILED, "domain_mismatch")


class _CountingResolver:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def resolve(self, did: str) -> dict[str, Any]:
        self.calls.append(did)
        return RESOLVER.resolve(did)


def test_a_shared_status_list_is_verified_once_per_presentation() -> None:
    credentials = [
        _credential(id=f"urn:uuid:00000000-0000-4000-8000-00000000000{i}") for i in range(5)
    ]
    vp = _presentation(*credentials)
    resolver = _CountingResolver()
    result = verify_presentation(
        vp, resolver=resolver, now=NOW, challenge="c-1", domain="https://employer.example",
        fetch_status_list=_lists(),
    )  # fmt: skip
    assert result.verdict is Verdict.VALID
    # holder 1 + five credentials + the two status lists once each (not ten times)
    assert len(resolver.calls) == 1 + 5 + 2


def test_status_list_cache_re_verifies_changed_content() -> None:
    from credentials.status_fetching import StatusListCache

    cache = StatusListCache(ttl=60)
    credential = _credential()
    first = verify_credential(
        credential, resolver=RESOLVER, now=NOW, fetch_status_list=_lists(), status_list_cache=cache
    )
    assert _outcome(first, "status") == (Outcome.PASSED, "ok")
    revoked = verify_credential(
        credential,
        resolver=RESOLVER,
        now=NOW,
        fetch_status_list=_lists(revoked=True),
        status_list_cache=cache,
    )
    assert _outcome(revoked, "status") == (Outcome.FAILED, "revoked")
    tampered = _status_list_credential(LIST_URL, "revocation", None)
    tampered["credentialSubject"]["encodedList"] = StatusList.new().set(1, True).encode()
    lists = Lists({LIST_URL: tampered, SUSPEND_URL: _lists().lists[SUSPEND_URL]})
    untrusted = verify_credential(
        credential, resolver=RESOLVER, now=NOW, fetch_status_list=lists, status_list_cache=cache
    )
    assert _outcome(untrusted, "status") == (Outcome.WARNING, "status_list_untrusted")

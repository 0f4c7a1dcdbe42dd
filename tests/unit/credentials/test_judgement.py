"""One verdict (credentials.results.judge) and trust as one of the engine's own checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.contexts import VC_V2
from credentials.data_integrity import add_proof
from credentials.did import StaticDidResolver
from credentials.examples import mbo_certificaat
from credentials.explain import headline, verdict_text
from credentials.jwk import P256KeyPair
from credentials.keys import Ed25519KeyPair
from credentials.results import (
    CheckName,
    CheckResult,
    FindingKind,
    Judgement,
    Outcome,
    PresentationResult,
    Verdict,
    VerificationResult,
    judge,
)
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import issue_sd_jwt_vc, verify_sd_jwt_vc
from credentials.trust_decision import TrustQuery, decide_trust
from credentials.verification import sign_presentation, verify_credential, verify_presentation

SCHOOL = Ed25519KeyPair.from_seed(bytes(range(32)))
STUDENT = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
RESOLVER = StaticDidResolver()


def _check(name: str, outcome: Outcome, code: str) -> CheckResult:
    return CheckResult(CheckName(name), outcome, code, "detail")


def _signed(**changes: Any) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=STUDENT.did_key)
    credential.update(changes)
    vm = SCHOOL.did_key_verification_method
    return add_proof(credential, SCHOOL, vm, created="2026-07-01T09:00:00Z")


class Decider:
    """A trust list of one: what it was asked, and a fixed answer."""

    def __init__(self, outcome: Outcome = Outcome.PASSED, code: str = "ok") -> None:
        self.queries: list[TrustQuery] = []
        self.answer = CheckResult(CheckName.TRUST, outcome, code, "as the list says")

    def __call__(self, query: TrustQuery, /) -> CheckResult:
        self.queries.append(query)
        return self.answer


# --- check names ----------------------------------------------------------------------------


def test_a_check_name_is_one_of_the_check_names() -> None:
    assert CheckResult("status", Outcome.PASSED, "ok", "").name is CheckName.STATUS  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="statsu"):
        CheckResult("statsu", Outcome.PASSED, "ok", "")  # type: ignore[arg-type]


# --- judge ----------------------------------------------------------------------------------


def test_the_verdict_is_the_worst_outcome_and_the_findings_say_why() -> None:
    passed = [_check("proof", Outcome.PASSED, "ok"), _check("status", Outcome.SKIPPED, "x")]
    assert judge(passed) == Judgement(Verdict.VALID)
    warned = judge([*passed, _check("trust", Outcome.WARNING, "unknown_issuer")])
    assert warned.verdict is Verdict.WARNING
    assert warned.finding is not None
    assert warned.finding.kind is FindingKind.NOT_RECOGNISED
    failed = judge([_check("trust", Outcome.WARNING, "unknown_issuer"),
                    _check("status", Outcome.FAILED, "revoked")])  # fmt: skip
    assert failed.verdict is Verdict.INVALID
    assert [f.kind for f in failed.findings] == [FindingKind.REVOKED, FindingKind.NOT_RECOGNISED]


def test_among_several_failures_the_most_telling_comes_first() -> None:
    judgement = judge([
        _check("status", Outcome.FAILED, "revoked"),
        _check("holder_binding", Outcome.FAILED, "kb_nonce"),
        _check("proof", Outcome.FAILED, "invalid_signature"),
    ])  # fmt: skip
    assert [f.kind for f in judgement.findings] == [
        FindingKind.CHANGED, FindingKind.NOT_FROM_HOLDER, FindingKind.REVOKED
    ]  # fmt: skip


def test_a_broken_credential_is_not_headlined_by_its_revocation() -> None:
    """Behaviour change (one verdict): a schema (or format, issuer, type metadata) failure
    with a code of no kind of its own now outranks "revoked". Before, the verifier headlined
    such a credential "Ingetrokken door de uitgever"; the wallet already called it invalid."""
    checks = [_check("schema", Outcome.FAILED, "schema_mismatch"),
              _check("status", Outcome.FAILED, "revoked")]  # fmt: skip
    judgement = judge(checks)
    assert judgement.finding is not None
    assert judgement.finding.kind is FindingKind.MALFORMED
    assert headline(judgement) == verdict_text(Verdict.INVALID)


def test_status_warnings_without_a_kind_of_their_own_are_status_unknown() -> None:
    judgement = judge([_check("status", Outcome.WARNING, "status_list_untrusted")])
    assert judgement.finding is not None
    assert judgement.finding.kind is FindingKind.STATUS_UNKNOWN
    assert headline(judgement) == verdict_text(Verdict.WARNING)  # the page's text is unchanged


def test_results_and_presentations_are_judged_by_the_same_rule() -> None:
    own = (_check("holder_binding", Outcome.PASSED, "ok"),)
    revoked = VerificationResult((_check("status", Outcome.FAILED, "revoked"),))
    expired = VerificationResult((_check("validity", Outcome.WARNING, "expired"),))
    both = PresentationResult(own, (expired, revoked))
    assert both.verdict is Verdict.INVALID
    assert both.judgement == judge([*own, *expired.checks, *revoked.checks])
    assert expired.judgement.finding is not None
    assert expired.judgement.finding.kind is FindingKind.EXPIRED


# --- trust spliced into the engine ------------------------------------------------------------


def test_without_a_decider_there_is_no_trust_check() -> None:
    result = verify_credential(_signed(), resolver=RESOLVER, now=NOW)
    assert result.check("trust") is None


def test_the_engine_asks_the_decider_and_its_answer_counts_in_the_verdict() -> None:
    decider = Decider(Outcome.FAILED, "not_authorised_for_type")
    result = verify_credential(_signed(), resolver=RESOLVER, now=NOW, trust=decider)
    assert [q.issuer for q in decider.queries] == [SCHOOL.did_key]
    assert "VerifiableCredential" in decider.queries[0].types
    assert decider.queries[0].chain == ()
    assert result.checks[-1] == decider.answer
    assert result.verdict is Verdict.INVALID
    assert result.judgement.finding is not None
    assert result.judgement.finding.kind is FindingKind.NOT_RECOGNISED


def test_a_broken_signature_is_not_asked_about() -> None:
    credential = _signed()
    credential["name"] = "Changed after signing"
    decider = Decider()
    result = verify_credential(credential, resolver=RESOLVER, now=NOW, trust=decider)
    assert decider.queries == []
    trust = result.check("trust")
    assert trust is not None
    assert (trust.outcome, trust.code) == (Outcome.SKIPPED, "proof_failed")


def test_each_credential_of_a_presentation_is_asked_about_after_its_holder_check() -> None:
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": STUDENT.did_key,
          "verifiableCredential": [_signed()]}  # fmt: skip
    presentation = sign_presentation(
        vp, STUDENT, STUDENT.did_key_verification_method, challenge="c-1",
        domain="https://verifier.example", created="2026-11-24T11:59:00Z",
    )  # fmt: skip
    decider = Decider(Outcome.WARNING, "unknown_issuer")
    result = verify_presentation(
        presentation, resolver=RESOLVER, now=NOW, challenge="c-1",
        domain="https://verifier.example", trust=decider,
    )  # fmt: skip
    names = [c.name for c in result.credentials[0].checks]
    assert names[-2:] == [CheckName.HOLDER, CheckName.TRUST]
    assert len(decider.queries) == 1
    assert result.verdict is Verdict.WARNING


def test_a_decider_must_answer_with_a_trust_check() -> None:
    def wrong(query: TrustQuery, /) -> CheckResult:
        return _check("status", Outcome.PASSED, "ok")

    with pytest.raises(ValueError, match="trust check"):
        decide_trust(wrong, TrustQuery("did:x", ()), _check("proof", Outcome.PASSED, "ok"))


def test_an_sd_jwt_vc_is_asked_about_with_its_iss_vct_and_claims() -> None:
    issuer = P256KeyPair.generate()
    issued = issue_sd_jwt_vc(
        vct="https://issuer.example/vct/diploma", iss="https://issuer.example",
        claims={"kind": Sd("diploma")}, signer=issuer, iat=1_700_000_000,
    )  # fmt: skip
    decider = Decider(Outcome.WARNING, "unknown_issuer")
    result = verify_sd_jwt_vc(
        issued.compact, lambda h, p: issuer.public_key, now=1_700_000_000, trust=decider
    )
    (query,) = decider.queries
    assert (query.issuer, query.types) == ("https://issuer.example", (query.types[0],))
    assert query.types[0] == "https://issuer.example/vct/diploma"
    assert query.credential is not None
    assert query.credential["kind"] == "diploma"
    names = [c.name for c in result.checks]
    assert names.index(CheckName.TRUST) < names.index(CheckName.STATUS)
    assert result.verdict is Verdict.WARNING
    forged = verify_sd_jwt_vc(
        issued.compact, lambda h, p: P256KeyPair.generate().public_key, now=1_700_000_000,
        trust=decider,
    )  # fmt: skip
    trust = forged.check("trust")
    assert trust is not None
    assert trust.code == "proof_failed"
    assert len(decider.queries) == 1

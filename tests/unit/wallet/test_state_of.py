"""The wallet's state of a credential is the engine's one judgement in the wallet's words."""

from __future__ import annotations

import pytest

from credentials.results import CheckName, CheckResult, Outcome, VerificationResult
from wallet.services.checking import state_of

PASSED = [
    CheckResult(CheckName(n), Outcome.PASSED, "ok", "") for n in ("format", "proof", "issuer")
]


def _state(*checks: tuple[str, Outcome, str]) -> str:
    extra = [
        CheckResult(CheckName(name), outcome, code, "detail") for name, outcome, code in checks
    ]
    return state_of(VerificationResult((*PASSED, *extra)))


@pytest.mark.parametrize(
    ("checks", "state"),
    [
        ((), "ok"),
        ((("status", Outcome.FAILED, "revoked"),), "revoked"),
        ((("status", Outcome.FAILED, "suspension"),), "suspended"),
        ((("status", Outcome.FAILED, "malformed_status_entry"),), "invalid"),
        ((("validity", Outcome.WARNING, "expired"),), "expired"),
        ((("validity", Outcome.WARNING, "not_yet_valid"),), "not_yet_valid"),
        ((("status", Outcome.WARNING, "status_unavailable"),), "status_unknown"),
        ((("status", Outcome.WARNING, "status_list_untrusted"),), "status_unknown"),
        ((("related_resources", Outcome.WARNING, "related_resource_not_checked"),), "ok"),
        ((("proof", Outcome.FAILED, "invalid_signature"),), "invalid"),
        ((("issuer", Outcome.FAILED, "issuer_unresolved"),), "invalid"),
        ((("validity", Outcome.FAILED, "issued_in_future"),), "invalid"),
        # several at once
        ((("proof", Outcome.FAILED, "invalid_signature"), ("status", Outcome.FAILED, "revoked")),
         "invalid"),
        ((("schema", Outcome.FAILED, "schema_mismatch"), ("status", Outcome.FAILED, "revoked")),
         "invalid"),
        ((("status", Outcome.FAILED, "revoked"), ("validity", Outcome.WARNING, "expired")),
         "revoked"),
        ((("validity", Outcome.WARNING, "expired"),
          ("status", Outcome.WARNING, "status_unavailable")), "expired"),
    ],
)  # fmt: skip
def test_state_of(checks: tuple[tuple[str, Outcome, str], ...], state: str) -> None:
    assert _state(*checks) == state


def test_a_failure_with_an_expired_date_is_invalid_not_expired() -> None:
    """Behaviour change (one verdict): an expired credential that also fails a check outside
    the genuineness checks (here its key binding) was "expired" in the wallet while the
    verifier called it invalid; both now say invalid."""
    expired_and_unbound = _state(
        ("validity", Outcome.WARNING, "expired"), ("holder_binding", Outcome.FAILED, "kb_sd_hash")
    )
    assert expired_and_unbound == "invalid"


def test_a_revoked_credential_not_bound_to_its_holder_is_invalid() -> None:
    """Behaviour change (one verdict): revoked and a failed key binding was "revoked"; the
    most telling failure is now the key binding (as the verifier headlines it): invalid."""
    assert (
        _state(
            ("status", Outcome.FAILED, "revoked"), ("holder_binding", Outcome.FAILED, "kb_sd_hash")
        )
        == "invalid"
    )

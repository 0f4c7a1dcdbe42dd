"""Trust as one of the engine's checks: whether the issuer is recognised for this credential.

The engine knows nothing of trust lists. A caller that has one passes a
:class:`TrustDecider` (``trust=`` of :func:`~credentials.verification.verify_credential`,
:func:`~credentials.verification.verify_presentation` and
:func:`~credentials.sd_jwt_vc.verify_sd_jwt_vc`), as it passes a status list fetcher; the
engine asks it with a :class:`TrustQuery` once the signature holds (:func:`decide_trust`)
and reports its answer as the ``trust`` check, so the result's verdict includes it. Without
a decider there is no ``trust`` check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography import x509

from .results import CheckName, CheckResult, Outcome

__all__ = ["TrustDecider", "TrustQuery", "decide_trust", "proof_of", "query_of"]


@dataclass(frozen=True, slots=True)
class TrustQuery:
    """What the issuer of a verified credential is known by."""

    issuer: str | None
    """The issuer's identifier: its DID, or an SD-JWT VC's ``iss``."""
    types: tuple[str, ...]
    """The credential's types (``type`` of a VC; an SD-JWT VC's ``vct``)."""
    credential: Mapping[str, Any] | None = field(default=None, repr=False)
    """The credential (an SD-JWT VC: its disclosed claims)."""
    chain: tuple[x509.Certificate, ...] = ()
    """The verified X.509 chain it was signed with, leaf first (empty for a DID key)."""


class TrustDecider(Protocol):
    """Answers a :class:`TrustQuery` with a ``trust`` check (passed, warning or failed)."""

    def __call__(self, query: TrustQuery, /) -> CheckResult: ...


def query_of(credential: Mapping[str, Any] | None, issuer: str | None) -> TrustQuery:
    """The query for a VC: its issuer and the string entries of its ``type``."""
    raw = credential.get("type") if credential else None
    types = raw if isinstance(raw, list) else [raw]
    return TrustQuery(issuer, tuple(t for t in types if isinstance(t, str)), credential)


def decide_trust(decide: TrustDecider, query: TrustQuery, proof: CheckResult | None) -> CheckResult:
    """The ``trust`` check: ``decide``'s answer when the ``proof`` check passed, skipped
    (``proof_failed``) when the signature did not hold (who signed is not known then)."""
    if proof is None or proof.outcome is not Outcome.PASSED:
        return CheckResult(CheckName.TRUST, Outcome.SKIPPED, "proof_failed",
                           "not checked: the signature is invalid")  # fmt: skip
    check = decide(query)
    if check.name is not CheckName.TRUST:
        raise ValueError(f"a trust decider answers with a trust check, not {check.name!r}")
    return check


def proof_of(checks: Sequence[CheckResult]) -> CheckResult | None:
    """The ``proof`` check among ``checks``, if any."""
    return next((c for c in checks if c.name is CheckName.PROOF), None)

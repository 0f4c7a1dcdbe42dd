"""Diplomas wait for the examencommissie's decision, confirmed by a second staff member.

Entering a diploma (the issue form, a batch row) records it as pending ("wacht op
bevestiging examencommissie") with the date of the decision (besluitdatum); nothing is
signed yet. Another staff member with the ``decide`` permission (the examencommissie role
or an admin; never the one who entered it) confirms it, and only then is the diploma signed,
awarded on the decision date and offered to the learner, or rejects it with a reason. Every
step is in the audit log (``diploma.enter``, ``diploma.confirm``, ``diploma.reject``).

Entering the same result twice (same ``reference``) finds the first entry. Entering it again
with other content while it waits is refused (reject the waiting one first), so nothing the
second staff member has not seen is signed. A corrected diploma (a batch conflict resolved by
"replace") is a new pending entry of the same result naming the diploma it corrects: it too
waits for the decision, and confirming it signs the corrected diploma and revokes the old one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from qualifications import Catalog
from qualifications.achievements import (
    AchievementRequest,
    CredentialKind,
    Leeruitkomst,
    check_date_achieved,
)
from qualifications.messages import Message, ResultProblem
from web_common.db import UnitOfWork
from web_common.secrets import SecretBox

from ..db.diploma_tables import DiplomaDecision
from ..db.tables import IssuedCredential, Organisation
from . import audit
from .batch_problems import BatchProblem
from .errors import IssuanceError, IssuerError
from .issue_desk import DeskResult, issue_and_offer
from .student_results import StudentResult, unsigned_credential_for

__all__ = [
    "DecisionError",
    "DecisionRefusal",
    "Entered",
    "confirm_diploma",
    "decision_problems",
    "decisions",
    "enter_diploma",
    "reject_diploma",
    "replaced_by",
    "result_of",
    "waiting_with_other_content",
]


class DecisionRefusal(StrEnum):
    """Why a diploma cannot be entered, confirmed or rejected (the code of a
    :class:`DecisionError`'s message; pages word it by code, ``probleem:<code>``)."""

    SAME_PERSON = "diploma_same_person"
    ALREADY_DECIDED = "diploma_already_decided"
    NO_REASON = "diploma_no_reason"
    ISSUED_WITH_OTHER_CONTENT = "diploma_issued_with_other_content"


NO_DECISION_DATE = Message(
    ResultProblem.DECISION_DATE_MISSING,
    "a diploma needs the date of the examencommissie's decision",
)
SAME_PERSON = Message(
    DecisionRefusal.SAME_PERSON,
    "a second staff member confirms: not the one who entered the diploma",
)
NOT_PENDING = Message(DecisionRefusal.ALREADY_DECIDED, "this diploma was already decided")
NO_REASON = Message(DecisionRefusal.NO_REASON, "say why the diploma is rejected")
WAITING_WITH_OTHER_CONTENT = Message(
    BatchProblem.DIPLOMA_WAITING_WITH_OTHER_CONTENT,
    "this diploma is already waiting for the examencommissie's decision with other content; "
    "reject the waiting one first, then enter the corrected diploma",
)
ISSUED_WITH_OTHER_CONTENT = Message(
    DecisionRefusal.ISSUED_WITH_OTHER_CONTENT,
    "a diploma with other content was already issued for this result; correct it by "
    "resolving the conflict (replace) in a batch upload",
)
# check_date_achieved's reason (by its code) → the same for the decision date
_DECISION_DATE: dict[str, tuple[ResultProblem, str]] = {
    ResultProblem.DATE_ACHIEVED_INVALID: (
        ResultProblem.DECISION_DATE_INVALID,
        "the decision date is not a date (YYYY-MM-DD)",
    ),
    ResultProblem.DATE_ACHIEVED_FUTURE: (
        ResultProblem.DECISION_DATE_FUTURE,
        "the decision date is in the future",
    ),
    ResultProblem.DATE_ACHIEVED_TOO_OLD: (
        ResultProblem.DECISION_DATE_TOO_OLD,
        "the decision date is before 1950; check the year",
    ),
}


class DecisionError(IssuerError):
    """A confirmation or rejection that is not allowed (same person, already decided)."""


@dataclass(frozen=True, slots=True)
class Entered:
    decision: DiplomaDecision
    created: bool


def _result_json(result: StudentResult) -> str:
    data = asdict(result)
    return json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)


def result_of(decision: DiplomaDecision) -> StudentResult:
    """The result as it was entered, awarded on the decision date."""
    data: dict[str, Any] = json.loads(decision.result)
    request: dict[str, Any] = data.pop("request")
    request["kind"] = CredentialKind(request["kind"])
    request["codes"] = tuple(request.get("codes") or ())
    request["leeruitkomsten"] = tuple(
        Leeruitkomst(**item) for item in request.get("leeruitkomsten") or ()
    )
    for name in ("valid_from", "valid_until"):
        if data.get(name):
            data[name] = datetime.fromisoformat(data[name])
    data["date_achieved"] = decision.decision_date
    return StudentResult(request=AchievementRequest(**request), **data)


def decision_problems(result: StudentResult, today: date) -> list[tuple[str, str]]:
    """What is wrong with a diploma's decision date: missing, not a date, in the future
    (after ``today``) or before 1950."""
    value = result.request.decision_date
    if not value:
        return [("decision_date", NO_DECISION_DATE)]
    _, reason = check_date_achieved(value, today)
    if reason is None:
        return []
    code, text = _DECISION_DATE.get(getattr(reason, "code", ""), (None, reason))
    if code is None:
        return [("decision_date", reason)]
    return [("decision_date", Message(code, text, value=str(value)[:40]))]


def _latest(uow: UnitOfWork, org: Organisation, reference: str) -> DiplomaDecision | None:
    return uow.session.scalars(
        select(DiplomaDecision)
        .where(
            DiplomaDecision.organisation_id == org.id,
            DiplomaDecision.reference == reference[:300],
        )
        .order_by(DiplomaDecision.correction.desc())
        .limit(1)
    ).first()


def waiting_with_other_content(
    uow: UnitOfWork, org: Organisation, results: list[StudentResult]
) -> set[str]:
    """The references of ``results`` whose diploma waits for the decision with other content
    (entering them would be refused): a few queries whatever the count."""
    wanted = {r.reference[:300]: _result_json(r) for r in results}
    names = sorted(wanted)
    found: set[str] = set()
    for start in range(0, len(names), 250):
        for reference, content in uow.session.execute(
            select(DiplomaDecision.reference, DiplomaDecision.result).where(
                DiplomaDecision.organisation_id == org.id,
                DiplomaDecision.state == "pending",
                DiplomaDecision.reference.in_(names[start : start + 250]),
            )
        ):
            if content != wanted[reference]:
                found.add(reference)
    return found


def enter_diploma(
    uow: UnitOfWork,
    org: Organisation,
    catalog: Catalog,
    result: StudentResult,
    *,
    now: datetime,
    actor: str,
    batch_id: int | None = None,
    replaces_id: int | None = None,
) -> Entered:
    """Record a diploma as pending after every check issuing would make (raises
    :class:`IssuanceError` naming each bad field), or find the one entered before.

    The same content again finds the entry made before. Other content while one waits is
    refused (:class:`DecisionError`); after a rejection it is a new entry; after a
    confirmed one only as a correction of the issued diploma (``replaces_id``, its
    ``IssuedCredential.id``), which then waits for the decision too."""
    replaces = uow.session.get(IssuedCredential, replaces_id) if replaces_id is not None else None
    if replaces is not None and replaces.organisation_id != org.id:
        replaces = None
    existing = _latest(uow, org, result.reference)
    correction = 0
    if existing is not None:
        if existing.result == _result_json(result):
            return Entered(existing, False)
        if existing.state == "pending":
            raise DecisionError(WAITING_WITH_OTHER_CONTENT)
        if existing.state == "confirmed" and replaces is None:
            raise DecisionError(ISSUED_WITH_OTHER_CONTENT)
        correction = existing.correction + 1
    problems = decision_problems(result, now.date())
    decided, _ = check_date_achieved(result.request.decision_date, now.date())
    checked = replace(result, date_achieved=decided)
    try:
        credential = unsigned_credential_for(catalog, org, checked, now)
    except IssuanceError as exc:
        problems.extend(exc.problems)
        credential = None
    if problems or credential is None or decided is None:
        raise IssuanceError(problems)
    decision = DiplomaDecision(
        organisation_id=org.id,
        reference=result.reference[:300],
        state="pending",
        student_name=result.student_name.strip()[:300],
        title=str(credential["name"])[:300],
        examencommissie=(result.request.examencommissie or "").strip()[:300] or None,
        decision_date=decided,
        result=_result_json(result),
        entered_by=actor,
        entered_at=now,
        batch_id=batch_id,
        correction=correction,
        replaces_credential_id=replaces.id if replaces is not None else None,
    )
    uow.session.add(decision)
    uow.session.flush()
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="diploma.enter",
        target=decision.reference, now=now, decision=decision.id, title=decision.title,
        decision_date=decided.isoformat(), batch=batch_id,
        replaces=replaces.credential_ref if replaces is not None else None,
    )  # fmt: skip
    return Entered(decision, True)


def decisions(uow: UnitOfWork, org: Organisation, *, limit: int = 200) -> list[DiplomaDecision]:
    """Pending diplomas first (oldest first), then the most recently decided ones."""
    pending = uow.session.scalars(
        select(DiplomaDecision)
        .where(DiplomaDecision.organisation_id == org.id, DiplomaDecision.state == "pending")
        .order_by(DiplomaDecision.entered_at, DiplomaDecision.id)
        .limit(limit)
    ).all()
    decided = uow.session.scalars(
        select(DiplomaDecision)
        .where(DiplomaDecision.organisation_id == org.id, DiplomaDecision.state != "pending")
        .order_by(DiplomaDecision.decided_at.desc(), DiplomaDecision.id.desc())
        .limit(50)
    ).all()
    return [*pending, *decided]


def replaced_by(
    uow: UnitOfWork, org: Organisation, rows: list[DiplomaDecision]
) -> dict[int, DiplomaDecision]:
    """For each confirmed diploma of ``rows`` that a confirmed correction replaced (and so
    revoked): that correction, by the replaced decision's id. One query."""
    issued = {d.issued_credential_id: d.id for d in rows if d.issued_credential_id is not None}
    if not issued:
        return {}
    corrections = uow.session.scalars(
        select(DiplomaDecision).where(
            DiplomaDecision.organisation_id == org.id,
            DiplomaDecision.state == "confirmed",
            DiplomaDecision.replaces_credential_id.in_(sorted(issued)),
        )
    ).all()
    return {
        issued[c.replaces_credential_id]: c
        for c in corrections
        if c.replaces_credential_id is not None
    }


def _pending(
    uow: UnitOfWork, org: Organisation, decision_id: int, actor: str
) -> DiplomaDecision | None:
    decision = uow.session.get(DiplomaDecision, decision_id, with_for_update=True)
    if decision is None or decision.organisation_id != org.id:
        return None
    if decision.state != "pending":
        raise DecisionError(NOT_PENDING)
    if decision.entered_by.casefold() == actor.casefold():
        raise DecisionError(SAME_PERSON)
    return decision


def confirm_diploma(
    uow: UnitOfWork,
    org: Organisation,
    catalog: Catalog,
    decision_id: int,
    *,
    box: SecretBox,
    public_base_url: str,
    status_list_size: int,
    offer_ttl: timedelta,
    now: datetime,
    actor: str,
) -> tuple[DiplomaDecision, DeskResult] | None:
    """Confirm a pending diploma: sign it (awarded on the decision date) and offer it.
    None when there is no such diploma in this organisation."""
    decision = _pending(uow, org, decision_id, actor)
    if decision is None:
        return None
    replaces = (
        uow.session.get(IssuedCredential, decision.replaces_credential_id)
        if decision.replaces_credential_id is not None
        else None
    )
    done = issue_and_offer(
        uow, org, catalog, result_of(decision), box=box, public_base_url=public_base_url,
        status_list_size=status_list_size, offer_ttl=offer_ttl, now=now, actor=actor,
        replaces=replaces.credential_ref if replaces is not None else None,
    )  # fmt: skip
    decision.state = "confirmed"
    decision.decided_by = actor
    decision.decided_at = now
    decision.issued_credential_id = done.row.id
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="diploma.confirm",
        target=decision.reference, now=now, decision=decision.id,
        entered_by=decision.entered_by, credential=done.row.credential_ref,
    )  # fmt: skip
    return decision, done


def reject_diploma(
    uow: UnitOfWork,
    org: Organisation,
    decision_id: int,
    *,
    reason: str,
    now: datetime,
    actor: str,
) -> DiplomaDecision | None:
    """Reject a pending diploma with a reason; nothing is signed."""
    reason = " ".join(reason.split())[:1000]
    decision = _pending(uow, org, decision_id, actor)
    if decision is None:
        return None
    if not reason:
        raise IssuanceError([("reason", NO_REASON)])
    decision.state = "rejected"
    decision.decided_by = actor
    decision.decided_at = now
    decision.reason = reason
    audit.record(
        uow, organisation_id=org.id, actor=actor, action="diploma.reject",
        target=decision.reference, now=now, decision=decision.id,
        entered_by=decision.entered_by, reason=reason,
    )  # fmt: skip
    return decision

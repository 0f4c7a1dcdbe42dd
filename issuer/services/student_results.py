"""Issue a student's result — from the web form or a CSV row — as a credential, once.

The credential id is derived from the organisation and the result's ``reference`` (a
UUIDv5), so submitting the same result again (a re-uploaded CSV, a double click) finds the
credential issued the first time instead of issuing a second one.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from credentials.keys import Ed25519KeyPair
from qualifications import Catalog
from qualifications.achievements import (
    KINDS,
    AchievementRequest,
    build_achievement,
    check_date_achieved,
)
from qualifications.issuer_kinds import may_issue
from web_common.db import UnitOfWork

from ..db.tables import Organisation
from .batch_problems import BatchProblem, problem
from .errors import IssuanceError
from .issuance import IssueResult, issue_credential
from .templates import build_unsigned_credential

__all__ = [
    "StudentResult",
    "credential_id_for",
    "issue_student_result",
    "replacement_id_for",
    "unsigned_credential_for",
]

_NAMESPACE = uuid.UUID("6f0d7a3c-29c4-4e5b-9a53-4f8d1b2e7c10")


@dataclass(frozen=True, slots=True)
class StudentResult:
    """One result to issue. ``reference`` identifies it for idempotency (e.g. the exam
    result id from the student information system, or the batch row's own key).
    ``date_achieved`` is the exam date (for a diploma the examencommissie's decision); it is
    signed as the credential's ``awardedDate``, today when None."""

    request: AchievementRequest
    student_name: str
    reference: str
    student_number: str | None = None
    student_email: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    date_achieved: date | str | None = None


def credential_id_for(org: Organisation, reference: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{org.did}|{reference}')}"


def replacement_id_for(org: Organisation, key: str, replaced_ref: str) -> str:
    """The id of the credential that corrects the credential ``replaced_ref`` of ``key``:
    fixed, so a worker that retries issues the same one."""
    return credential_id_for(org, f"{key}|replaces|{replaced_ref}")


def unsigned_credential_for(
    catalog: Catalog,
    org: Organisation,
    result: StudentResult,
    now: datetime,
    *,
    credential_id: str | None = None,
    today: date | None = None,
    default_awarded: bool = True,
) -> dict[str, object]:
    """The credential a result becomes, or :class:`IssuanceError` naming each bad field.
    Its id is derived from the result's reference unless ``credential_id`` is given (a
    correction, or a credential issued under an earlier id).

    A ``date_achieved`` after ``today`` (default: ``now``'s date) is refused; without one
    the credential is awarded on ``now``'s date, or carries no ``awardedDate`` when
    ``default_awarded`` is False (rebuilding a credential signed before the date was)."""
    problems: list[tuple[str, str]] = []
    if not result.student_name.strip():
        problems.append(("student_name", problem(
            BatchProblem.STUDENT_NAME_MISSING, "the student's name is required"
        )))  # fmt: skip
    if not result.reference.strip():
        problems.append(("reference", problem(
            BatchProblem.REFERENCE_MISSING, "a reference is required"
        )))  # fmt: skip
    valid_from = result.valid_from or now
    if result.valid_until is not None and result.valid_until <= valid_from:
        problems.append(("valid_until", problem(
            BatchProblem.VALID_UNTIL_BEFORE_START, "must be later than the start date"
        )))  # fmt: skip
    if not may_issue(org.kind, result.request.kind):
        kind = KINDS[result.request.kind].title_nl
        problems.append(("kind", problem(
            BatchProblem.KIND_NOT_ISSUED, f"a {org.kind} does not issue a {kind}",
            organisation_kind=org.kind, kind=kind,
        )))  # fmt: skip
    awarded, date_problem = check_date_achieved(result.date_achieved, today or now.date())
    if date_problem:
        problems.append(("date_achieved", date_problem))
    built = build_achievement(catalog, result.request)
    problems.extend(built.problems)
    if problems or built.achievement is None:
        raise IssuanceError(problems)
    return build_unsigned_credential(
        result.request.kind,
        built.achievement,
        org=org,
        credential_id=credential_id or credential_id_for(org, result.reference),
        subject_name=result.student_name.strip(),
        student_number=(result.student_number or "").strip() or None,
        valid_from=valid_from,
        valid_until=result.valid_until,
        results=built.results,
        awarded_date=awarded or (now.date() if default_awarded else None),
    )


def issue_student_result(
    uow: UnitOfWork,
    org: Organisation,
    catalog: Catalog,
    result: StudentResult,
    *,
    key: Ed25519KeyPair,
    verification_method: str,
    public_base_url: str,
    status_list_size: int,
    now: datetime,
    actor: str,
    rng: random.Random | None = None,
    replaces: str | None = None,
) -> IssueResult:
    """Validate, sign and store one result; the same ``reference`` twice issues once. With
    ``replaces`` (a ``credential_ref``) it corrects that credential: issued under the
    correction's fixed id, the old one revoked."""
    credential_id = (
        replacement_id_for(org, result.reference, replaces) if replaces is not None else None
    )
    credential = unsigned_credential_for(catalog, org, result, now, credential_id=credential_id)
    return issue_credential(
        uow,
        org,
        credential,
        None,
        key=key,
        verification_method=verification_method,
        public_base_url=public_base_url,
        status_list_size=status_list_size,
        now=now,
        actor=actor,
        rng=rng,
        result_key=result.reference,
        student_number=result.student_number,
        replaces=replaces,
    )

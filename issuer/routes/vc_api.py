"""W3C VC-API for systems: ``POST /credentials/issue`` and ``POST /credentials/status``.

A diploma is never signed through the API: it waits for the examencommissie's decision,
confirmed by a second staff member (the issue form or a batch file), so ``/credentials/issue``
answers 400 ``diploma-needs-decision`` for one. ``/credentials/status`` changes only the
purposes this issuer keeps (``revocation``, ``suspension``); any other ``statusPurpose``
(``refresh``, ``message``, …) is 400 ``status-purpose-not-supported``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from qualifications.achievements import CredentialKind, kind_of_credential
from web_common.problems import ProblemError

from ..db.tables import ApiToken, Organisation
from ..deps import BoxDep, NowDep, SettingsDep, UowDep, require_scope
from ..services.organisations import active_signing_key
from ..services.status import PURPOSES
from ..services.system_calls import issue_credential, set_credential_status

router = APIRouter(prefix="/credentials", tags=["VC-API"])


class IssueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credential: Any
    options: dict[str, Any] | None = None


class StatusEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str
    statusPurpose: str  # noqa: N815 - VC-API field name
    id: str | None = None
    statusListIndex: str | None = None  # noqa: N815
    statusListCredential: str | None = None  # noqa: N815


class StatusRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credentialId: str  # noqa: N815 - VC-API field name
    credentialStatus: StatusEntry  # noqa: N815
    status: bool


IssueToken = Annotated[ApiToken, Depends(require_scope("credentials:issue"))]
StatusToken = Annotated[ApiToken, Depends(require_scope("credentials:status"))]


def _organisation(uow: UowDep, token: ApiToken) -> Organisation:
    org = uow.session.get(Organisation, token.organisation_id)
    assert org is not None  # guaranteed by the foreign key
    return org


@router.post("/issue", status_code=201)
def issue(
    body: IssueRequest,
    token: IssueToken,
    uow: UowDep,
    box: BoxDep,
    settings: SettingsDep,
    now: NowDep,
) -> JSONResponse:
    """Sign a credential. The issuer adds ``issuer``, ``validFrom``, ``credentialStatus`` and
    the proof; it never changes ``credentialSubject``. 201 when new, 200 for a repeat; a
    diploma is refused (400 ``diploma-needs-decision``)."""
    if isinstance(body.credential, dict) and kind_of_credential(body.credential) is (
        CredentialKind.DIPLOMA
    ):
        raise ProblemError(
            400,
            "Diploma needs decision",
            "a diploma is signed only after the examencommissie's decision, confirmed by a "
            "second staff member: enter it on the issue form or in a batch file",
            slug="diploma-needs-decision",
        )
    org = _organisation(uow, token)
    key, vm = active_signing_key(uow, org, box)
    result = issue_credential(
        uow,
        org,
        body.credential,
        body.options,
        key=key,
        verification_method=vm,
        public_base_url=settings.public_base_url,
        status_list_size=settings.status_list_entries,
        now=now,
        actor=f"token:{token.name}",
    )
    return JSONResponse(
        {"verifiableCredential": result.credential}, status_code=201 if result.created else 200
    )


@router.post("/status")
def update_status(
    body: StatusRequest, token: StatusToken, uow: UowDep, now: NowDep
) -> dict[str, Any]:
    """Revoke, suspend or unsuspend a credential this organisation issued (400
    ``status-purpose-not-supported`` for any other purpose)."""
    purpose = body.credentialStatus.statusPurpose
    if purpose not in PURPOSES:
        raise ProblemError(
            400,
            "Status purpose not supported",
            f"statusPurpose {purpose[:40]!r} is not supported; use one of: {', '.join(PURPOSES)}",
            slug="status-purpose-not-supported",
            errors=[
                {
                    "pointer": "/credentialStatus/statusPurpose",
                    "detail": "revocation or suspension",
                }
            ],
        )
    org = _organisation(uow, token)
    credential = set_credential_status(
        uow,
        org,
        body.credentialId,
        purpose=body.credentialStatus.statusPurpose,
        value=body.status,
        reason=None,
        actor=f"token:{token.name}",
        now=now,
    )
    return {
        "credentialId": body.credentialId,
        "revoked": credential.revoked_at is not None,
        "suspended": credential.suspended,
    }

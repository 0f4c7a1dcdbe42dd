"""W3C VC-API for systems: ``POST /credentials/issue`` and ``POST /credentials/status``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from ..db.tables import ApiToken, Organisation
from ..deps import BoxDep, NowDep, SettingsDep, UowDep, require_scope
from ..services.organisations import active_signing_key
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
    the proof; it never changes ``credentialSubject``. 201 when new, 200 for a repeat."""
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
    """Revoke, suspend or unsuspend a credential this organisation issued."""
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

"""JSON API: share links (create, list, access log, revoke) and OpenID4VP answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends

from web_common.qr import qr_svg
from web_common.ui import verify_csrf

from ..api_models import AnswerRequest, RequestText, ShareCreate
from ..db.tables import ShareAccess
from ..deps import AccountDep, BoxDep, HttpDep, NowDep, SettingsDep, UowDep, VerifierAnchorsDep
from ..services import presentation_requests, shares, use_cases, wallet_credentials
from ..services.errors import NotFoundError

router = APIRouter(prefix="/api", tags=["shares"], dependencies=[Depends(verify_csrf)])


def _summary(summary: shares.ShareSummary, now: datetime) -> dict[str, Any]:
    share = summary.share
    return {
        "id": share.public_id,
        "label": share.label,
        "purpose": share.purpose,
        "status": summary.status(now),
        "created_at": share.created_at,
        "expires_at": share.expires_at,
        "revoked_at": share.revoked_at,
        "credentials": [
            {
                "id": c.public_id,
                "title": c.title,
                "state": c.state,
                "valid_until": c.valid_until,
            }
            for c in summary.credentials
        ],
        "openings": summary.openings,
        "last_opened": summary.last_opened,
    }


def _access(row: ShareAccess) -> dict[str, Any]:
    return {
        "at": row.accessed_at,
        "outcome": row.outcome,
        "as_json": row.as_json,
        "user_agent": row.user_agent,
        "network": row.network,
    }


@router.post("/shares", status_code=201)
def create_share(
    body: ShareCreate,
    uow: UowDep,
    account: AccountDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """A share link for the chosen credentials. The link (``url``) is shown only now."""
    created = use_cases.create_share(
        uow,
        account,
        body.credentials,
        label=body.label,
        valid_days=body.valid_days,
        max_days=settings.share_max_days,
        public_base_url=settings.public_base_url,
        box=box,
        now=now,
        disclose=body.disclose,
    )
    summary = shares.get_share(uow, account, created.share.public_id)
    return {**_summary(summary, now), "url": created.url, "qr_svg": qr_svg(created.url)}


@router.get("/shares")
def list_shares(uow: UowDep, account: AccountDep, now: NowDep) -> list[dict[str, Any]]:
    return [_summary(s, now) for s in shares.list_shares(uow, account)]


@router.get("/shares/{public_id}")
def get_share(public_id: str, uow: UowDep, account: AccountDep, now: NowDep) -> dict[str, Any]:
    """A share with its access log (who opened it when)."""
    summary = shares.get_share(uow, account, public_id)
    accesses = shares.list_accesses(uow, account, public_id)
    return {**_summary(summary, now), "accesses": [_access(a) for a in accesses]}


@router.post("/shares/{public_id}/revoke")
def revoke_share(public_id: str, uow: UowDep, account: AccountDep, now: NowDep) -> dict[str, Any]:
    use_cases.revoke_share(uow, account, public_id, now=now)
    return _summary(shares.get_share(uow, account, public_id), now)


@router.post("/requests/preview")
def preview_request(
    body: RequestText,
    account: AccountDep,
    http: HttpDep,
    now: NowDep,
    anchors: VerifierAnchorsDep,
) -> dict[str, Any]:
    """Who asks (the verifier's response address and name) and for what."""
    loaded = presentation_requests.load_request(
        body.request, http=http, now=now, trust_anchors=anchors
    )
    request = loaded.request
    return {
        "verifier": request.response_uri,
        "client_name": request.verifier_name,
        "signed": request.signed,
        "response_mode": request.response_mode,
        "queries": list(request.query_ids),
    }


@router.post(
    "/requests/answer",
    responses={
        400: {
            "description": "The chosen claims do not answer the request (problem+json, "
            "`code` `claims_needed` with `needed`, or `claim_not_asked`)",
            "content": {"application/problem+json": {}},
        },
        404: {"description": "A chosen credential is not in this wallet"},
        422: {"description": "The request cannot be read or answered (problem+json `code`)"},
    },
)
def answer_request(
    body: AnswerRequest,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
    box: BoxDep,
    now: NowDep,
    anchors: VerifierAnchorsDep,
) -> dict[str, Any]:
    """Send the chosen credentials to the verifier (OpenID4VP direct_post or
    direct_post.jwt); each goes to the first Credential Query it fits. An SD-JWT VC
    discloses the claims paths ``claims`` names for it, by default the first claim set of
    each query it meets (§6.4.1), and never a claim the verifier did not ask for; a choice
    that holds none of a query's claim sets is refused (400) and nothing is sent."""
    loaded = presentation_requests.load_request(
        body.request, http=http, now=now, trust_anchors=anchors
    )
    owned = wallet_credentials.list_credentials(uow, account)
    if not {r.public_id for r in owned} >= set(body.credentials):
        raise NotFoundError("Een gekozen bewijs staat niet in je portemonnee.")
    match = presentation_requests.match_rows(loaded.request, owned)
    choices = presentation_requests.choices_with_claims(match, body.credentials, body.claims)
    answered = presentation_requests.answer_request(
        uow, account, loaded, choices, http=http, box=box, now=now
    )
    return {
        "verifier": answered.verifier,
        "status": answered.status,
        "redirect_uri": answered.redirect_uri,
    }

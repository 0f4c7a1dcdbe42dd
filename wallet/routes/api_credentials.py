"""JSON API: receiving (OpenID4VCI offers, uploads), the credentials, the passport and
self-declared entries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Response, UploadFile
from fastapi.encoders import jsonable_encoder

from web_common.ui import verify_csrf

from ..api_models import (
    CredentialPublic,
    CredentialUpload,
    FormatNotReceived,
    OfferAccept,
    OfferAccepted,
    OfferText,
    SelfDeclaredCreate,
)
from ..deps import (
    AccountDep,
    BoxDep,
    CatalogDep,
    CheckerDep,
    HttpDep,
    NowDep,
    SettingsDep,
    UowDep,
)
from ..services import passport as passport_service
from ..services import receive, use_cases, wallet_credentials
from ..services.stored_shape import media_type_of
from .common import checks_of, credential_public

router = APIRouter(prefix="/api", tags=["credentials"], dependencies=[Depends(verify_csrf)])


@router.post("/offers/preview")
def preview_offer(body: OfferText, account: AccountDep, http: HttpDep) -> dict[str, Any]:
    """What an OpenID4VCI credential offer is about, and whether it needs a code."""
    preview = receive.preview_offer(body.offer, http)
    tx = preview.offer.tx_code
    return {
        "credential_issuer": preview.offer.credential_issuer,
        "issuer_name": preview.issuer_name,
        "credentials": list(preview.credential_names),
        "tx_code": None
        if tx is None
        else {"input_mode": tx.input_mode, "length": tx.length, "description": tx.description},
    }


@router.post("/offers/accept", status_code=201)
def accept_offer(
    body: OfferAccept,
    uow: UowDep,
    account: AccountDep,
    http: HttpDep,
    checker: CheckerDep,
    box: BoxDep,
    now: NowDep,
    settings: SettingsDep,
) -> OfferAccepted:
    """Complete the pre-authorized code flow; 422 ``tx_code_required`` asks for the code.
    Each offered format the wallet holds is asked for; ``not_received`` names those that did
    not come in (the others are stored)."""
    accepted = use_cases.accept_offer(
        uow,
        account,
        body.offer,
        tx_code=body.tx_code,
        http=http,
        checker=checker,
        box=box,
        now=now,
        max_credentials=settings.max_credentials_per_account,
        max_credential_bytes=settings.max_credential_bytes,
        formats=settings.credential_formats,
    )
    return OfferAccepted(
        credentials=[credential_public(r) for r in accepted.credentials],
        not_received=[
            FormatNotReceived(format=m.format, reason=m.reason) for m in accepted.not_received
        ],
    )


@router.post("/credentials", status_code=201)
def upload_json(
    body: CredentialUpload,
    uow: UowDep,
    account: AccountDep,
    checker: CheckerDep,
    now: NowDep,
    settings: SettingsDep,
) -> CredentialPublic:
    """Add a credential sent as JSON (``{"credential": {...} | "<vc+jwt>"}``)."""
    raw = (
        body.credential if isinstance(body.credential, str) else receive.serialise(body.credential)
    )
    row = use_cases.receive_upload(
        uow,
        account,
        raw,
        checker=checker,
        now=now,
        max_bytes=settings.max_credential_bytes,
        max_credentials=settings.max_credentials_per_account,
    )
    return credential_public(row)


@router.post("/credentials/upload", status_code=201)
def upload_file(
    uow: UowDep,
    account: AccountDep,
    checker: CheckerDep,
    now: NowDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> CredentialPublic:
    """Add a credential file (JSON-LD with a Data Integrity proof, or a vc+jwt)."""
    data = file.file.read(settings.max_credential_bytes + 1)
    row = use_cases.receive_upload(
        uow,
        account,
        data,
        checker=checker,
        now=now,
        max_bytes=settings.max_credential_bytes,
        max_credentials=settings.max_credentials_per_account,
    )
    return credential_public(row)


@router.get("/credentials")
def list_credentials(uow: UowDep, account: AccountDep) -> list[CredentialPublic]:
    return [credential_public(r) for r in wallet_credentials.list_credentials(uow, account)]


@router.get("/credentials/{public_id}")
def get_credential(
    public_id: str, uow: UowDep, account: AccountDep, checker: CheckerDep, now: NowDep
) -> dict[str, Any]:
    """One credential, checked again now (status, validity, proof)."""
    row = use_cases.check_credential(uow, account, public_id, checker=checker, now=now)
    return {
        **credential_public(row).model_dump(mode="json"),
        "checks": checks_of(row),
        "document": receive.load_document(row),
    }


@router.get("/credentials/{public_id}/download")
def download(public_id: str, uow: UowDep, account: AccountDep) -> Response:
    """The credential exactly as received (JSON-LD, or the vc+jwt / SD-JWT VC as text)."""
    row = wallet_credentials.get_credential(uow, account, public_id)
    media = media_type_of(row)  # a VC 1.1 JWT is application/jwt, a VC 2.0 one vc+jwt
    suffix = {"jwt_vc": "jwt", "dc+sd-jwt": "sd-jwt"}.get(row.format, "json")
    name = f"{row.public_id}.{suffix}"
    return Response(
        row.document,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.delete("/credentials/{public_id}", status_code=204)
def delete_credential(public_id: str, uow: UowDep, account: AccountDep, now: NowDep) -> Response:
    use_cases.delete_credential(uow, account, public_id, now=now)
    return Response(status_code=204)


@router.get("/passport")
def passport(
    uow: UowDep,
    account: AccountDep,
    catalog: CatalogDep,
    goal: str | None = None,
    lang: str = "nl",
) -> Any:
    """The skills passport as data (the home page renders the same view)."""
    view = passport_service.build_passport(
        catalog,
        wallet_credentials.list_credentials(uow, account),
        wallet_credentials.list_self_declared(uow, account),
        goal=goal or account.goal_qualification,
        lang="en" if lang == "en" else "nl",
    )
    return passport_json(view)


def passport_json(view: passport_service.PassportView) -> Any:
    progress = view.goal_progress
    goal: dict[str, Any] | None = None
    if view.goal is not None and progress is not None:
        goal = {
            "qualification": view.goal.id,
            "title": view.goal.title,
            "toward_diploma": {
                "covered": progress.toward_diploma.werkprocessen_covered,
                "total": progress.toward_diploma.werkprocessen_total,
            },
            "with_experience": {
                "covered": progress.with_experience.werkprocessen_covered,
                "total": progress.with_experience.werkprocessen_total,
            },
            "kerntaken": [
                {
                    "code": k.code,
                    "title": k.title,
                    "werkprocessen": [
                        {
                            "code": w.code,
                            "title": w.title,
                            "covered_by": sorted({s.evidence_id for s in w.toward_diploma}),
                            "experience": sorted({s.evidence_id for s in w.experience}),
                        }
                        for w in k.werkprocessen
                    ],
                }
                for k in progress.kerntaken
            ],
            "missing": list(progress.missing),
            "vrijstelling_candidates": list(progress.vrijstelling_candidates),
            "kerntaken_known": progress.detail_known,
            "diploma_held": bool(progress.diplomas),
        }
    related = None
    nearby: dict[str, list[dict[str, Any]]] = {"same_dossier": [], "same_domain": []}
    if view.related is not None:
        related = [
            {
                "qualification": r.id,
                "title": r.title,
                "shared": r.shared,
                "shared_toward_diploma": r.shared_toward_diploma,
                "total": r.total,
                "missing_kerntaken": list(r.missing_kerntaken),
                "certificates": [
                    {"code": c.code, "title": c.title, "covers_missing": list(c.covers_missing)}
                    for c in r.certificates
                ],
            }
            for r in view.related.results
        ]
        for name, items in (
            ("same_dossier", view.related.same_dossier),
            ("same_domain", view.related.same_domain),
        ):
            nearby[name] = [
                {"qualification": q.id, "title": q.title, "crebo": q.crebo, "niveau": q.niveau}
                for q in items
            ]
    return jsonable_encoder(
        {
            "credentials": view.credentials,
            "groups": view.groups,
            "unmapped": view.unmapped,
            "problems": view.problems,
            "self_declared": view.self_declared,
            "goal": goal,
            "related": related,
            "related_by_dossier": nearby["same_dossier"],
            "related_by_domain": nearby["same_domain"],
        }
    )


@router.get("/self-declared")
def list_self_declared(uow: UowDep, account: AccountDep) -> list[dict[str, Any]]:
    return [_self_json(e) for e in wallet_credentials.list_self_declared(uow, account)]


def _self_json(e: Any) -> dict[str, Any]:
    return {
        "id": e.public_id,
        "self_declared": True,
        "category": e.category,
        "title": e.title,
        "organisation": e.organisation,
        "description": e.description,
        "started_on": e.started_on.isoformat() if e.started_on else None,
        "ended_on": e.ended_on.isoformat() if e.ended_on else None,
        "dossier_crebo": e.dossier_crebo,
        "dossier_version": e.dossier_version,
        "werkprocessen": e.werkprocessen.split(),
    }


@router.post("/self-declared", status_code=201)
def add_self_declared(
    body: SelfDeclaredCreate, uow: UowDep, account: AccountDep, catalog: CatalogDep, now: NowDep
) -> dict[str, Any]:
    row = use_cases.add_self_declared(
        uow,
        account,
        wallet_credentials.SelfDeclaredInput(
            **{**body.model_dump(), "werkprocessen": tuple(body.werkprocessen)}
        ),
        catalog=catalog,
        now=now,
    )
    return _self_json(row)


@router.delete("/self-declared/{public_id}", status_code=204)
def delete_self_declared(public_id: str, uow: UowDep, account: AccountDep) -> Response:
    use_cases.delete_self_declared(uow, account, public_id)
    return Response(status_code=204)

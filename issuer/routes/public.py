"""Public resources verifiers fetch: DID documents and status list credentials.

Plain GETs with ETag and Cache-Control, so a CDN or reverse proxy can serve most traffic.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from web_common.negotiation import negotiate
from web_common.problems import ProblemError

from ..deps import BoxDep, NowDep, SettingsDep, UowDep
from ..services.organisations import active_signing_key, did_document, get_organisation
from ..services.status import find_status_list, signed_status_list

router = APIRouter(tags=["public"])

STATUS_LIST_MEDIA_TYPES = (
    "application/vc",
    "application/vc+ld+json",
    "application/ld+json",
    "application/json",
)
"""The same JSON-LD credential under each name (VC 2.0 §6.3 ``application/vc``; JSON-LD
loaders ask for the others); the first when ``Accept`` prefers none."""

Slug = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,64}$")]


@router.get("/{slug}/did.json")
def did_json(slug: Slug, uow: UowDep) -> Response:
    org = get_organisation(uow, slug)
    body = json.dumps(did_document(uow, org), ensure_ascii=False)
    return Response(
        body,
        media_type="application/did+json",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/{slug}/status/{purpose}/{number}")
def status_list(
    slug: Slug,
    purpose: Annotated[str, Path(pattern=r"^(message|revocation|suspension)$")],
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    uow: UowDep,
    box: BoxDep,
    settings: SettingsDep,
    now: NowDep,
    if_none_match: Annotated[str | None, Header()] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    org = get_organisation(uow, slug)
    row = find_status_list(uow, org, purpose, number)
    media_type = negotiate(accept, STATUS_LIST_MEDIA_TYPES)
    if media_type is None:
        raise ProblemError(
            406, "Not acceptable",
            f"the status list is served as {', '.join(STATUS_LIST_MEDIA_TYPES)}",
        )  # fmt: skip
    etag = f'"{row.id}-{row.version}-{settings.status_list_max_age}"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.status_list_max_age}",
        "Vary": "Accept",
    }
    if if_none_match == etag:
        return Response(status_code=304, headers=headers)
    key, vm = active_signing_key(uow, org, box)
    body = signed_status_list(
        row, org, public_base_url=settings.public_base_url, key=key,
        verification_method=vm, now=now, ttl_seconds=settings.status_list_max_age,
    )  # fmt: skip
    return Response(body, media_type=media_type, headers=headers)

"""IETF Token Status Lists: ``GET /{slug}/token-status/{n}`` serves the ``statuslist+jwt``
(signed with the organisation's status-list certificate) as a plain cacheable GET with
ETag and ``Cache-Control: max-age`` (the token's ``ttl``)."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from web_common.negotiation import negotiate
from web_common.problems import ProblemError

from ..deps import BoxDep, NowDep, SettingsDep, UowDep
from ..services.organisations import get_organisation
from ..services.status import find_status_list
from ..services.token_status import TSL_PURPOSE, signed_token_status_list
from ..services.x509_keys import STATUS_LIST, active_x509_signer
from .public import Slug

router = APIRouter(tags=["public"])

MEDIA_TYPE = "application/statuslist+jwt"


@router.get(
    "/{slug}/token-status/{number}",
    responses={200: {"content": {MEDIA_TYPE: {}}}, 304: {}, 404: {}, 406: {}},
)
def token_status_list(
    slug: Slug,
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    uow: UowDep,
    box: BoxDep,
    settings: SettingsDep,
    now: NowDep,
    if_none_match: Annotated[str | None, Header()] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    org = get_organisation(uow, slug)
    row = find_status_list(uow, org, TSL_PURPOSE, number)
    if negotiate(accept, (MEDIA_TYPE,)) is None:
        raise ProblemError(406, "Not acceptable", f"the status list is served as {MEDIA_TYPE}")
    signer = active_x509_signer(uow, org, box, STATUS_LIST)
    certificate = hashlib.sha256(signer.x5c[0].encode("ascii")).hexdigest()[:12]
    etag = f'W/"{row.id}-{row.version}-{certificate}"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.status_list_max_age}",
        "Vary": "Accept",
    }
    if if_none_match is not None and etag in [tag.strip() for tag in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    signed = signed_token_status_list(
        row, org, signer, public_base_url=settings.public_base_url,
        ttl=settings.status_list_max_age, now=now,
    )  # fmt: skip
    return Response(signed.token, media_type=MEDIA_TYPE, headers=headers)

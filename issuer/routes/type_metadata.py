"""SD-JWT VC Type Metadata of each credential kind at a stable URL, ``GET /vct/{kind}``:
the exact bytes of schemas/sd-jwt-vc/<kind>.json, so ``vct#integrity`` in issued
credentials matches what is served."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response

from ..services.errors import NotFoundError
from ..services.sd_jwt_delivery import type_metadata_document

router = APIRouter(tags=["public"])


@router.get("/vct/{kind}", responses={200: {"content": {"application/json": {}}}, 404: {}})
def type_metadata(
    kind: Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")],
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    body = type_metadata_document(kind)
    if body is None:
        raise NotFoundError(f"no credential kind {kind!r}")
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if if_none_match == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)

"""Open a wallet's share link: fetch the presentation it publishes and check it.

The presentation must be bound (proof ``domain``) to the origin of the link it was fetched
from, so a presentation copied to another place does not pass as shared by its holder.

A link may publish a Verifiable Presentation (JSON) or an SD-JWT VC presentation: the
compact ``<jwt>~<disclosure>~…~<kb-jwt>`` served as ``application/dc+sd-jwt`` (or any text
in that form); its KB-JWT ``aud`` must then be the link's origin.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from credentials.did import DidResolver
from credentials.errors import FetchError, FetchProblem
from credentials.net import HostResolver, guarded_request, parse_json_object, system_resolve
from credentials.related_resources import ResourceFetcher
from credentials.verification import StatusFetcher

from .checking import SD_JWT_MEDIA_TYPE, Report, check_document, is_sd_jwt
from .sd_jwt_fetching import SdJwtSupport
from .trust import TrustEntry

__all__ = ["MAX_SHARE_BYTES", "check_share_link", "fetch_shared", "share_origin"]

MAX_SHARE_BYTES = 2 * 1024 * 1024
_ACCEPT = f"application/json, {SD_JWT_MEDIA_TYPE};q=0.9"


def share_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def fetch_shared(
    url: str,
    *,
    client: httpx.Client,
    allow_hosts: Collection[str],
    resolve_host: HostResolver = system_resolve,
    timeout: float = 5.0,
) -> dict[str, Any] | str:
    """The presentation a share link publishes: a JSON object, or the compact SD-JWT VC
    presentation as a string (raises :class:`FetchError`). Check it with
    ``domain=share_origin(url)``."""
    answer = guarded_request(
        "GET", url, client, allow_hosts=allow_hosts, resolve=resolve_host, timeout=timeout,
        max_bytes=MAX_SHARE_BYTES, headers={"Accept": _ACCEPT},
    )  # fmt: skip
    if answer.status != 200:
        raise FetchError(
            FetchProblem.HTTP_STATUS,
            f"{url} answered HTTP {answer.status}, expected 200",
            status=answer.status,
        )
    media_type = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    text = answer.content.decode("utf-8", errors="replace").strip()
    if media_type == SD_JWT_MEDIA_TYPE or is_sd_jwt(text):
        if not is_sd_jwt(text):
            raise FetchError(
                FetchProblem.WRONG_CONTENT,
                f"{url} answered {SD_JWT_MEDIA_TYPE} that is not an SD-JWT",
            )
        return text
    return parse_json_object(url, answer.content)


def check_share_link(
    url: str,
    *,
    client: httpx.Client,
    allow_hosts: Collection[str],
    resolver: DidResolver,
    fetch_status_list: StatusFetcher | None,
    trusted: Mapping[str, TrustEntry],
    now: datetime,
    resolve_host: HostResolver = system_resolve,
    timeout: float = 5.0,
    sd_jwt: SdJwtSupport | None = None,
    fetch_resource: ResourceFetcher | None = None,
) -> Report:
    """Raises :class:`credentials.errors.FetchError` when the link cannot be fetched.
    ``fetch_resource`` checks ``relatedResource`` digests (else they are "not checked")."""
    document = fetch_shared(url, client=client, allow_hosts=allow_hosts,
                            resolve_host=resolve_host, timeout=timeout)  # fmt: skip
    return check_document(
        document, resolver=resolver, fetch_status_list=fetch_status_list, trusted=trusted,
        now=now, challenge=None, domain=share_origin(url), sd_jwt=sd_jwt,
        fetch_resource=fetch_resource,
    )  # fmt: skip

"""Outbound HTTP of the wallet, under the network rules of :mod:`credentials.net`.

Everything the wallet fetches or posts to comes from an offer or request someone handed the
person (a link, a QR code), so it goes through the same guard as a verifier's fetches: https
only unless the host is allow-listed for development, no loopback or private addresses, no
redirects, time and size limits, JSON objects only. ``credentials.net.fetch_json`` covers
GET; this module adds the POSTs the OpenID4VCI and OpenID4VP flows need, and reads error
bodies (OAuth errors come with status 400/401).
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from credentials.errors import FetchError
from credentials.net import HostResolver, check_url_allowed, fetch_json, system_resolve

__all__ = ["GuardedHttp", "HttpAnswer"]


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status: int
    body: Any  # the parsed JSON body, or None when it was empty or not JSON


class GuardedHttp:
    """One wallet's outbound HTTP; every failure raises :class:`FetchError`."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        allow_hosts: Collection[str] = (),
        resolve: HostResolver = system_resolve,
        timeout: float = 5.0,
        max_bytes: int = 512 * 1024,
    ) -> None:
        self.client = client
        self.allow_hosts = frozenset(allow_hosts)
        self.resolve = resolve
        self.timeout = timeout
        self.max_bytes = max_bytes

    def allows_http(self, url: str) -> bool:
        """Whether plain http is acceptable for ``url`` (an allow-listed development host)."""
        try:
            check_url_allowed(url, self.allow_hosts, resolve=lambda host, port: ["192.0.2.1"])
        except FetchError:
            return False
        return True

    def get_json(self, url: str, *, max_bytes: int | None = None) -> dict[str, Any]:
        return fetch_json(
            url,
            self.client,
            allow_hosts=self.allow_hosts,
            max_bytes=max_bytes or self.max_bytes,
            timeout=self.timeout,
            resolve=self.resolve,
        )

    def get(self, url: str, *, max_bytes: int | None = None) -> HttpAnswer:
        """GET with the status and JSON body, whatever the status (e.g. 410 for an offer
        that was used)."""
        return self.request("GET", url, max_bytes=max_bytes)

    def post(
        self,
        url: str,
        *,
        form: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> HttpAnswer:
        """POST a form or JSON body; the answer's JSON body with its status, whatever it is
        (the caller reads OAuth errors from it). Redirects are not followed."""
        return self.request(
            "POST", url, form=form, json_body=json_body, headers=headers, max_bytes=max_bytes
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        form: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> HttpAnswer:
        check_url_allowed(url, self.allow_hosts, resolve=self.resolve)
        limit = max_bytes or self.max_bytes
        deadline = time.monotonic() + self.timeout
        body = bytearray()
        send: dict[str, Any] = {}
        if form is not None:
            send["data"] = dict(form)
        elif json_body is not None:
            send["content"] = json.dumps(json_body).encode("utf-8")
            headers = {"Content-Type": "application/json", **(headers or {})}
        try:
            with self.client.stream(
                method,
                url,
                headers={"Accept": "application/json", **(headers or {})},
                timeout=self.timeout,
                follow_redirects=False,
                **send,
            ) as response:
                status = response.status_code
                if response.is_redirect:
                    raise FetchError(f"{url} answered with a redirect; redirects are not followed")
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > limit:
                        raise FetchError(f"{url} answered more than {limit} bytes")
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url} timed out after {self.timeout} s")
        except httpx.TimeoutException:
            raise FetchError(f"{url} timed out after {self.timeout} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url} could not be reached: {type(exc).__name__}") from None
        try:
            parsed = json.loads(bytes(body)) if body else None
        except (UnicodeDecodeError, ValueError, RecursionError):
            parsed = None
        return HttpAnswer(status, parsed)

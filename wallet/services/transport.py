"""Outbound HTTP of the wallet, under the network rules of :mod:`credentials.net`.

Everything the wallet fetches or posts to comes from an offer or request someone handed the
person (a link, a QR code), so it goes through the same guard as a verifier's fetches: https
only unless the host is allow-listed for development, no loopback or private addresses (the
connection pinned to the checked address), no redirects, time and size limits.
``credentials.net.guarded_request`` is that one guard, for GET and POST alike; this class
only holds the wallet's settings and reads error bodies (OAuth errors come with status
400/401).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

import httpx

from credentials.errors import FetchError
from credentials.net import (
    HostResolver,
    HttpAnswer,
    check_url_allowed,
    fetch_json,
    guarded_request,
    system_resolve,
)

__all__ = ["GuardedHttp", "HttpAnswer"]


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
        send_headers = {"Accept": "application/json", **(headers or {})}
        content = None
        if form is None and json_body is not None:
            content = json.dumps(json_body).encode("utf-8")
            send_headers = {"Content-Type": "application/json", **send_headers}
        return guarded_request(
            method, url, self.client, allow_hosts=self.allow_hosts, resolve=self.resolve,
            timeout=self.timeout, max_bytes=max_bytes or self.max_bytes,
            headers=send_headers, content=content, form=form,
        )  # fmt: skip

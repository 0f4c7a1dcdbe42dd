"""did:web identifiers, DID documents and the guarded, caching resolver."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx
import pytest

from credentials.contexts import DID_V1, MULTIKEY_V1
from credentials.did import resolve_verification_method
from credentials.did_web import (
    DidWebResolver,
    build_did_web_document,
    did_web_to_url,
    url_to_did_web,
)
from credentials.errors import DidDocumentError, DidResolutionError
from credentials.keys import Ed25519KeyPair

PUBLIC_IP = "93.184.215.14"
KEY_1 = Ed25519KeyPair.from_seed(bytes(range(32)))
KEY_2 = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
DID = "did:web:school.example:issuer"


def public_dns(host: str, port: int) -> Sequence[str]:
    return [PUBLIC_IP]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def serving(
    documents: Mapping[str, object], calls: list[str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if calls is not None:
            calls.append(str(request.url))
        body = documents.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        return httpx.Response(200, content=json.dumps(body).encode())

    return handler


def resolver_for(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: object
) -> DidWebResolver:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return DidWebResolver(client, resolve_host=public_dns, **kwargs)  # type: ignore[arg-type]


# --- identifiers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:localhost%3A8001", "https://localhost:8001/.well-known/did.json"),
        ("did:web:example.com%3a3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
    ],
)
def test_did_web_to_url(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        ("did:web:", "not a valid domain name"),
        ("did:web:%3A8001", "not a valid domain name"),
        ("did:WEB:example.com", "not a did:web"),
        ("DID:web:example.com", "not a did:web"),
        ("did:key:z6Mk", "not a did:web"),
        ("did:web:example.com#key-1", "DID URL"),
        ("did:web:example.com?service=x", "DID URL"),
        ("did:web:example.com/path", "DID URL"),
        ("did:web:example.com:..:admin", "path traversal"),
        ("did:web:example.com:%2e%2e", "path traversal"),
        ("did:web:example.com:a%2Fb", "path traversal"),
        ("did:web:example.com::alice", "empty or has invalid characters"),
        ("did:web:example.com:alice:", "empty or has invalid characters"),
        ("did:web:127.0.0.1", "IP address"),
        ("did:web:2130706433", "IP address"),
        ("did:web:127.1", "IP address"),
        ("did:web:exa_mple.com", "not a valid domain name"),
        ("did:web:-example.com", "not a valid domain name"),
        ("did:web:example..com", "not a valid domain name"),
        ("did:web:example.com%3A0", "not a valid port"),
        ("did:web:example.com%3A70000", "not a valid port"),
        ("did:web:example.com%3Aabc", "not a valid port"),
        ("did:web:exa%41mple.com", "only the port colon"),
        ("did:web:bücher.example", "not a valid domain name"),
        ("did:web:" + "a" * 3000, "at most 2048"),
    ],
)
def test_malformed_did_web_is_refused(did: str, reason: str) -> None:
    with pytest.raises(DidResolutionError, match=reason):
        did_web_to_url(did)


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://school.example/issuer", "did:web:school.example:issuer"),
        ("https://school.example/issuer/", "did:web:school.example:issuer"),
        ("https://school.example", "did:web:school.example"),
        ("https://School.Example:443/", "did:web:school.example"),
        ("http://localhost:8001", "did:web:localhost%3A8001"),
        ("https://school.example:8443/a/b", "did:web:school.example%3A8443:a:b"),
    ],
)
def test_url_to_did_web(url: str, did: str) -> None:
    assert url_to_did_web(url) == did


@pytest.mark.parametrize(
    "url",
    [
        "ftp://school.example",
        "https://127.0.0.1:8001",
        "https://school.example/issuer?x=1",
        "https://school.example/#frag",
        "https://user@school.example",
        "https://school.example/a//b",
        "https://school.example/../etc",
        "https://school.example:notaport",
    ],
)
def test_url_to_did_web_refuses_unusable_urls(url: str) -> None:
    with pytest.raises(DidDocumentError):
        url_to_did_web(url)


def test_url_and_did_round_trip() -> None:
    did = url_to_did_web("https://school.example:8443/issuers/roc-1")
    assert did_web_to_url(did) == "https://school.example:8443/issuers/roc-1/did.json"


# --- documents ---------------------------------------------------------------------------


def test_build_did_web_document_shape() -> None:
    document = build_did_web_document(DID, [("key-1", KEY_1), ("key-2", KEY_2.public_multibase)])
    assert document == {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": DID,
        "verificationMethod": [
            {
                "id": f"{DID}#key-1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": KEY_1.public_multibase,
            },
            {
                "id": f"{DID}#key-2",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": KEY_2.public_multibase,
            },
        ],
        "assertionMethod": [f"{DID}#key-1", f"{DID}#key-2"],
        "authentication": [f"{DID}#key-1", f"{DID}#key-2"],
    }


def test_rotation_keeps_old_key_verifiable_and_drops_a_compromised_one() -> None:
    document = build_did_web_document(
        DID, [("key-1", KEY_1), ("key-2", KEY_2)], assertion_method=["key-2"]
    )
    assert document["assertionMethod"] == [f"{DID}#key-2"]
    assert document["authentication"] == [f"{DID}#key-2"]
    assert len(document["verificationMethod"]) == 2

    def resolver(did: str) -> DidWebResolver:
        return resolver_for(serving({did_web_to_url(DID): document}))

    found = resolve_verification_method(f"{DID}#key-2", "assertionMethod", resolver(DID))
    assert found.public_key_multibase == KEY_2.public_multibase
    with pytest.raises(DidResolutionError, match="not authorised for assertionMethod"):
        resolve_verification_method(f"{DID}#key-1", "assertionMethod", resolver(DID))


@pytest.mark.parametrize(
    ("keys", "kwargs", "reason"),
    [
        ([], {}, "at least one key"),
        ([("key-1", KEY_1), ("key-1", KEY_2)], {}, "listed twice"),
        ([("key 1", KEY_1)], {}, "plain fragment"),
        ([("key-1", "z6MkNOTAKEY")], {}, "key 'key-1'"),
        ([("key-1", KEY_1)], {"assertion_method": ["key-9"]}, "not in the document"),
        ([("key-1", KEY_1)], {"authentication": ["#key-9"]}, "not in the document"),
    ],
)
def test_build_did_web_document_refuses_misuse(
    keys: list[tuple[str, Ed25519KeyPair | str]], kwargs: dict[str, Any], reason: str
) -> None:
    with pytest.raises(DidDocumentError, match=reason):
        build_did_web_document(DID, keys, **kwargs)


def test_build_did_web_document_refuses_non_did_web() -> None:
    with pytest.raises(DidDocumentError, match="not a did:web"):
        build_did_web_document(KEY_1.did_key, [("key-1", KEY_1)])


# --- resolver ----------------------------------------------------------------------------


def test_resolver_fetches_and_checks_document() -> None:
    document = build_did_web_document(DID, [("key-1", KEY_1)])
    calls: list[str] = []
    resolver = resolver_for(serving({did_web_to_url(DID): document}, calls))
    assert resolver.resolve(DID) == document
    assert calls == ["https://school.example/issuer/did.json"]
    found = resolve_verification_method(f"{DID}#key-1", "assertionMethod", resolver)
    assert found.public_key_multibase == KEY_1.public_multibase


def test_resolver_resolves_did_key_locally() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("did:key needs no network")

    doc = resolver_for(handler).resolve(KEY_1.did_key)
    assert doc["verificationMethod"][0]["publicKeyMultibase"] == KEY_1.public_multibase


@pytest.mark.parametrize("did", ["did:example:123", "did:ion:abc", "not-a-did", ""])
def test_resolver_refuses_other_methods(did: str) -> None:
    with pytest.raises(DidResolutionError, match="not supported"):
        resolver_for(serving({})).resolve(did)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"id": "did:web:evil.example"}, "does not match"),
        ({"@context": "https://example.org/other", "id": DID}, "does not use the context"),
        ({"id": DID, "verificationMethod": {}}, "must be a list"),
        (
            {"id": DID, "verificationMethod": [{"id": "#key-1", "type": "Multikey"}]},
            "absolute id",
        ),
        (
            {"id": DID, "verificationMethod": [{"id": "did:web:other.example#k"}]},
            "absolute id",
        ),
        ({"id": DID, "assertionMethod": ["#key-1"]}, "absolute DID URLs"),
        ([DID], "not return a JSON object"),
        ("plain string", "not return a JSON object"),
    ],
)
def test_resolver_refuses_wrong_content(body: object, reason: str) -> None:
    resolver = resolver_for(serving({did_web_to_url(DID): body}))
    with pytest.raises(DidResolutionError, match=reason):
        resolver.resolve(DID)


def test_resolver_non_200_and_non_json() -> None:
    with pytest.raises(DidResolutionError, match="HTTP 404"):
        resolver_for(serving({})).resolve(DID)

    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<!doctype html>")

    with pytest.raises(DidResolutionError, match="did not return JSON"):
        resolver_for(html).resolve(DID)


def test_resolver_does_not_follow_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "school.example":
            return httpx.Response(301, headers={"location": "https://evil.example/did.json"})
        raise AssertionError("redirect was followed")

    with pytest.raises(DidResolutionError, match="redirects are not followed"):
        resolver_for(handler).resolve(DID)


def test_resolver_size_limit() -> None:
    document = build_did_web_document(DID, [("key-1", KEY_1)])
    document["padding"] = "x" * 5000
    resolver = resolver_for(serving({did_web_to_url(DID): document}), max_bytes=4096)
    with pytest.raises(DidResolutionError, match="larger than the limit of 4096 bytes"):
        resolver.resolve(DID)


def test_resolver_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("no answer", request=request)

    with pytest.raises(DidResolutionError, match=r"timed out after 0\.5 s"):
        resolver_for(handler, timeout=0.5).resolve(DID)


def test_resolver_passes_timeout_to_the_request() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(404)

    with pytest.raises(DidResolutionError):
        resolver_for(handler, timeout=1.5).resolve(DID)
    assert seen[0]["read"] == 1.5
    assert seen[0]["connect"] == 1.5


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fc00::1"])
def test_resolver_refuses_hosts_resolving_to_private_addresses(address: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    resolver = DidWebResolver(client, resolve_host=lambda host, port: [address])
    with pytest.raises(DidResolutionError, match="non-public address"):
        resolver.resolve(DID)


def test_resolver_http_only_for_allow_listed_hosts() -> None:
    did = "did:web:localhost%3A8001"
    document = build_did_web_document(did, [("key-1", KEY_1)])
    calls: list[str] = []
    handler = serving({"http://localhost:8001/.well-known/did.json": document}, calls)

    def loopback(host: str, port: int) -> Sequence[str]:
        return ["127.0.0.1"]

    client = httpx.Client(transport=httpx.MockTransport(handler))
    allowed = DidWebResolver(client, allow_http_hosts={"localhost:8001"}, resolve_host=loopback)
    assert allowed.resolve(did)["id"] == did
    # https first (what did:web says); plain http only because the host is allow-listed
    assert calls == [
        "https://localhost:8001/.well-known/did.json",
        "http://localhost:8001/.well-known/did.json",
    ]

    refused = DidWebResolver(client, resolve_host=loopback)
    with pytest.raises(DidResolutionError, match="non-public address"):
        refused.resolve(did)
    other_port = DidWebResolver(client, allow_http_hosts={"localhost:9999"}, resolve_host=loopback)
    with pytest.raises(DidResolutionError, match="non-public address"):
        other_port.resolve(did)


def test_resolver_cache_honours_ttl() -> None:
    document = build_did_web_document(DID, [("key-1", KEY_1)])
    calls: list[str] = []
    clock = FakeClock()
    resolver = resolver_for(
        serving({did_web_to_url(DID): document}, calls), cache_ttl=300.0, clock=clock
    )
    resolver.resolve(DID)
    clock.now += 299.0
    resolver.resolve(DID)
    assert len(calls) == 1
    clock.now += 1.0
    resolver.resolve(DID)
    assert len(calls) == 2


def test_resolver_cache_returns_copies() -> None:
    document = build_did_web_document(DID, [("key-1", KEY_1)])
    resolver = resolver_for(serving({did_web_to_url(DID): document}))
    first = resolver.resolve(DID)
    first["assertionMethod"].clear()
    assert resolver.resolve(DID)["assertionMethod"] == [f"{DID}#key-1"]


def test_resolver_cache_is_bounded() -> None:
    dids = [f"did:web:school{i}.example" for i in range(3)]
    documents = {did_web_to_url(d): build_did_web_document(d, [("k", KEY_1)]) for d in dids}
    calls: list[str] = []
    resolver = resolver_for(serving(documents, calls), cache_size=2)
    for did in dids:
        resolver.resolve(did)
    resolver.resolve(dids[2])
    resolver.resolve(dids[1])
    assert len(calls) == 3  # the two most recent are cached
    resolver.resolve(dids[0])
    assert len(calls) == 4  # the oldest was evicted


def test_resolver_does_not_cache_failures() -> None:
    document = build_did_web_document(DID, [("key-1", KEY_1)])
    responses = [httpx.Response(503), httpx.Response(200, json=document)]
    resolver = resolver_for(lambda request: responses.pop(0))
    with pytest.raises(DidResolutionError, match="HTTP 503"):
        resolver.resolve(DID)
    assert resolver.resolve(DID)["id"] == DID


def test_clear_cache_forces_refetch() -> None:
    document = build_did_web_document(DID, [("key-1", KEY_1)])
    calls: list[str] = []
    resolver = resolver_for(serving({did_web_to_url(DID): document}, calls))
    resolver.resolve(DID)
    resolver.clear_cache()
    resolver.resolve(DID)
    assert len(calls) == 2


def test_resolver_without_client_builds_one_lazily_and_closes_it() -> None:
    resolver = DidWebResolver(resolve_host=lambda host, port: ["10.0.0.1"])
    with resolver, pytest.raises(DidResolutionError, match="non-public address"):
        resolver.resolve(DID)
    assert resolver._client is None


def test_resolver_rejects_bad_limits() -> None:
    with pytest.raises(ValueError, match="positive"):
        DidWebResolver(timeout=0)


def test_allow_listed_host_serving_https_is_asked_over_https_only() -> None:
    did = "did:web:localhost%3A8443:school"
    document = build_did_web_document(did, [("key-1", KEY_1)])
    calls: list[str] = []
    handler = serving({"https://localhost:8443/school/did.json": document}, calls)
    client = httpx.Client(transport=httpx.MockTransport(handler))
    resolver = DidWebResolver(
        client, allow_http_hosts={"localhost:8443"}, resolve_host=lambda h, p: ["127.0.0.1"]
    )
    assert resolver.resolve(did)["id"] == did
    assert calls == ["https://localhost:8443/school/did.json"]


def test_a_public_host_never_falls_back_to_http() -> None:
    calls: list[str] = []
    handler = serving({"http://school.example/.well-known/did.json": {}}, calls)
    resolver = resolver_for(handler)
    with pytest.raises(DidResolutionError, match="cannot resolve"):
        resolver.resolve("did:web:school.example")
    assert all(call.startswith("https://") for call in calls)

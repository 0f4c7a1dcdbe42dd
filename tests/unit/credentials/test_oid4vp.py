"""OpenID4VP 1.0 messages: request by value, direct_post response, strict parsing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credentials.oid4vp import (
    AuthorizationRequest,
    OpenId4VpError,
    build_authorization_request,
    build_response_form,
    mbo_dcql_query,
    parse_authorization_request,
    parse_response_form,
    request_uri,
)

RESPONSE_URI = "https://werkgever.example/oid4vp/response/r-1"


def _request(nonce: str = "n-1", state: str | None = "s-1") -> AuthorizationRequest:
    return build_authorization_request(
        response_uri=RESPONSE_URI, nonce=nonce, state=state, dcql_query=mbo_dcql_query(),
        client_name="Zorggroep De Linde",
    )  # fmt: skip


@given(st.text(min_size=1, max_size=60), st.none() | st.text(min_size=1, max_size=40))
def test_request_round_trips_through_its_link(nonce: str, state: str | None) -> None:
    request = _request(nonce, state)
    link = request_uri(request)
    assert link.startswith("openid4vp://?")
    assert parse_authorization_request(link) == request


def test_client_id_uses_the_redirect_uri_prefix() -> None:
    request = parse_authorization_request(request_uri(_request()))
    assert request.client_id == "redirect_uri:" + RESPONSE_URI
    assert request.query_ids == ("mbo_credentials",)
    assert request.client_metadata["vp_formats_supported"]["ldp_vc"]["cryptosuite_values"] == [
        "eddsa-rdfc-2022"
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"response_type": "code"}, "response_type"),
        ({"response_mode": "fragment"}, "direct_post"),
        ({"redirect_uri": "https://x.example"}, "redirect_uri"),
        ({"client_id": "redirect_uri:https://evil.example/cb"}, "client_id"),
        ({"nonce": None}, "nonce"),
        ({"dcql_query": {"credentials": []}}, "non-empty"),
        ({"dcql_query": {"credentials": [{"id": "a", "format": "ldp_vc"},
                                         {"id": "a", "format": "ldp_vc"}]}}, "unique"),
        ({"request_uri": "https://x.example/r"}, "by-reference"),
        ({"response_uri": "ftp://x.example/r", "client_id": "redirect_uri:ftp://x.example/r"},
         "http"),
    ],
)  # fmt: skip
def test_off_spec_requests_are_refused(change: dict[str, object], reason: str) -> None:
    params = _request().to_params()
    params.update(change)
    params = {k: v for k, v in params.items() if v is not None}
    with pytest.raises(OpenId4VpError, match=reason):
        parse_authorization_request(params)


def test_response_form_round_trip_and_errors() -> None:
    request = parse_authorization_request(request_uri(_request()))
    vp = {"type": ["VerifiablePresentation"]}
    form = build_response_form(request, {"mbo_credentials": [vp]})
    assert form["state"] == "s-1"
    assert parse_response_form(form) == ({"mbo_credentials": [vp]}, "s-1")
    with pytest.raises(OpenId4VpError, match="no Credential Query"):
        build_response_form(request, {"other": [vp]})
    for bad in ({}, {"vp_token": "not json"}, {"vp_token": json.dumps({"q": []})},
                {"vp_token": json.dumps([vp])}):  # fmt: skip
        with pytest.raises(OpenId4VpError):
            parse_response_form(bad)
    with pytest.raises(OpenId4VpError, match="JSON"):
        parse_authorization_request("openid4vp://?dcql_query=%7Bnope")


def test_the_by_value_query_asks_with_expanded_type_iris() -> None:
    """OpenID4VP 1.0 B.1.1: ``type_values`` are fully expanded IRIs. The by-value request
    asks for ``VerifiableCredential`` so; per kind the IRIs are the ones the bundled contexts
    expand each kind's issued types into, and a wallet matching expanded types finds it."""
    from credentials.canonicalization import default_engine
    from credentials.contexts import MBO_V1, OB_V3P0, VC_V2
    from credentials.dcql import HeldCredential, match_credential, parse_dcql
    from credentials.oid4vp import VC_TYPE_IRI
    from qualifications.achievements import KINDS, type_iris
    from qualifications.achievements import VC_TYPE_IRI as KIND_VC_IRI

    assert VC_TYPE_IRI == KIND_VC_IRI == "https://www.w3.org/2018/credentials#VerifiableCredential"
    [query] = mbo_dcql_query()["credentials"]
    assert query["meta"] == {"type_values": [[VC_TYPE_IRI]]}
    assert type_iris() == (VC_TYPE_IRI,)
    for kind, info in KINDS.items():
        types = ["VerifiableCredential", "OpenBadgeCredential", info.vc_type]
        [node] = default_engine().expand({"@context": [VC_V2, OB_V3P0, MBO_V1], "type": types})
        assert set(type_iris(kind)) == set(node["@type"]), kind
        dcql = parse_dcql(mbo_dcql_query("q", type_iris(kind)))
        expanded = HeldCredential("c", "ldp_vc", {}, types=frozenset(node["@type"]))
        compact_only = HeldCredential("c", "ldp_vc", {}, types=frozenset(types))
        assert match_credential(dcql.credentials[0], expanded) is not None
        assert match_credential(dcql.credentials[0], compact_only) is None

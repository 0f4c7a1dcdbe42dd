"""OpenID4VCI protocol helpers: offers, metadata, token and credential requests, key proofs."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jwcrypto import jwk, jws

from credentials.did import StaticDidResolver
from credentials.keys import Ed25519KeyPair
from credentials.oid4vci import (
    CREDENTIAL_OFFER_SCHEME,
    KEY_PROOF_TYP,
    PRE_AUTHORIZED_GRANT,
    CredentialRequestError,
    KeyProofError,
    MetadataError,
    OfferError,
    Oid4vciError,
    TokenRequestError,
    TxCode,
    authorization_server_metadata_url,
    build_authorization_server_metadata,
    build_credential_offer,
    build_credential_request,
    build_issuer_metadata,
    create_key_proof,
    credential_offer_uri,
    issuer_metadata_url,
    ldp_vc_configuration,
    parse_authorization_server_metadata,
    parse_credential_offer,
    parse_credential_request,
    parse_credential_response,
    parse_issuer_metadata,
    parse_offer_uri,
    parse_token_request,
    parse_token_response,
    token_request_form,
    verify_key_proof,
)

ISSUER = "https://issuer.example/roc-midden"
HOLDER = Ed25519KeyPair.from_seed(bytes(range(32)))
OTHER = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
RESOLVER = StaticDidResolver()
OFFER_Q = "openid-credential-offer://?"

# OpenID4VCI 1.0, examples/credential_offer_pre-authz_code.json
SPEC_OFFER = {
    "credential_issuer": "https://credential-issuer.example.com",
    "credential_configuration_ids": ["UniversityDegreeCredential"],
    "grants": {
        "urn:ietf:params:oauth:grant-type:pre-authorized_code": {
            "pre-authorized_code": "adhjhdjajkdkhjhdj",
            "tx_code": {
                "description": "Please provide the one-time code which was sent to your "
                "mobile phone via SMS"
            },
        }
    },
}


# --------------------------------------------------------------------------- offers


def test_the_spec_example_offer_parses() -> None:
    offer = parse_credential_offer(SPEC_OFFER)
    assert offer.credential_issuer == "https://credential-issuer.example.com"
    assert offer.credential_configuration_ids == ("UniversityDegreeCredential",)
    assert offer.pre_authorized_code == "adhjhdjajkdkhjhdj"
    assert offer.tx_code is not None
    assert offer.tx_code.input_mode == "numeric"  # the default
    assert offer.tx_code.length is None


def test_offer_shape() -> None:
    offer = build_credential_offer(
        ISSUER, ["A_ldp_vc"], pre_authorized_code="code", tx_code=TxCode(length=6)
    )
    assert offer == {
        "credential_issuer": ISSUER,
        "credential_configuration_ids": ["A_ldp_vc"],
        "grants": {
            PRE_AUTHORIZED_GRANT: {
                "pre-authorized_code": "code",
                "tx_code": {"input_mode": "numeric", "length": 6},
            }
        },
    }


_ids = st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4, unique=True)
_codes = st.text(min_size=1, max_size=80)
_tx = st.one_of(
    st.none(),
    st.builds(
        TxCode,
        input_mode=st.sampled_from(["numeric", "text"]),
        length=st.one_of(st.none(), st.integers(1, 12)),
        description=st.one_of(st.none(), st.text(max_size=300)),
    ),
)


@given(ids=_ids, code=_codes, tx_code=_tx)
def test_offer_by_value_round_trips_through_the_uri(
    ids: list[str], code: str, tx_code: TxCode | None
) -> None:
    built = build_credential_offer(ISSUER, ids, pre_authorized_code=code, tx_code=tx_code)
    uri = credential_offer_uri(built)
    assert uri.startswith(CREDENTIAL_OFFER_SCHEME + "?credential_offer=")
    parsed = parse_offer_uri(uri)
    assert parsed.credential_offer_uri is None
    offer = parsed.credential_offer
    assert offer is not None
    assert offer.credential_issuer == ISSUER
    assert offer.credential_configuration_ids == tuple(ids)
    assert offer.pre_authorized_code == code
    assert offer.tx_code == tx_code


@given(path=st.text(alphabet="abcXYZ019-_.~/%?&=#+ é", max_size=40))
def test_offer_by_reference_round_trips(path: str) -> None:
    url = "https://issuer.example/roc/offers/" + path.replace("#", "").replace(" ", "")
    url = url.encode("ascii", "ignore").decode()
    uri = credential_offer_uri(by_reference=url)
    assert parse_offer_uri(uri).credential_offer_uri == url


def test_offer_uri_to_a_wallet_endpoint() -> None:
    uri = credential_offer_uri(by_reference=ISSUER + "/o/1", endpoint="https://wallet.example/o")
    assert (
        uri
        == "https://wallet.example/o?credential_offer_uri=https%3A%2F%2Fissuer.example%2Froc-midden%2Fo%2F1"
    )
    assert parse_offer_uri(uri).credential_offer_uri == ISSUER + "/o/1"


@pytest.mark.parametrize(
    ("uri", "fragment"),
    [
        ("openid-credential-offer://", "exactly one"),
        (OFFER_Q + "credential_offer=%7B%7D&credential_offer_uri=https://a", "exactly one"),
        (OFFER_Q + "credential_offer_uri=https://a&credential_offer_uri=https://b", "than once"),
        ("openid-credential-offer://?credential_offer_uri=http://issuer.example/o", "https"),
        ("openid-credential-offer://?credential_offer_uri=javascript:alert(1)", "https"),
        ("openid-credential-offer://?credential_offer=%7Bnot%20json", "not JSON"),
        ("openid-credential-offer://?credential_offer=%5B%5D", "JSON object"),
        ("no scheme at all", "scheme"),
    ],
)  # fmt: skip
def test_malformed_offer_uris_are_refused(uri: str, fragment: str) -> None:
    with pytest.raises(OfferError) as caught:
        parse_offer_uri(uri)
    assert fragment in caught.value.description
    assert caught.value.error == "invalid_credential_offer"


def test_http_references_only_when_allowed() -> None:
    uri = credential_offer_uri(by_reference="http://localhost:8001/roc/offers/x")
    assert parse_offer_uri(uri, allow_http=True).credential_offer_uri is not None


def _with(**changes: Any) -> dict[str, Any]:
    offer = json.loads(json.dumps(SPEC_OFFER))
    for key, value in changes.items():
        if value is None:
            offer.pop(key)
        else:
            offer[key] = value
    return dict(offer)


def _grant(**changes: Any) -> dict[str, Any]:
    offer = _with()
    offer["grants"][PRE_AUTHORIZED_GRANT].update(changes)
    return offer


@pytest.mark.parametrize(
    ("offer", "fragment"),
    [
        (_with(credential_issuer=None), "credential_issuer"),
        (_with(credential_issuer="http://insecure.example"), "https"),
        (_with(credential_issuer="https://issuer.example/a?b=c"), "query"),
        (_with(credential_issuer="https://issuer.example/a#b"), "query or fragment"),
        (_with(credential_configuration_ids=[]), "non-empty"),
        (_with(credential_configuration_ids=["a", "a"]), "unique"),
        (_with(credential_configuration_ids="a"), "array"),
        (_with(credential_configuration_ids=[1]), "strings"),
        (_with(grants=[]), "grants"),
        (_grant(**{"pre-authorized_code": ""}), "pre-authorized_code"),
        (_grant(**{"pre-authorized_code": 42}), "pre-authorized_code"),
        (_grant(tx_code="123"), "tx_code"),
        (_grant(tx_code={"input_mode": "emoji"}), "input_mode"),
        (_grant(tx_code={"length": "6"}), "length"),
        (_grant(tx_code={"length": 0}), "positive"),
        (_grant(tx_code={"description": "x" * 301}), "300"),
    ],
)
def test_malformed_offers_are_refused_with_reasons(offer: Any, fragment: str) -> None:
    with pytest.raises(OfferError) as caught:
        parse_credential_offer(offer)
    assert fragment in caught.value.description


def test_unknown_offer_parameters_are_ignored() -> None:
    offer = _with(extra={"x": 1})
    offer["grants"]["authorization_code"] = {"issuer_state": "s"}
    parsed = parse_credential_offer(offer)
    assert parsed.issuer_state == "s"
    assert parsed.pre_authorized_code == "adhjhdjajkdkhjhdj"


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        (
            "https://issuer.example.com/tenant",
            "https://issuer.example.com/.well-known/openid-credential-issuer/tenant",
        ),
        (
            "https://tenant.issuer.example.com",
            "https://tenant.issuer.example.com/.well-known/openid-credential-issuer",
        ),
        (
            "https://issuer.example.com:8443/a/b",
            "https://issuer.example.com:8443/.well-known/openid-credential-issuer/a/b",
        ),
    ],
)
def test_well_known_urls_insert_between_host_and_path(issuer: str, expected: str) -> None:
    assert issuer_metadata_url(issuer) == expected
    assert authorization_server_metadata_url(issuer) == expected.replace(
        "openid-credential-issuer", "oauth-authorization-server"
    )


def _metadata() -> dict[str, Any]:
    return build_issuer_metadata(
        ISSUER,
        credential_endpoint=ISSUER + "/credential",
        nonce_endpoint=ISSUER + "/nonce",
        configurations={
            "A_ldp_vc": ldp_vc_configuration(
                ["https://www.w3.org/ns/credentials/v2"],
                ["VerifiableCredential", "A"],
                display=[{"name": "A", "locale": "nl-NL"}],
            )
        },
    )


def test_issuer_metadata_round_trip() -> None:
    metadata = parse_issuer_metadata(_metadata(), expected_issuer=ISSUER)
    assert metadata.credential_endpoint == ISSUER + "/credential"
    assert metadata.nonce_endpoint == ISSUER + "/nonce"
    assert metadata.authorization_server == ISSUER
    config = metadata.configurations["A_ldp_vc"]
    assert config["format"] == "ldp_vc"
    assert config["credential_definition"]["type"] == ["VerifiableCredential", "A"]
    assert config["credential_metadata"]["display"] == [{"name": "A", "locale": "nl-NL"}]


def test_issuer_metadata_for_another_issuer_is_refused() -> None:
    with pytest.raises(MetadataError, match="not the identifier"):
        parse_issuer_metadata(_metadata(), expected_issuer=ISSUER + "/")
    broken = _metadata()
    broken["credential_endpoint"] = "http://evil.example/credential"
    with pytest.raises(MetadataError, match="https"):
        parse_issuer_metadata(broken, expected_issuer=ISSUER)
    broken = _metadata()
    broken["credential_configurations_supported"] = {}
    with pytest.raises(MetadataError, match="non-empty"):
        parse_issuer_metadata(broken, expected_issuer=ISSUER)


def test_authorization_server_metadata_round_trip() -> None:
    built = build_authorization_server_metadata(ISSUER, token_endpoint=ISSUER + "/token")
    parsed = parse_authorization_server_metadata(built, expected_issuer=ISSUER)
    assert parsed.token_endpoint == ISSUER + "/token"
    assert parsed.anonymous_pre_authorized
    with pytest.raises(MetadataError):
        parse_authorization_server_metadata(built, expected_issuer="https://other.example")


# --------------------------------------------------------------------------- token


@given(
    code=st.text(min_size=1, max_size=200),
    tx_code=st.one_of(st.none(), st.text(min_size=1, max_size=64)),
)
def test_token_request_form_round_trips(code: str, tx_code: str | None) -> None:
    body = urlencode(token_request_form(code, tx_code))
    parsed = parse_token_request(body)
    assert (parsed.pre_authorized_code, parsed.tx_code) == (code, tx_code)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "invalid_request"),
        ("pre-authorized_code=x", "invalid_request"),
        ("grant_type=authorization_code&code=x", "unsupported_grant_type"),
        (f"grant_type={PRE_AUTHORIZED_GRANT}", "invalid_request"),
        (f"grant_type={PRE_AUTHORIZED_GRANT}&pre-authorized_code=", "invalid_request"),
        (f"grant_type={PRE_AUTHORIZED_GRANT}&pre-authorized_code=a&pre-authorized_code=b",
         "invalid_request"),
        (f"grant_type={PRE_AUTHORIZED_GRANT}&pre-authorized_code=a&tx_code=", "invalid_request"),
        ("a&&=", "invalid_request"),
    ],
)  # fmt: skip
def test_malformed_token_requests(body: str, error: str) -> None:
    with pytest.raises(TokenRequestError) as caught:
        parse_token_request(body)
    assert caught.value.error == error


def test_token_request_ignores_unknown_parameters() -> None:
    body = urlencode({**token_request_form("c", "123456"), "client_id": "w", "x": "y"})
    assert parse_token_request(body.encode()).client_id == "w"


def test_token_response() -> None:
    parsed = parse_token_response({"access_token": "t", "token_type": "Bearer", "expires_in": 300})
    assert (parsed.access_token, parsed.expires_in) == ("t", 300)
    with pytest.raises(TokenRequestError) as caught:
        parse_token_response({"error": "invalid_grant", "error_description": "nope"})
    assert caught.value.error == "invalid_grant"


# --------------------------------------------------------------------------- credential


def test_credential_request_round_trip() -> None:
    request = parse_credential_request(build_credential_request("A_ldp_vc", ["a.b.c"]))
    assert request.credential_configuration_id == "A_ldp_vc"
    assert request.proofs == ("a.b.c",)


@pytest.mark.parametrize(
    ("body", "error", "fragment"),
    [
        ([], "invalid_credential_request", "JSON object"),
        ({"proofs": {"jwt": ["x"]}}, "invalid_credential_request", "missing"),
        ({"credential_configuration_id": "A", "credential_identifier": "B"},
         "invalid_credential_request", "not both"),
        ({"credential_configuration_id": 7, "proofs": {"jwt": ["x"]}},
         "invalid_credential_request", "string"),
        ({"credential_configuration_id": "A"}, "invalid_proof", "missing"),
        ({"credential_configuration_id": "A", "proof": {"proof_type": "jwt", "jwt": "x"}},
         "invalid_proof", "draft"),
        ({"credential_configuration_id": "A", "proofs": {"di_vp": [{}]}}, "invalid_proof", "di_vp"),
        ({"credential_configuration_id": "A", "proofs": {"jwt": []}}, "invalid_proof", "non-empty"),
        ({"credential_configuration_id": "A", "proofs": {"jwt": ["a", "b"]}}, "invalid_proof",
         "at most 1"),
        ({"credential_configuration_id": "A", "proofs": {"jwt": ["a"], "di_vp": [{}]}},
         "invalid_proof", "exactly one"),
        ({"credential_configuration_id": "A", "proofs": {"jwt": ["a"]},
          "credential_response_encryption": {}}, "invalid_encryption_parameters", "encrypt"),
    ],
)  # fmt: skip
def test_malformed_credential_requests(body: Any, error: str, fragment: str) -> None:
    with pytest.raises(CredentialRequestError) as caught:
        parse_credential_request(body)
    assert caught.value.error == error
    assert fragment in caught.value.description


def test_credential_response() -> None:
    assert parse_credential_response({"credentials": [{"credential": {"id": "x"}}]}) == [
        {"id": "x"}
    ]
    with pytest.raises(CredentialRequestError) as caught:
        parse_credential_response({"error": "invalid_nonce"})
    assert caught.value.error == "invalid_nonce"
    with pytest.raises(CredentialRequestError):
        parse_credential_response({"transaction_id": "t", "interval": 5})


def test_error_descriptions_stay_within_the_oauth_character_set() -> None:
    error = Oid4vciError("invalid_request", 'the "value" \\ was café')
    assert error.description == "the ?value? ? was caf?"


# --------------------------------------------------------------------------- key proofs


def _verify(token: str, **options: Any) -> Any:
    return verify_key_proof(
        token, audience=options.pop("audience", ISSUER), now=NOW, resolver=RESOLVER, **options
    )


def test_key_proof_round_trip() -> None:
    token = create_key_proof(HOLDER, audience=ISSUER, nonce="n-1", issued_at=NOW)
    proof = _verify(token)
    assert proof.holder_did == HOLDER.did_key
    assert proof.kid == HOLDER.did_key_verification_method
    assert proof.nonce == "n-1"
    assert proof.header["typ"] == KEY_PROOF_TYP
    assert proof.header["alg"] == "EdDSA"
    assert set(proof.claims) == {"aud", "iat", "nonce"}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _signed(header: dict[str, Any], claims: dict[str, Any], key: Ed25519KeyPair = HOLDER) -> str:
    token = jws.JWS(json.dumps(claims).encode())
    private = jwk.JWK(
        kty="OKP",
        crv="Ed25519",
        x=base64.urlsafe_b64encode(key.public_bytes).rstrip(b"=").decode(),
        d=base64.urlsafe_b64encode(key.seed).rstrip(b"=").decode(),
    )
    token.add_signature(private, alg="EdDSA", protected=json.dumps(header))
    return str(token.serialize(compact=True))


HEADER = {"typ": KEY_PROOF_TYP, "alg": "EdDSA", "kid": HOLDER.did_key_verification_method}
IAT = int(NOW.timestamp())
CLAIMS: dict[str, Any] = {"aud": ISSUER, "iat": IAT, "nonce": "n"}


@pytest.mark.parametrize(
    ("token", "fragment"),
    [
        (_signed({**HEADER, "typ": "JWT"}, CLAIMS), "typ"),
        (_b64({**HEADER, "alg": "none"}) + "." + _b64(CLAIMS) + ".", "alg"),
        (_b64({**HEADER, "crit": ["x"], "x": 1}) + "." + _b64(CLAIMS) + ".AAAA", "crit"),
        (_signed({**HEADER, "jwk": {"kty": "OKP"}}, CLAIMS), "jwk"),
        (_signed({**HEADER, "kid": "key-1"}, CLAIMS), "DID URL"),
        (_signed({**HEADER, "kid": "did:web:evil.example#k"}, CLAIMS), "kid cannot be used"),
        (_signed(HEADER, CLAIMS, key=OTHER), "signature"),
        (_signed(HEADER, {**CLAIMS, "aud": "https://other.example"}), "aud"),
        (_signed(HEADER, {k: v for k, v in CLAIMS.items() if k != "iat"}), "iat"),
        (_signed(HEADER, {**CLAIMS, "iat": "2026"}), "iat"),
        (_signed(HEADER, {**CLAIMS, "iat": IAT + 3600}), "future"),
        (_signed(HEADER, {**CLAIMS, "iat": IAT - 3600}), "too old"),
        (_signed(HEADER, {k: v for k, v in CLAIMS.items() if k != "nonce"}), "nonce"),
        (_signed(HEADER, {**CLAIMS, "nonce": 5}), "nonce"),
        ("a.b", "malformed"),
        ("x" * 20_000, "size"),
    ],
)
def test_bad_key_proofs_are_refused(token: str, fragment: str) -> None:
    with pytest.raises(KeyProofError) as caught:
        _verify(token)
    assert caught.value.error == "invalid_proof"
    assert fragment in caught.value.description


def test_key_proof_details() -> None:
    as_list = _signed(HEADER, {**CLAIMS, "aud": ["https://x.example", ISSUER]})
    assert _verify(as_list).holder_did == HOLDER.did_key
    skewed = _signed(HEADER, {**CLAIMS, "iat": IAT + 60})
    assert _verify(skewed).issued_at == IAT + 60
    without_nonce = create_key_proof(HOLDER, audience=ISSUER, nonce=None, issued_at=NOW)
    assert _verify(without_nonce, require_nonce=False).nonce is None
    assert _verify(without_nonce, max_age=timedelta(seconds=1), require_nonce=False)
    with pytest.raises(ValueError, match="timezone"):
        create_key_proof(HOLDER, audience=ISSUER, nonce="n", issued_at=NOW.replace(tzinfo=None))

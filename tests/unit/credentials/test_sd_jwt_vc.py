"""SD-JWT VC issue and verify: the OpenID4VC vectors, x5c and did issuers, the KB-JWT, the
Token Status List, one negative test per check, and bounded fuzzing of hostile input."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials.did import StaticDidResolver
from credentials.errors import SigningError
from credentials.jwk import EdDsaSigner, P256KeyPair
from credentials.jws import parse_compact, verify_compact
from credentials.keys import Ed25519KeyPair
from credentials.results import Outcome, Verdict
from credentials.sd_jwt import Budgets, Disclosure, parse_sd_jwt, serialize_sd_jwt
from credentials.sd_jwt_holder import KeyBindingRequest, present
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import (
    did_key_resolver,
    issue_sd_jwt_vc,
    verify_sd_jwt_vc,
    x5c_key_resolver,
)
from credentials.sd_jwt_verifier import KeyBindingPolicy, verify_sd_jwt
from credentials.token_status_list import INVALID, SUSPENDED, StatusReference, TokenStatusList
from credentials.x509_dev_ca import create_intermediate_ca, create_leaf, create_root_ca
from credentials.x509_trust import verify_x5c

from .sd_vectors import OPENID4VC, SD_JWT, SD_JWT_VC, load_examples, load_settings

VC_SETTINGS = load_settings(SD_JWT_VC)
VC_ISSUER = P256KeyPair.from_jwk(VC_SETTINGS["key_settings"]["issuer_key"])
VC_EXAMPLES = load_examples(SD_JWT_VC / "sd-jwt-vc-examples.json")
NOW = 1_800_000_000
NOW_DT = datetime.fromtimestamp(NOW, UTC)
ISS = "https://issuer.example/roc"
VCT = "https://issuer.example/vct/mbo-diploma"
AUD = "https://verifier.example/employer"
NONCE = "nonce-6W3qTg"


def test_openid4vci_credential_response_is_example_01_resigned() -> None:
    text = (OPENID4VC / "credential_response_sd_jwt_vc.txt").read_text(encoding="utf-8")
    body = text.split("\n\n", 1)[1]
    joined = "".join(line.strip() for line in body.splitlines())
    credential = json.loads(joined)["credentials"][0]["credential"]
    example = VC_EXAMPLES["01"]
    assert credential.split("~")[1:] == example["sd_jwt"].split("~")[1:]
    result = verify_sd_jwt_vc(credential, lambda h, p: VC_ISSUER.public_key, now=1683000000)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.credential is not None
    assert result.credential["vct"] == "https://credentials.example.com/identity_credential"
    assert parse_compact(credential.split("~")[0]).header == example["issuer_signed_jwt_header"]


def test_openid4vci_signed_metadata_verifies_with_its_x5c_key() -> None:
    token = (OPENID4VC / "credential_issuer_metadata_sd_jwt_jwt.txt").read_text().replace("\n", "")
    jws = parse_compact(token, max_bytes=1_000_000)
    assert jws.header["typ"] == "openidvci-issuer-metadata+jwt"
    cert = x509.load_der_x509_certificate(base64.b64decode(jws.header["x5c"][0]))
    key = cert.public_key()
    assert isinstance(key, type(VC_ISSUER.public_key))
    assert verify_compact(jws, key)
    assert jws.payload["sub"] == jws.payload["credential_issuer"]
    configurations = json.loads(
        (OPENID4VC / "credential_metadata_sd_jwt_vc.json").read_text(encoding="utf-8")
    )
    assert (
        jws.payload["credential_configurations_supported"]
        == (configurations["credential_configurations_supported"])
    )
    # The example certificate is a self-signed CA certificate: only acceptable when pinned.
    assert verify_x5c(jws.header["x5c"], [cert], now=datetime(2026, 1, 1, tzinfo=UTC)).ok
    assert verify_x5c(jws.header["x5c"], [], now=datetime(2026, 1, 1, tzinfo=UTC)).code == (
        "leaf_is_ca"
    )


@pytest.fixture(scope="module")
def pki() -> dict[str, Any]:
    root = create_root_ca("dev root", now=NOW_DT)
    intermediate = create_intermediate_ca(root, "dev CA", now=NOW_DT)
    leaf = create_leaf(intermediate, "ROC", san_uris=[ISS], now=NOW_DT)
    return {"root": root, "intermediate": intermediate, "leaf": leaf}


def _issue(pki: dict[str, Any], holder: P256KeyPair, **extra: Any) -> str:
    options: dict[str, Any] = {
        "vct": VCT,
        "iss": ISS,
        "claims": {
            "kind": Sd("DiplomaCredential"),
            "crebo": Sd("25655"),
            "qualification_title": Sd("Software developer"),
            "level_nlqf": Sd(4),
        },
        "signer": pki["leaf"].key,
        "iat": NOW - 60,
        "exp": NOW + 365 * 86400,
        "holder_jwk": holder.public_jwk,
        "status": StatusReference(7, "https://issuer.example/roc/status/tsl/1"),
        "x5c": pki["leaf"].x5c([pki["intermediate"]]),
    }
    options.update(extra)
    return issue_sd_jwt_vc(**options).compact


def _resolver(pki: dict[str, Any]) -> Any:
    return x5c_key_resolver([pki["root"].certificate], now=NOW_DT)


def _lookup(value: int) -> Any:
    statuses = TokenStatusList.new(16, bits=2)
    statuses[7] = value

    def lookup(reference: StatusReference) -> int:
        assert reference.uri == "https://issuer.example/roc/status/tsl/1"
        return statuses[reference.index]

    return lookup


def test_issue_present_verify_with_x5c_key_binding_and_status(pki: dict[str, Any]) -> None:
    holder = P256KeyPair.generate()
    credential = _issue(pki, holder)
    header = parse_compact(credential.split("~")[0]).header
    assert header["typ"] == "dc+sd-jwt"
    assert header["alg"] == "ES256"
    assert len(header["x5c"]) == 2
    received = verify_sd_jwt_vc(credential, _resolver(pki), now=NOW, status_lookup=_lookup(0))
    assert received.verdict is Verdict.VALID, received.to_json()
    shown = present(
        credential,
        select=[("kind",), ("crebo",)],
        key_binding=KeyBindingRequest(holder, AUD, NONCE, NOW),
    )
    policy = KeyBindingPolicy(AUD, NONCE, now=NOW + 5)
    result = verify_sd_jwt_vc(
        shown, _resolver(pki), now=NOW, key_binding=policy, status_lookup=_lookup(0)
    )
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.credential is not None
    assert result.credential["kind"] == "DiplomaCredential"
    assert "qualification_title" not in result.credential
    assert [c.name for c in result.checks] == [
        "format",
        "proof",
        "holder_binding",
        "validity",
        "status",
    ]


@pytest.mark.parametrize(("value", "code"), [(INVALID, "revoked"), (SUSPENDED, "suspended")])
def test_revoked_or_suspended_in_the_token_status_list(
    pki: dict[str, Any], value: int, code: str
) -> None:
    credential = _issue(pki, P256KeyPair.generate())
    result = verify_sd_jwt_vc(credential, _resolver(pki), now=NOW, status_lookup=_lookup(value))
    assert result.verdict is Verdict.INVALID
    status = result.check("status")
    assert status is not None
    assert status.code == code


def test_unavailable_status_is_a_warning(pki: dict[str, Any]) -> None:
    credential = _issue(pki, P256KeyPair.generate())
    result = verify_sd_jwt_vc(credential, _resolver(pki), now=NOW, status_lookup=lambda r: None)
    assert result.verdict is Verdict.WARNING


def _kb_failure(pki: dict[str, Any], **change: Any) -> str:
    holder = P256KeyPair.generate()
    credential = _issue(pki, holder)
    request: dict[str, Any] = {"signer": holder, "audience": AUD, "nonce": NONCE, "iat": NOW}
    request.update({k: v for k, v in change.items() if k in request})
    shown = present(credential, select=[("kind",)], key_binding=KeyBindingRequest(**request))
    policy = KeyBindingPolicy(AUD, NONCE, now=NOW + 5)
    result = verify_sd_jwt_vc(shown, _resolver(pki), now=NOW, key_binding=policy)
    assert result.verdict is Verdict.INVALID
    check = result.check("holder_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    return check.code


def test_key_binding_failures(pki: dict[str, Any]) -> None:
    assert _kb_failure(pki, nonce="another") == "kb_nonce"
    assert _kb_failure(pki, audience="https://other.example") == "kb_audience"
    assert _kb_failure(pki, iat=NOW - 3600) == "kb_iat"
    assert _kb_failure(pki, iat=NOW + 3600) == "kb_iat"
    assert _kb_failure(pki, signer=P256KeyPair.generate()) == "kb_signature"


def test_missing_kb_and_a_kb_over_other_disclosures(pki: dict[str, Any]) -> None:
    holder = P256KeyPair.generate()
    credential = _issue(pki, holder)
    policy = KeyBindingPolicy(AUD, NONCE, now=NOW)
    result = verify_sd_jwt_vc(credential, _resolver(pki), now=NOW, key_binding=policy)
    check = result.check("holder_binding")
    assert check is not None
    assert check.code == "kb_missing"
    shown = present(
        credential, select=[("kind",)], key_binding=KeyBindingRequest(holder, AUD, NONCE, NOW)
    )
    parts = parse_sd_jwt(shown)
    everything = parse_sd_jwt(credential).disclosures
    swapped = serialize_sd_jwt(parts.issuer_jwt, everything, parts.kb_jwt)
    assert verify_sd_jwt(swapped, _resolver(pki), key_binding=policy).code == "kb_sd_hash"


def test_tampered_disclosure_is_unreferenced(pki: dict[str, Any]) -> None:
    credential = _issue(pki, P256KeyPair.generate())
    parts = parse_sd_jwt(credential)
    original = Disclosure.decode(parts.disclosures[0])
    forged = Disclosure.create(original.name, "Forged value", salt=original.salt)
    tampered = serialize_sd_jwt(parts.issuer_jwt, [forged.encoded, *parts.disclosures[1:]])
    result = verify_sd_jwt_vc(tampered, _resolver(pki), now=NOW)
    proof = result.check("proof")
    assert result.verdict is Verdict.INVALID
    assert proof is not None
    assert proof.code == "disclosure_unreferenced"


def test_untrusted_chain_and_wrong_issuer_name(pki: dict[str, Any]) -> None:
    credential = _issue(pki, P256KeyPair.generate())
    other = x5c_key_resolver([create_root_ca("other", now=NOW_DT).certificate], now=NOW_DT)
    untrusted = verify_sd_jwt_vc(credential, other, now=NOW).check("proof")
    assert untrusted is not None
    assert untrusted.code == "x509_untrusted"
    wrong_iss = _issue(pki, P256KeyPair.generate(), iss="https://other-school.example")
    mismatch = verify_sd_jwt_vc(wrong_iss, _resolver(pki), now=NOW).check("proof")
    assert mismatch is not None
    assert mismatch.code == "iss_mismatch"


def test_validity_period_and_vct_filter(pki: dict[str, Any]) -> None:
    credential = _issue(pki, P256KeyPair.generate())
    late = verify_sd_jwt_vc(credential, _resolver(pki), now=NOW + 400 * 86400)
    validity = late.check("validity")
    assert validity is not None
    assert validity.code == "expired"
    assert late.verdict is Verdict.WARNING
    filtered = verify_sd_jwt_vc(credential, _resolver(pki), now=NOW, vct_values=["urn:other"])
    fmt = filtered.check("format")
    assert fmt is not None
    assert fmt.code == "vct"


def test_registered_claims_cannot_be_disclosable(pki: dict[str, Any]) -> None:
    with pytest.raises(SigningError):
        _issue(pki, P256KeyPair.generate(), claims={"exp": Sd(1)})


def test_did_key_issuer_with_eddsa() -> None:
    key = Ed25519KeyPair.generate()
    issued = issue_sd_jwt_vc(
        vct=VCT,
        iss=key.did_key,
        claims={"kind": Sd("EvcCredential")},
        signer=EdDsaSigner(key),
        iat=NOW,
        kid=key.did_key_verification_method,
    )
    resolver = did_key_resolver(StaticDidResolver())
    assert verify_sd_jwt_vc(issued.compact, resolver, now=NOW).verdict is Verdict.VALID
    other = Ed25519KeyPair.generate()
    forged = issue_sd_jwt_vc(
        vct=VCT,
        iss=key.did_key,
        claims={},
        signer=EdDsaSigner(other),
        iat=NOW,
        kid=other.did_key_verification_method,
    )
    proof = verify_sd_jwt_vc(forged.compact, resolver, now=NOW).check("proof")
    assert proof is not None
    assert proof.code == "iss_mismatch"


def test_wrong_typ_is_refused_unless_legacy_is_allowed() -> None:
    example = VC_EXAMPLES["01"]
    assert verify_sd_jwt(example["sd_jwt"], lambda h, p: VC_ISSUER.public_key, typ={"x"}).code == (
        "typ"
    )


SOURCES = [
    (SD_JWT / "with_kb.jwt").read_text(encoding="utf-8").strip(),
    VC_EXAMPLES["03-pid"]["presentation"],
    VC_EXAMPLES["01"]["sd_jwt"],
]
ISSUER_KEY = P256KeyPair.from_jwk(load_settings(SD_JWT)["key_settings"]["issuer_keys"][0])


def _key(header: Any, payload: Any) -> Any:
    return ISSUER_KEY.public_key


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(SOURCES),
    position=st.integers(min_value=0),
    replacement=st.text(alphabet='~.=_-AZaz09[]{}"', min_size=0, max_size=8),
    cut=st.integers(min_value=0, max_value=40),
)
def test_mutated_vectors_never_raise(
    source: str, position: int, replacement: str, cut: int
) -> None:
    index = position % (len(source) + 1)
    mutated = source[:index] + replacement + source[index + cut :]
    policy = KeyBindingPolicy("https://verifier.example.org", "1234567890", now=1740818271)
    result = verify_sd_jwt(mutated, _key, key_binding=policy)
    assert isinstance(result.ok, bool)
    assert result.code
    vc = verify_sd_jwt_vc(mutated, _key, now=1740818271)
    assert vc.verdict in set(Verdict)
    if result.ok:  # only a harmless change (e.g. a dropped Disclosure) can still verify
        assert set(result.disclosed) <= set(verify_sd_jwt(source, _key).disclosed)


@settings(max_examples=60, deadline=None)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_hostile_disclosure_contents_never_raise(value: Any) -> None:
    credential = VC_EXAMPLES["01"]["sd_jwt"]
    encoded = base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    result = verify_sd_jwt(credential + encoded + "~", _key)
    assert not result.ok


def test_budgets_refuse_huge_and_deep_input() -> None:
    credential = VC_EXAMPLES["01"]["sd_jwt"]
    assert verify_sd_jwt(credential + "x" * 600_000, _key).code == "too_large"
    many = credential + "WyJ4IiwgImEiLCAxXQ~" * 1100
    assert verify_sd_jwt(many, _key).code == "too_many_disclosures"
    deep_budget = Budgets(max_depth=2)
    deep = issue_sd_jwt_vc(
        vct=VCT, iss=ISS, claims={"a": {"b": {"c": {"d": Sd(1)}}}}, signer=ISSUER_KEY, iat=NOW
    )
    assert verify_sd_jwt(deep.compact, _key, budgets=deep_budget).code == "too_deep"


def test_dcql_simple_query_selects_the_disclosures_the_spec_expects() -> None:
    query = json.loads((OPENID4VC / "dcql_simple.json").read_text(encoding="utf-8"))
    wanted = query["credentials"][0]
    example = VC_EXAMPLES["01"]
    vct = parse_compact(example["sd_jwt"].split("~")[0]).payload["vct"]
    assert vct in wanted["meta"]["vct_values"]
    paths = [tuple(claim["path"]) for claim in wanted["claims"]]
    shown = present(example["sd_jwt"], select=paths)
    names = {Disclosure.decode(d).name for d in parse_sd_jwt(shown).disclosures}
    assert names == {"family_name", "given_name", "address"}  # address is one flat block
    result = verify_sd_jwt_vc(shown, lambda h, p: VC_ISSUER.public_key, now=1683000000)
    assert result.credential is not None
    assert result.credential["address"]["street_address"] == "123 Main St"
    assert "email" not in result.credential

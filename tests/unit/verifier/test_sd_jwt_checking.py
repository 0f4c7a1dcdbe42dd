"""The verifier's SD-JWT VC check on credentials our issuer makes (dev CA, x5c, Token Status
List, type metadata): one negative test per check, trust by X.509 three ways, disclosure
and stacking inputs, and the spec's vectors."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from credentials.did import StaticDidResolver
from credentials.errors import FetchError, FetchProblem
from credentials.jws import parse_compact, sign_compact
from credentials.results import Outcome, Verdict
from credentials.sd_jwt import Disclosure
from credentials.x509_dev_ca import create_intermediate_ca, create_leaf, create_root_ca
from qualifications.achievements import CredentialKind
from verifier.services.checking import (
    CredentialReport,
    Report,
    check_document,
    check_sd_jwt_presentation,
    parse_upload,
)
from verifier.services.sd_jwt_fetching import TypeMetadataFetcher
from verifier.services.trust import TrustEntry, parse_trust_list

from .sd_jwt_factory import (
    DIPLOMA,
    KERNTAAK_EXAM,
    NOW,
    STATUS_URI,
    DevIssuer,
)

VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors" / "sd-jwt-vc"
AUD = "https://verifier.example"
NONCE = "n-123"
SHOWN = ("achievement_name", "crebo", "kerntaak_1_code", "dossier_crebo", "dossier_version")


def _check(
    issuer: DevIssuer,
    text: str,
    *,
    trusted: dict[str, TrustEntry] | None = None,
    anchors: list[x509.Certificate] | None = None,
    nonce: str | None = NONCE,
    audience: str | None = AUD,
    require_key_binding: bool = True,
    fetch_status: Any = None,
) -> CredentialReport:
    report = check_sd_jwt_presentation(
        text, nonce=nonce, audience=audience, trusted=trusted or {}, now=NOW,
        fetch_status_list=fetch_status or (lambda uri: issuer.status_token()),
        require_key_binding=require_key_binding,
        anchors=[issuer.root.certificate] if anchors is None else anchors,
        fetch_type_metadata=TypeMetadataFetcher(None),
    )  # fmt: skip
    assert isinstance(report, Report)
    assert len(report.credentials) == 1
    return report.credentials[0]


def _codes(report: CredentialReport) -> dict[str, tuple[Outcome, str]]:
    return {c.name: (c.outcome, c.code) for c in report.result.checks}


def _trusted(raw: dict[str, Any]) -> dict[str, TrustEntry]:
    entry = {"name": "ROC Midden", "kind": "school", "credentialTypes": ["*"], **raw}
    return {e.did: e for e in parse_trust_list(json.dumps({"issuers": [entry]}))}


@pytest.fixture
def issuer() -> DevIssuer:
    return DevIssuer()


def test_a_selective_presentation_is_genuine_and_says_what_was_withheld(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN))
    codes = _codes(report)
    assert codes["proof"] == (Outcome.PASSED, "signature")
    assert codes["holder_binding"] == (Outcome.PASSED, "kb_jwt")
    assert codes["status"] == (Outcome.PASSED, "ok")
    assert codes["type_metadata"] == (Outcome.PASSED, "type_metadata")
    assert codes["trust"] == (Outcome.WARNING, "unknown_issuer")  # chain fine, not listed
    assert report.verdict is Verdict.WARNING
    assert report.kind is CredentialKind.EXAMENRESULTAAT
    assert report.format == "dc+sd-jwt"
    disclosure = report.disclosure
    assert disclosure is not None
    shown = {c.name: c for c in disclosure.claims}
    assert set(shown) == {"kind", *SHOWN}
    assert shown["crebo"].label_nl == "Crebo kwalificatie"
    assert shown["crebo"].label_en == "Qualification crebo"
    all_claims = _check(issuer, issuer.present(sd_jwt)).disclosure
    assert all_claims is not None
    assert all_claims.withheld == 0
    assert disclosure.withheld == len(all_claims.claims) - len(shown)
    assert disclosure.withheld > 3
    # the stacking inputs: the exam's kerntaak in its dossier
    (evidence,) = report.evidence
    assert evidence.codes == ("B1-K1",)
    assert (evidence.dossier_crebo, evidence.dossier_version) == ("23189", "sbb-2755")


def test_a_withheld_kerntaak_proves_nothing_of_it(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    report = _check(issuer, issuer.present(sd_jwt, select=["achievement_name"]))
    assert report.verdict is Verdict.WARNING
    assert [e.codes for e in report.evidence] in ([()], [])


def test_a_tampered_disclosure_is_refused(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    parts = issuer.present(sd_jwt, select=SHOWN).split("~")
    for i, part in enumerate(parts[1:-1], start=1):
        d = Disclosure.decode(part)
        if d.name == "crebo":
            forged = json.dumps([d.salt, "crebo", "99999"]).encode()
            parts[i] = base64.urlsafe_b64encode(forged).decode().rstrip("=")
    report = _check(issuer, "~".join(parts))
    assert _codes(report)["proof"] == (Outcome.FAILED, "disclosure_unreferenced")
    assert report.verdict is Verdict.INVALID
    assert report.evidence == ()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"nonce": "another"}, "kb_nonce"),
        ({"audience": "https://elsewhere.example"}, "kb_audience"),
        ({"iat": NOW - timedelta(minutes=30)}, "kb_iat"),
    ],
    ids=["wrong-nonce", "wrong-aud", "expired-kb-jwt"],
)
def test_the_key_binding_jwt_must_answer_this_request(
    issuer: DevIssuer, change: dict[str, Any], code: str
) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN, **change))
    assert _codes(report)["holder_binding"] == (Outcome.FAILED, code)
    assert report.verdict is Verdict.INVALID


def test_a_presentation_without_key_binding_is_refused_when_it_is_required(
    issuer: DevIssuer,
) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    report = _check(issuer, sd_jwt)
    assert _codes(report)["holder_binding"] == (Outcome.FAILED, "kb_missing")
    loose = _check(issuer, sd_jwt, nonce=None, audience=None, require_key_binding=False)
    assert _codes(loose)["holder_binding"] == (Outcome.SKIPPED, "not_requested")
    assert loose.verdict is Verdict.WARNING


def test_a_share_link_binds_the_audience_without_a_nonce(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    shared = issuer.present(sd_jwt, select=SHOWN, nonce="wallet-chosen", audience=AUD)
    ok = _check(issuer, shared, nonce=None, audience=AUD)
    assert _codes(ok)["holder_binding"] == (Outcome.PASSED, "kb_jwt")
    copied = _check(issuer, shared, nonce=None, audience="https://copy.example")
    assert _codes(copied)["holder_binding"] == (Outcome.FAILED, "kb_audience")


def test_revoked_in_the_token_status_list(issuer: DevIssuer) -> None:
    sd_jwt, index = issuer.issue(KERNTAAK_EXAM)
    issuer.revoke(index)
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN))
    assert _codes(report)["status"] == (Outcome.FAILED, "revoked")
    assert report.verdict is Verdict.INVALID


def test_a_status_list_signed_by_someone_else_is_not_believed(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    other = DevIssuer()  # a status list of another CA for the same URI
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN),
                    fetch_status=lambda uri: other.status_token())  # fmt: skip
    assert _codes(report)["status"] == (Outcome.WARNING, "status_list_untrusted")
    # under our anchors, but the certificate names another issuer
    stranger = create_leaf(issuer.root, "someone", san_uris=["https://someone.example"], now=NOW)
    token = parse_compact(issuer.status_token())
    forged = sign_compact({**token.header, "x5c": stranger.x5c([])}, token.payload, stranger.key)
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN), fetch_status=lambda uri: forged)
    assert _codes(report)["status"] == (Outcome.WARNING, "status_list_untrusted")


def test_an_unreachable_status_list_is_a_warning_not_valid(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)

    def unreachable(uri: str) -> str:
        assert uri == STATUS_URI
        raise FetchError(FetchProblem.TIMEOUT, "timed out")

    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN), fetch_status=unreachable)
    assert _codes(report)["status"] == (Outcome.WARNING, "status_unavailable")


def test_an_untrusted_chain_is_refused(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    other_root = create_root_ca("someone else's root", now=NOW).certificate
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN), anchors=[other_root])
    assert _codes(report)["proof"] == (Outcome.FAILED, "x509_untrusted")
    assert _codes(report)["trust"] == (Outcome.SKIPPED, "proof_failed")
    assert report.verdict is Verdict.INVALID


def test_trust_by_ca_certificate_without_any_configured_anchor(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    trusted = _trusted({"x509": {"ca": issuer.root.pem.decode()}})
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN), trusted=trusted, anchors=[])
    assert _codes(report)["trust"] == (Outcome.PASSED, "ok")
    assert report.verdict is Verdict.VALID
    assert report.issuer_name == "ROC Midden"
    assert report.trust_entry is not None
    assert report.trust_entry.x509_kind == "ca"


def test_trust_by_subject_under_a_configured_anchor(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    text = issuer.present(sd_jwt, select=SHOWN)
    by_cn = _trusted({"x509": {"subject": "O=ROC Midden Nederland"}})
    assert _codes(_check(issuer, text, trusted=by_cn))["trust"] == (Outcome.PASSED, "ok")
    other = _trusted({"x509": {"subject": "O=Another School"}})
    assert _codes(_check(issuer, text, trusted=other))["trust"][1] == "unknown_issuer"
    fingerprint = issuer.root.certificate.fingerprint(hashes.SHA256())
    pinned_anchor = _trusted({"x509": {"subject": "O=ROC Midden Nederland",
                                        "anchorSha256": fingerprint.hex()}})  # fmt: skip
    assert _codes(_check(issuer, text, trusted=pinned_anchor))["trust"] == (Outcome.PASSED, "ok")
    wrong_anchor = _trusted({"x509": {"subject": "O=ROC Midden Nederland",
                                       "anchorSha256": "ab" * 32}})  # fmt: skip
    assert _codes(_check(issuer, text, trusted=wrong_anchor))["trust"][1] == "unknown_issuer"


def test_trust_by_certificate_fingerprint_pins_the_signing_certificate(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    text = issuer.present(sd_jwt, select=SHOWN)
    leaf_print = issuer.leaf.certificate.fingerprint(hashes.SHA256()).hex()
    trusted = _trusted({"x509": {"certificateSha256": leaf_print}})
    # no anchor at all: the pinned certificate alone is trusted
    report = _check(issuer, text, trusted=trusted, anchors=[])
    assert _codes(report)["proof"] == (Outcome.PASSED, "signature")
    assert _codes(report)["trust"] == (Outcome.PASSED, "ok")
    other = _trusted({"x509": {"certificateSha256": "cd" * 32}})
    assert _codes(_check(issuer, text, trusted=other, anchors=[]))["proof"][1] == "x509_untrusted"


def test_the_per_kind_policy_applies_to_x509_entries(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    trusted = _trusted({"x509": {"ca": issuer.root.pem.decode()},
                        "credentialTypes": ["PraktijkverklaringCredential"]})  # fmt: skip
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN), trusted=trusted)
    assert _codes(report)["trust"] == (Outcome.FAILED, "not_authorised_for_type")
    assert report.verdict is Verdict.INVALID


def test_an_intermediate_ca_chain_verifies(issuer: DevIssuer) -> None:
    root = create_root_ca("root", now=NOW)
    middle = create_intermediate_ca(root, "issuing CA", now=NOW)
    chained = DevIssuer(root=middle)
    # leaf under the intermediate; x5c carries leaf + intermediate
    chained.leaf = create_leaf(middle, "ROC", organization="ROC", san_uris=[chained.issuer_id],
                               now=NOW)  # fmt: skip
    sd_jwt, _ = chained.issue(DIPLOMA)
    parts = sd_jwt.split("~")
    token = parse_compact(parts[0])
    header = {**token.header, "x5c": chained.leaf.x5c([middle])}
    parts[0] = sign_compact(header, token.payload, chained.leaf.key)
    text = chained.present("~".join(parts))
    report = _check(chained, text, anchors=[root.certificate],
                    fetch_status=lambda uri: chained.status_token())  # fmt: skip
    assert _codes(report)["proof"] == (Outcome.PASSED, "signature")


def test_a_tampered_vct_integrity_and_an_unknown_vct(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM, integrity="sha256-" + "A" * 43 + "=")
    report = _check(issuer, issuer.present(sd_jwt, select=SHOWN))
    assert _codes(report)["type_metadata"] == (Outcome.FAILED, "type_metadata_integrity")
    assert report.verdict is Verdict.INVALID
    foreign, _ = issuer.issue(KERNTAAK_EXAM, vct="https://other.example/vct/pid", integrity="")
    report = _check(issuer, issuer.present(foreign, select=SHOWN))
    assert _codes(report)["type_metadata"][1] == "unknown_vct"
    assert report.kind is None  # our kind claim under a foreign vct is not our kind
    assert report.evidence == ()


def test_validity_of_the_credential(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(DIPLOMA)
    text = issuer.present(sd_jwt, iat=NOW + timedelta(days=3650 + 30))
    report = check_sd_jwt_presentation(
        text, nonce=NONCE, audience=AUD, trusted={}, now=NOW + timedelta(days=3650 + 30),
        fetch_status_list=None, require_key_binding=True, anchors=[issuer.root.certificate],
    )  # fmt: skip
    codes = _codes(report.credentials[0])
    # by then the dev certificates have expired too: the chain says so first
    assert codes["proof"][0] is Outcome.FAILED
    assert codes["proof"][1] in {"x509_expired"}


@pytest.mark.parametrize(
    "text",
    [
        "eyJhbGciOiJFUzI1NiJ9.e30.sig~",
        "x" * 600_000 + ".a.b~",
        "eyJ.eyJ.x~" + "WyJhIiwiYiJd~" * 5000,
        "~~~~",
    ],
    ids=["garbage-jwt", "over-budget", "many-disclosures", "tildes"],
)
def test_hostile_input_is_refused_never_raises(issuer: DevIssuer, text: str) -> None:
    report = _check(issuer, text)
    assert report.verdict is Verdict.INVALID


def test_over_budget_input_is_a_budget_failure(issuer: DevIssuer) -> None:
    report = check_sd_jwt_presentation(
        "eyJ.eyJ.x~" + "x" * 600_000 + "~", nonce=None, audience=None, trusted={}, now=NOW,
        fetch_status_list=None, require_key_binding=False,
    )  # fmt: skip
    failure = report.budget_failure
    assert failure is not None
    assert failure.code == "budget_exceeded:max_bytes"


def test_paste_reads_the_compact_form_and_check_document_routes_it(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    text = issuer.present(sd_jwt, select=SHOWN)
    assert parse_upload(("\n" + text + "\n").encode()) == text
    report = check_document(
        text, resolver=StaticDidResolver({}), fetch_status_list=None, trusted={}, now=NOW
    )
    assert report.credentials[0].format == "dc+sd-jwt"
    assert _codes(report.credentials[0])["proof"][1] == "x509_untrusted"  # no anchors given


def test_the_specification_examples_name_no_key_we_can_trust() -> None:
    examples = {
        e["id"]: e
        for e in json.loads((VECTORS / "sd-jwt-vc-examples.json").read_text())["examples"]
    }
    for name in ("01_presentation", "03-pid"):
        text = examples[name]["presentation"]
        report = check_sd_jwt_presentation(
            text, nonce="1234567890", audience="https://example.com/verifier", trusted={},
            now=NOW, fetch_status_list=None, require_key_binding=True,
        )  # fmt: skip
        codes = _codes(report.credentials[0])
        assert codes["proof"] == (Outcome.FAILED, "key_missing"), name
        assert report.verdict is Verdict.INVALID


def test_a_loose_presentation_does_not_claim_it_was_shared_with_you(issuer: DevIssuer) -> None:
    sd_jwt, _ = issuer.issue(KERNTAAK_EXAM)
    text = issuer.present(sd_jwt, select=["achievement_name"])
    report = _check(issuer, text, nonce=None, audience=None, require_key_binding=False)
    assert _codes(report)["holder_binding"] == (Outcome.SKIPPED, "kb_not_for_this_check")
    # valid_from was withheld: the always-visible nbf dates it
    assert report.result.credential is not None
    assert report.result.credential["validFrom"] == "2026-07-01T00:00:00Z"
    disclosure = report.disclosure
    assert disclosure is not None
    assert [c.name for c in disclosure.claims] == ["kind", "achievement_name"]  # metadata order


def test_a_did_issuer_is_trusted_by_its_did_entry() -> None:
    from credentials.jwk import EdDsaSigner
    from credentials.keys import Ed25519KeyPair
    from credentials.sd_jwt_issuer import Sd
    from credentials.sd_jwt_vc import issue_sd_jwt_vc

    key = Ed25519KeyPair.generate()
    issued = issue_sd_jwt_vc(
        vct="https://w3id.org/mbo-wallet/vct/diploma", iss=key.did_key,
        claims={"kind": "diploma", "achievement_name": Sd("Diploma Helpende")},
        signer=EdDsaSigner(key), iat=int(NOW.timestamp()), kid=key.did_key_verification_method,
    )  # fmt: skip
    trusted = {
        e.did: e
        for e in parse_trust_list(
            json.dumps(
                {
                    "issuers": [
                        {
                            "did": key.did_key,
                            "name": "ROC DID",
                            "kind": "school",
                            "credentialTypes": ["DiplomaCredential"],
                        }
                    ]
                }
            )
        )
    }
    report = check_sd_jwt_presentation(
        issued.compact, nonce=None, audience=None, trusted=trusted, now=NOW,
        fetch_status_list=None, require_key_binding=False, resolver=StaticDidResolver(),
    )  # fmt: skip
    codes = _codes(report.credentials[0])
    assert codes["proof"] == (Outcome.PASSED, "signature")
    assert codes["trust"] == (Outcome.PASSED, "ok")
    assert report.credentials[0].issuer_name == "ROC DID"
    assert report.credentials[0].kind is CredentialKind.DIPLOMA

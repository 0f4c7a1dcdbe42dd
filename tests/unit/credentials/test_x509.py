"""The development CA and x5c chain verification, one test per coded failure."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from credentials.jwk import P256KeyPair
from credentials.x509_dev_ca import (
    DevCertificate,
    create_intermediate_ca,
    create_leaf,
    create_root_ca,
    decode_issuer_auth,
    encode_issuer_auth,
)
from credentials.x509_trust import issuer_auth_of, leaf_names_issuer, verify_x5c

NOW = datetime(2026, 12, 1, tzinfo=UTC)
ORGANIZATION = {
    "displayName": "ROC Voorbeeld",
    "legalName": "Stichting ROC Voorbeeld",
    "description": [{"translations": [{"lang": "nl", "value": "Mbo-school"}]}],
    "webUrl": "https://roc.example",
    "identifier": "KvK 12345678",
    "countryCode": "NL",
    "privacyPolicyUrl": "https://roc.example/privacy",
}


@pytest.fixture(scope="module")
def pki() -> dict[str, DevCertificate]:
    root = create_root_ca("dev root", now=NOW)
    intermediate = create_intermediate_ca(root, "dev issuing CA", now=NOW)
    leaf = create_leaf(
        intermediate,
        "ROC Voorbeeld",
        san_uris=["https://issuer.example/roc"],
        san_dns=["issuer.example"],
        issuer_auth=ORGANIZATION,
        now=NOW,
    )
    status = create_leaf(intermediate, "ROC Voorbeeld status lists", now=NOW)
    return {"root": root, "intermediate": intermediate, "leaf": leaf, "status": status}


def test_a_chain_through_an_intermediate_verifies(pki: dict[str, DevCertificate]) -> None:
    result = verify_x5c(pki["leaf"].x5c([pki["intermediate"]]), [pki["root"].certificate], now=NOW)
    assert (result.ok, result.code) == (True, "ok")
    assert result.chain[-1] == pki["root"].certificate
    assert isinstance(result.public_key, type(pki["leaf"].key.public_key))
    assert result.public_key.public_numbers() == pki["leaf"].key.public_key.public_numbers()


def test_the_status_list_certificate_is_separate_and_verifies(
    pki: dict[str, DevCertificate],
) -> None:
    assert pki["status"].certificate.public_key() != pki["leaf"].certificate.public_key()
    result = verify_x5c(
        pki["status"].x5c([pki["intermediate"]]), [pki["root"].certificate], now=NOW
    )
    assert result.ok


def test_issuer_auth_extension_round_trips(pki: dict[str, DevCertificate]) -> None:
    assert issuer_auth_of(pki["leaf"].certificate) == ORGANIZATION
    assert issuer_auth_of(pki["status"].certificate) is None
    raw = encode_issuer_auth(ORGANIZATION)
    assert raw[0] == 0x0C  # DER UTF8String
    assert decode_issuer_auth(raw) == ORGANIZATION
    assert decode_issuer_auth(raw[:-1]) is None
    assert decode_issuer_auth(b"\x04\x00") is None


def test_the_leaf_names_its_issuer(pki: dict[str, DevCertificate]) -> None:
    leaf = pki["leaf"].certificate
    assert leaf_names_issuer(leaf, "https://issuer.example/roc")
    assert leaf_names_issuer(leaf, "https://issuer.example/other-path")  # DNS SAN of the host
    assert not leaf_names_issuer(leaf, "https://evil.example/roc")
    assert not leaf_names_issuer(pki["status"].certificate, "https://issuer.example/roc")


def _x5c(*certs: DevCertificate) -> list[str]:
    return [c.x5c_entry for c in certs]


def test_failures_are_coded(pki: dict[str, DevCertificate]) -> None:
    root, intermediate, leaf = pki["root"], pki["intermediate"], pki["leaf"]
    anchors = [root.certificate]
    other_root = create_root_ca("other root", now=NOW)
    cases = {
        "untrusted": (_x5c(leaf, intermediate), [other_root.certificate], NOW),
        "expired": (_x5c(leaf, intermediate), anchors, NOW + timedelta(days=400)),
        "not_yet_valid": (_x5c(leaf, intermediate), anchors, NOW - timedelta(days=1)),
        "signature_chain": (_x5c(leaf, create_intermediate_ca(root, "x", now=NOW)), anchors, NOW),
        "leaf_is_ca": (_x5c(intermediate), anchors, NOW),
        "not_a_ca": (_x5c(create_leaf(pki["status"], "y", now=NOW), pki["status"]), anchors, NOW),
        "x5c_malformed": (["not base64!"], anchors, NOW),
        "chain_too_long": (_x5c(leaf) * 6, anchors, NOW),
    }
    for code, (x5c, trust, now) in cases.items():
        result = verify_x5c(x5c, trust, now=now)
        assert (result.ok, result.code) == (False, code), code
    assert verify_x5c([], anchors, now=NOW).code == "x5c_malformed"
    assert verify_x5c("x", anchors, now=NOW).code == "x5c_malformed"


def test_path_length_is_enforced() -> None:
    root = create_root_ca("strict root", path_length=0, now=NOW)
    intermediate = create_intermediate_ca(root, "too deep", now=NOW)
    leaf = create_leaf(intermediate, "leaf", now=NOW)
    assert verify_x5c(leaf.x5c([intermediate]), [root.certificate], now=NOW).code == "path_length"


def _leaf_with(parent: DevCertificate, *extensions: tuple[x509.ExtensionType, bool]) -> str:
    key = P256KeyPair.generate()
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "odd leaf")]))
        .issuer_name(parent.certificate.subject)
        .public_key(key.public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    der = builder.sign(parent.key.private_key, hashes.SHA256()).public_bytes(Encoding.DER)
    return base64.b64encode(der).decode("ascii")


def test_key_usage_and_critical_extensions(pki: dict[str, DevCertificate]) -> None:
    root = pki["root"]
    anchors = [root.certificate]
    no_usage = _leaf_with(root)
    assert verify_x5c([no_usage], anchors, now=NOW).code == "key_usage"
    odd = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00")
    usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    critical = _leaf_with(root, (usage, True), (odd, True))
    assert verify_x5c([critical], anchors, now=NOW).code == "critical_extension"
    fine = _leaf_with(root, (usage, True), (odd, False))
    assert verify_x5c([fine], anchors, now=NOW).ok


def test_a_pinned_self_signed_certificate_is_trusted_only_when_pinned() -> None:
    key = P256KeyPair.generate()
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "pinned")])
    usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key)
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .add_extension(usage, critical=True)
        .sign(key.private_key, hashes.SHA256())
    )
    x5c = [base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")]
    assert verify_x5c(x5c, [cert], now=NOW).ok
    assert verify_x5c(x5c, [create_root_ca("r", now=NOW).certificate], now=NOW).code == "untrusted"

"""The cached engine against plain pyld, safe mode, and the static loader."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from credentials.canonicalization import JsonLdEngine, default_engine, plain_pyld_canonicalize
from credentials.contexts import (
    CONTEXTS_DIR,
    MBO_V1,
    OB_V3P0,
    VC_V2,
    StaticDocumentLoader,
    bundled_contexts,
)
from credentials.errors import CanonicalizationError, DocumentLoaderError, SafeModeError
from credentials.examples import mbo_certificaat

from .strategies import credentials

ISSUER = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SUBJECT = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_cached_engine_is_byte_identical_to_plain_pyld(credential: dict[str, Any]) -> None:
    engine = default_engine()
    expected = plain_pyld_canonicalize(credential, engine.loader)
    assert engine.canonicalize(credential) == expected
    # a second run is served from warm caches and must not drift
    assert engine.canonicalize(credential) == expected


def test_cache_is_shared_across_calls_and_does_not_leak_between_documents() -> None:
    engine = JsonLdEngine(StaticDocumentLoader.bundled())
    a = mbo_certificaat(issuer_id=ISSUER, subject_id=SUBJECT, given_name="Anna")
    b = mbo_certificaat(issuer_id=ISSUER, subject_id=SUBJECT, given_name="Bram")
    first_a = engine.canonicalize(a)
    first_b = engine.canonicalize(b)
    assert first_a != first_b
    assert '"Anna de Vries"' in first_a
    assert '"Bram de Vries"' in first_b
    assert engine.canonicalize(a) == first_a


def test_caller_mutation_between_calls_is_seen() -> None:
    """The memo keys on immutable inputs only: editing an embedded context changes output."""
    engine = JsonLdEngine(StaticDocumentLoader.bundled())
    doc: dict[str, Any] = {
        "@context": [VC_V2, {"shoeSize": "https://example.org/shoeSize"}],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"id": SUBJECT, "shoeSize": "43"},
    }
    before = engine.canonicalize(doc)
    doc["@context"][1]["shoeSize"] = "https://example.org/voetmaat"
    after = engine.canonicalize(doc)
    assert "https://example.org/shoeSize" in before
    assert "https://example.org/voetmaat" in after


def test_engine_does_not_modify_its_input() -> None:
    doc = mbo_certificaat(issuer_id=ISSUER, subject_id=SUBJECT)
    snapshot = copy.deepcopy(doc)
    default_engine().canonicalize(doc)
    assert doc == snapshot


def test_undefined_term_is_a_safe_mode_error() -> None:
    doc = mbo_certificaat(issuer_id=ISSUER, subject_id=SUBJECT)
    doc["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(SafeModeError, match="favouriteColour"):
        default_engine().canonicalize(doc)


def test_undefined_term_inside_achievement_is_a_safe_mode_error() -> None:
    doc = mbo_certificaat(issuer_id=ISSUER, subject_id=SUBJECT)
    doc["credentialSubject"]["achievement"]["shoeSize"] = "8"
    with pytest.raises(SafeModeError, match="shoeSize"):
        default_engine().canonicalize(doc)


@pytest.mark.parametrize(
    ("path", "value", "what"),
    [
        (("id",), "relative/credential/1", "@id"),
        (("credentialSubject", "id"), "student-1", "@id"),
        (("type",), ["VerifiableCredential", "NotDefinedType"], "@type"),
    ],
)
def test_relative_iri_is_a_safe_mode_error(path: tuple[str, ...], value: Any, what: str) -> None:
    doc = mbo_certificaat(issuer_id=ISSUER, subject_id=SUBJECT)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(SafeModeError, match=what):
        default_engine().canonicalize(doc)


def test_unknown_context_is_refused_without_network() -> None:
    doc = mbo_certificaat(issuer_id=ISSUER, subject_id=SUBJECT)
    doc["@context"] = [VC_V2, "https://evil.example/context.jsonld"]
    with pytest.raises(CanonicalizationError, match="not bundled"):
        default_engine().canonicalize(doc)


def test_malformed_json_ld_is_a_canonicalization_error() -> None:
    doc = {"@context": [VC_V2, 42], "type": "VerifiableCredential"}
    with pytest.raises(CanonicalizationError):
        default_engine().canonicalize(doc)


def test_loader_refuses_unknown_urls_and_serves_copies() -> None:
    loader = StaticDocumentLoader.bundled()
    with pytest.raises(DocumentLoaderError):
        loader("https://www.w3.org/2018/credentials/v99")
    first = loader(VC_V2)
    first["document"]["@context"]["tampered"] = True
    assert "tampered" not in loader(VC_V2)["document"]["@context"]
    assert loader(VC_V2)["tag"] == "static"


def test_bundled_contexts_are_pinned_and_complete() -> None:
    contexts = bundled_contexts()
    for url in (
        VC_V2,
        "https://www.w3.org/2018/credentials/v1",
        OB_V3P0,
        MBO_V1,
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
        "https://www.w3.org/ns/did/v1",
    ):
        assert "@context" in contexts[url]
    assert (CONTEXTS_DIR / "manifest.json").is_file()


def test_tampered_bundled_context_is_detected(tmp_path: Any, monkeypatch: Any) -> None:
    import shutil

    from credentials import contexts as module

    copy_dir = tmp_path / "contexts"
    shutil.copytree(CONTEXTS_DIR, copy_dir)
    target = copy_dir / "mbo-v1.jsonld"
    target.write_text(target.read_text().replace("crebo", "crebO", 1))
    monkeypatch.setattr(module, "CONTEXTS_DIR", copy_dir)
    module.bundled_contexts.cache_clear()
    module.bundled_context_bytes.cache_clear()
    try:
        with pytest.raises(DocumentLoaderError, match="SHA-256"):
            module.bundled_contexts()
    finally:
        module.bundled_contexts.cache_clear()
        module.bundled_context_bytes.cache_clear()

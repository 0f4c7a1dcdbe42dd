"""Fixtures for the engine tests: spec vectors, and an engine that knows their contexts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credentials.canonicalization import JsonLdEngine
from credentials.contexts import StaticDocumentLoader
from credentials.keys import Ed25519KeyPair


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vectors_dir(shared_dir: Path) -> Path:
    return shared_dir / "vectors" / "vc-di-eddsa"


@pytest.fixture(scope="session")
def vector_loader(shared_dir: Path) -> StaticDocumentLoader:
    """The bundled contexts plus the two test-only contexts the vectors need."""
    ctx_dir = shared_dir / "vectors" / "contexts"
    mapping = _read_json(ctx_dir / "contexts.map.json")
    extra = {url: _read_json(ctx_dir / name) for url, name in mapping.items()}
    return StaticDocumentLoader.bundled(extra)


@pytest.fixture(scope="session")
def vector_engine(vector_loader: StaticDocumentLoader) -> JsonLdEngine:
    return JsonLdEngine(vector_loader)


@pytest.fixture(scope="session")
def vector_key(vectors_dir: Path) -> Ed25519KeyPair:
    pair = _read_json(vectors_dir / "keyPair.json")
    key = Ed25519KeyPair.from_multibase(pair["privateKeyMultibase"])
    assert key.public_multibase == pair["publicKeyMultibase"]
    return key


@pytest.fixture(scope="session")
def read_json() -> Any:
    return _read_json

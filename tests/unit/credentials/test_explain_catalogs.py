"""The explanation catalogs (``credentials/translations/nl.json`` and ``en.json``) hold the
same keys with the same placeholders, every key :mod:`credentials.explain` asks for, and no
key it never asks for."""

from __future__ import annotations

import json
import tomllib
from importlib.resources import files
from pathlib import Path
from string import Formatter

import pytest

from credentials.explain import CATALOGS, FAMILIES, REQUIRED_KEYS
from credentials.results import FindingKind

_HEADLINE_KEYS = {
    f"headline:{kind}:{part}" for kind in FindingKind for part in ("headline", "sentence")
}


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def test_the_catalogs_are_the_files_the_package_ships() -> None:
    for lang, catalog in CATALOGS.items():
        path = files("credentials") / "translations" / f"{lang}.json"
        assert json.loads(path.read_text(encoding="utf-8")) == dict(catalog), lang


def test_dutch_and_english_have_the_same_keys() -> None:
    nl, en = set(CATALOGS["nl"]), set(CATALOGS["en"])
    assert nl == en, nl ^ en


@pytest.mark.parametrize("key", sorted(CATALOGS["nl"]))
def test_each_key_has_the_same_placeholders_and_a_sentence_in_both(key: str) -> None:
    nl, en = CATALOGS["nl"][key], CATALOGS["en"][key]
    assert nl.strip(), key
    assert en.strip(), key
    assert _placeholders(nl) == _placeholders(en), (key, nl, en)
    # explain() fills no parameters: a placeholder would be shown as it stands
    assert _placeholders(nl) == set(), (key, nl)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_key_the_code_asks_for_is_there_and_no_other(lang: str) -> None:
    keys = set(CATALOGS[lang])
    assert keys >= REQUIRED_KEYS, sorted(REQUIRED_KEYS - keys)
    stray = keys - REQUIRED_KEYS - _HEADLINE_KEYS
    assert not stray, sorted(stray)
    # a finding kind's headline comes with its sentence, or not at all
    for kind in FindingKind:
        has = {f"headline:{kind}:{part}" in keys for part in ("headline", "sentence")}
        assert len(has) == 1, kind


def test_a_family_sentence_is_asked_for_each_prefix_and_the_families_are_reachable() -> None:
    assert {f"family:{p}" for p in FAMILIES} <= REQUIRED_KEYS
    # a longer prefix listed after a shorter one it starts with could never match
    for i, prefix in enumerate(FAMILIES):
        assert not any(prefix.startswith(earlier) for earlier in FAMILIES[:i]), prefix


def test_a_wheel_carries_the_catalogs() -> None:
    """``pip install -e .`` reads them from the tree; a wheel only has what package-data
    names."""
    root = Path(__file__).resolve().parents[3]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    globs = project["tool"]["setuptools"]["package-data"].get("credentials", [])
    package = root / "credentials"
    shipped = {p for pattern in globs for p in package.glob(pattern)}
    catalogs = set((package / "translations").glob("*.json"))
    assert catalogs, "no catalogs found"
    assert catalogs <= shipped, sorted(str(p) for p in catalogs - shipped)

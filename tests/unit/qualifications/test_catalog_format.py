"""The catalog format is defined once (catalog_fields); reader, writer and schema follow it."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from qualifications import (
    CatalogError,
    CatalogErrorCode,
    catalog_from_json,
    catalog_to_json,
    load_catalog,
)
from qualifications.catalog_codec import record_fields
from qualifications.catalog_fields import RECORDS
from qualifications.catalog_schema import catalog_schema, schema_text
from qualifications.cli import app
from qualifications.model import Qualification

from .conftest import SCHEMA

Doc = dict[str, Any]


def test_the_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -m qualifications schema > schemas/catalog/catalog.schema.json"
    )


def test_the_schema_command_prints_it() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.output == SCHEMA.read_text(encoding="utf-8")
    jsonschema.Draft202012Validator.check_schema(json.loads(result.output))


def test_a_model_field_missing_from_the_table_is_refused() -> None:
    record = RECORDS[Qualification]
    short = dataclasses.replace(record, members=record.members[:-1])
    with pytest.raises(TypeError, match="Qualification"):
        record_fields(short)


def test_the_schema_lists_exactly_the_members_the_writer_writes(sample_doc: Doc) -> None:
    defs = catalog_schema()["$defs"]
    dossier = sample_doc["dossiers"][0]
    assert set(dossier) <= set(defs["dossier"]["properties"])
    written = catalog_to_json(catalog_from_json(sample_doc))["dossiers"][0]["kwalificaties"][0]
    assert set(written) <= set(defs["qualification"]["properties"])
    # Full-list members are written only when set: the sample has none of them.
    assert not {"leerwegen", "geldigVanaf", "geldigTot", "opvolgers"} & set(written)


def _set(path: tuple[str | int, ...], value: object) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path: tuple[str | int, ...]) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _add_equivalence(a: object) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc["equivalences"] = [{"a": a, "b": a}]

    return change


_Q = ("dossiers", 0, "kwalificaties", 0)
_WP = ("dossiers", 0, "basisdeel", 0, "werkprocessen", 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(("format",), 1), "doc[0].format: expected a string"),
        (_set(("format",), "other"), "doc[0] is not a mbo-wallet/qualification-catalog v1"),
        (_set((*_Q, "niveau"), "2"), "doc[0].dossiers[0].kwalificaties[0].niveau: expected an"),
        (_set((*_Q, "niveau"), True), "kwalificaties[0].niveau: expected an integer"),
        (_set((*_Q, "nlqf"), "4"), "kwalificaties[0].nlqf: expected an integer or null"),
        (_drop((*_WP, "title")), "basisdeel[0].werkprocessen[0].title: expected a string"),
        (_set((*_WP, "competenties"), "A"), "werkprocessen[0].competenties: expected a list of"),
        (_set(("dossiers", 0, "geldigVanaf"), "2020-13-01"), "geldigVanaf: expected an ISO date"),
        (_set(("dossiers", 0, "kwalificaties"), {}), "dossiers[0].kwalificaties: expected a list"),
        (_set(("dossiers", 1), "x"), "doc[0].dossiers[1]: expected an object"),
        (
            _set(("genericRequirementSets", 0, "requirements", 0, "subject"), "latijn"),
            "doc[0].genericRequirementSets[0].requirements[0]: unknown value 'latijn'",
        ),
        (
            _set(("diplomaRules", 0, "generic", "nederlands"), "maybe"),
            "doc[0].diplomaRules[0]: unknown value 'maybe'",
        ),
        (_set(("diplomaRules", 0, "passGrade"), None), "diplomaRules[0].passGrade: expected a"),
        (_set(("certificates", 0, "covers"), "all"), "doc[0].certificates[0].covers: expected a"),
        (_set(("sources", "src-shared-sample", "what"), 1), "sources.src-shared-sample.what:"),
        (_set(("competentieLegend", "A"), 1), "competentieLegend.A: conflicting or not text"),
        (_add_equivalence(None), "doc[0].equivalences[0].a: expected an object"),
        (_add_equivalence({"crebo": "23189"}), "equivalences[0].a.version: expected a string"),
    ],
)
def test_malformed_documents_are_refused_with_the_path(
    sample_doc: Doc, change: Callable[[Doc], None], message: str
) -> None:
    error = _refused(sample_doc, change)
    assert message in str(error)
    conflict = "conflicting" in message
    assert error.code is (CatalogErrorCode.CONFLICT if conflict else CatalogErrorCode.MALFORMED)


def _refused(sample_doc: Doc, change: Callable[[Doc], None]) -> CatalogError:
    doc = copy.deepcopy(sample_doc)
    change(doc)
    with pytest.raises(CatalogError) as raised:
        catalog_from_json(doc)
    return raised.value


def _second_werkproces_code_as_first(doc: Doc) -> None:
    werkprocessen = doc["dossiers"][0]["basisdeel"][0]["werkprocessen"]
    werkprocessen[1]["code"] = werkprocessen[0]["code"]


def _join_kerntaak_and_werkproces(doc: Doc) -> None:
    key = {"crebo": doc["dossiers"][0]["crebo"], "version": doc["dossiers"][0]["version"]}
    doc["equivalences"] = [{"a": {**key, "code": "B1-K1"}, "b": {**key, "code": "B1-K1-W1"}}]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_set((*_Q, "diplomaRule"), "no-such-rule"), CatalogErrorCode.UNKNOWN_REFERENCE),
        (_set((*_Q, "sources"), ["src-nowhere"]), CatalogErrorCode.UNKNOWN_REFERENCE),
        (_second_werkproces_code_as_first, CatalogErrorCode.DUPLICATE),
        (_set((*_WP, "code"), "B1-K2-W1"), CatalogErrorCode.BAD_CODE),
        (_join_kerntaak_and_werkproces, CatalogErrorCode.INCONSISTENT),
    ],
)
def test_rules_between_records_are_refused_with_a_code(
    sample_doc: Doc, change: Callable[[Doc], None], code: CatalogErrorCode
) -> None:
    assert _refused(sample_doc, change).code is code


def test_files_that_disagree_or_cannot_be_read_have_their_codes(
    sample_doc: Doc, tmp_path: Path
) -> None:
    other = copy.deepcopy(sample_doc)
    other["dossiers"] = []
    other["sources"]["src-shared-sample"] = {"what": "something else"}
    with pytest.raises(CatalogError) as raised:
        catalog_from_json(sample_doc, other)
    assert raised.value.code is CatalogErrorCode.CONFLICT
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(broken)
    assert raised.value.code is CatalogErrorCode.UNREADABLE


def test_defaults_for_absent_members(sample_doc: Doc) -> None:
    doc = copy.deepcopy(sample_doc)
    rule = doc["diplomaRules"][0]
    del rule["passGrade"]
    rule["keuzedelenRequired"] = None
    del doc["dossiers"][0]["kwalificaties"][0]["keuzedelen"]
    catalog = catalog_from_json(doc)
    assert catalog.diploma_rule(rule["id"]).pass_grade == 5.5
    assert catalog.diploma_rule(rule["id"]).keuzedelen_required is False
    assert catalog.dossiers[0].kwalificaties[0].keuzedelen == ()


@pytest.mark.parametrize(
    "change",
    [
        _set((*_Q, "crebo"), "2549"),
        _set((*_Q, "profielCode"), "X1"),
        _set((*_Q, "niveau"), 5),
        _set((*_Q, "leerwegen"), ["BOLL"]),
        _set((*_WP, "competenties"), ["Z"]),
        _set(("dossiers", 0, "kwalificaties"), []),
        _set(("dossiers", 0, "extra"), 1),
        _set(("diplomaRules", 0, "passGrade"), 11),
        _set(("keuzedelen", 0, "code"), "K71"),
        _drop(("certificates", 0, "covers")),
    ],
)
def test_the_schema_refuses_what_only_it_checks(
    sample_doc: Doc, change: Callable[[Doc], None]
) -> None:
    validator = jsonschema.Draft202012Validator(catalog_schema())
    assert validator.is_valid(sample_doc)
    doc = copy.deepcopy(sample_doc)
    change(doc)
    assert not validator.is_valid(doc)

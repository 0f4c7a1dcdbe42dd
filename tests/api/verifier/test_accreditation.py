"""Who may award what: accreditations per crebo, dossier or domain on the trust list, the
employer's one-sentence answer, and a replaced qualification that still reads correctly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from qualifications import load_catalog, save_catalog
from qualifications.achievements import CredentialKind
from qualifications.crebo_list import apply_crebo_list, rows_from_csv
from tests.databases import migrated
from verifier.app import create_app
from verifier.cli import app as cli
from verifier.services.trust import (
    Accreditation,
    TrustEntry,
    TrustListError,
    add_trusted_issuer,
    parse_accreditations_csv,
    parse_trust_list,
)
from verifier.settings import VerifierSettings
from web_common.db import UnitOfWork

from .test_pages import (
    NOW,
    PASSWORD,
    PASSWORD_HASH,
    Clock,
    Pages,
    _credential,
    _resolve,
    _text,
    _world,
)
from .test_vc_api import SCHOOL

FULL_PATH = (
    Path(__file__).resolve().parents[3] / "schemas" / "catalog" / "kwalificatiestructuur.json"
)
FULL = load_catalog(FULL_PATH)
ROC = "ROC Midden Nederland"
# A later crebo list: the 2015 Mbo-Verpleegkundige ended and was replaced by the 2020 crebo.
REVISION = (
    b"crebo;kwalificatie;niveau;dossier_crebo;dossier;geldig_tot;opvolger\n"
    b"25480;Mbo-Verpleegkundige;4;23182;Verzorging en verpleging;2023-07-31;25655\n"
)


def _catalog_file(tmp_path: Path) -> Path:
    rows, _ = rows_from_csv(REVISION)
    revised = apply_crebo_list(
        FULL, rows, version="list-test", source_id="src-test", source={"what": "test list"}
    ).catalog
    path = tmp_path / "catalog.json"
    save_catalog(revised, path)
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def pages(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pages]:
    database_url = (
        f"sqlite:///{tmp_path / 'verifier.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("new_postgres_url")
    )
    migrated("verifier", database_url)
    settings = VerifierSettings(
        environment="test", database_url=database_url, log_json=False,
        catalog_path=str(_catalog_file(tmp_path)),
        admin_password_hash=SecretStr(PASSWORD_HASH),
    )  # fmt: skip
    app = create_app(settings, clock=Clock(), http_client=cast(httpx.Client, TestClient(_world())),
                     resolve_host=_resolve)  # fmt: skip
    with TestClient(app) as client:
        yield Pages(client, Clock())


def _trust(pages: Pages, *accreditations: Accreditation) -> None:
    app = cast(FastAPI, pages.client.app)
    with UnitOfWork(app.state.sessions) as uow:
        entry = TrustEntry(SCHOOL.did_key, ROC, "school", ("*",), accreditations)
        add_trusted_issuer(uow, entry, source="test", now=NOW)
        uow.commit()


def _diploma(crebo: str) -> str:
    return json.dumps(_credential(CredentialKind.DIPLOMA, catalog=FULL, qualification=crebo))


def test_accredited_for_a_qualification_known_only_from_the_list(pages: Pages) -> None:
    _trust(pages, Accreditation("crebo", "25078"))
    page = pages.result(mode="paste", text=_diploma("25078"))
    text = _text(page)
    assert 'class="verdict verdict-valid"' in page.text
    assert "Betonboorder (crebo 25078, niveau 3)" in text
    assert f"{ROC} is erkend voor deze opleiding (crebo 25078)." in text
    location = page.url.path
    stacking = _text(pages.client.get(location, params={"target": "25078"}))
    assert "Het diploma voor deze kwalificatie zit bij deze bewijzen." in stacking
    assert "staan nog niet in onze catalogus" in stacking


def test_not_known_to_be_accredited_says_so_in_one_sentence(pages: Pages) -> None:
    _trust(pages, Accreditation("domein", "79000"))  # Bouw en infra only
    page = pages.result(mode="paste", text=_diploma("25655"))
    assert 'class="verdict verdict-valid"' in page.text  # genuine: the verdict stays
    assert f"{ROC} is niet bekend als erkend voor crebo 25655." in _text(page)
    english = pages.client.get(page.url.path, params={"lang": "en"})
    assert f"{ROC} is not known to be accredited for crebo 25655." in _text(english)


def test_a_dossier_or_domain_accreditation_covers_its_qualifications(pages: Pages) -> None:
    _trust(pages, Accreditation("dossier", "23189", ("ExamenresultaatCredential",)))
    exam = _credential(catalog=FULL, qualification="25498", codes=("B1-K1",))
    assert f"{ROC} is erkend voor deze opleiding (crebo 25498)." in _text(
        pages.result(mode="paste", text=json.dumps(exam))
    )
    # the dossier accreditation is for exam results only, not for diplomas
    assert f"{ROC} is niet bekend als erkend voor crebo 25498." in _text(
        pages.result(mode="paste", text=_diploma("25498"))
    )
    _trust(pages, Accreditation("domein", "79140"))  # Zorg en welzijn
    assert f"{ROC} is erkend voor deze opleiding (crebo 25478)." in _text(
        pages.result(mode="paste", text=_diploma("25478"))
    )


def test_without_accreditations_the_page_says_nothing_about_it(pages: Pages) -> None:
    _trust(pages)
    text = _text(pages.result(mode="paste", text=_diploma("25078")))
    assert "erkend voor deze opleiding" not in text
    assert "niet bekend als erkend" not in text
    assert " Erkenning " not in text


def test_a_replaced_qualification_still_reads_and_names_its_successor(pages: Pages) -> None:
    _trust(pages, Accreditation("crebo", "25480"))
    page = pages.result(mode="paste", text=_diploma("25480"))
    text = _text(page)
    assert 'class="verdict verdict-valid"' in page.text
    assert "Mbo-Verpleegkundige (crebo 25480, niveau 4)" in text
    assert (
        "Deze kwalificatie is inmiddels vervangen door Mbo-Verpleegkundige (crebo 25655)." in text
    )


def test_trust_list_file_and_register_csv_formats() -> None:
    doc = {
        "issuers": [
            {
                "did": "did:web:roc.example",
                "name": ROC,
                "kind": "school",
                "credentialTypes": ["*"],
                "accreditations": [
                    {"crebo": "25655"},
                    {"domein": "79140", "credentialTypes": ["DiplomaCredential"]},
                ],
            }
        ]
    }
    (entry,) = parse_trust_list(json.dumps(doc))
    assert entry.accreditations == (
        Accreditation("crebo", "25655"),
        Accreditation("domein", "79140", ("DiplomaCredential",)),
    )
    for bad in ({"crebo": "123"}, {"crebo": "25655", "dossier": "23267"}, {}, "25655"):
        doc["issuers"][0]["accreditations"] = [bad]
        with pytest.raises(TrustListError, match=r"accreditations\[0\]"):
            parse_trust_list(json.dumps(doc))
    register = (
        b"did;crebo;dossier;domein;credential_types\n"
        b"did:web:roc.example;25655;;;\n"
        b"did:web:roc.example;;23189;;ExamenresultaatCredential|DiplomaCredential\n"
    )
    found = parse_accreditations_csv(register)
    assert found == {
        "did:web:roc.example": (
            Accreditation("crebo", "25655"),
            Accreditation("dossier", "23189", ("ExamenresultaatCredential", "DiplomaCredential")),
        )
    }
    with pytest.raises(TrustListError, match="line 2"):
        parse_accreditations_csv(b"did,crebo\nnot-a-did,25655\n")
    with pytest.raises(TrustListError, match="line 1"):
        parse_accreditations_csv(b"name,crebo\nx,25655\n")


def test_the_cli_imports_a_register_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("VERIFIER_DATABASE_URL", f"sqlite:///{tmp_path / 'v.db'}")
    assert runner.invoke(cli, ["migrate"]).exit_code == 0
    did = "did:web:roc.example:roc-midden"
    added = runner.invoke(cli, ["trust", "add", did, "--name", ROC])
    assert added.exit_code == 0, added.output
    register = tmp_path / "register.csv"
    register.write_text(f"did,crebo\n{did},25655\n{did},25078\n")
    result = runner.invoke(cli, ["trust", "accreditations", str(register)])
    assert result.exit_code == 0, result.output
    assert "2 accreditation(s) imported" in result.output
    exported = json.loads(runner.invoke(cli, ["trust", "export"]).stdout)
    assert exported["issuers"][0]["accreditations"] == [{"crebo": "25655"}, {"crebo": "25078"}]
    register.write_text("did,crebo\ndid:web:unknown.example,25655\n")
    refused = runner.invoke(cli, ["trust", "accreditations", str(register)])
    assert refused.exit_code == 1
    assert "not on the trust list" in refused.output


def test_the_trust_page_reads_a_register_csv_and_shows_it(pages: Pages) -> None:
    _trust(pages)
    client = pages.client
    token = pages.csrf("/trust/login")
    client.post("/trust/login", data={"password": PASSWORD, "csrf_token": token})
    token = pages.csrf("/trust")
    register = f"did;crebo;domein\n{SCHOOL.did_key};25498;\n{SCHOOL.did_key};;79080\n"
    done = client.post("/trust/import", data={"csrf_token": token},
                       files={"file": ("register.csv", register.encode())})  # fmt: skip
    assert "2 erkenning(en) ingelezen." in _text(done)
    assert "crebo 25498, domein 79080" in _text(done)
    unknown = "did,crebo\ndid:web:elders.example,25498\n"
    refused = client.post("/trust/import", data={"csrf_token": token},
                          files={"file": ("register.csv", unknown.encode())})  # fmt: skip
    assert refused.status_code == 400
    assert "Dit is geen geldige lijst van erkenningen: not on the trust list" in _text(refused)
    assert f"{ROC} is erkend voor deze opleiding (crebo 25167)." in _text(
        pages.result(mode="paste", text=_diploma("25167"))
    )

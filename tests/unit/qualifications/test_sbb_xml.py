"""The SBB XML importer on the four real 2015-2016 exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qualifications import (
    Catalog,
    Evidence,
    EvidenceKind,
    GenericSubject,
    ImportOutcome,
    IssueCode,
    SbbXmlError,
    import_sbb_xml,
    parse_sbb_xml,
    progress,
)
from qualifications.model import DossierKey
from qualifications.sbb_xml import SbbExport

from .conftest import XML_FILES


def _parse(xml_dir: Path, name: str) -> SbbExport:
    return parse_sbb_xml((xml_dir / name).read_bytes(), source_name=name)


@pytest.mark.parametrize(
    ("name", "crebo", "version", "profiles", "basis"),
    [
        ("2635_Pedagogisch_Werk.xml", "23183", "sbb-2635", ["25486", "25484", "25485"], 2),
        ("2637_Sociaal_werk.xml", "23185", "sbb-2637", ["25489", "25488"], 2),
        ("2755_Dienstverlening.xml", "23189", "sbb-2755", ["25499", "25498", "25500"], 1),
        (
            "4156_Maatschappelijke_Zorg.xml",
            "23181",
            "sbb-4156",
            ["25475", "25476", "25477", "25474", "25479", "25478"],
            2,
        ),
    ],
)
def test_each_export_gives_one_dossier_version(
    xml_dir: Path, name: str, crebo: str, version: str, profiles: list[str], basis: int
) -> None:
    (dossier,) = _parse(xml_dir, name).dossiers
    assert (dossier.crebo, dossier.version) == (crebo, version)
    assert [q.crebo for q in dossier.kwalificaties] == profiles
    assert [q.profiel_code for q in dossier.kwalificaties] == [
        f"P{i}" for i in range(1, len(profiles) + 1)
    ]
    assert len(dossier.basisdeel) == basis
    assert dossier.geldig_vanaf == date(2015, 8, 1)
    assert dossier.sector == "Zorg en welzijn"
    assert dossier.sectorkamer == "Sectorkamer zorg, welzijn en sport"


def test_pedagogisch_werk_codes_match_the_dossier_text(xml_dir: Path) -> None:
    """The dossier itself cites B1-K1-W5 and P1-K1-W1 for these two werkprocessen."""
    (dossier,) = _parse(xml_dir, "2635_Pedagogisch_Werk.xml").dossiers
    b1k1 = dossier.basisdeel[0]
    assert b1k1.code == "B1-K1"
    w5 = {w.code: w for w in b1k1.werkprocessen}["B1-K1-W5"]
    assert w5.title == "Stimuleert de ontwikkeling door het aanbieden van activiteiten"
    kinderopvang = dossier.kwalificaties[0]
    assert kinderopvang.title == "Pedagogisch medewerker kinderopvang"
    p1k1w1 = kinderopvang.profieldeel[0].werkprocessen[0]
    assert p1k1w1.code == "P1-K1-W1"
    assert p1k1w1.title == "Voert gesprekken met de ouders/vervangende opvoeders en het kind"


def test_profile_codes_are_dossier_local(xml_dir: Path) -> None:
    (dossier,) = _parse(xml_dir, "2637_Sociaal_werk.xml").dossiers
    cultureel = dossier.kwalificaties[1]
    assert cultureel.title == "Sociaal-cultureel werker"
    assert [k.code for k in cultureel.profieldeel] == ["P2-K1"]
    assert [w.code for w in cultureel.profieldeel[0].werkprocessen] == [
        "P2-K1-W1",
        "P2-K1-W2",
        "P2-K1-W3",
    ]


def test_werkprocessen_are_ordered_by_hoofdstuk_not_by_sbb_number(xml_dir: Path) -> None:
    (dossier,) = _parse(xml_dir, "2755_Dienstverlening.xml").dossiers
    wps = dossier.basisdeel[0].werkprocessen
    assert [w.code for w in wps] == [f"B1-K1-W{i}" for i in range(1, 10)]
    # W9 has SBB number 986405, lower than W7's 986406: order comes from hoofdstuk.
    assert (wps[6].sbb_nr, wps[8].sbb_nr) == ("986406", "986405")
    assert wps[8].title == "Evalueert de werkzaamheden"


def test_dienstverlening_import_agrees_with_the_hand_checked_sample(
    xml_dir: Path, sample: Catalog
) -> None:
    (dossier,) = _parse(xml_dir, "2755_Dienstverlening.xml").dossiers
    from_sample = sample.dossier("23189", "sbb-2755")
    assert from_sample is not None
    assert dossier.basisdeel == from_sample.basisdeel
    for q in from_sample.kwalificaties:
        imported = next(x for x in dossier.kwalificaties if x.crebo == q.crebo)
        assert imported.profieldeel == q.profieldeel
        assert (imported.niveau, imported.sbu, imported.profiel_code) == (
            q.niveau,
            q.sbu,
            q.profiel_code,
        )


def test_generic_levels_are_read_from_the_dossier_text(xml_dir: Path) -> None:
    export = _parse(xml_dir, "4156_Maatschappelijke_Zorg.xml")
    generic = export.generic[DossierKey("23181", "sbb-4156")]
    low = {(r.subject, r.skill): r.level for r in generic["2-3"]}
    high = {(r.subject, r.skill): r.level for r in generic["4"]}
    assert low[(GenericSubject.NEDERLANDS, None)] == "2F"
    assert low[(GenericSubject.REKENEN, None)] == "2F"
    assert (GenericSubject.ENGELS, "lezen") not in low
    assert high[(GenericSubject.NEDERLANDS, None)] == "3F"
    assert high[(GenericSubject.ENGELS, "lezen")] == "B1"
    assert high[(GenericSubject.ENGELS, "gesprekken_voeren")] == "A2"


def test_revision_metadata_is_kept(xml_dir: Path) -> None:
    (dossier,) = _parse(xml_dir, "4156_Maatschappelijke_Zorg.xml").dossiers
    assert dossier.version_label == "Gewijzigd 2016"
    assert dossier.previous_version == "sbb-2631"
    assert dossier.vastgesteld_op is not None


def test_import_uses_the_catalog_sets_and_rules(imported: Catalog) -> None:
    (onderwijsassistent,) = imported.qualification("25485")
    assert onderwijsassistent.generic_requirements == "generic-niveau-4"
    assert onderwijsassistent.diploma_rule == "rule-niveau-4"
    (kinderopvang,) = imported.qualification("25486")
    assert kinderopvang.generic_requirements == "generic-niveau-2-3"
    assert {s.id for s in imported.generic_sets} == {"generic-niveau-2-3", "generic-niveau-4"}


def test_reimport_keeps_ids_and_is_idempotent(sample: Catalog, xml_dir: Path) -> None:
    data = (xml_dir / "2755_Dienstverlening.xml").read_bytes()
    first = import_sbb_xml(sample, data, source_name="2755_Dienstverlening.xml")
    assert first.outcomes == ((DossierKey("23189", "sbb-2755"), ImportOutcome.REPLACED),)
    ids = {q.crebo: q.id for q in first.catalog.qualifications if q.dossier_crebo == "23189"}
    assert ids["25498"] == "mbo-25498-helpende-zorg-en-welzijn"
    assert ids["25500"] == "mbo-25500-medewerker-sport-en-recreatie@sbb-2755"
    again = import_sbb_xml(first.catalog, data, source_name="2755_Dienstverlening.xml")
    assert again.outcomes[0][1] is ImportOutcome.UNCHANGED
    assert again.catalog == first.catalog


def _newer_version(data: bytes) -> bytes:
    """The 4156 export as if SBB had published a revision: new document number, new title for
    one werkproces."""
    data = data.replace(b'nr="4156"', b'nr="9156"', 1)
    data = data.replace(b'referentievorigeversie="2631"', b'referentievorigeversie="4156"', 1)
    return data.replace(
        b"Inventariseert ondersteuningsvragen van de cli",
        b"Inventariseert hulpvragen van de cli",
        1,
    )


def test_a_new_version_is_added_beside_the_old_one(imported: Catalog, xml_dir: Path) -> None:
    data = (xml_dir / "4156_Maatschappelijke_Zorg.xml").read_bytes()
    result = import_sbb_xml(imported, _newer_version(data), source_name="4156-revised.xml")
    assert result.outcomes == ((DossierKey("23181", "sbb-9156"), ImportOutcome.ADDED),)
    catalog = result.catalog
    assert [d.version for d in catalog.versions("23181")] == ["sbb-4156", "sbb-9156"]
    old = catalog.dossier("23181", "sbb-4156")
    new = catalog.dossier("23181", "sbb-9156")
    assert old is not None
    assert new is not None
    assert old.basisdeel[0].werkprocessen[0].title.startswith("Inventariseert ondersteuningsvragen")
    assert new.basisdeel[0].werkprocessen[0].title.startswith("Inventariseert hulpvragen")
    # A crebo alone now means the newest version; the old one stays reachable.
    (newest,) = catalog.qualification("25475")
    assert newest.dossier_version == "sbb-9156"
    (older,) = catalog.qualification("25475@sbb-4156")
    assert older.dossier_version == "sbb-4156"

    # Evidence issued against the old version stays interpretable against it...
    old_result = Evidence(
        "old-b1k1",
        EvidenceKind.EXAM_RESULT,
        dossier_crebo="23181",
        dossier_version="sbb-4156",
        codes=("B1-K1",),
    )
    report = progress(catalog, [old_result], "25475@sbb-4156")
    assert report.kerntaken[0].complete
    assert report.issues == ()
    # ...and is not silently counted for the new version, which has no equivalences.
    report = progress(catalog, [old_result], "25475")
    assert not report.kerntaken[0].complete
    assert [i.code for i in report.issues] == [IssueCode.WRONG_DOSSIER_VERSION]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<sbb", "not well-formed"),
        (b'<!DOCTYPE sbb [<!ENTITY e "x">]><sbb>&e;</sbb>', "DTD"),
        (b'<!DOCTYPE sbb SYSTEM "http://example.org/x.dtd"><sbb/>', "DTD"),
        (b"<kwalificaties/>", "root element"),
        (b"<sbb><dossiers/></sbb>", "no <dossiers>/<dossier>"),
    ],
)
def test_unreadable_exports_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(SbbXmlError, match=message):
        parse_sbb_xml(data, source_name="bad.xml")


def test_a_missing_generic_text_is_refused(xml_dir: Path) -> None:
    data = (xml_dir / "2637_Sociaal_werk.xml").read_bytes()
    broken = data.replace(b"generieke_onderdelen", b"iets_anders")
    with pytest.raises(SbbXmlError, match="Generieke onderdelen"):
        parse_sbb_xml(broken, source_name="broken.xml")


def test_all_four_files_are_fixtures(xml_dir: Path) -> None:
    assert sorted(p.name for p in xml_dir.glob("*.xml")) == sorted(XML_FILES)

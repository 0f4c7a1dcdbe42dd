"""Importer for SBB's XML export of kwalificatiedossiers ("dossiers geldig vanaf 2015").

The export has ``<sbb>`` with lookup lists (``domeinen``, ``sectorkamers``, ``competenties``)
and ``<dossiers>/<dossier>``: a basisdeel under ``basis/basistaken/basiskerntaken`` and one
``profiel`` per kwalificatie under ``profielen``. Kerntaak and werkproces codes are not stored;
they follow from the ``hoofdstuk`` numbers: basisdeel kerntaak *k* is ``B1-K<k>``, kerntaak
*k* of profile *p* is ``P<p>-K<k>``, and werkproces *w* of a kerntaak appends ``-W<w>``.

Each ``dossier`` element becomes one :class:`~qualifications.model.Dossier` whose version is
``sbb-<nr>`` (SBB's number for this version of the document), so importing a newer export
adds a version beside the old one instead of overwriting it.

The parser refuses DTDs and never resolves entities or touches the network.

Usage::

    result = import_sbb_xml(catalog, Path("2755_Dienstverlening.xml").read_bytes(),
                            source_name="2755_Dienstverlening.xml")
    result.catalog, result.outcomes
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from qualifications.catalog import Catalog, ImportOutcome
from qualifications.errors import CatalogError, CatalogErrorCode, SbbXmlError
from qualifications.model import (
    Dossier,
    DossierKey,
    GenericRequirement,
    GenericRequirementSet,
    GenericSubject,
    Kerntaak,
    Qualification,
    Werkproces,
)

__all__ = [
    "DEFAULT_RULES",
    "ImportResult",
    "SbbExport",
    "import_sbb_xml",
    "parse_sbb_xml",
]

#: Diploma rule id per niveau, used unless the caller names others. Entree (niveau 1) uses
#: the niveau 2-3 rule until the catalog has a rule of its own for it.
DEFAULT_RULES: Mapping[int, str] = {
    1: "rule-niveau-2-3",
    2: "rule-niveau-2-3",
    3: "rule-niveau-2-3",
    4: "rule-niveau-4",
}

_NUFFIC_SOURCE = "src-nlqf-nuffic"
_NUFFIC = {
    "kind": "url",
    "url": "https://www.nuffic.nl/onderwijssystemen/nederland/niveau-van-nederlandse-diplomas",
    "what": "Nuffic table: mbo-diploma niveau n = NLQF n = EQF n (n = 1..4).",
}


@dataclass(frozen=True, slots=True)
class SbbExport:
    """What one export file holds, before it is merged into a catalog.

    ``generic_sets`` maps the niveau group (``"2-3"`` or ``"4"``) to the requirements read
    from the dossier's "Generieke onderdelen" text.
    """

    dossiers: tuple[Dossier, ...]
    generic: Mapping[DossierKey, Mapping[str, tuple[GenericRequirement, ...]]]
    source_id: str
    source: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The catalog after an import and what happened to each dossier version."""

    catalog: Catalog
    outcomes: tuple[tuple[DossierKey, ImportOutcome], ...]


def import_sbb_xml(
    catalog: Catalog,
    data: bytes,
    *,
    source_name: str,
    rules: Mapping[int, str] = DEFAULT_RULES,
) -> ImportResult:
    """Add every dossier version in an SBB export to ``catalog``.

    A version already in the catalog is replaced (re-importing is idempotent); other
    versions of the same dossier are kept. Qualification ids of a replaced version are kept
    so references stay valid. Raises :class:`SbbXmlError` for an unreadable export and
    :class:`CatalogError` when ``rules`` names diploma rules the catalog does not have.
    """
    export = parse_sbb_xml(data, source_name=source_name)
    sources = dict(catalog.sources)
    sources.setdefault(export.source_id, dict(export.source))
    sources.setdefault(_NUFFIC_SOURCE, dict(_NUFFIC))
    generic_sets = list(catalog.generic_sets)
    outcomes: list[tuple[DossierKey, ImportOutcome]] = []
    result = dataclasses.replace(catalog, sources=sources)
    for dossier in export.dossiers:
        set_ids = {
            group: _generic_set_id(generic_sets, group, reqs, dossier, export.source_id)
            for group, reqs in export.generic[dossier.key].items()
        }
        qualifications = []
        for q in dossier.kwalificaties:
            rule = rules.get(q.niveau)
            if rule is None:
                raise CatalogError(
                    f"no diploma rule configured for niveau {q.niveau}",
                    CatalogErrorCode.UNKNOWN_REFERENCE,
                )
            existing = catalog.qualification_in(dossier.key, q.profiel_code)
            q = dataclasses.replace(
                q,
                id=existing.id if existing is not None else q.id,
                generic_requirements=set_ids["4" if q.niveau == 4 else "2-3"],
                diploma_rule=rule,
            )
            qualifications.append(_with_list_fields(catalog, q))
        dossier = dataclasses.replace(
            dossier,
            kwalificaties=tuple(qualifications),
            opleidingsdomein=dossier.opleidingsdomein
            or next((d.opleidingsdomein for d in reversed(catalog.versions(dossier.crebo))), None),
        )
        result = dataclasses.replace(result, generic_sets=tuple(generic_sets))
        result, outcome = result.with_dossier(dossier)
        outcomes.append((dossier.key, outcome))
    return ImportResult(result, tuple(outcomes))


def _with_list_fields(catalog: Catalog, q: Qualification) -> Qualification:
    """Keep what a crebo list said about the same crebo (validity, successors, leerwegen,
    its source), which an SBB export does not carry."""
    if q.crebo is None:
        return q
    known = catalog.qualification(q.crebo)
    if not known:
        return q
    listed = known[0]
    return dataclasses.replace(
        q,
        leerwegen=q.leerwegen or listed.leerwegen,
        geldig_vanaf=q.geldig_vanaf or listed.geldig_vanaf,
        geldig_tot=q.geldig_tot or listed.geldig_tot,
        opvolgers=q.opvolgers or listed.opvolgers,
        sources=tuple(dict.fromkeys((*q.sources, *listed.sources))),
    )


def _generic_set_id(
    sets: list[GenericRequirementSet],
    group: str,
    requirements: tuple[GenericRequirement, ...],
    dossier: Dossier,
    source_id: str,
) -> str:
    """Reuse a set with the same requirements; else add one under a free id."""
    for s in sets:
        if s.requirements == requirements:
            return s.id
    preferred = f"generic-niveau-{group}"
    taken = {s.id for s in sets}
    set_id = (
        preferred if preferred not in taken else f"{preferred}-{dossier.crebo}-{dossier.version}"
    )
    applies = "entree, niveau 2 and niveau 3" if group == "2-3" else "niveau 4"
    sets.append(
        GenericRequirementSet(
            id=set_id,
            applies_to=applies,
            requirements=requirements,
            sources=(source_id,),
            notes=(f"Read from the 'Generieke onderdelen' text of dossier {dossier.key}.",),
        )
    )
    return set_id


# -- parsing ------------------------------------------------------------------------------


def parse_sbb_xml(data: bytes, *, source_name: str) -> SbbExport:
    """Read an export into dossier versions. Raises :class:`SbbXmlError` on a bad file."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise SbbXmlError(f"{source_name}: not well-formed XML ({exc})") from exc
    # lxml-stubs lack DocInfo.doctype; it is "" when the document has no DOCTYPE.
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise SbbXmlError(f"{source_name}: DTDs are not accepted")
    if root.tag != "sbb":
        raise SbbXmlError(f"{source_name}: root element is <{root.tag}>, expected <sbb>")
    lookups = _Lookups(
        domeinen=_titles(root, "domeinen/domein"),
        sectorkamers=_titles(root, "sectorkamers/sectorkamer"),
        competenties={
            c.get("nr", ""): c.get("code", "") for c in root.iterfind("competenties/competentie")
        },
    )
    digest = hashlib.sha256(data).hexdigest()
    source_id = f"src-sbb-xml-{digest[:12]}"
    dossiers: list[Dossier] = []
    generic: dict[DossierKey, dict[str, tuple[GenericRequirement, ...]]] = {}
    elements = root.findall("dossiers/dossier")
    if not elements:
        raise SbbXmlError(f"{source_name}: no <dossiers>/<dossier> element")
    for element in elements:
        dossier = _dossier(element, lookups, source_id, source_name)
        dossiers.append(dossier)
        generic[dossier.key] = _generic_requirements(element, source_name)
    source = {
        "kind": "sbb-xml",
        "path": source_name,
        "sha256": digest,
        "what": "SBB XML export of kwalificatiedossiers ('dossiers geldig vanaf 2015').",
    }
    return SbbExport(tuple(dossiers), generic, source_id, source)


@dataclass(frozen=True, slots=True)
class _Lookups:
    domeinen: Mapping[str, str]
    sectorkamers: Mapping[str, str]
    competenties: Mapping[str, str]


def _titles(root: etree._Element, path: str) -> dict[str, str]:
    return {e.get("nr", ""): _clean(e.get("titel", "")) for e in root.iterfind(path)}


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _required(element: etree._Element, attribute: str, where: str) -> str:
    value = element.get(attribute)
    if value is None or not value.strip():
        raise SbbXmlError(f"{where}: <{element.tag}> has no {attribute!r}")
    return value.strip()


def _dutch_date(text: str | None, where: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError:
        raise SbbXmlError(f"{where}: {text!r} is not a date (dd-mm-yyyy)") from None


def _number(text: str, where: str) -> int:
    if not text.isdigit():
        raise SbbXmlError(f"{where}: {text!r} is not a number")
    return int(text)


def _dossier(
    element: etree._Element, lookups: _Lookups, source_id: str, source_name: str
) -> Dossier:
    nr = _required(element, "nr", source_name)
    where = f"{source_name} dossier {nr}"
    crebo_el = element.find("dossiercrebos/dossiercrebo")
    if crebo_el is None or not (crebo_el.text or "").strip():
        raise SbbXmlError(f"{where}: no dossiercrebo")
    crebo = crebo_el.text.strip() if crebo_el.text else ""
    version = f"sbb-{nr}"
    previous = (element.get("referentievorigeversie") or "").strip()
    kamer_ref = element.find("voorblad/omschrijving/penvoerder/sectorkamer")
    sectorkamer = (
        None if kamer_ref is None else lookups.sectorkamers.get(kamer_ref.get("referentie", ""))
    )
    basisdeel = tuple(
        _kerntaak(kt, "B1", lookups, where)
        for kt in element.iterfind("basis/basistaken/basiskerntaken/kerntaak")
    )
    kwalificaties = tuple(
        _profiel(p, crebo, version, basisdeel, lookups, source_id, where)
        for p in element.iterfind("profielen/profiel")
    )
    if not kwalificaties:
        raise SbbXmlError(f"{where}: no profielen")
    return Dossier(
        crebo=crebo,
        version=version,
        title=_clean(_required(element, "titel", where)),
        basisdeel=basisdeel,
        kwalificaties=kwalificaties,
        geldig_vanaf=_dutch_date(crebo_el.get("Geldig_vanaf"), where),
        sector=lookups.domeinen.get(element.get("referentiedomein", "")),
        sectorkamer=sectorkamer,
        status=_clean(element.get("status")) or None,
        version_label=_clean(element.get("versie")) or None,
        previous_version=f"sbb-{previous}" if previous else None,
        vastgesteld_op=_dutch_date(
            element.findtext(
                "voorblad/omschrijving/verantwoording/vaststellingsinformatie/vastgesteldop"
            ),
            where,
        ),
        sbb_nr=nr,
        sources=(source_id,),
    )


def _kerntaak(element: etree._Element, prefix: str, lookups: _Lookups, where: str) -> Kerntaak:
    number = _number(_required(element, "hoofdstuk", where), where)
    code = f"{prefix}-K{number}"
    wp_path = (
        "basiswerkprocessen/werkproces" if prefix == "B1" else "profielwerkprocessen/werkproces"
    )
    werkprocessen = []
    for wp in element.iterfind(wp_path):
        w = _number(_required(wp, "hoofdstuk", where), where)
        competenties = tuple(
            lookups.competenties.get(c.get("referentie", ""), "")
            for c in wp.iterfind("werkprocescompetenties/competentie")
        )
        werkprocessen.append(
            Werkproces(
                code=f"{code}-W{w}",
                title=_clean(_required(wp, "titel", where)),
                sbb_nr=wp.get("nr"),
                competenties=tuple(c for c in competenties if c),
            )
        )
    werkprocessen.sort(key=lambda wp: int(wp.code.rsplit("-W", 1)[1]))
    return Kerntaak(
        code=code,
        title=_clean(_required(element, "titel", where)),
        werkprocessen=tuple(werkprocessen),
        sbb_nr=element.get("nr"),
    )


def _profiel(
    element: etree._Element,
    dossier_crebo: str,
    version: str,
    basisdeel: tuple[Kerntaak, ...],
    lookups: _Lookups,
    source_id: str,
    where: str,
) -> Qualification:
    number = _number(_required(element, "hoofdstuk", where), where)
    profiel_code = f"P{number}"
    niveau = _number(_required(element, "niveau", where), where)
    title = _clean(_required(element, "titel", where))
    crebo = (element.findtext("creboinformatie/crebo") or "").strip() or None
    sbu_text = (element.findtext("omschrijving/sbu") or "").strip()
    wettelijk = (element.findtext("omschrijving/wettelijkeberoepsvereisten") or "").strip()
    certificaten = _clean(element.findtext("omschrijving/certificaten"))
    notes = ["NLQF and EQF follow from the mbo niveau (Nuffic: niveau n = NLQF n = EQF n)."]
    if certificaten:
        notes.append(f"Certificaten named in the dossier: {certificaten}")
    profieldeel = tuple(
        _kerntaak(kt, profiel_code, lookups, where)
        for kt in element.iterfind("profielkerntaken/kerntaak")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return Qualification(
        id=f"mbo-{crebo or profiel_code.lower()}-{slug}@{version}",
        crebo=crebo,
        title=title,
        profiel_code=profiel_code,
        niveau=niveau,
        dossier_crebo=dossier_crebo,
        dossier_version=version,
        basisdeel=basisdeel,
        profieldeel=profieldeel,
        generic_requirements="",
        diploma_rule="",
        nlqf=niveau,
        eqf=niveau,
        sbu=int(sbu_text) if sbu_text.isdigit() else None,
        soort_opleiding=_clean(element.findtext("omschrijving/soortopleiding")) or None,
        wettelijke_beroepsvereisten={"Ja": True, "Nee": False}.get(wettelijk),
        sbb_nr=element.get("nr"),
        uncertain=frozenset() if crebo else frozenset({"crebo"}),
        sources=(source_id, _NUFFIC_SOURCE),
        notes=tuple(notes),
    )


_TAGS = re.compile(r"<[^>]+>")
_LEVELS_BY_NIVEAU = re.compile(
    r"niveau 2 en 3:\s*(?P<low>[1-4]F)\s*;?\s*voor kwalificaties op niveau 4:\s*(?P<high>[1-4]F)"
)
_ENGELS_READ = re.compile(r"lezen en luisteren:\s*(?P<level>[ABC][12])")
_ENGELS_WRITE = re.compile(r"schrijven, spreken en gesprekken voeren:\s*(?P<level>[ABC][12])")


def _generic_requirements(
    element: etree._Element, source_name: str
) -> dict[str, tuple[GenericRequirement, ...]]:
    """Read the levels from the dossier's "Generieke onderdelen" text.

    The text is HTML escaped twice inside the XML; the levels are stated in fixed wording,
    which is checked rather than assumed.
    """
    raw = element.findtext("basis/basistaken/generieke_onderdelen/omschrijving") or ""
    text = " ".join(_TAGS.sub(" ", html.unescape(html.unescape(raw))).split())
    where = f"{source_name}: 'Generieke onderdelen'"
    sections = {}
    for name, start, end in (
        ("nederlands", "Nederlandse taal", "Rekenen"),
        ("rekenen", "Rekenen", "Loopbaan en burgerschap"),
    ):
        i, j = text.find(start), text.find(end, text.find(start) + 1)
        match = _LEVELS_BY_NIVEAU.search(text[i:j]) if i >= 0 and j > i else None
        if match is None:
            raise SbbXmlError(f"{where}: levels for {start} not found")
        sections[name] = (match["low"], match["high"])
    read, write = _ENGELS_READ.search(text), _ENGELS_WRITE.search(text)
    if "Loopbaan en burgerschap" not in text or read is None or write is None:
        raise SbbXmlError(f"{where}: loopbaan en burgerschap or Engels levels not found")
    nl, re_ = sections["nederlands"], sections["rekenen"]
    lb = GenericRequirement(GenericSubject.LOOPBAAN_BURGERSCHAP)
    low = (
        GenericRequirement(GenericSubject.NEDERLANDS, nl[0]),
        GenericRequirement(GenericSubject.REKENEN, re_[0]),
        lb,
    )
    engels = tuple(
        GenericRequirement(GenericSubject.ENGELS, level, skill)
        for skill, level in (
            ("lezen", read["level"]),
            ("luisteren", read["level"]),
            ("schrijven", write["level"]),
            ("spreken", write["level"]),
            ("gesprekken_voeren", write["level"]),
        )
    )
    high = (
        GenericRequirement(GenericSubject.NEDERLANDS, nl[1]),
        GenericRequirement(GenericSubject.REKENEN, re_[1]),
        lb,
        *engels,
    )
    return {"2-3": low, "4": high}

"""Plain-Dutch wording for what the results-file reader and the catalog checks say.

The services speak English with values inside (``'30-2-2026' is not a date …``), so a fixed
catalog cannot translate them; this table matches each known message and words it in Dutch
with the same values. Unknown messages are shown as they are (still readable, just English).

    >>> in_dutch("the same result as row 3")
    'Hetzelfde resultaat als rij 3; dat geven we één keer uit.'
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["explain", "in_dutch"]

_MESSAGES: tuple[tuple[str, str], ...] = (
    # the file as a whole
    (r"the file is empty", "Het bestand is leeg."),
    (r"unreadable", "Het bestand is niet te lezen."),
    (
        r"the file says UTF-8 but byte (\d+) is not",
        "Het bestand zegt UTF-8 te zijn, maar byte {0} is dat niet. Sla het in Excel op als "
        "‘CSV UTF-8’ en probeer het opnieuw.",
    ),
    (
        r"the file says UTF-16 but is not",
        "Het bestand zegt UTF-16 te zijn, maar is dat niet. Sla het in Excel op als "
        "‘CSV UTF-8’ en probeer het opnieuw.",
    ),
    (
        r"this is a workbook \(\.xlsx/\.xls\); save it as CSV first",
        "Dit is een Excel-werkmap (.xlsx of .xls), geen CSV-bestand. Kies in Excel ‘Opslaan "
        "als’ → ‘CSV UTF-8 (door komma's gescheiden)’ en upload dat bestand.",
    ),
    (
        r"this is not a text file \(it contains NUL bytes\)",
        "Dit is geen tekstbestand (er staan onleesbare tekens in). Kies het CSV-bestand met "
        "de resultaten.",
    ),
    (
        r"the file is neither UTF-8 nor Windows-1252 text",
        "De tekst in het bestand is niet te lezen. Sla het in Excel op als ‘CSV UTF-8’.",
    ),
    (
        r"read as Windows-1252; save as 'CSV UTF-8' to be sure",
        "Het bestand is gelezen als Windows-tekst. Controleer namen met accenten, of sla het "
        "bestand op als ‘CSV UTF-8’.",
    ),
    (r"the file has no header line", "Het bestand heeft geen kopregel met kolomnamen."),
    (r"the file has no data rows", "Het bestand heeft een kopregel, maar geen resultaten."),
    (r"unknown column '(.*)' is ignored", "De kolom ‘{0}’ kennen we niet; die slaan we over."),
    (r"column '(.*)' appears twice", "De kolom ‘{0}’ staat er twee keer in."),
    (
        r"required column\(s\) missing: (.*); download the template for the column names",
        "Deze verplichte kolom(men) ontbreken: {0}. Download het sjabloon voor de juiste "
        "kolomnamen.",
    ),
    (
        r"more than ([\d.]+) rows; split the file",
        "Het bestand heeft meer dan {0} rijen. Splits het in kleinere bestanden.",
    ),
    (r"the file is not valid CSV: (.*)", "Het bestand is geen geldige CSV ({0})."),
    # one row
    (
        r"the row has (\d+) cells but the header (\d+); is there a '(.*)' inside a value "
        r"without quotes\?",
        "Deze rij heeft {0} vakjes en de kopregel {1}. Staat er een ‘{2}’ in een waarde "
        "zonder aanhalingstekens eromheen?",
    ),
    (
        r"'(.*)' is not a date \(use 2026-07-01 or 1-7-2026\)",
        "‘{0}’ is geen datum. Schrijf een datum als 2026-07-01 of 1-7-2026.",
    ),
    (r"'(.*)' is not a date \(YYYY-MM-DD\)", "‘{0}’ is geen datum (jjjj-mm-dd)."),
    (r"longer than (\d+) characters", "Langer dan {0} tekens."),
    (
        r"the date achieved is not a date \(YYYY-MM-DD\)",
        "De datum behaald is geen datum. Schrijf een datum als 2026-06-26 of 26-6-2026.",
    ),
    (
        r"the date achieved is in the future; a result is achieved before it is issued",
        "De datum behaald ligt in de toekomst. Geef een resultaat uit als het behaald is.",
    ),
    (
        r"the date achieved is before 1950; check the year",
        "De datum behaald ligt vóór 1950. Controleer het jaar.",
    ),
    (
        r"the same result as row (\d+)",
        "Hetzelfde resultaat als rij {0}; dat geven we één keer uit.",
    ),
    (
        r"a different credential was issued for this result since the preview \((.*)\); "
        r"upload the file again to see the change and resolve it",
        "Voor dit resultaat is na de controle een ander bewijs uitgegeven ({0}). Upload het "
        "bestand opnieuw: dan zie je de wijziging en kies je wat er moet gebeuren.",
    ),
    (
        r"a different credential was already issued as (.*); use a new id",
        "Onder {0} is al een ander bewijs uitgegeven.",
    ),
    (
        r"'(.*)' is not one of (.*)",
        "‘{0}’ kennen we niet. Kies een van: {1}.",
    ),
    (r"one of (.*)", "Vul de soort in, een van: {0}."),
    (
        r"the kerntaken of dossier (\d+) are not in the catalog yet; import its SBB export",
        "De kerntaken van dossier {0} staan nog niet in de catalogus; importeer de SBB-export"
        " van dit dossier. Een diploma kan wel.",
    ),
    (
        r"'(.*)' is the title of (.*); use the crebo",
        "‘{0}’ is de naam van meer dan één kwalificatie ({1}); gebruik het crebonummer.",
    ),
    (
        r"'(.*)' is not in the catalog",
        "‘{0}’ staat niet in de kwalificatiestructuur. Gebruik het crebonummer (bijvoorbeeld "
        "25498).",
    ),
    (
        r"'(.*)' is ambiguous; add @dossierversion",
        "‘{0}’ past bij meer dan één versie; voeg @ en de dossierversie toe.",
    ),
    (
        r"(\S+) is not a kerntaak or werkproces of (.*) \(dossier (\d+), version (.*)\)",
        "{0} is geen kerntaak of werkproces van {1} (dossier {2}, versie {3}).",
    ),
    (r"keuzedeel (\S+) is not in the catalog", "Keuzedeel {0} staat niet in de catalogus."),
    (r"certificate (\S+) is not in the catalog", "Certificaat {0} staat niet in de catalogus."),
    (
        r"'(.*)' is not an e-mail address",
        "‘{0}’ is geen e-mailadres (zoals naam@voorbeeld.nl); verbeter het of laat het leeg.",
    ),
    (
        r"a (\S+) does not issue a (.*)",
        "Een organisatie van het type {0} geeft geen {1} uit.",
    ),
    (r"the student's name is required", "Vul de naam van de student in."),
    (r"a reference is required", "Vul een referentie in."),
    (r"must be later than the start date", "Moet later zijn dan de begindatum."),
    (
        r"name at least one kerntaak or werkproces",
        "Vul minstens één kerntaak of werkproces in (bijvoorbeeld B1-K1).",
    ),
    (
        r"name the qualification \(crebo or catalog id\)",
        "Vul de kwalificatie in (het crebonummer, bijvoorbeeld 25498).",
    ),
    (r"name the erkend leerbedrijf", "Vul het erkend leerbedrijf in."),
    (
        r"a vrijstelling is granted by an examencommissie",
        "Vul de examencommissie in die de vrijstelling verleent.",
    ),
    (
        r"an? (.*) carries no grade; leave it empty",
        "Een {0} heeft geen cijfer; laat ‘cijfer’ leeg (alleen een examenresultaat of "
        "mbo-certificaat heeft er een).",
    ),
    (r"the period ends before it starts", "De periode eindigt voordat hij begint."),
    (r"a branchecertificaat needs its title", "Vul de titel van het branchecertificaat in."),
    (r"list at least one leeruitkomst", "Vul minstens één leeruitkomst in."),
    (
        r"say who mapped the certificate to werkprocessen",
        "Vul in wie het certificaat aan werkprocessen heeft gekoppeld.",
    ),
    (
        r"this diploma is already waiting for the examencommissie's decision with other "
        r"content; .*",
        "Dit diploma wacht al op het besluit van de examencommissie, met andere gegevens. "
        "Laat het wachtende diploma eerst afwijzen en voer daarna het verbeterde in.",
    ),
)
_COMPILED = tuple((re.compile(pattern), dutch) for pattern, dutch in _MESSAGES)


def in_dutch(message: str) -> str:
    """The Dutch wording of a known service message, else the message itself."""
    for pattern, dutch in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            return dutch.format(*match.groups())
    return message


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def explain(lang: str) -> Callable[[str], str]:
    """The function turning a service message into a sentence for a reader of ``lang``."""
    if lang == "en":
        return _sentence
    return in_dutch

"""Plain-language explanations of verification results (Dutch and English), for the
employer's verifier pages and the learner's own credential page.

Every check code the engine, the trust list or the JWT verifier can produce has a sentence a
non-technical person understands; an unknown code falls back to the engine's own detail. The
summary verdict separates "not genuine: stop" from "genuine, but check this"; the headline
(:func:`headline`) reads the one judgement of :func:`credentials.results.judge`.
"""

from __future__ import annotations

from collections.abc import Mapping

from credentials.results import CheckName, CheckResult, FindingKind, Judgement, Outcome, Verdict

__all__ = ["CHECK_NAMES", "explain", "headline", "verdict_text"]

Lang = str

CHECK_NAMES: Mapping[CheckName, tuple[str, str]] = {
    CheckName.FORMAT: ("Vorm", "Format"),
    CheckName.PROOF: ("Handtekening", "Signature"),
    CheckName.ISSUER: ("Uitgever", "Issuer"),
    CheckName.TRUST: ("Erkende uitgever", "Recognised issuer"),
    CheckName.VALIDITY: ("Geldigheid", "Validity dates"),
    CheckName.STATUS: ("Niet ingetrokken", "Not revoked"),
    CheckName.SCHEMA: ("Inhoud volgens het formaat", "Matches its format"),
    CheckName.HOLDER_BINDING: ("Gedeeld door de houder", "Shared by its holder"),
    CheckName.HOLDER: ("Op naam van de houder", "Issued to the holder"),
    CheckName.RELATED_RESOURCES: ("Bijbehorende documenten", "Related documents"),
    CheckName.TYPE_METADATA: (
        "Beschrijving van het soort bewijs",
        "Description of the credential type",
    ),
}

# What a passed check means, per check (an unnamed check falls back to "In orde.").
_PASSED: Mapping[CheckName, tuple[str, str]] = {
    CheckName.FORMAT: ("Het is opgebouwd volgens de standaard.", "It is built to the standard."),
    CheckName.PROOF: (
        "De digitale handtekening klopt: er is niets veranderd na het uitgeven.",
        "The digital signature matches: nothing was changed after it was issued.",
    ),
    CheckName.ISSUER: (
        "Ondertekend door de uitgever die erop staat.",
        "Signed by the issuer it names.",
    ),
    CheckName.TRUST: (
        "De uitgever staat op uw lijst van erkende scholen en leerbedrijven.",
        "The issuer is on your list of recognised schools and training companies.",
    ),
    CheckName.STATUS: ("De uitgever heeft het niet ingetrokken.", "The issuer has not revoked it."),
    CheckName.VALIDITY: ("Het is vandaag geldig.", "It is valid today."),
    CheckName.SCHEMA: (
        "De inhoud past bij het opgegeven formaat.",
        "The content matches its format.",
    ),
    CheckName.HOLDER_BINDING: (
        "De houder heeft dit zelf met u gedeeld.",
        "The holder shared this with you in person.",
    ),
    CheckName.HOLDER: (
        "Het staat op naam van wie het deelt.",
        "It was issued to the person who shares it.",
    ),
    CheckName.RELATED_RESOURCES: (
        "De documenten waarnaar het verwijst zijn ongewijzigd.",
        "The documents it refers to are unchanged.",
    ),
    CheckName.TYPE_METADATA: (
        "De uitgever beschrijft dit soort bewijs, en die beschrijving is ongewijzigd.",
        "The issuer describes this type of credential, and that description is unchanged.",
    ),
}

_NOT_STANDARD = (
    "Het bewijsstuk is niet volgens de standaard opgebouwd.",
    "The credential is not built according to the standard.",
)
_RELATED_MALFORMED = (
    "De verwijzing naar een bijbehorend document is niet volgens de standaard vastgelegd.",
    "The reference to a related document is not recorded according to the standard.",
)

# SD-JWT VC (dc+sd-jwt): the engine's codes (credentials.sd_jwt_vc, sd_jwt_verifier,
# x509_trust) and the verifier's (type metadata, Token Status List).
_CHANGED = (
    "Er is iets veranderd na het uitgeven: een gedeeld gegeven klopt niet met wat de "
    "uitgever ondertekende.",
    "Something was changed after it was issued: a shared detail does not match what the "
    "issuer signed.",
)
_SD_JWT_UNREADABLE = ("Het bewijsstuk is onleesbaar.", "The credential cannot be read.")
_NOT_FROM_HOLDER = (
    "Dit is niet door de houder voor u gedeeld (de bevestiging van de houder ontbreekt of "
    "klopt niet).",
    "This was not shared with you by its holder (the holder's confirmation is missing or "
    "does not match).",
)
_CHAIN_UNTRUSTED = (
    "Het certificaat waarmee is ondertekend, is niet terug te voeren op een certificaat-"
    "autoriteit die u vertrouwt. Wie het uitgaf, is dus niet vast te stellen.",
    "The certificate it was signed with does not lead to a certificate authority you "
    "trust, so who issued it cannot be established.",
)
_CHAIN_INVALID = (
    "Het certificaat waarmee is ondertekend, is niet in orde.",
    "The certificate it was signed with is not in order.",
)
_SD_JWT_EXPLANATIONS: Mapping[str, tuple[str, str]] = {
    "signature": (
        "De digitale handtekening klopt niet: er is iets veranderd na het ondertekenen, of het "
        "is niet door deze uitgever ondertekend.",
        "The digital signature does not match: something was changed after signing, or it was "
        "not signed by this issuer.",
    ),
    "disclosure_unreferenced": _CHANGED,
    "disclosure_malformed": _CHANGED,
    "disclosure_duplicate": _CHANGED,
    "disclosure_kind": _CHANGED,
    "disclosure_reserved_name": _CHANGED,
    "digest_duplicate": _CHANGED,
    "claim_duplicate": _CHANGED,
    "sd_alg": (
        "De gegevens zijn beveiligd met een methode die wij niet ondersteunen.",
        "The details are protected with a method we do not support.",
    ),
    "sd_malformed": _SD_JWT_UNREADABLE,
    "typ": (
        "Dit is geen SD-JWT VC in het verwachte formaat.",
        "This is not an SD-JWT VC in the expected format.",
    ),
    "claims": (
        "Er ontbreekt een verplicht onderdeel (uitgever of soort).",
        "A required part (issuer or type) is missing.",
    ),
    "vct": (
        "Dit soort bewijs wordt hier niet geaccepteerd.",
        "This type of credential is not accepted here.",
    ),
    "key_missing": (
        "De handtekening zegt niet met welk certificaat of welke sleutel zij is gezet.",
        "The signature does not say which certificate or key made it.",
    ),
    "iss_mismatch": (
        "Het certificaat hoort niet bij de uitgever die erop staat.",
        "The certificate does not belong to the issuer it names.",
    ),
    "did_resolution": (
        "De sleutel van de uitgever is niet gevonden, dus de handtekening kan niet worden "
        "gecontroleerd.",
        "The issuer's key was not found, so the signature cannot be checked.",
    ),
    "x509_untrusted": _CHAIN_UNTRUSTED,
    "x509_expired": (
        "Het certificaat waarmee is ondertekend, is verlopen.",
        "The certificate it was signed with has expired.",
    ),
    "x509_not_yet_valid": (
        "Het certificaat waarmee is ondertekend, is nog niet geldig.",
        "The certificate it was signed with is not valid yet.",
    ),
    "x509_x5c_malformed": _CHAIN_INVALID,
    "x509_chain_too_long": _CHAIN_INVALID,
    "x509_leaf_is_ca": _CHAIN_INVALID,
    "x509_key_usage": _CHAIN_INVALID,
    "x509_key_unsupported": _CHAIN_INVALID,
    "x509_not_a_ca": _CHAIN_INVALID,
    "x509_path_length": _CHAIN_INVALID,
    "x509_signature_chain": _CHAIN_INVALID,
    "x509_critical_extension": _CHAIN_INVALID,
    "kb_missing": _NOT_FROM_HOLDER,
    "kb_signature": _NOT_FROM_HOLDER,
    "kb_sd_hash": _NOT_FROM_HOLDER,
    "kb_typ": _NOT_FROM_HOLDER,
    "kb_format": _NOT_FROM_HOLDER,
    "cnf_missing": _NOT_FROM_HOLDER,
    "cnf_invalid": _NOT_FROM_HOLDER,
    "kb_nonce": (
        "Dit is niet gedeeld als antwoord op uw verzoek (andere code): het kan een kopie "
        "van een eerder gedeeld bewijs zijn.",
        "This was not shared in answer to your request (another code): it may be a copy of "
        "something shared before.",
    ),
    "kb_audience": (
        "Dit is gedeeld met een andere ontvanger dan u.",
        "This was shared with another recipient than you.",
    ),
    "kb_iat": (
        "De bevestiging van de houder is te oud of heeft een onmogelijke tijd; vraag de "
        "houder het opnieuw te delen.",
        "The holder's confirmation is too old or has an impossible time; ask the holder to "
        "share it again.",
    ),
    "kb_not_for_this_check": (
        "De houder heeft dit ooit zelf bevestigd, maar niet voor deze controle: het is een los "
        "bestand, dat iedereen kan doorsturen.",
        "The holder once confirmed this themselves, but not for this check: it is a loose "
        "file, which anyone can pass on.",
    ),
    "not_requested": (
        "Niet gevraagd: dit is een los bewijsstuk, zonder bevestiging door de houder.",
        "Not asked for: this is a loose credential, without the holder's confirmation.",
    ),
    "time_malformed": _SD_JWT_UNREADABLE,
    "issued_in_future": (
        "Het zou in de toekomst zijn uitgegeven; dat kan niet.",
        "It claims to be issued in the future, which cannot be.",
    ),
    "status_malformed": (
        "De verwijzing naar de intrekkingslijst is onleesbaar.",
        "The reference to the revocation list cannot be read.",
    ),
    "type_metadata_integrity": (
        "De beschrijving van dit soort bewijs is veranderd sinds het werd uitgegeven.",
        "The description of this type of credential has changed since it was issued.",
    ),
    "type_metadata_invalid": (
        "De beschrijving van dit soort bewijs is onleesbaar.",
        "The description of this type of credential cannot be read.",
    ),
    "type_metadata_unavailable": (
        "De beschrijving van dit soort bewijs kon nu niet worden opgehaald.",
        "The description of this type of credential could not be fetched now.",
    ),
    "type_metadata_not_checked": ("Niet gecontroleerd.", "Not checked."),
    "suspended": (
        "De uitgever heeft dit bewijs tijdelijk geschorst.",
        "The issuer has suspended this credential for now.",
    ),
    "status_index": (
        "De verwijzing naar de statuslijst van de uitgever klopt niet, dus niet is na te gaan of "
        "het is ingetrokken.",
        "The reference to the issuer's status list is wrong, so whether it was revoked cannot "
        "be checked.",
    ),
    "status_other": (
        "De uitgever heeft een status bij dit bewijs gezet die wij niet kennen; vraag de "
        "uitgever wat die betekent.",
        "The issuer has set a status on this credential that we do not know; ask the issuer "
        "what it means.",
    ),
    "format": (
        "Dit soort bewijs (SD-JWT VC) kan hier niet worden gecontroleerd.",
        "This kind of credential (SD-JWT VC) cannot be checked here.",
    ),
    "unknown_vct": (
        "Dit soort bewijs kennen wij niet, en de uitgever beschrijft het niet op een plek "
        "die wij kunnen lezen.",
        "We do not know this type of credential, and its issuer does not describe it where "
        "we can read it.",
    ),
}

_EXPLANATIONS: Mapping[str, tuple[str, str]] = {
    **_SD_JWT_EXPLANATIONS,
    "ok": ("In orde.", "All good."),
    # proof
    "invalid_signature": (
        "De digitale handtekening klopt niet: er is iets veranderd na het ondertekenen, of het "
        "is niet door deze uitgever ondertekend.",
        "The digital signature does not match: something was changed after signing, or it was "
        "not signed by this issuer.",
    ),
    "bad_signature": (
        "De digitale handtekening klopt niet: er is iets veranderd na het ondertekenen.",
        "The digital signature does not match: something was changed after signing.",
    ),
    "missing_proof": (
        "Er staat geen digitale handtekening op.",
        "It carries no digital signature.",
    ),
    "malformed_proof": ("De handtekening is onleesbaar.", "The signature cannot be read."),
    "malformed_proof_value": ("De handtekening is onleesbaar.", "The signature cannot be read."),
    "malformed": ("Dit is geen leesbaar bewijsstuk.", "This is not a readable credential."),
    "unsupported_cryptosuite": (
        "De handtekening gebruikt een methode die wij niet ondersteunen.",
        "The signature uses a method we do not support.",
    ),
    "unsupported_proof_type": (
        "De handtekening gebruikt een methode die wij niet ondersteunen.",
        "The signature uses a method we do not support.",
    ),
    "wrong_typ": (
        "Dit is geen bewijsstuk in het verwachte formaat.",
        "This is not a credential in the expected format.",
    ),
    "bad_kid": (
        "De handtekening zegt niet met welke sleutel zij is gezet.",
        "The signature does not say which key made it.",
    ),
    "unsupported_alg": (
        "De handtekening gebruikt een methode die wij niet ondersteunen.",
        "The signature uses a method we do not support.",
    ),
    "invalid_document": (
        "Het bewijsstuk bevat gegevens die niet bij de ondertekende inhoud horen.",
        "The credential contains data that is not part of what was signed.",
    ),
    "wrong_proof_purpose": (
        "De handtekening is niet bedoeld voor dit soort bewijs.",
        "The signature was not made for this purpose.",
    ),
    "proof_expired": ("De handtekening is verlopen.", "The signature has expired."),
    "context_mismatch": (
        "De handtekening hoort niet bij dit document.",
        "The signature does not belong to this document.",
    ),
    "unknown_key": (
        "De sleutel van de uitgever is niet gevonden, dus de handtekening kan niet worden "
        "gecontroleerd.",
        "The issuer's key was not found, so the signature cannot be checked.",
    ),
    "key_not_found": (
        "De sleutel van de uitgever is niet gevonden.",
        "The issuer's key was not found.",
    ),
    "envelope_context": (
        "Een ingepakt bewijs noemt de standaard niet waarin het is beschreven.",
        "An enveloped credential does not name the standard that defines it.",
    ),
    "claim_conflict": (
        "De gegevens in de handtekening spreken de inhoud van het bewijs tegen.",
        "The signed token's claims contradict what the credential says.",
    ),
    # issuer
    "issuer_mismatch": (
        "Het is ondertekend door een andere organisatie dan de genoemde uitgever.",
        "It was signed by another organisation than the issuer it names.",
    ),
    "issuer_unresolved": (
        "De identiteit van de uitgever kon niet worden opgezocht.",
        "The issuer's identity could not be looked up.",
    ),
    "proof_failed": (
        "Niet gecontroleerd, omdat de handtekening niet klopt.",
        "Not checked, because the signature does not match.",
    ),
    # trust
    "unknown_issuer": (
        "De handtekening is echt, maar deze uitgever staat niet op uw lijst van erkende scholen "
        "en leerbedrijven. Controleer wie dit heeft uitgegeven.",
        "The signature is genuine, but this issuer is not on your list of recognised schools "
        "and leerbedrijven. Check who issued it.",
    ),
    "not_authorised_for_type": (
        "Deze uitgever is erkend, maar mag dit soort bewijs niet uitgeven (bijvoorbeeld een "
        "leerbedrijf dat een diploma uitgeeft).",
        "This issuer is recognised, but may not issue this kind of credential (for example a "
        "leerbedrijf issuing a diploma).",
    ),
    "no_issuer": ("De uitgever is onbekend.", "The issuer is unknown."),
    # validity
    "expired": ("De geldigheid is verlopen.", "It has expired."),
    "not_yet_valid": ("Het is nog niet geldig.", "It is not valid yet."),
    "no_clock": ("Niet gecontroleerd.", "Not checked."),
    # status
    "revoked": (
        "De uitgever heeft dit bewijs ingetrokken. Het telt niet meer.",
        "The issuer has revoked this credential. It no longer counts.",
    ),
    "suspension": (
        "De uitgever heeft dit bewijs tijdelijk geschorst.",
        "The issuer has suspended this credential for now.",
    ),
    "status_message": (
        "De uitgever heeft een status bij dit bewijs gezet die wij niet kennen; vraag de "
        "uitgever wat die betekent.",
        "The issuer has set a status on this credential that we do not know; ask the issuer "
        "what it means.",
    ),
    "status_unavailable": (
        "Of het is ingetrokken, kon nu niet worden nagegaan (de uitgever was niet bereikbaar). "
        "Probeer het later opnieuw.",
        "Whether it was revoked could not be checked now (the issuer could not be reached). "
        "Try again later.",
    ),
    "status_not_checked": (
        "Of het is ingetrokken, is niet nagegaan.",
        "Whether it was revoked was not checked.",
    ),
    "status_list_untrusted": (
        "De intrekkingslijst is niet door de uitgever ondertekend; de status is onbekend.",
        "The revocation list is not signed by the issuer; the status is unknown.",
    ),
    "status_list_invalid": (
        "De intrekkingslijst is onleesbaar; de status is onbekend.",
        "The revocation list cannot be read; the status is unknown.",
    ),
    "unsupported_status": (
        "De status wordt op een manier bijgehouden die wij niet kennen.",
        "The status is kept in a way we do not know.",
    ),
    "malformed_status_entry": (
        "De statusverwijzing in dit bewijs klopt niet; het voldoet niet aan de standaard.",
        "The status entry in this credential is malformed; it does not follow the standard.",
    ),
    "no_status": (
        "De uitgever houdt voor dit bewijs geen intrekkingen bij.",
        "The issuer keeps no revocation status for this credential.",
    ),
    # schema
    "schema_mismatch": (
        "De inhoud past niet bij het formaat dat de uitgever opgeeft.",
        "The content does not match the format the issuer names.",
    ),
    "unknown_schema": (
        "Het formaat van de inhoud is ons onbekend.",
        "The content's format is unknown to us.",
    ),
    "unsupported_schema": (
        "Het formaat van de inhoud is ons onbekend.",
        "The content's format is unknown to us.",
    ),
    "no_schema": ("Geen formaat opgegeven.", "No format given."),
    "schema_not_checked": ("Niet gecontroleerd.", "Not checked."),
    # format
    "malformed_credential": (
        "Het bewijsstuk is niet volgens de standaard opgebouwd.",
        "The credential is not built according to the standard.",
    ),
    "malformed_presentation": (
        "Het gedeelde pakket is niet volgens de standaard opgebouwd.",
        "The shared package is not built according to the standard.",
    ),
    "malformed_envelope": ("Het bewijsstuk is onleesbaar.", "The credential cannot be read."),
    # format: the VC Data Model rules (credentials/data_model.py), one check per broken rule
    "context_missing": _NOT_STANDARD,
    "context_not_ordered_set": _NOT_STANDARD,
    "context_first": (
        "Het bewijsstuk volgt niet de standaard voor digitale bewijsstukken (verkeerde "
        "versie of opbouw).",
        "The credential does not follow the standard for digital credentials (wrong version "
        "or structure).",
    ),
    "context_item": _NOT_STANDARD,
    "id_not_url": (
        "Een kenmerk (id) in het bewijsstuk is geen geldig webadres of identificatie.",
        "An identifier (id) in the credential is not a valid URL.",
    ),
    "id_missing": (
        "Een onderdeel van het bewijsstuk mist zijn verplichte kenmerk (id).",
        "Part of the credential lacks its required identifier (id).",
    ),
    "type_missing": (
        "Een onderdeel van het bewijsstuk zegt niet wat voor soort het is (type ontbreekt).",
        "Part of the credential does not say what kind it is (type is missing).",
    ),
    "type_invalid": _NOT_STANDARD,
    "type_required_missing": (
        "Het is niet als digitaal bewijsstuk gemarkeerd.",
        "It is not marked as a verifiable credential.",
    ),
    "entry_not_object": _NOT_STANDARD,
    "name_invalid": (
        "De naam of omschrijving is niet volgens de standaard opgeschreven.",
        "The name or description is not written according to the standard.",
    ),
    "issuer_missing": ("Er staat geen uitgever op.", "No issuer is named."),
    "issuer_invalid": (
        "De uitgever is niet volgens de standaard aangeduid.",
        "The issuer is not identified according to the standard.",
    ),
    "holder_invalid": (
        "De houder is niet volgens de standaard aangeduid.",
        "The holder is not identified according to the standard.",
    ),
    "subject_missing": (
        "Er staat niet op over wie het gaat.",
        "It does not say whom it is about.",
    ),
    "subject_not_object": _NOT_STANDARD,
    "subject_empty": (
        "Het bevat een lege vermelding over wie het gaat.",
        "It contains an empty statement about whom it is about.",
    ),
    "issuance_date_missing": (
        "Er staat niet op wanneer het is uitgegeven.",
        "It does not say when it was issued.",
    ),
    "date_invalid": (
        "Een datum is niet volgens de standaard geschreven (met tijdzone).",
        "A date is not written according to the standard (with a time zone).",
    ),
    "validity_order": (
        "Het zou eerder verlopen dan dat het geldig wordt.",
        "It would expire before it becomes valid.",
    ),
    "related_resource_not_object": _NOT_STANDARD,
    "related_resource_id_missing": _RELATED_MALFORMED,
    "related_resource_id_repeated": _RELATED_MALFORMED,
    "related_resource_digest_missing": _RELATED_MALFORMED,
    "related_resource_digest_invalid": _RELATED_MALFORMED,
    "related_resource_media_type": _RELATED_MALFORMED,
    "related_resource_mismatch": (
        "Een document waarnaar het bewijsstuk verwijst is veranderd.",
        "A document the credential refers to has changed.",
    ),
    "related_resource_not_checked": (
        "Niet gecontroleerd of de documenten waarnaar het verwijst ongewijzigd zijn.",
        "Not checked whether the documents it refers to are unchanged.",
    ),
    "credential_not_object": (
        "Het pakket bevat iets dat geen bewijsstuk is.",
        "The package contains something that is not a credential.",
    ),
    "envelope_id_not_data_url": ("Het bewijsstuk is onleesbaar.", "The credential cannot be read."),
    "not_an_object": ("Dit is geen bewijsstuk.", "This is not a credential."),
    "not_json": ("Dit is geen bewijsstuk.", "This is not a credential."),
    "too_deep": ("Dit bestand is te ingewikkeld opgebouwd.", "This file is nested too deeply."),
    "too_large": ("Dit bestand is te groot.", "This file is too large."),
    "not_a_presentation": ("Dit is geen gedeeld pakket.", "This is not a shared package."),
    # holder binding
    "challenge_mismatch": (
        "Dit pakket is niet voor uw verzoek gemaakt; het kan een kopie van een eerder verzoek "
        "zijn.",
        "This package was not made for your request; it may be a copy of an earlier one.",
    ),
    "nonce_mismatch": (
        "Dit pakket is niet voor uw verzoek gemaakt.",
        "This package was not made for your request.",
    ),
    "domain_mismatch": (
        "Dit pakket is voor een andere plek gemaakt dan waar u het vandaan heeft.",
        "This package was made for another place than where you got it.",
    ),
    "audience_mismatch": (
        "Dit pakket is voor iemand anders bedoeld.",
        "This package is meant for someone else.",
    ),
    "holder_mismatch": (
        "Het pakket is ondertekend door iemand anders dan de genoemde houder.",
        "The package is signed by someone other than the holder it names.",
    ),
    "unbound": (
        "Niet te zien of de houder dit zelf met u deelt.",
        "It cannot be seen whether the holder shares this with you in person.",
    ),
    "not_subject": (
        "Gedeeld door iemand anders dan aan wie het is uitgereikt.",
        "Shared by someone other than the person it was issued to.",
    ),
    "no_holder": ("Niet gecontroleerd.", "Not checked."),
    "holder_key_separate": (
        "Het bewijs hoort bij een eigen sleutel van de houder; die is gecontroleerd bij het delen.",
        "The credential belongs to a key of its own of the holder; that was checked when it "
        "was shared.",
    ),
    "type_metadata_vct_mismatch": (
        "De beschrijving hoort bij een andere soort bewijs.",
        "The description belongs to another credential type.",
    ),
    "status_unchecked": ("De status is niet nagevraagd.", "The status was not checked."),
    "sd_jwt_unsupported": (
        "Dit soort bewijs (SD-JWT VC) kan hier niet worden gecontroleerd.",
        "This kind of credential (SD-JWT VC) cannot be checked here.",
    ),
}

_GENERIC_FAILED_HEADLINE = ("Niet geldig: stop", "Not valid: stop")
_GENERIC_FAILED_SENTENCE = (
    "Vertrouw dit niet. Minstens één controle is mislukt (zie de rode punten).",
    "Do not rely on this. At least one check failed (see the red points).",
)

_VERDICTS: Mapping[Verdict, tuple[tuple[str, str], tuple[str, str]]] = {
    Verdict.VALID: (
        ("Echt en geldig", "Genuine and valid"),
        (
            "Alle controles zijn in orde: de bewijzen zijn echt, niet ingetrokken en van een "
            "erkende uitgever.",
            "Every check passed: the credentials are genuine, not revoked and from a "
            "recognised issuer.",
        ),
    ),
    Verdict.WARNING: (
        ("Echt, maar let op", "Genuine, but check this"),
        (
            "De handtekeningen zijn echt, maar er is iets om na te gaan (zie de oranje punten).",
            "The signatures are genuine, but something needs checking (see the orange points).",
        ),
    ),
    Verdict.INVALID: (
        _GENERIC_FAILED_HEADLINE,
        _GENERIC_FAILED_SENTENCE,
    ),
}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang == "en" else pair[0]


def explain(check: CheckResult, lang: Lang = "nl") -> tuple[str, str]:
    """(name of the check, what it means) for a person."""
    name = _pick(CHECK_NAMES[check.name], lang)
    if check.outcome is Outcome.PASSED and (check.code == "ok" or check.name in _PASSED):
        # a passed check means the same whatever code says how (e.g. dc+sd-jwt, kb_jwt)
        return name, _pick(_PASSED.get(check.name, _EXPLANATIONS["ok"]), lang)
    text = _EXPLANATIONS.get(check.code)
    if text is None:
        text = next((t for prefix, t in _PREFIXES if check.code.startswith(prefix)), None)
    return name, _pick(text, lang) if text else check.detail


# SD-JWT VC codes of a family (``disclosure_…``, ``x509_…``) not named one by one above.
_PREFIXES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("disclosure_", _CHANGED),
    ("digest_", _CHANGED),
    ("claim_", _CHANGED),
    ("sd_", _CHANGED),
    ("x509_", _CHAIN_UNTRUSTED),
    ("type_metadata_", _EXPLANATIONS["type_metadata_integrity"]),
)


def verdict_text(verdict: Verdict, lang: Lang = "nl") -> tuple[str, str]:
    """(headline, one sentence) for the summary at the top of the page."""
    headline, sentence = _VERDICTS[verdict]
    return _pick(headline, lang), _pick(sentence, lang)


# What each kind of finding (credentials.results.judge) says at the top of the page; a
# kind not named here gets the verdict's generic headline.
_HEADLINES: Mapping[FindingKind, tuple[tuple[str, str], tuple[str, str]]] = {
    FindingKind.CHANGED: (
        ("Gewijzigd na het uitgeven: stop", "Changed after it was issued: stop"),
        (
            "De digitale handtekening klopt niet: er is iets veranderd na het uitgeven, of het "
            "komt niet van deze uitgever. Vertrouw dit niet.",
            "The digital signature does not match: something was changed after it was issued, "
            "or it does not come from this issuer. Do not rely on this.",
        ),
    ),
    FindingKind.NOT_GENUINE: (
        ("Niet echt: stop", "Not genuine: stop"),
        (
            "Het is niet ondertekend door wie erop staat. Vertrouw dit niet.",
            "It was not signed by whom it names. Do not rely on this.",
        ),
    ),
    FindingKind.NOT_FROM_HOLDER: (
        ("Niet door de houder zelf gedeeld", "Not shared by its holder"),
        (
            "De bewijzen kunnen echt zijn, maar dit pakket is niet door de houder voor u "
            "gemaakt. Vraag de houder om een nieuwe link.",
            "The credentials may be genuine, but this package was not made for you by their "
            "holder. Ask the holder for a new link.",
        ),
    ),
    FindingKind.UNTRUSTED_CHAIN: (
        ("Uitgever niet vast te stellen: stop", "Issuer cannot be established: stop"),
        (
            "Het is ondertekend met een certificaat dat niet terug te voeren is op een "
            "certificaatautoriteit die u vertrouwt. Vertrouw dit niet zonder na te gaan wie "
            "het uitgaf.",
            "It was signed with a certificate that does not lead to a certificate authority "
            "you trust. Do not rely on it without finding out who issued it.",
        ),
    ),
    FindingKind.REVOKED: (
        ("Ingetrokken door de uitgever", "Revoked by the issuer"),
        (
            "Het bewijs is echt, maar de uitgever heeft het ingetrokken: het telt niet meer.",
            "The credential is genuine, but its issuer has revoked it: it no longer counts.",
        ),
    ),
    FindingKind.SUSPENDED: (
        ("Geschorst door de uitgever", "Suspended by the issuer"),
        (
            "Het bewijs is echt, maar de uitgever heeft het tijdelijk geschorst: het telt nu "
            "niet. Vraag de uitgever waarom.",
            "The credential is genuine, but its issuer has suspended it for now: it does not "
            "count at the moment. Ask the issuer why.",
        ),
    ),
    FindingKind.EXPIRED: (
        ("Verlopen", "Expired"),
        (
            "Het bewijs is echt, maar de geldigheid is verlopen.",
            "The credential is genuine, but it has expired.",
        ),
    ),
    FindingKind.NOT_YET_VALID: (
        ("Nog niet geldig", "Not valid yet"),
        (
            "Het bewijs is echt, maar het gaat pas later in.",
            "The credential is genuine, but it only takes effect later.",
        ),
    ),
    FindingKind.NOT_RECOGNISED: (
        ("Uitgever niet erkend", "Issuer not recognised"),
        (
            "De handtekening is echt, maar de uitgever staat niet op uw lijst van erkende "
            "scholen en leerbedrijven (of mag dit soort bewijs niet uitgeven). Ga na wie dit "
            "heeft uitgegeven.",
            "The signature is genuine, but the issuer is not on your list of recognised schools "
            "and training companies (or may not issue this kind of credential). Check who "
            "issued it.",
        ),
    ),
    FindingKind.UNREACHABLE: (
        ("Nu niet te controleren", "Cannot be checked right now"),
        (
            "De server van de uitgever was niet bereikbaar, dus we konden niet nagaan of het "
            "echt is of is ingetrokken. Dat zegt niet dat het nep is: probeer het later opnieuw.",
            "The issuer's server could not be reached, so we could not check whether it is "
            "genuine or was revoked. That does not mean it is fake: try again later.",
        ),
    ),
}


def headline(judgement: Judgement, lang: Lang = "nl") -> tuple[str, str]:
    """(headline, one sentence) saying what happened, from the most telling finding of the
    judgement: a genuine but revoked credential is "ingetrokken", an unreachable school
    server "nu niet te controleren"; a finding without a headline of its own gets the
    verdict's generic one."""
    finding = judgement.finding
    if judgement.verdict is not Verdict.VALID and finding is not None:
        text = _HEADLINES.get(finding.kind)
        if text is not None:
            return _pick(text[0], lang), _pick(text[1], lang)
    return verdict_text(judgement.verdict, lang)

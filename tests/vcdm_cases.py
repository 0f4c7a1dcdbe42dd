"""VC Data Model 2.0 MUSTs (§4-§5) as test cases, written from the specification's text.

Each case changes a conforming credential so that exactly one rule is broken, and names the
finding code and JSON pointer a conforming processor must report. The issuer tests expect a
4xx naming the rule, the verifier tests a failed check.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JsonObject = dict[str, Any]

RESOURCE_URL = "https://school.example/regulations.pdf"  # served by test issuer sites
RESOURCE_BYTES = b"%PDF-1.7 examenreglement 2026"
RESOURCE_SRI = "sha384-" + base64.b64encode(hashlib.sha384(RESOURCE_BYTES).digest()).decode()


@dataclass(frozen=True)
class Case:
    id: str
    change: Callable[[JsonObject], None]
    code: str
    pointer: str
    issuer_side: bool = True  # False where the issuer fills the field in itself
    json_ld: bool = True  # False where the document cannot even be expanded as JSON-LD


def _set(**values: Any) -> Callable[[JsonObject], None]:
    def change(credential: JsonObject) -> None:
        credential.update(values)

    return change


def _drop(name: str) -> Callable[[JsonObject], None]:
    def change(credential: JsonObject) -> None:
        credential.pop(name, None)

    return change


def _subject_list_with_empty(credential: JsonObject) -> None:
    credential["credentialSubject"] = [credential["credentialSubject"], {}]


def _subject_id(credential: JsonObject) -> None:
    credential["credentialSubject"]["id"] = "student 42"


def _related(*entries: Any) -> Callable[[JsonObject], None]:
    return _set(relatedResource=list(entries))


_GOOD_RESOURCE = {"id": RESOURCE_URL, "digestSRI": RESOURCE_SRI}

CASES = [
    # §4.3 contexts
    Case("context-missing", _drop("@context"), "context_missing", "/@context", json_ld=False),
    Case("context-not-a-list", _set(**{"@context": "https://www.w3.org/ns/credentials/v2"}),
         "context_not_ordered_set", "/@context", json_ld=False),
    Case("context-first-not-v2",
         _set(**{"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                              "https://www.w3.org/ns/credentials/v2"]}),
         "context_first", "/@context", json_ld=False),
    Case("context-item-number", _set(**{"@context": ["https://www.w3.org/ns/credentials/v2", 7]}),
         "context_item", "/@context/1", json_ld=False),
    # §4.4 identifiers
    Case("id-not-url", _set(id="credential 1"), "id_not_url", "/id", json_ld=False),
    Case("id-two-values", _set(id=["urn:uuid:1", "urn:uuid:2"]), "id_not_url", "/id",
         json_ld=False),
    Case("subject-id-not-url", _subject_id, "id_not_url", "/credentialSubject/id",
         json_ld=False),
    # §4.5 types
    Case("type-missing", _drop("type"), "type_missing", "/type", json_ld=False),
    Case("type-not-strings", _set(type=["VerifiableCredential", 3]), "type_invalid", "/type",
         json_ld=False),
    Case("type-without-vc", _set(type=["OpenBadgeCredential"]), "type_required_missing",
         "/type", json_ld=False),  # the subject's terms are scoped to VerifiableCredential
    Case("terms-of-use-without-type", _set(termsOfUse={"id": "https://school.example/tou"}),
         "type_missing", "/termsOfUse"),
    Case("evidence-without-type", _set(evidence=[{"id": "https://school.example/evidence/1"}]),
         "type_missing", "/evidence/0"),
    Case("refresh-service-without-type",
         _set(refreshService={"id": "https://school.example/refresh"}),
         "type_missing", "/refreshService"),
    Case("schema-without-type",
         _set(credentialSchema={"id": "https://school.example/schema.json"}),
         "type_missing", "/credentialSchema"),
    Case("status-without-type", _set(credentialStatus={"id": "https://school.example/s#1"}),
         "type_missing", "/credentialStatus", issuer_side=False),
    # §4.6 names and descriptions
    Case("name-number", _set(name=7), "name_invalid", "/name", json_ld=False),
    Case("description-bad-language-value", _set(description={"@language": "nl"}),
         "name_invalid", "/description", json_ld=False),
    # §4.7 issuer
    Case("issuer-missing", _drop("issuer"), "issuer_missing", "/issuer", issuer_side=False),
    Case("issuer-object-without-id", _set(issuer={"name": "ROC"}), "issuer_invalid",
         "/issuer/id", json_ld=False),
    # §4.8 credential subject
    Case("subject-missing", _drop("credentialSubject"), "subject_missing", "/credentialSubject"),
    Case("subject-list-with-empty-object", _subject_list_with_empty, "subject_empty",
         "/credentialSubject/1"),
    Case("subject-empty-list", _set(credentialSubject=[]), "subject_empty",
         "/credentialSubject"),
    Case("subject-a-string", _set(credentialSubject="did:example:student"),
         "subject_not_object", "/credentialSubject", json_ld=False),
    # §4.9 validity period
    Case("valid-from-no-time-zone", _set(validFrom="2026-07-01T00:00:00"), "date_invalid",
         "/validFrom", json_ld=False),
    Case("valid-until-a-date", _set(validUntil="2027-07-01"), "date_invalid", "/validUntil",
         json_ld=False),
    Case("valid-from-after-valid-until",
         _set(validFrom="2027-07-01T00:00:00Z", validUntil="2026-07-01T00:00:00Z"),
         "validity_order", "/validFrom"),
    # §4.10, §4.11
    Case("status-a-string", _set(credentialStatus="https://school.example/s#1"),
         "entry_not_object", "/credentialStatus", issuer_side=False, json_ld=False),
    Case("schema-without-id", _set(credentialSchema={"type": "JsonSchema"}), "id_missing",
         "/credentialSchema"),
    Case("evidence-a-string", _set(evidence=["https://school.example/evidence/1"]),
         "entry_not_object", "/evidence/0", json_ld=False),
    # §5.3 integrity of related resources
    Case("related-resource-strings", _related(RESOURCE_URL), "related_resource_not_object",
         "/relatedResource/0", json_ld=False),
    Case("related-resource-without-id", _related({"digestSRI": RESOURCE_SRI}),
         "related_resource_id_missing", "/relatedResource/0"),
    Case("related-resource-repeated-id", _related(_GOOD_RESOURCE, dict(_GOOD_RESOURCE)),
         "related_resource_id_repeated", "/relatedResource/1/id"),
    Case("related-resource-without-digest", _related({"id": RESOURCE_URL}),
         "related_resource_digest_missing", "/relatedResource/0"),
    Case("related-resource-md5", _related({"id": RESOURCE_URL, "digestSRI": "md5-AAAA"}),
         "related_resource_digest_invalid", "/relatedResource/0/digestSRI"),
    Case("related-resource-short-sha256",
         _related({"id": RESOURCE_URL, "digestSRI": "sha256-AAAA"}),
         "related_resource_digest_invalid", "/relatedResource/0/digestSRI"),
    Case("related-resource-bad-multibase",
         _related({"id": RESOURCE_URL, "digestMultibase": "xNOTMULTIBASE"}),
         "related_resource_digest_invalid", "/relatedResource/0/digestMultibase"),
]  # fmt: skip

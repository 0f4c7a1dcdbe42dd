"""SD-JWT VCs as our issuer makes them (flat claims per kind, ``x5c`` under a dev CA,
``vct#integrity``, Token Status List), for the verifier's tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credentials.jwk import P256KeyPair
from credentials.sd_jwt_holder import KeyBindingRequest, present
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import issue_sd_jwt_vc
from credentials.token_status_list import (
    INVALID,
    StatusReference,
    TokenStatusList,
    sign_status_list_token,
)
from credentials.type_metadata import integrity_of
from credentials.x509_dev_ca import DevCertificate, create_leaf, create_root_ca
from issuer.db.tables import Organisation
from issuer.services.templates import build_unsigned_credential
from qualifications import load_catalog
from qualifications.achievements import AchievementRequest, CredentialKind, build_achievement
from qualifications.sd_jwt_vc_claims import sd_jwt_vc_claims, type_metadata_bytes

CATALOG = load_catalog(Path(__file__).resolve().parents[3] / "schemas/catalog/sample.json")
ISSUER_ID = "https://issuer.example/roc"
STATUS_URI = "https://issuer.example/roc/token-status/1"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ORG = Organisation(slug="roc", name="ROC Midden Nederland", kind="school", identifier="25PZ",
                   did="did:web:issuer.example:roc")  # fmt: skip


@dataclass
class DevIssuer:
    """A dev CA with a credential signer and a status-list signer, and one status list."""

    root: DevCertificate = field(default_factory=lambda: create_root_ca("test root", now=NOW))
    statuses: TokenStatusList = field(default_factory=lambda: TokenStatusList.new(64))
    issuer_id: str = ISSUER_ID
    organization: str = "ROC Midden Nederland"
    status_uri: str = STATUS_URI

    def __post_init__(self) -> None:
        self.leaf = create_leaf(self.root, self.organization, organization=self.organization,
                                san_uris=[self.issuer_id], now=NOW)  # fmt: skip
        self.status_leaf = create_leaf(self.root, "status lists", organization=self.organization,
                                       san_uris=[self.issuer_id], now=NOW)  # fmt: skip
        self.holder = P256KeyPair.generate()
        self.next_index = 0

    def status_token(self) -> str:
        return sign_status_list_token(
            self.statuses, self.status_leaf.key, uri=self.status_uri, iat=int(NOW.timestamp()),
            ttl=60, header={"x5c": self.status_leaf.x5c([])},
        )  # fmt: skip

    def revoke(self, index: int) -> None:
        self.statuses[index] = INVALID

    def issue(
        self,
        request: AchievementRequest,
        *,
        integrity: str | None = None,
        vct: str | None = None,
        status: bool = True,
    ) -> tuple[str, int]:
        """(the SD-JWT VC with every Disclosure, its status index)."""
        result = build_achievement(CATALOG, request)
        assert result.achievement is not None, result.problems
        document = build_unsigned_credential(
            request.kind, result.achievement, org=ORG,
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{self.next_index:012d}",
            subject_name="Sanne de Vries", student_number="123456",
            valid_from=datetime(2026, 7, 1, tzinfo=UTC),
            valid_until=datetime(2036, 7, 1, tzinfo=UTC),
        )  # fmt: skip
        mapped = sd_jwt_vc_claims(document, CATALOG)
        claims: dict[str, Any] = {k: v if k == "kind" else Sd(v) for k, v in mapped.claims.items()}
        index = self.next_index
        self.next_index += 1
        issued = issue_sd_jwt_vc(
            vct=vct or mapped.vct, iss=self.issuer_id, claims=claims, signer=self.leaf.key,
            iat=int(NOW.timestamp()) - 3600, nbf=mapped.nbf, exp=mapped.exp,
            holder_jwk=self.holder.public_jwk,
            status=StatusReference(index, self.status_uri) if status else None,
            vct_integrity=integrity if integrity is not None else integrity_of(
                type_metadata_bytes(mapped.kind)),
            x5c=self.leaf.x5c([]),
        )  # fmt: skip
        return issued.compact, index

    def present(
        self,
        sd_jwt: str,
        *,
        select: Iterable[str] | None = None,
        nonce: str = "n-123",
        audience: str = "https://verifier.example",
        iat: datetime = NOW,
    ) -> str:
        paths = None if select is None else [(name,) for name in select]
        return present(sd_jwt, select=paths, key_binding=KeyBindingRequest(
            self.holder, audience, nonce, int(iat.timestamp())))  # fmt: skip


KERNTAAK_EXAM = AchievementRequest(
    CredentialKind.EXAMENRESULTAAT, qualification="25498", codes=("B1-K1",)
)
DIPLOMA = AchievementRequest(CredentialKind.DIPLOMA, qualification="25498")

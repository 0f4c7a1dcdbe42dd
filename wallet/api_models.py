"""Request and response bodies of the JSON API (separate in and out models: a password or
key never leaves through a response)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

__all__ = [
    "AccountCreate",
    "AccountDelete",
    "AccountPublic",
    "AnswerRequest",
    "CredentialPublic",
    "CredentialUpload",
    "ExportRequest",
    "GoalUpdate",
    "Login",
    "OfferAccept",
    "OfferText",
    "RequestText",
    "SelfDeclaredCreate",
    "ShareCreate",
]


class AccountCreate(BaseModel):
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class Login(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class AccountPublic(BaseModel):
    email: str
    name: str
    holder_did: str
    goal_qualification: str | None
    csrf_token: str


class AccountDelete(BaseModel):
    password: str = Field(max_length=1024)


class GoalUpdate(BaseModel):
    qualification: str | None = Field(default=None, max_length=100)


class CredentialUpload(BaseModel):
    credential: dict[str, Any] | str


class OfferText(BaseModel):
    offer: str = Field(max_length=16 * 1024)


class OfferAccept(OfferText):
    tx_code: str | None = Field(default=None, max_length=64)


class CredentialPublic(BaseModel):
    id: str
    title: str
    kind: str | None
    types: list[str]
    issuer: str
    issuer_name: str | None
    format: str
    source: str
    received_at: datetime
    valid_from: datetime | None
    valid_until: datetime | None
    state: str
    verdict: str
    checked_at: datetime
    bound_to_holder: bool
    date_achieved: date | None = None
    """The day the result was achieved (the credential's ``awardedDate``)."""


class FormatNotReceived(BaseModel):
    """An offered format the wallet asked for and did not get; the reason in Dutch."""

    format: str
    reason: str


class OfferAccepted(BaseModel):
    credentials: list[CredentialPublic]
    not_received: list[FormatNotReceived] = Field(default_factory=list)


class SelfDeclaredCreate(BaseModel):
    category: str = Field(max_length=16)
    title: str = Field(max_length=300)
    organisation: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    started_on: date | None = None
    ended_on: date | None = None
    dossier_crebo: str | None = Field(default=None, max_length=20)
    dossier_version: str | None = Field(default=None, max_length=20)
    werkprocessen: list[str] = Field(default_factory=list, max_length=200)


class ShareCreate(BaseModel):
    credentials: list[str] = Field(max_length=50)
    label: str = Field(default="", max_length=200)
    valid_days: int = 30
    disclose: (
        dict[str, Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=200)]]
        | None
    ) = Field(default=None, max_length=50)
    """Per SD-JWT VC (its id): the claims to reveal; the others are withheld. An SD-JWT VC
    not named here is shared whole."""


class RequestText(BaseModel):
    request: str = Field(max_length=64 * 1024)


ClaimsPath = Annotated[
    list[Annotated[str, Field(max_length=200)] | Annotated[int, Field(ge=0)] | None],
    Field(min_length=1, max_length=16),
]
"""A DCQL claims path pointer (OpenID4VP 1.0 §7): member names, array indexes, null."""


class AnswerRequest(RequestText):
    credentials: list[Annotated[str, Field(max_length=100)]] = Field(
        max_length=50,
        description="Ids of the stored credentials to send; each answers the first "
        "Credential Query it fits (and, for an SD-JWT VC, the optional queries asking more "
        "of the same credential).",
    )
    claims: dict[str, Annotated[list[ClaimsPath], Field(max_length=100)]] | None = Field(
        default=None,
        max_length=50,
        description="Per SD-JWT VC (its id): the claims paths to disclose, each one the "
        "verifier asked for (across the queries the credential answers). Without an entry "
        "the wallet discloses exactly the first claim set of each query the credential "
        "meets (§6.4.1), never more. A choice that holds none of a query's claim_sets, or "
        "a path not asked for, is refused with 400 problem+json (`code` `claims_needed` "
        "with `needed`: per query and credential the paths to add; or `claim_not_asked`).",
        examples=[{"c-1a2b": [["achievement_name"], ["kerntaak_1_code"]]}],
    )


class ExportRequest(BaseModel):
    passphrase: str = Field(max_length=1024)

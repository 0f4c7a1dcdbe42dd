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


class AnswerRequest(RequestText):
    credentials: list[str] = Field(max_length=50)


class ExportRequest(BaseModel):
    passphrase: str = Field(max_length=1024)

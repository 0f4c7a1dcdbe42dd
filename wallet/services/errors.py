"""Errors of the wallet's use cases. Routes translate them (problem+json or a page).

    WalletError
    ├── NotFoundError     no such thing in this account (also for another account's ids)
    ├── InputError        the person's input is refused; ``code`` is stable, ``detail`` Dutch
    │   ├── ReceiveError  a credential could not be received (offer, issuer, verification)
    │   └── SelectionError  the claims chosen for a verifier answer none of its claim sets
    ├── LoginError        wrong e-mail address or password
    └── ConflictError     the request conflicts with what exists (e-mail address taken, …)

Messages are plain Dutch source strings; the pages translate them with the English catalog.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConflictError",
    "InputError",
    "LoginError",
    "NotFoundError",
    "ReceiveError",
    "SelectionError",
    "WalletError",
]


class WalletError(Exception):
    """Base of the wallet's errors."""


class NotFoundError(WalletError):
    def __init__(self, what: str = "Niet gevonden.") -> None:
        super().__init__(what)


class InputError(WalletError):
    """``code`` names the problem for programs; ``detail`` explains it to a person;
    ``extra`` carries what a form needs to ask again (such as a transaction code's length);
    ``status`` is the HTTP status the JSON API answers with."""

    status = 422

    def __init__(self, code: str, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field
        self.extra = extra


class ReceiveError(InputError):
    """A credential could not be received; nothing was stored."""


class SelectionError(InputError):
    """The claims chosen to reveal (or asked for through the API) do not answer the
    verifier's request: a claim it did not ask for, or a choice that holds none of a
    query's ``claim_sets``. ``needed`` lists, per credential and query, the claims paths
    that would complete one."""

    status = 400

    def __init__(
        self, code: str, detail: str, *, needed: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(code, detail, needed=needed)
        self.needed = needed or []


class LoginError(WalletError):
    """Wrong e-mail address or password (which of the two is not said)."""

    def __init__(self) -> None:
        super().__init__("login refused")


class ConflictError(WalletError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

"""Exceptions of the credential engine.

The engine raises only for misuse (a bad argument, a key of the wrong length, an unknown
context when signing). Verification outcomes are data (see ``verification``), never raised.

    CredentialsError
    ├── MultibaseError          malformed multibase / multicodec value
    ├── KeyFormatError          key material of the wrong type or length
    ├── DocumentLoaderError     a URL outside the bundled contexts was asked for
    ├── CanonicalizationError   JSON-LD could not be expanded or canonicalised
    │   ├── SafeModeError       a term or IRI would be silently dropped (undefined term)
    │   └── BudgetExceededError the document would cost more work than its budget allows
    ├── SigningError            a credential cannot be signed as given
    ├── DidResolutionError      a DID could not be resolved
    ├── DidDocumentError        a DID or DID document cannot be built from the given values
    ├── FetchError              a remote JSON document could not be fetched safely
    ├── JwtFormatError          a compact JWS / JWT is malformed
    └── StatusListError         a status list is malformed or an index is out of range
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BudgetExceededError",
    "CanonicalizationError",
    "CredentialsError",
    "DidDocumentError",
    "DidResolutionError",
    "DocumentLoaderError",
    "FetchError",
    "FetchProblem",
    "JwtFormatError",
    "KeyFormatError",
    "MultibaseError",
    "SafeModeError",
    "SigningError",
    "StatusListError",
]


class CredentialsError(Exception):
    """Base of every error the credential engine raises."""


class MultibaseError(CredentialsError, ValueError):
    """A multibase or multicodec value is malformed."""


class KeyFormatError(CredentialsError, ValueError):
    """Key material has the wrong type, prefix or length."""


class DocumentLoaderError(CredentialsError):
    """A JSON-LD document was requested that is not bundled; nothing is fetched."""


class CanonicalizationError(CredentialsError):
    """A document could not be expanded or canonicalised as JSON-LD."""


class SafeModeError(CanonicalizationError):
    """A term or relative IRI would be dropped from the signed data (JSON-LD safe mode)."""


class BudgetExceededError(CanonicalizationError):
    """A document would cost more JSON-LD or canonicalisation work than its budget allows.

    ``limit`` names the :class:`~credentials.budget.Budget` field that was crossed
    (``max_blank_nodes``, ``max_permutations``, ``max_cpu_seconds``, …), ``value`` its value.
    """

    def __init__(self, limit: str, value: int | float, message: str) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value


class SigningError(CredentialsError):
    """A credential or presentation cannot be signed as given."""


class DidResolutionError(CredentialsError):
    """A DID could not be resolved to a DID document."""


class StatusListError(CredentialsError, ValueError):
    """A Bitstring Status List is malformed, or an index lies outside it."""


class DidDocumentError(CredentialsError, ValueError):
    """A DID or DID document cannot be built from the given values (misuse)."""


class FetchProblem(StrEnum):
    """Why a fetch failed: the stable code callers branch on and pages translate by."""

    URL_REFUSED = "url_refused"
    """Not an https URL of a public host (scheme, user information, shape, plain http)."""
    NON_PUBLIC_ADDRESS = "non_public_address"
    """The host is, or resolves to, a loopback, private or otherwise non-global address."""
    HOST_UNRESOLVED = "host_unresolved"
    REDIRECT = "redirect"
    """The server answered with a redirect; redirects are not followed."""
    HTTP_STATUS = "http_status"
    """The server answered another status than expected (``FetchError.status``)."""
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    """The connection failed (refused, reset, TLS)."""
    NOT_JSON = "not_json"
    """The body is not JSON, or not a JSON object."""
    WRONG_CONTENT = "wrong_content"
    """The body is not what was asked for (media type, format, a type not of ours)."""
    NOT_FETCHED = "not_fetched"
    """Fetching is switched off here (no outbound HTTP for this kind of document)."""


class FetchError(CredentialsError):
    """A remote JSON document could not be fetched safely.

    Raised for a refused URL (scheme, host, non-global address), a redirect, a non-200
    status, a body over the size limit, a timeout or a body that is not a JSON object.
    ``code`` says which (a :class:`FetchProblem`), ``status`` the HTTP status for
    :attr:`FetchProblem.HTTP_STATUS`; the message is English for logs, never parsed.

        >>> FetchError(FetchProblem.HTTP_STATUS, "x answered HTTP 404", status=404).status
        404
    """

    def __init__(self, code: FetchProblem, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class JwtFormatError(CredentialsError, ValueError):
    """A compact JWS / JWT is malformed (parts, base64url, JSON, size)."""

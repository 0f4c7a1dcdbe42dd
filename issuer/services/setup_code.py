"""The one-time code that opens first-run setup (``/setup``).

Until the first organisation exists, whoever reaches ``/setup`` could claim the issuer. The
page therefore asks for a setup code that only the operator can know: ``ISSUER_SETUP_CODE``
when set, otherwise a code derived from the service's secret key (HMAC-SHA-256), shown by
``python -m issuer setup-code``. It is never logged and never stored; once setup is done the
page is closed and the code opens nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["normalise_setup_code", "setup_code", "setup_code_matches"]

_LABEL = b"mbo-wallet issuer first-run setup"


def setup_code(secret_key: str, configured: str | None = None) -> str:
    """The code the setup page asks for: ``configured`` if given, else 16 base32 characters
    derived from ``secret_key``, grouped in fours for reading aloud."""
    if configured:
        return configured
    digest = hmac.new(secret_key.encode(), _LABEL, hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode("ascii")[:16]
    return "-".join(letters[i : i + 4] for i in range(0, 16, 4))


def normalise_setup_code(value: str) -> str:
    """What the operator typed, without case, spaces and dashes."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def setup_code_matches(entered: str, expected: str) -> bool:
    """Constant-time comparison, tolerant of case, spaces and dashes."""
    given, wanted = normalise_setup_code(entered), normalise_setup_code(expected)
    return bool(wanted) and hmac.compare_digest(given.encode(), wanted.encode())

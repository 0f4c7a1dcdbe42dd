"""The day a result was achieved, as a credential states it: OB 3.0 ``awardedDate`` (an
``xsd:dateTime`` on the credential; for a diploma the examencommissie's decision).

One reading for every place a credential is shown (the wallet's list, the credential page
and its PDF, the verifier's result), whatever the format: an OB 3.0 credential, the ``vc``
claim of a VC 1.1 JWT, or the credential-shaped view of an SD-JWT VC's claims
(:func:`qualifications.sd_jwt_vc_reading.credential_from_claims` maps ``date_achieved``
back to ``awardedDate``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

__all__ = ["date_achieved_of"]

_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?$")


def date_achieved_of(credential: Mapping[str, Any]) -> date | None:
    """The calendar day of the credential's ``awardedDate`` as written (its date part, so
    midnight UTC stays that day), or None when it has none or it is not a date.

        >>> date_achieved_of({"awardedDate": "2026-06-26T00:00:00Z"})
        datetime.date(2026, 6, 26)
        >>> date_achieved_of({"awardedDate": 20260626}) is None
        True
    """
    value = credential.get("awardedDate") if isinstance(credential, Mapping) else None
    if not isinstance(value, str) or len(value) > 40:
        return None
    found = _DAY.match(value.strip())
    if found is None:
        return None
    try:
        return date.fromisoformat(found.group(1))
    except ValueError:
        return None

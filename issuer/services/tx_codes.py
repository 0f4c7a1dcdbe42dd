"""What a learner types as the transaction code, made comparable with the code we sent.

Codes are handed over by e-mail, SMS or an offers file opened in Excel, so they come back
with spaces ("077 088"), full-width digits from a phone keyboard, or without their leading
zero (Excel reads 077088 as the number 77088). :func:`normalise_tx_code` undoes those; it
never turns a wrong code into a right one, and every attempt still counts.

    >>> normalise_tx_code(" 077 088 ", 6), normalise_tx_code("77088", 6)
    ('077088', '077088')
"""

from __future__ import annotations

import unicodedata

__all__ = ["normalise_tx_code"]


def normalise_tx_code(entered: str, length: int) -> str:
    """``entered`` without whitespace (NFKC-folded, so full-width digits count); an
    all-digit code shorter than ``length`` is left-padded with zeros. Anything else is
    returned as it is (it will simply not match)."""
    code = "".join(unicodedata.normalize("NFKC", entered).split())
    if code.isascii() and code.isdigit() and len(code) < length:
        return code.zfill(length)
    return code

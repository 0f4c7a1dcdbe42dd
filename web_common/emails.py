"""Whether a text is plausibly an e-mail address (``name@domain.tld``), for form and file
checks. Deliberately simple: one ``@``, no spaces, a dot in the domain, at most 254
characters (RFC 5321 §4.5.3.1.3); whether the mailbox exists only a sent mail can tell.

    >>> is_email_address("sanne@example.nl"), is_email_address("sanne@example")
    (True, False)
"""

from __future__ import annotations

import re

__all__ = ["is_email_address"]

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")


def is_email_address(text: str) -> bool:
    value = text.strip()
    return len(value) <= 254 and _EMAIL.fullmatch(value) is not None

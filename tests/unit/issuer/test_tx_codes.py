"""What a learner types as the transaction code: spaces, full-width digits, lost zeros."""

from __future__ import annotations

import pytest

from issuer.services.tx_codes import normalise_tx_code


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("077088", "077088"),
        (" 077 088\n", "077088"),
        ("77088", "077088"),  # Excel dropped the leading zero
        ("88", "000088"),
        ("０７７０８８", "077088"),  # full-width digits from a phone keyboard
        ("077\u00a0088", "077088"),  # a no-break space from a mail client
        ("1234567", "1234567"),  # too long: left alone, it will not match
        ("12a45", "12a45"),  # not digits: not padded
        ("", ""),
    ],
)
def test_normalise_tx_code(entered: str, expected: str) -> None:
    assert normalise_tx_code(entered, 6) == expected

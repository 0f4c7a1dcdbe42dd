"""Accept negotiation (RFC 9110 §12.5.1): q-values, specificity, ties, garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from web_common.negotiation import negotiate

OFFERS = ["application/vc", "application/ld+json", "application/json"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/vc"),
        ("", "application/vc"),
        ("*/*", "application/vc"),
        ("application/*", "application/vc"),
        ("application/json", "application/json"),
        ("APPLICATION/JSON", "application/json"),
        ("application/json, application/ld+json", "application/ld+json"),  # tie: our order
        ("application/json;q=1, application/ld+json;q=0.2", "application/json"),
        ("*/*;q=0.1, application/json", "application/json"),
        ("application/vc;q=0, */*", "application/ld+json"),  # specific q=0 beats */*
        ("text/html", None),
        ("application/json;q=0", None),
        ("nonsense, ;;;, /", "application/vc"),  # nothing well-formed: as if absent
        ("application/json;q=abc", None),
        ("application/json;q=7", None),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept, OFFERS) == expected


@given(st.text(max_size=300))
def test_any_header_gives_an_offer_or_none(accept: str) -> None:
    assert negotiate(accept, OFFERS) in [*OFFERS, None]

"""Numbers beyond 64 bits in ids and offsets name no row: a 4xx, never a database overflow
(HTTP 500), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from .conftest import Issuer

HUGE = str(2**64 + 1)
LARGEST = 2**31 - 1  # ids are INTEGER columns


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/batches/{HUGE}"),
        ("GET", f"/api/batches/{HUGE}/offers.csv"),
        ("POST", f"/api/batches/{HUGE}/confirm"),
        ("POST", f"/api/batches/{HUGE}/cancel"),
        ("GET", f"/api/batches/1?offset={HUGE}"),
        ("GET", f"/api/batches/{'9' * 400}"),
        ("GET", f"/api/batches/{LARGEST + 1}"),
    ],
)
def test_huge_numbers_get_a_4xx(issuer: Issuer, method: str, path: str) -> None:
    response = issuer.client.request(method, path, headers=issuer.auth())
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_the_largest_id_is_just_not_found(issuer: Issuer) -> None:
    response = issuer.client.get(f"/api/batches/{LARGEST}", headers=issuer.auth())
    assert response.status_code == 404

"""The wallet as a real process (``python -m wallet serve``): ``X-Forwarded-For`` names the
client only when the connection comes from a proxy in ``WALLET_TRUSTED_PROXIES`` — not from
loopback by default, as uvicorn on its own would have it."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.processes import wallet_process


def _codes(base: str, forwarded: list[str]) -> list[int]:
    with httpx.Client(base_url=base, timeout=10) as client:
        return [
            client.post(
                "/api/session",
                json={"email": f"x{i}@example.nl", "password": "guess guess"},
                headers={"X-Forwarded-For": address},
            ).status_code
            for i, address in enumerate(forwarded)
        ]


SPOOFED = [f"192.0.2.{i}" for i in range(11)]


def test_forwarded_for_from_loopback_is_not_trusted_by_default(tmp_path: Path) -> None:
    with wallet_process(tmp_path, []) as base:
        codes = _codes(base, SPOOFED)
    assert codes[:10] == [401] * 10
    assert codes[10] == 429  # one bucket: the header did not hand out new addresses


def test_a_trusted_proxy_gives_each_client_its_own_bucket(tmp_path: Path) -> None:
    env = {"WALLET_TRUSTED_PROXIES": '["127.0.0.0/8"]'}
    with wallet_process(tmp_path, [], extra_env=env) as base:
        codes = _codes(base, SPOOFED)
    assert codes == [401] * 11

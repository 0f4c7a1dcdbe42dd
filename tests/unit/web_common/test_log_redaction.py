"""Access logs never hold the secrets that travel in URLs (share tokens, offer handles,
verifier check handles, presentation request ids): ours and uvicorn's."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from fastapi.testclient import TestClient

from web_common.logs import REDACTED, configure_logging, redact_path, redact_target


def test_random_segments_are_redacted_and_route_words_kept() -> None:
    token = secrets.token_urlsafe(32)
    assert redact_path(f"/s/{token}") == f"/s/{REDACTED}"
    assert redact_path(f"/roc-midden/offers/{token}/qr.svg") == (
        f"/roc-midden/offers/{REDACTED}/qr.svg"
    )
    assert redact_path("/.well-known/openid-credential-issuer/roc-midden") == (
        "/.well-known/openid-credential-issuer/roc-midden"
    )
    assert redact_path("/batches/12/offers.csv") == "/batches/12/offers.csv"
    assert redact_path("/requests/5c7a0f44-0000-4000-8000-000000000001") == f"/requests/{REDACTED}"
    assert redact_target(f"/?share=https://w.example/s/{token}") == f"/?{REDACTED}"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_the_services_access_log_redacts_handles(tmp_path: Path) -> None:
    from verifier.app import create_app
    from verifier.settings import VerifierSettings
    from web_common.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'v.db'}"
    upgrade("verifier", url)
    app = create_app(VerifierSettings(environment="test", database_url=url, log_json=False))
    handle = secrets.token_urlsafe(24)
    captured = _Records()
    logging.getLogger().addHandler(captured)  # after create_app configured logging
    try:
        with TestClient(app) as client:
            assert client.get(f"/check/{handle}").status_code == 404
            assert client.get(f"/oid4vp/requests/{handle}").status_code == 404
            assert client.get(f"/?share=http://w.example/s/{handle}").status_code == 400
    finally:
        logging.getLogger().removeHandler(captured)
    lines = [r for r in captured.records if r.name == "access"]
    assert len(lines) == 3
    for record in lines:
        assert handle not in str(record.__dict__)
    assert [getattr(r, "path") for r in lines] == [  # noqa: B009
        f"/check/{REDACTED}",
        f"/oid4vp/requests/{REDACTED}",
        "/",
    ]


def test_uvicorns_access_log_is_redacted() -> None:
    """uvicorn logs ``'%s - "%s %s HTTP/%s" %d'`` with (client, method, target, version,
    status) on ``uvicorn.access``; configure_logging (run by every create_app) filters it."""
    configure_logging("INFO", json_lines=False)
    token = secrets.token_urlsafe(32)
    captured = _Records()
    logging.getLogger().addHandler(captured)
    try:
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/s/{token}?x={token}", "1.1", 200
        )
    finally:
        logging.getLogger().removeHandler(captured)
    (record,) = [r for r in captured.records if r.name == "uvicorn.access"]
    assert token not in record.getMessage()
    assert f'"GET /s/{REDACTED}?{REDACTED} HTTP/1.1" 200' in record.getMessage()

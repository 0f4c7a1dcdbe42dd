"""Property-based fuzzing of the three services' OpenAPI documents with schemathesis: a small,
bounded number of generated requests per operation (authenticated where it applies: the
issuer's bearer token, a wallet account's session and CSRF token), and not one may be answered
with a server error (5xx)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.core.result import Ok

from tests.databases import migrated

MAX_EXAMPLES = 4
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _fuzz(app: Any, skip: frozenset[tuple[str, str]] = frozenset(), **kwargs: Any) -> int:
    """Fuzz every operation of ``app``'s OpenAPI document; the number of operations. Any
    answer 5xx fails the test with the request that caused it."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself is valid OpenAPI
        operation = result.ok()
        if (operation.method.upper(), operation.path) in skip:
            continue
        operations += 1

        @given(case=operation.as_strategy())
        @FUZZ
        def run(case: Case[Any]) -> None:
            response = case.call(**kwargs)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                f"{response.text[:500]}"
            )

        run()
    return operations


# --------------------------------------------------------------------------- issuer


@pytest.fixture(scope="module")
def issuer_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, str]]:
    from issuer.app import create_app
    from issuer.services.organisations import create_organisation
    from issuer.services.tokens import create_api_token
    from issuer.settings import IssuerSettings
    from web_common.db import UnitOfWork, make_engine, make_session_factory

    url = f"sqlite:///{tmp_path_factory.mktemp('issuer') / 'issuer.db'}"
    migrated("issuer", url)
    app = create_app(IssuerSettings(
        environment="test", database_url=url, public_base_url="http://issuer.test",
        log_json=False, log_level="WARNING", batch_worker_in_process=False,
    ))  # fmt: skip
    engine = make_engine(url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            from datetime import UTC, datetime

            org = create_organisation(
                uow, slug="roc-midden", name="ROC Midden Nederland", kind="school",
                identifier="25PZ", public_base_url="http://issuer.test", box=app.state.box,
                now=datetime.now(UTC), actor="test",
            )  # fmt: skip
            token = create_api_token(
                uow, org, name="fuzz", now=datetime.now(UTC), actor="test",
                scopes=["credentials:issue", "credentials:status"],
            )  # fmt: skip
            uow.commit()
    finally:
        engine.dispose()
    return app, {"Authorization": f"Bearer {token}"}


def test_issuer_api_has_no_server_errors(issuer_app: tuple[Any, dict[str, str]]) -> None:
    app, auth = issuer_app
    assert _fuzz(app, headers=auth) > 10


# --------------------------------------------------------------------------- wallet


@pytest.fixture(scope="module")
def wallet_app(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Any, dict[str, str], dict[str, str]]:
    from wallet.app import create_app
    from wallet.settings import WalletSettings

    url = f"sqlite:///{tmp_path_factory.mktemp('wallet') / 'wallet.db'}"
    migrated("wallet", url)
    app = create_app(WalletSettings(
        environment="test", database_url=url, public_base_url="http://wallet.test",
        log_json=False, log_level="WARNING",
    ))  # fmt: skip
    with TestClient(app) as client:
        created = client.post(
            "/api/accounts",
            json={"email": "fuzz@example.nl", "name": "Fuzz", "password": "correct horse battery"},
        )
        assert created.status_code == 201, created.text
        cookies = dict(client.cookies)
    return app, cookies, {"X-CSRF-Token": created.json()["csrf_token"]}


def test_wallet_api_has_no_server_errors(
    wallet_app: tuple[Any, dict[str, str], dict[str, str]],
) -> None:
    app, cookies, csrf = wallet_app
    # logging out or deleting the account would end the session the rest is fuzzed with
    skip = frozenset({("POST", "/api/logout"), ("POST", "/api/account/delete")})
    assert _fuzz(app, skip, cookies=cookies, headers=csrf) > 10


# --------------------------------------------------------------------------- verifier


def test_verifier_api_has_no_server_errors(tmp_path: Path) -> None:
    from verifier.app import create_app
    from verifier.settings import VerifierSettings

    url = f"sqlite:///{tmp_path / 'verifier.db'}"
    migrated("verifier", url)
    app = create_app(VerifierSettings(
        environment="test", database_url=url, log_json=False, log_level="WARNING"
    ))  # fmt: skip
    assert _fuzz(app) > 5

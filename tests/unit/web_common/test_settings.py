"""Refused settings stop a service at start with a message that names the setting."""

from __future__ import annotations

import subprocess
import sys

import pytest
from argon2 import PasswordHasher
from pydantic import SecretStr, ValidationError

from issuer.settings import IssuerSettings
from tests.conftest import REPO_ROOT
from verifier.settings import VerifierSettings
from web_common.settings import explain_invalid_settings


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("not-a-hash", "is not an Argon2id hash"),
        ("$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "must be an Argon2id"),
    ],
)
def test_the_verifier_refuses_an_admin_password_hash_that_is_not_one(value: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        VerifierSettings(admin_password_hash=SecretStr(value))
    message = explain_invalid_settings(caught.value, "VERIFIER_")
    assert f"VERIFIER_ADMIN_PASSWORD_HASH: {says}" in message


def test_a_real_hash_or_none_is_accepted() -> None:
    hashed = PasswordHasher().hash("a long admin pass phrase")
    settings = VerifierSettings(admin_password_hash=SecretStr(hashed))
    assert settings.admin_password_hash is not None
    assert settings.admin_password_hash.get_secret_value() == hashed
    assert VerifierSettings().admin_password_hash is None
    # empty is "off", as .env.example and docker-compose document it (not a broken login page)
    assert VerifierSettings(admin_password_hash=SecretStr(" ")).admin_password_hash is None


def test_production_checks_name_the_environment_variables() -> None:
    with pytest.raises(ValidationError) as caught:
        IssuerSettings(environment="production", public_base_url="http://issuer.example")
    lines = explain_invalid_settings(caught.value, "ISSUER_").splitlines()
    assert "  ISSUER_SECRET_KEY must be set to a real secret" in lines
    assert "  ISSUER_PUBLIC_BASE_URL must use https in production" in lines


@pytest.mark.parametrize(
    ("service", "variable"),
    [("verifier", "VERIFIER_ADMIN_PASSWORD_HASH"), ("issuer", "ISSUER_ENVIRONMENT"),
     ("wallet", "WALLET_ENVIRONMENT")],
)  # fmt: skip
def test_the_command_line_stops_with_the_message_not_a_traceback(
    service: str, variable: str
) -> None:
    value = "not-a-hash" if variable.endswith("HASH") else "production"
    done = subprocess.run(
        [sys.executable, "-m", service, "migrate"], cwd=REPO_ROOT, capture_output=True,
        text=True, timeout=60, env={"PATH": "/usr/bin:/bin", variable: value},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("The service cannot start: these settings are not valid.")
    assert "Traceback" not in done.stderr
    assert service.upper() + "_" in done.stderr

"""TLS settings: key and certificate go together; the development CA is refused in
production; ``serve`` options win over the settings."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from issuer.settings import IssuerSettings
from wallet.settings import WalletSettings
from web_common.service import tls_files
from web_common.settings import explain_invalid_settings


def test_key_and_certificate_go_together() -> None:
    with pytest.raises(ValidationError) as caught:
        IssuerSettings(ssl_keyfile="key.pem")
    assert "ISSUER_SSL_KEYFILE and ISSUER_SSL_CERTFILE go together" in explain_invalid_settings(
        caught.value, "ISSUER_"
    )
    both = IssuerSettings(ssl_keyfile="key.pem", ssl_certfile="cert.pem")
    assert tls_files(both, None, None) == ("key.pem", "cert.pem")
    assert tls_files(both, "k2.pem", "c2.pem") == ("k2.pem", "c2.pem")
    assert tls_files(IssuerSettings(), None, None) == (None, None)
    with pytest.raises(ValueError, match="go together"):
        tls_files(IssuerSettings(), "k.pem", None)


def test_the_development_ca_is_refused_in_production() -> None:
    with pytest.raises(ValidationError) as caught:
        WalletSettings(
            environment="production", public_base_url="https://wallet.example",
            secret_key=SecretStr("s" * 40), data_encryption_keys=SecretStr("x"),
            dev_ca_file="ca.pem",
        )  # fmt: skip
    assert "WALLET_DEV_CA_FILE is for development only" in explain_invalid_settings(
        caught.value, "WALLET_"
    )

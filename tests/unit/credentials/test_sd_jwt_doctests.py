"""The usage examples in the SD-JWT, SD-JWT VC, Token Status List and X.509 module docs run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "credentials.jwk",
    "credentials.jws",
    "credentials.sd_jwt",
    "credentials.sd_jwt_issuer",
    "credentials.sd_jwt_holder",
    "credentials.sd_jwt_verifier",
    "credentials.sd_jwt_vc",
    "credentials.token_status_list",
    "credentials.type_metadata",
    "credentials.x509_dev_ca",
    "credentials.x509_trust",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0

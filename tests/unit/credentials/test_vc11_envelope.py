"""A VC Data Model 1.1 JWT (a ``vc`` claim) travels in an ``EnvelopedVerifiableCredential`` as
``data:application/jwt,`` (its media type, VC 1.1 §6.3.1), a VC-JOSE-COSE one as
``data:application/vc+jwt,``; both unwrap, anything else does not."""

from __future__ import annotations

import pytest

from credentials.errors import JwtFormatError
from credentials.jose import enveloped_credential, unwrap_enveloped_credential

from .test_vc11_jwt import claims, token


def test_a_vc_1_1_jwt_is_enveloped_as_application_jwt_and_unwraps() -> None:
    jwt = token(claims())
    envelope = enveloped_credential(jwt)
    assert envelope["id"] == "data:application/jwt," + jwt
    assert unwrap_enveloped_credential(envelope) == jwt


def test_a_jwt_without_a_vc_claim_keeps_vc_jwt() -> None:
    jwt = token({k: v for k, v in claims().items() if k != "vc"})
    envelope = enveloped_credential(jwt)
    assert envelope["id"] == "data:application/vc+jwt," + jwt
    assert unwrap_enveloped_credential(envelope) == jwt


@pytest.mark.parametrize("prefix", ["data:text/plain,", "data:application/jwt;x,", "jwt,", ""])
def test_other_media_types_do_not_unwrap(prefix: str) -> None:
    envelope = enveloped_credential(token(claims())) | {"id": prefix + token(claims())}
    with pytest.raises(JwtFormatError):
        unwrap_enveloped_credential(envelope)

"""The wallet's SD-JWT VC checks with a foreign ``vct``: its Type Metadata fetched through
the guarded outbound HTTP (size limited, cached), ``vct#integrity`` and the document's own
``vct`` enforced; trust anchors re-read when their file changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import httpx

from credentials.did import StaticDidResolver
from credentials.jwk import P256KeyPair
from credentials.results import Outcome
from credentials.sd_jwt_issuer import Sd
from credentials.sd_jwt_vc import issue_sd_jwt_vc
from credentials.type_metadata import integrity_of
from credentials.x509_dev_ca import create_leaf, create_root_ca
from wallet.services.sd_jwt_checks import SdJwtChecker, TrustAnchors
from wallet.services.transport import GuardedHttp

NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
VCT = "https://types.example/vct/badge"
ROOT = create_root_ca("test root", now=NOW)
LEAF = create_leaf(ROOT, "Issuer", san_uris=["https://issuer.example"], now=NOW)
METADATA = json.dumps({"vct": VCT, "name": "Badge", "claims": []}).encode()


def _issue(**extra: object) -> str:
    options: dict[str, object] = {
        "vct": VCT, "iss": "https://issuer.example", "claims": {"name": Sd("Badge")},
        "signer": LEAF.key, "iat": int(NOW.timestamp()) - 60, "x5c": LEAF.x5c([]),
        "holder_jwk": P256KeyPair.generate().public_jwk,
    }  # fmt: skip
    options.update(extra)
    return issue_sd_jwt_vc(**options).compact  # type: ignore[arg-type]


class Served:
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        if str(request.url) != VCT:
            return httpx.Response(404)
        return httpx.Response(200, content=self.body, headers={"content-type": "application/json"})


def _checker(served: Served, anchors: Path) -> SdJwtChecker:
    client = httpx.Client(transport=httpx.MockTransport(served))
    http = GuardedHttp(client, resolve=lambda host, port: ["93.184.216.34"])
    return SdJwtChecker(
        resolver=StaticDidResolver({}), anchors=TrustAnchors(str(anchors)), http=http
    )


def _anchors(tmp_path: Path) -> Path:
    path = tmp_path / "anchors.pem"
    path.write_bytes(ROOT.pem)
    return path


def test_foreign_type_metadata_is_fetched_once_and_checked(tmp_path: Path) -> None:
    served = Served(METADATA)
    checker = _checker(served, _anchors(tmp_path))
    token = _issue(vct_integrity=integrity_of(METADATA))
    for _ in range(2):
        result = checker.check(token, now=NOW)
        check = result.check("type_metadata")
        assert check is not None
        assert check.outcome is Outcome.PASSED, result
    assert served.requests == [VCT]  # cached


def test_wrong_integrity_or_vct_fails_and_unreachable_warns(tmp_path: Path) -> None:
    anchors = _anchors(tmp_path)
    wrong = _checker(Served(METADATA), anchors).check(
        _issue(vct_integrity=integrity_of(b"other")), now=NOW
    )
    assert (wrong.check("type_metadata") or _missing()).code == "type_metadata_integrity"
    other = json.dumps({"vct": "https://types.example/vct/else", "claims": []}).encode()
    mismatch = _checker(Served(other), anchors).check(_issue(), now=NOW)
    assert (mismatch.check("type_metadata") or _missing()).code == "type_metadata_vct_mismatch"
    gone = _checker(Served(METADATA), anchors)
    gone.http = None
    unreachable = gone.check(_issue(), now=NOW).check("type_metadata") or _missing()
    assert unreachable.outcome is Outcome.WARNING


def test_trust_anchors_are_re_read_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "anchors.pem"
    checker = _checker(Served(METADATA), path)
    untrusted = checker.check(_issue(), now=NOW).check("issuer") or _missing()
    assert untrusted.outcome is Outcome.FAILED
    assert untrusted.code == "x509_untrusted"
    path.write_bytes(ROOT.pem)
    trusted = checker.check(_issue(), now=NOW).check("issuer") or _missing()
    assert trusted.outcome is Outcome.PASSED


def _missing() -> NoReturn:
    raise AssertionError("the check is missing")


def test_credential_formats_setting_takes_only_formats_the_wallet_holds() -> None:
    import pytest
    from pydantic import ValidationError

    from wallet.settings import WalletSettings

    ok = WalletSettings(environment="test", credential_formats=("dc+sd-jwt", "ldp_vc", "ldp_vc"))
    assert ok.credential_formats == ("dc+sd-jwt", "ldp_vc")
    for wrong in (("jwt_vc_json",), ()):
        with pytest.raises(ValidationError):
            WalletSettings(environment="test", credential_formats=wrong)

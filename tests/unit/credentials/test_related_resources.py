"""relatedResource digests (VC Data Model 2.0 §5.3): digestSRI per Subresource Integrity,
digestMultibase as multihash or bare digest, contexts never fetched."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from credentials.contexts import CONTEXTS_DIR, VC_V2
from credentials.data_integrity import add_proof
from credentials.did import StaticDidResolver
from credentials.examples import mbo_certificaat
from credentials.keys import Ed25519KeyPair
from credentials.multibase import encode_base58btc, encode_base64url
from credentials.related_resources import digests_match, related_resources_check
from credentials.results import Outcome
from credentials.verification import verify_credential

URL = "https://school.example/examenreglement.pdf"
CONTENT = b"%PDF-1.7 examenreglement 2026-2027"
SCHOOL = Ed25519KeyPair.from_seed(bytes(range(80, 112)))


def sri(name: str, content: bytes = CONTENT) -> str:
    return f"{name}-" + base64.b64encode(hashlib.new(name, content).digest()).decode()


class Site:
    """Resources by URL; records every fetch, and a missing URL is 'down'."""

    def __init__(self, resources: dict[str, bytes]) -> None:
        self.resources = resources
        self.fetched: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.fetched.append(url)
        if url not in self.resources:
            raise ConnectionError(f"{url} is not reachable")
        return self.resources[url]


@pytest.mark.parametrize("name", ["sha256", "sha384", "sha512"])
def test_sri_digests(name: str) -> None:
    assert digests_match({"digestSRI": sri(name)}, CONTENT) is True
    assert digests_match({"digestSRI": sri(name)}, CONTENT + b" ") is False


def test_only_the_strongest_sri_algorithm_counts() -> None:
    wrong256 = sri("sha256", b"other")
    assert digests_match({"digestSRI": f"{wrong256} {sri('sha512')}"}, CONTENT) is True
    assert digests_match({"digestSRI": f"{sri('sha256')} {sri('sha512', b'x')}"}, CONTENT) is False
    both = f"{sri('sha384', b'x')} {sri('sha384')}"  # any one of the strongest is enough
    assert digests_match({"digestSRI": both}, CONTENT) is True


def test_digest_multibase_as_multihash_or_bare_digest() -> None:
    sha256 = hashlib.sha256(CONTENT).digest()
    multihash = encode_base58btc(bytes([0x12, 0x20]) + sha256)
    assert digests_match({"digestMultibase": multihash}, CONTENT) is True
    sha512 = hashlib.sha512(CONTENT).digest()
    assert digests_match({"digestMultibase": encode_base64url(bytes([0x13, 0x40]) + sha512)},
                         CONTENT) is True  # fmt: skip
    assert digests_match({"digestMultibase": encode_base64url(sha256)}, CONTENT) is True
    assert digests_match({"digestMultibase": encode_base64url(sha256)}, b"changed") is False
    # Both kinds given: both must match.
    entry = {"digestMultibase": multihash, "digestSRI": sri("sha384", b"changed")}
    assert digests_match(entry, CONTENT) is False
    assert digests_match({"digestMultibase": encode_base64url(b"short")}, CONTENT) is None


def _credential(*entries: dict[str, Any]) -> dict[str, Any]:
    credential = mbo_certificaat(issuer_id=SCHOOL.did_key, subject_id=SCHOOL.did_key)
    credential["relatedResource"] = list(entries)
    return credential


def test_fetched_resources_are_checked() -> None:
    site = Site({URL: CONTENT})
    ok = related_resources_check(_credential({"id": URL, "digestSRI": sri("sha384")}), site)
    assert ok is not None
    assert (ok.outcome, ok.code) == (Outcome.PASSED, "ok")
    assert site.fetched == [URL]
    changed = Site({URL: CONTENT + b"!"})
    bad = related_resources_check(_credential({"id": URL, "digestSRI": sri("sha384")}), changed)
    assert bad is not None
    assert (bad.outcome, bad.code) == (Outcome.FAILED, "related_resource_mismatch")
    assert URL in bad.detail


def test_what_cannot_be_fetched_is_a_warning() -> None:
    credential = _credential({"id": URL, "digestSRI": sri("sha256")})
    for fetcher in (None, Site({})):
        check = related_resources_check(credential, fetcher)
        assert check is not None
        assert (check.outcome, check.code) == (Outcome.WARNING, "related_resource_not_checked")
    assert related_resources_check(_credential(), None) is not None  # an empty list: passed
    assert (
        related_resources_check(mbo_certificaat(issuer_id="did:x:1", subject_id="did:x:2"), None)
        is None
    )


def test_contexts_are_never_fetched_but_checked_against_the_pinned_copy() -> None:
    pinned = (CONTEXTS_DIR / "credentials-v2.jsonld").read_bytes()
    site = Site({VC_V2: pinned})
    good = _credential({"id": VC_V2, "digestSRI": sri("sha256", pinned)})
    check = related_resources_check(good, site)
    assert check is not None
    assert check.outcome is Outcome.PASSED
    wrong = _credential({"id": VC_V2, "digestSRI": sri("sha256", b"another v2 context")})
    check = related_resources_check(wrong, site)
    assert check is not None
    assert check.outcome is Outcome.FAILED
    unknown = "https://other.example/context"
    foreign = _credential({"id": unknown, "digestSRI": sri("sha256")})
    foreign["@context"] = [*foreign["@context"], unknown]
    check = related_resources_check(foreign, site)
    assert check is not None
    assert check.outcome is Outcome.WARNING
    assert site.fetched == []


def test_verify_credential_reports_the_check() -> None:
    credential = _credential({"id": URL, "digestSRI": sri("sha512")})
    signed = add_proof(credential, SCHOOL, SCHOOL.did_key_verification_method,
                       created="2026-07-01T00:00:00Z")  # fmt: skip
    now = datetime(2026, 11, 24, tzinfo=UTC)
    resolver = StaticDidResolver()
    result = verify_credential(
        signed, resolver=resolver, now=now, fetch_resource=Site({URL: CONTENT})
    )
    assert result.check("related_resources").outcome is Outcome.PASSED  # type: ignore[union-attr]
    tampered = verify_credential(
        signed, resolver=resolver, now=now, fetch_resource=Site({URL: b"new rules"})
    )
    assert not tampered.verified


def test_a_hostile_list_of_resources_is_not_fetched_past_the_limit() -> None:
    urls = [f"https://school.example/r/{n}" for n in range(50)]
    site = Site(dict.fromkeys(urls, CONTENT))
    many = _credential(*({"id": u, "digestSRI": sri("sha256")} for u in urls))
    check = related_resources_check(many, site, max_fetches=8)
    assert check is not None
    assert check.outcome is Outcome.WARNING
    assert len(site.fetched) == 8
    assert "more than 8 resources" in check.detail


def test_fetching_for_one_credential_stops_at_its_time_limit() -> None:
    """A slow server that holds every fetch to the fetcher's own timeout cannot stall the
    check: after ``max_seconds`` the rest is "not checked"."""
    urls = [f"https://slow.example/r/{n}" for n in range(5)]
    now = [0.0]

    def slow(url: str) -> bytes:
        now[0] += 4.0  # each fetch takes 4 s
        return CONTENT

    many = _credential(*({"id": u, "digestSRI": sri("sha256")} for u in urls))
    check = related_resources_check(many, slow, max_seconds=10.0, clock=lambda: now[0])
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.WARNING, "related_resource_not_checked")
    assert now[0] == 12.0  # three fetches started within 10 s, none after
    assert check.detail.count("over 10 s of fetching") == 2

"""The passport re-checks statuses when it is shown, bounded: the few credentials checked
longest ago (at most RECHECK_LIMIT per load, only if older than RECHECK_AFTER), so a status
is not stale until the credential is opened; it says when the statuses were last checked."""

from __future__ import annotations

import re
from datetime import timedelta

from wallet.services.rechecking import RECHECK_AFTER, RECHECK_LIMIT

from .conftest import Wallet, signed_credential

HTML = {"Accept": "text/html"}


def test_passport_load_rechecks_the_stalest_few(wallet: Wallet) -> None:
    person = wallet.person()
    count = RECHECK_LIMIT + 2
    for number in range(1, count + 1):
        stored = person.post(
            "/api/credentials",
            json={
                "credential": signed_credential(
                    person.did, number=number, valid_until="2026-09-02T00:00:00Z"
                )
            },
        )
        assert stored.status_code == 201, stored.text
        wallet.clock.now += timedelta(seconds=1)  # distinct check moments, oldest first

    def states() -> list[str]:
        answer = person.get("/api/credentials").json()
        assert isinstance(answer, list), answer
        return [c["state"] for c in answer]

    assert states() == ["ok"] * count
    # a fresh passport load re-checks nothing
    page = person.get("/", headers=HTML)
    assert page.status_code == 200
    assert 'id="last-checked"' in page.text
    assert states() == ["ok"] * count

    # a day later every credential has expired; one load re-checks only the stalest few
    wallet.clock.now += timedelta(days=1)
    assert timedelta(days=1) > RECHECK_AFTER
    person.login()  # the session has ended meanwhile; logging in checks nothing
    assert states() == ["ok"] * count
    person.get("/", headers=HTML)
    assert sorted(states()).count("expired") == RECHECK_LIMIT
    # the credentials are listed newest first: the oldest (stalest) were re-checked
    assert states()[-RECHECK_LIMIT:] == ["expired"] * RECHECK_LIMIT
    # the next load does the rest, and the page says the statuses are fresh
    second = person.get("/", headers=HTML)
    assert states() == ["expired"] * count
    assert "verlopen" in second.text.lower()
    third = person.get("/", headers=HTML)
    [when] = re.findall(r'id="last-checked">[^<]*?(\d\d-\d\d-\d{4})', third.text)
    assert when == "02-09-2026"


def test_credentials_come_first_on_the_passport(wallet: Wallet) -> None:
    person = wallet.person()
    person.post("/api/credentials", json={"credential": signed_credential(person.did)})
    page = person.get("/", headers=HTML).text
    assert page.index('id="credentials"') < page.index('id="doel"')
    assert 'class="cards-on-phone"' in page

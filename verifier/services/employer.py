"""The employer's page flow as use cases: take in what was pasted, uploaded or shared, keep
it for the result page, check it (again) on every view, and report stacking for a diploma.

Errors for people are :class:`SubmissionError` with a Dutch source message (the pages
translate it) and the form field it belongs to; nothing here raises for a hostile input.

    handle = submit_text(uow, pasted, source="paste", now=now)
    checked = check_submission(uow, handle, resolver=..., fetch_status_list=..., now=now)
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from credentials.did import DidResolver
from credentials.errors import FetchError, FetchProblem
from credentials.net import HostResolver, system_resolve
from credentials.related_resources import ResourceFetcher
from credentials.verification import StatusFetcher
from web_common.db import UnitOfWork

from .checking import InputError, Report, check_document, parse_upload
from .sd_jwt_fetching import SdJwtSupport
from .sd_jwt_grouping import merge_reports
from .shares import fetch_shared, share_origin
from .submissions import DEFAULT_LIFETIME, Source, Submission, load_submission, save_submission
from .trust import TrustEntry, list_trusted

__all__ = [
    "MAX_INPUT_BYTES",
    "Checked",
    "SubmissionError",
    "check_submission",
    "submit_share_link",
    "submit_text",
]

MAX_INPUT_BYTES = 1_048_576

_INPUT_MESSAGES = {
    "empty": "Er is niets ingevuld of het bestand is leeg.",
    "not_text": "Dit bestand is geen tekst. Kies een .json-bestand, een vc+jwt-bestand of "
    "een SD-JWT VC.",
    "not_json": "Dit is geen geldige JSON. Kopieer het hele bewijsstuk, van { tot en met }.",
    "too_deep": "Dit bestand is te ingewikkeld opgebouwd om te controleren.",
    "bad_jwt": "Dit lijkt op een vc+jwt, maar is beschadigd of onvolledig.",
    "bad_sd_jwt": "Dit lijkt op een SD-JWT VC, maar is beschadigd of onvolledig.",
    "too_large": "Dit is te groot om te controleren.",
    "unknown_format": "Dit is geen bewijsstuk dat wij kunnen lezen (verwacht: JSON, vc+jwt "
    "of SD-JWT VC).",
}


class SubmissionError(ValueError):
    """A readable refusal: ``message`` is a Dutch source string, ``field`` the form field."""

    def __init__(self, field: str, message: str, **values: Any) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.values = values


@dataclass(frozen=True, slots=True)
class Checked:
    submission: Submission
    report: Report
    trusted: dict[str, TrustEntry]


def submit_text(
    uow: UnitOfWork,
    data: bytes | str,
    *,
    source: Source,
    now: datetime,
    field: str,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> str:
    """Read a pasted or uploaded credential or presentation (JSON, vc+jwt, or an SD-JWT VC
    in its compact ``~`` form) and keep it."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_INPUT_BYTES:
        raise SubmissionError(field, "Dit is te groot (meer dan 1 MB). Een bewijsstuk is "
                                     "meestal een paar kilobyte.")  # fmt: skip
    try:
        document = parse_upload(data)
    except InputError as exc:
        message = _INPUT_MESSAGES.get(exc.code, _INPUT_MESSAGES["unknown_format"])
        raise SubmissionError(field, message) from None
    return save_submission(uow, [document], source=source, now=now, lifetime=lifetime)


_LINK_GONE = ("Deze link bestaat niet (meer). De houder kan een gedeelde link laten verlopen of "
              "intrekken; vraag om een nieuwe link.")  # fmt: skip
_UNREACHABLE = ("De wallet achter deze link is nu niet bereikbaar. Controleer de link of probeer "
                "het later opnieuw.")  # fmt: skip
_NOTHING_SHARED = "Achter deze link staat geen gedeeld bewijs."
_NOT_OPENED = ("Dit is geen link die wij kunnen openen. Een gedeelde link begint met https:// en "
               "wijst naar een openbare website.")  # fmt: skip
_FETCH_MESSAGES: dict[FetchProblem, str] = {
    FetchProblem.HTTP_STATUS: (
        "De wallet achter deze link gaf geen gedeeld bewijs terug. Probeer het later opnieuw."
    ),
    FetchProblem.TIMEOUT: _UNREACHABLE,
    FetchProblem.UNREACHABLE: _UNREACHABLE,
    FetchProblem.HOST_UNRESOLVED: _UNREACHABLE,
    FetchProblem.TOO_LARGE: "Achter deze link staat meer dan wij kunnen controleren.",
    FetchProblem.NOT_JSON: _NOTHING_SHARED,
    FetchProblem.WRONG_CONTENT: _NOTHING_SHARED,
}
"""The Dutch message per :class:`FetchProblem`; the rest (a refused URL or address, a
redirect) is a link we do not open."""


def _fetch_message(error: FetchError) -> str:
    if error.code is FetchProblem.HTTP_STATUS and error.status in (404, 410):
        return _LINK_GONE
    return _FETCH_MESSAGES.get(error.code, _NOT_OPENED)


def submit_share_link(
    uow: UnitOfWork,
    url: str,
    *,
    client: httpx.Client,
    allow_hosts: Collection[str],
    now: datetime,
    resolve_host: HostResolver = system_resolve,
    timeout: float = 5.0,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> str:
    """Fetch the presentation a wallet's share link publishes, once, and keep it (not the
    link). It is checked against the link's origin, so a copy elsewhere does not pass."""
    url = url.strip()
    if not url:
        raise SubmissionError("share", "Vul de link in die u van de houder kreeg.")
    if len(url) > 2000 or not url.lower().startswith(("https://", "http://")):
        raise SubmissionError("share", "Een gedeelde link begint met https://.")
    try:
        document = fetch_shared(url, client=client, allow_hosts=allow_hosts,
                                resolve_host=resolve_host, timeout=timeout)  # fmt: skip
    except FetchError as exc:
        raise SubmissionError("share", _fetch_message(exc)) from None
    origin = share_origin(url)
    return save_submission(uow, [document], source="share", now=now, lifetime=lifetime,
                           domain=origin, origin=origin)  # fmt: skip


def check_submission(
    uow: UnitOfWork,
    handle: str,
    *,
    resolver: DidResolver,
    fetch_status_list: StatusFetcher | None,
    now: datetime,
    fetch_resource: ResourceFetcher | None = None,
    sd_jwt: SdJwtSupport | None = None,
) -> Checked | None:
    """Check a kept submission again, now; None when it is unknown or expired."""
    submission = load_submission(uow, handle, now=now)
    if submission is None:
        return None
    trusted = list_trusted(uow)
    reports = [
        check_document(
            document, resolver=resolver, fetch_status_list=fetch_status_list, trusted=trusted,
            now=now, challenge=submission.challenge, domain=submission.domain,
            fetch_resource=fetch_resource, sd_jwt=sd_jwt,
        )
        for document in submission.documents
    ]  # fmt: skip
    return Checked(submission, merge_reports(reports), trusted)

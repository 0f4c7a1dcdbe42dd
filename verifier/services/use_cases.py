"""The verifier's use cases behind its pages and OpenID4VP endpoints: each is one
transaction, committed here, so the routes only read input, keep the session and render.

Most are a service step made a use case by :func:`web_common.db.committed` (the step, then
commit; when the step raises nothing is committed). A wallet's answer is different: a
refused answer (:class:`RequestError`) is committed too, so the count of refused replays is
kept (nothing else was changed); a wallet that declines (:class:`WalletDeclinedError`)
changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from web_common.db import UnitOfWork, committed

from . import employer, presentation_requests, trust
from .presentation_requests import RequestError, WalletDeclinedError

__all__ = [
    "add_trusted_issuer",
    "create_presentation_request",
    "import_accreditations",
    "import_trust_list",
    "receive_dc_api_response",
    "receive_response",
    "remove_trusted_issuer",
    "request_object",
    "submit_share_link",
    "submit_text",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _refusals_kept(
    step: Callable[Concatenate[UnitOfWork, _P], _R],
) -> Callable[Concatenate[UnitOfWork, _P], _R]:
    """A use case from a step that checks a wallet's answer: committed when it returns and
    when it refuses the answer; a wallet's own refusal commits nothing."""

    @functools.wraps(step)
    def use_case(uow: UnitOfWork, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            result = step(uow, *args, **kwargs)
        except WalletDeclinedError:
            raise
        except RequestError:
            uow.commit()  # keeps the count of refused replays; nothing else was changed
            raise
        uow.commit()
        return result

    return use_case


# the employer's checks (share link, paste, upload)
submit_share_link = committed(employer.submit_share_link)
submit_text = committed(employer.submit_text)

# OpenID4VP: the employer's request, the wallet's fetch of it and its answer
create_presentation_request = committed(presentation_requests.create_presentation_request)
request_object = committed(presentation_requests.request_object_for)
receive_response = _refusals_kept(presentation_requests.receive_response)
receive_dc_api_response = _refusals_kept(presentation_requests.receive_dc_api_response)

# the administrator's trust list
add_trusted_issuer = committed(trust.add_trusted_issuer)
remove_trusted_issuer = committed(trust.remove_trusted_issuer)
import_trust_list = committed(trust.import_trust_list)
import_accreditations = committed(trust.import_accreditations)

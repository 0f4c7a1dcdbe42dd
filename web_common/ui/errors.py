"""The errors pages raise.

:class:`PageError` is a :class:`~web_common.problems.ProblemError` with a Dutch title and
detail for people; :class:`Redirect` sends the browser elsewhere (e.g. to the login page).
How an error is answered (problem+json or an HTML page) is :mod:`web_common.ui.error_pages`.
"""

from __future__ import annotations

from web_common.problems import BUDGET_EXCEEDED, ProblemError

__all__ = ["PageError", "Redirect", "budget_page_error"]


class PageError(ProblemError):
    """An error for a person: ``title`` and ``detail`` are Dutch source strings."""


def budget_page_error(limit: str) -> PageError:
    """The page for a document that would cost more checking work than its budget allows
    (422, the same problem type as :func:`web_common.problems.budget_exceeded`)."""
    return PageError(
        422,
        "Dit bewijs is te zwaar om te controleren",
        "Het bewijs is zo opgebouwd dat controleren meer rekenwerk kost dan we toestaan. "
        "Echte bewijzen komen nooit in de buurt van die grens. Vraag de afzender om het "
        "bewijs opnieuw te sturen.",
        slug=BUDGET_EXCEEDED,
        extra={"limit": limit},
    )


class Redirect(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raise to answer with a 303 redirect (e.g. from a login dependency)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url

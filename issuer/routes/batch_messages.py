"""The wording of what the results-file reader and the batch checks say, by code.

A problem is a :class:`qualifications.messages.Message` (fresh from a service) or a stored
``{"detail", "code", "params"}`` object (a batch row's errors, a batch's warnings). Pages
word it from the catalog key ``probleem:<code>`` (``issuer/translations/*_batches.json``),
with the parameters filled in (``web_common.ui.i18n``'s gettext does the lookup); the
English text is never parsed. A problem without a code,
or with one the catalog lacks (a batch stored before codes), is shown as its text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from qualifications.messages import Message
from web_common.ui.i18n import Gettext

__all__ = ["explain"]


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _message(problem: str | Mapping[str, Any]) -> str:
    """A fresh problem as it is; a stored one as the :class:`Message` it was."""
    if not isinstance(problem, Mapping):
        return problem
    text, code, params = str(problem.get("detail", "")), problem.get("code"), problem.get("params")
    if not isinstance(code, str) or not code:
        return text
    return Message(code, text, **(params if isinstance(params, Mapping) else {}))


def explain(gettext: Gettext) -> Callable[[str | Mapping[str, Any]], str]:
    """The function wording a problem for the reader of ``gettext``'s language: by its code
    through the one catalog mechanism (:mod:`web_common.ui.i18n`), else its text as a
    sentence."""

    def say(problem: str | Mapping[str, Any]) -> str:
        message = _message(problem)
        worded = gettext(message) if getattr(message, "code", None) else str(message)
        if worded != str(message) or not worded:
            return worded
        return _sentence(worded)

    return say

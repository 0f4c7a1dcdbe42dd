"""The wording of what the results-file reader and the batch checks say, by code.

A problem is a :class:`qualifications.messages.Message` (fresh from a service) or a stored
``{"detail", "code", "params"}`` object (a batch row's errors, a batch's warnings). Pages
word it from the catalog key ``probleem:<code>`` (``issuer/translations/*_batches.json``),
with the parameters filled in; the English text is never parsed. A problem without a code,
or with one the catalog lacks (a batch stored before codes), is shown as its text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from web_common.ui.i18n import Gettext

__all__ = ["explain"]

_KEY = "probleem:{}"


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _parts(problem: str | Mapping[str, Any]) -> tuple[str, str | None, Mapping[str, Any]]:
    if isinstance(problem, Mapping):
        code, params = problem.get("code"), problem.get("params")
        return (
            str(problem.get("detail", "")),
            code if isinstance(code, str) else None,
            params if isinstance(params, Mapping) else {},
        )
    return problem, getattr(problem, "code", None), getattr(problem, "params", {})


def explain(gettext: Gettext) -> Callable[[str | Mapping[str, Any]], str]:
    """The function wording a problem for the reader of ``gettext``'s language."""

    def say(problem: str | Mapping[str, Any]) -> str:
        text, code, params = _parts(problem)
        if code:
            key = _KEY.format(code)
            worded = gettext(key, **{str(k): str(v) for k, v in params.items()})
            if worded != key:
                return worded
        return _sentence(text) if text else text

    return say

"""One-time messages shown on the next page ("Credential ingetrokken.").

Messages are Dutch source strings with ``{placeholders}``, translated when shown; a coded
message (:class:`qualifications.messages.Message`, e.g. a service's refusal) keeps its code
and parameters through the session, so the page words it by code (``probleem:<code>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request

from qualifications.messages import Message, coded

from .sessions import get_session

__all__ = ["Flash", "flash", "pop_flashes"]

Category = Literal["info", "success", "warning", "error"]
_KEY = "_flash"


@dataclass(frozen=True, slots=True)
class Flash:
    category: str
    message: str
    values: dict[str, Any]


def flash(request: Request, message: str, category: Category = "info", **values: Any) -> None:
    """Queue ``message`` (a Dutch source string) for the next rendered page."""
    session = get_session(request)
    pending = list(session.get(_KEY) or [])
    entry: list[Any] = [category, str(message), {k: str(v) for k, v in values.items()}]
    if isinstance(message, Message):
        entry.append(coded(message))
    pending.append(entry)
    session.set(_KEY, pending[-5:])


def _message(text: str, code: Any) -> str:
    if isinstance(code, dict) and isinstance(code.get("code"), str):
        params = code.get("params")
        return Message(code["code"], text, **(params if isinstance(params, dict) else {}))
    return text


def pop_flashes(request: Request) -> list[Flash]:
    pending = get_session(request).pop(_KEY) or []
    return [
        Flash(str(c), _message(str(m), rest[0] if rest else None), dict(v))
        for c, m, v, *rest in pending
    ]

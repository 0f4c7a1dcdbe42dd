"""One-time messages shown on the next page ("Credential ingetrokken.").

Messages are Dutch source strings with ``{placeholders}``, translated when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request

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
    pending.append([category, message, {k: str(v) for k, v in values.items()}])
    session.set(_KEY, pending[-5:])


def pop_flashes(request: Request) -> list[Flash]:
    pending = get_session(request).pop(_KEY) or []
    return [Flash(str(c), str(m), dict(v)) for c, m, v in pending]

"""``render(request, template, context)``: the app's :class:`web_common.ui.Renderer`, typed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from web_common.ui import Renderer

__all__ = ["render"]


def render(
    request: Request, template: str, context: Mapping[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    renderer: Renderer = request.app.state.ui
    return renderer.render(request, template, context, status_code=status)

"""Form errors shown next to their fields (and summarised at the top of the form).

    errors = FormErrors()
    if not name:
        errors.add("name", "Vul een naam in.")
    if errors:
        return renderer.render(request, "page.html", {"errors": errors, "values": form})

Messages are Dutch source strings (translated when shown); a message from a service that is
not in the catalog is shown as it is. The ``ui/forms.html`` macros render the pattern:
``field(...)`` writes label, hint, error (``aria-describedby``, ``aria-invalid``) and input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from fastapi import Depends
from starlette.datastructures import FormData
from starlette.requests import Request

__all__ = ["FormDep", "FormErrors", "read_form"]


async def read_form(request: Request) -> FormData:
    """Dependency that only parses the form (on the event loop: it waits for the client).
    Starlette keeps the parsed form, so the CSRF check and the route share one parse; the
    route that uses it stays a plain ``def`` and does its work in the threadpool."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


class FormErrors:
    def __init__(self) -> None:
        self._errors: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def add(self, field: str, message: str, **values: Any) -> None:
        self._errors.setdefault(field, []).append((message, values))

    def extend(self, problems: Iterable[tuple[str, str]]) -> None:
        for field, message in problems:
            self.add(field, message)

    def get(self, field: str) -> list[tuple[str, dict[str, Any]]]:
        return self._errors.get(field, [])

    def __contains__(self, field: object) -> bool:
        return field in self._errors

    def __bool__(self) -> bool:
        return bool(self._errors)

    def __iter__(self) -> Iterator[str]:
        return iter(self._errors)

    def items(self) -> list[tuple[str, list[tuple[str, dict[str, Any]]]]]:
        return list(self._errors.items())

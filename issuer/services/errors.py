"""Domain errors of the issuer; the HTTP edge turns them into problem+json."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ConflictError", "IssuanceError", "IssuerError", "NotFoundError"]


class IssuerError(Exception):
    """Base of the issuer's domain errors."""


class IssuanceError(IssuerError):
    """A credential cannot be issued as asked; ``problems`` say where and why, and ``codes``
    (aligned with ``problems``, None where there is none) name the broken rule."""

    def __init__(
        self, problems: Sequence[tuple[str, str]], *, codes: Sequence[str | None] = ()
    ) -> None:
        super().__init__("; ".join(f"{p}: {d}" for p, d in problems))
        self.problems = list(problems)
        self.codes: list[str | None] = [*codes, *([None] * (len(self.problems) - len(codes)))]


class NotFoundError(IssuerError):
    """The thing asked for does not exist (for this organisation)."""


class ConflictError(IssuerError):
    """The request conflicts with what exists (e.g. the same credential id, other content)."""

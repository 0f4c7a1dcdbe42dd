"""A tiny gettext: Dutch source strings, an English catalog per service.

Templates call ``_("Inloggen")``; with ``lang="en"`` the catalog's English text is shown,
otherwise the Dutch source. A Dutch catalog (``"nl"``) may translate messages that come
from English-speaking code (a service's error text) into Dutch. Strings may carry
``{name}`` placeholders: ``_("Welkom, {name}", name=user.name)``. A string missing from a
catalog falls back to the Dutch source, so an untranslated page is still readable.

    >>> t = Translations({"en": {"Inloggen": "Log in"}})
    >>> t.gettext("en")("Inloggen")
    'Log in'

A message that carries a stable ``code`` (and ``params``), such as
:class:`qualifications.messages.Message`, is worded by its code: the catalog key
``probleem:<code>`` with the parameters filled in; its (English) text is never looked up
or parsed, and is shown only when the catalog lacks the code.

    >>> from qualifications.messages import Message
    >>> t = Translations({"nl": {"probleem:too_long": "Langer dan {max} tekens."}})
    >>> t.gettext("nl")(Message("too_long", "longer than 300 characters", max=300))
    'Langer dan 300 tekens.'

The language comes from ``?lang=`` (remembered in a cookie), then the cookie, then the
browser's ``Accept-Language``, else Dutch (:func:`negotiate_language`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "CODE_KEY",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Gettext",
    "Translations",
    "negotiate_language",
]

DEFAULT_LANGUAGE = "nl"
LANGUAGES = ("nl", "en")
_BASE_CATALOG = Path(__file__).resolve().parent / "en.json"

Gettext = Callable[..., str]
CODE_KEY = "probleem:{}"
"""The catalog key of a coded message (:class:`qualifications.messages.Message`)."""


class Translations:
    """English (and possibly other) catalogs keyed by the Dutch source string.

    The shared layout's own strings (``web_common/ui/en.json``) are always included; a service
    adds its own with :meth:`from_files` or a dict.
    """

    def __init__(self, catalogs: Mapping[str, Mapping[str, str]] | None = None) -> None:
        base = json.loads(_BASE_CATALOG.read_text(encoding="utf-8"))
        merged: dict[str, dict[str, str]] = {"en": dict(base)}
        for lang, catalog in (catalogs or {}).items():
            merged.setdefault(lang, {}).update(catalog)
        self._catalogs = merged

    @classmethod
    def from_files(cls, files: Mapping[str, Path | Iterable[Path]]) -> Translations:
        """Catalogs from JSON files (``{"en": Path("en.json")}``), later files win."""
        catalogs: dict[str, dict[str, str]] = {}
        for lang, paths in files.items():
            for path in [paths] if isinstance(paths, Path) else paths:
                catalogs.setdefault(lang, {}).update(json.loads(path.read_text(encoding="utf-8")))
        return cls(catalogs)

    def catalog(self, lang: str) -> Mapping[str, str]:
        return self._catalogs.get(lang, {})

    def gettext(self, lang: str) -> Gettext:
        """The ``_`` function for ``lang``: translate, then fill ``{placeholders}``."""
        catalog = self._catalogs.get(lang, {})

        def _(source: str, /, **values: Any) -> str:
            code = getattr(source, "code", None)
            if isinstance(code, str) and code and CODE_KEY.format(code) in catalog:
                params: Mapping[str, Any] = getattr(source, "params", None) or {}
                return _fill(catalog[CODE_KEY.format(code)], {**params, **values})
            return _fill(catalog.get(source, source), values)

        return _


def _fill(text: str, values: Mapping[str, Any]) -> str:
    if not values:
        return str(text)
    try:
        return str(text).format(**values)
    except (KeyError, IndexError, ValueError):
        return str(text)


def negotiate_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """``?lang=`` first, then the cookie, then the best ``Accept-Language`` match, else nl."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        q -= position * 1e-6  # earlier entries win ties
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best

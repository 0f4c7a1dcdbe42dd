"""Messages that carry a stable code: English text for logs and APIs, a code for pages.

A :class:`Message` is a ``str`` (the English sentence, unchanged for every caller that reads
or stores text) that also carries ``code`` and ``params``. A page words it in its own
language by looking the code up in a catalog and filling in the parameters; it never
parses the English. :class:`ResultProblem` names what the achievement checks refuse.

    >>> m = Message(ResultProblem.NOT_IN_CATALOG, "'Kok' is not in the catalog", value="Kok")
    >>> (str(m), m.code, m.params)
    ("'Kok' is not in the catalog", 'not_in_catalog', {'value': 'Kok'})
    >>> coded(m)
    {'code': 'not_in_catalog', 'params': {'value': 'Kok'}}
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Self

__all__ = ["Message", "ResultProblem", "coded", "message_of"]


class Message(str):
    """An English message with a stable ``code`` and its ``params`` (strings) attached."""

    code: str
    params: Mapping[str, str]

    def __new__(cls, code: str, text: str, /, **params: object) -> Self:
        message = super().__new__(cls, text)
        message.code = str(code)
        message.params = {name: str(value) for name, value in params.items()}
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, str(self), dict(self.params)))


def _rebuild(code: str, text: str, params: dict[str, str]) -> Message:
    return Message(code, text, **params)


def coded(text: str) -> dict[str, Any]:
    """``code`` and ``params`` of a :class:`Message` as JSON members (empty for plain text),
    to store beside the text so a page can translate it later."""
    if isinstance(text, Message):
        return {"code": text.code, "params": dict(text.params)}
    return {}


def message_of(error: BaseException) -> str:
    """The message an exception was raised with: the :class:`Message` itself when it was
    one (``str(error)`` would drop its code), else the exception's text."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, Message) else str(error)


class ResultProblem(StrEnum):
    """What the checks of an achievement request refuse (``qualifications.achievements``)."""

    QUALIFICATION_MISSING = "qualification_missing"
    TITLE_AMBIGUOUS = "title_ambiguous"
    """params: ``value``, ``crebos``"""
    NOT_IN_CATALOG = "not_in_catalog"
    """params: ``value``"""
    VERSION_AMBIGUOUS = "version_ambiguous"
    """params: ``value``"""
    KERNTAKEN_MISSING = "kerntaken_missing"
    """params: ``dossier``"""
    CODES_MISSING = "codes_missing"
    CODE_NOT_IN_QUALIFICATION = "code_not_in_qualification"
    """params: ``code``, ``title``, ``dossier``, ``version``"""
    KEUZEDEEL_UNKNOWN = "keuzedeel_unknown"
    """params: ``code``"""
    SUBJECT_UNKNOWN = "subject_unknown"
    """params: ``value``, ``choices``"""
    CERTIFICATE_UNKNOWN = "certificate_unknown"
    """params: ``code``"""
    LEERBEDRIJF_MISSING = "leerbedrijf_missing"
    EXAMENCOMMISSIE_MISSING = "examencommissie_missing"
    TITLE_MISSING = "title_missing"
    LEERUITKOMSTEN_MISSING = "leeruitkomsten_missing"
    MAPPED_BY_MISSING = "mapped_by_missing"
    NO_GRADE = "no_grade"
    """params: ``kind`` (the Dutch name, lower case)"""
    NOT_A_DATE = "not_a_date"
    """params: ``value``"""
    PERIOD_REVERSED = "period_reversed"
    DATE_ACHIEVED_INVALID = "date_achieved_invalid"
    DATE_ACHIEVED_FUTURE = "date_achieved_future"
    DATE_ACHIEVED_TOO_OLD = "date_achieved_too_old"
    DECISION_DATE_MISSING = "decision_date_missing"
    """a diploma without the date of the examencommissie's decision"""
    DECISION_DATE_INVALID = "decision_date_invalid"
    """params: ``value``"""
    DECISION_DATE_FUTURE = "decision_date_future"
    """params: ``value`` (the decision date, YYYY-MM-DD)"""
    DECISION_DATE_TOO_OLD = "decision_date_too_old"
    """params: ``value`` (the decision date, YYYY-MM-DD)"""

"""The stable codes of what the results-file reader and the batch checks refuse.

Each problem is a :class:`qualifications.messages.Message`: the English sentence (kept in
the batch rows and answered by the API) with a :class:`BatchProblem` code and its
parameters beside it. The staff pages word it by code from the ``probleem:<code>`` keys of
``issuer/translations/*_batches.json``; the achievement checks bring their own codes
(:class:`qualifications.messages.ResultProblem`) in the same catalogs.

    >>> problem(BatchProblem.SAME_RESULT, "the same result as row 3", row=3).params
    {'row': '3'}
"""

from __future__ import annotations

from enum import StrEnum

from qualifications.messages import Message

__all__ = ["BatchProblem", "problem"]


class BatchProblem(StrEnum):
    """What is wrong with a results file, one of its rows, or a row's result."""

    # the file as a whole
    FILE_EMPTY = "file_empty"
    UNREADABLE = "unreadable"
    NOT_UTF8 = "not_utf8"
    """params: ``byte`` (its offset)"""
    NOT_UTF16 = "not_utf16"
    WORKBOOK = "workbook"
    NUL_BYTES = "nul_bytes"
    NOT_TEXT = "not_text"
    READ_AS_WINDOWS_1252 = "read_as_windows_1252"
    NO_HEADER = "no_header"
    NO_DATA_ROWS = "no_data_rows"
    UNKNOWN_COLUMN = "unknown_column"
    """params: ``column``"""
    COLUMN_TWICE = "column_twice"
    """params: ``column``"""
    COLUMNS_MISSING = "columns_missing"
    """params: ``columns`` (comma separated)"""
    TOO_MANY_ROWS = "too_many_rows"
    """params: ``max`` (written with a thousands dot)"""
    INVALID_CSV = "invalid_csv"
    """params: ``reason`` (the csv module's, English)"""
    # one row
    CELL_COUNT = "cell_count"
    """params: ``cells``, ``header``, ``separator``"""
    CELL_NOT_A_DATE = "cell_not_a_date"
    """params: ``value``"""
    TOO_LONG = "too_long"
    """params: ``max``"""
    NOT_AN_EMAIL = "not_an_email"
    """params: ``value``"""
    KIND_UNKNOWN = "kind_unknown"
    """params: ``value``, ``choices``"""
    KIND_MISSING = "kind_missing"
    """params: ``choices``"""
    STUDENT_NAME_MISSING = "student_name_missing"
    REFERENCE_MISSING = "reference_missing"
    VALID_UNTIL_BEFORE_START = "valid_until_before_start"
    KIND_NOT_ISSUED = "kind_not_issued"
    """params: ``organisation_kind``, ``kind``"""
    # a row's result against what was issued
    SAME_RESULT = "same_result"
    """params: ``row`` (the first row with this result)"""
    CHANGED_SINCE_PREVIEW = "changed_since_preview"
    """params: ``credential``"""
    ISSUED_DIFFERENTLY = "issued_differently"
    """params: ``reference``"""
    DIPLOMA_WAITING_WITH_OTHER_CONTENT = "diploma_waiting_with_other_content"
    """a diploma with this reference waits for the examencommissie with other content"""
    # the worker
    GAVE_UP = "gave_up"
    """params: ``attempts`` (how often the row was tried)"""
    ROW_FAILED_ALONE = "row_failed_alone"
    """params: ``error`` (the exception's type name; its text stays in the log)"""


def problem(code: BatchProblem, text: str, /, **params: object) -> Message:
    """The English ``text`` with ``code`` and ``params`` attached."""
    return Message(code, text, **params)

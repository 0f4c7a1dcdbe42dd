"""XML Schema ``dateTimeStamp`` values as VC 2.0 and Data Integrity use them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["format_datetime", "parse_datetime_stamp"]

# XMLSCHEMA11-2 dateTimeStamp: a dateTime with a mandatory time-zone offset.
_DATETIME_STAMP = re.compile(
    r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"
    r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))"
)


def parse_datetime_stamp(value: object) -> datetime | None:
    """The aware datetime for a valid dateTimeStamp string, else None."""
    if not isinstance(value, str) or not _DATETIME_STAMP.fullmatch(value):
        return None
    text = value.replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def format_datetime(moment: datetime) -> str:
    """UTC ``YYYY-MM-DDThh:mm:ssZ`` (seconds precision), the form we write."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")

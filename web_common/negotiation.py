"""Proactive content negotiation on ``Accept`` (RFC 9110 §12.5.1), pure.

>>> negotiate("application/ld+json", ["application/vc", "application/ld+json"])
'application/ld+json'
>>> negotiate(None, ["application/vc", "application/json"])
'application/vc'
>>> negotiate("text/html", ["application/vc"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["negotiate"]

_MAX_RANGES = 64


def _ranges(accept: str) -> list[tuple[str, float, int]]:
    """(media range, q, position) for each well-formed range; bad ones are ignored."""
    ranges = []
    for position, part in enumerate(accept.split(",")[:_MAX_RANGES]):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        if media.count("/") != 1 or not all(media.split("/")):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                q = q if 0.0 <= q <= 1.0 else 0.0
        ranges.append((media, q, position))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float, int]]) -> float:
    """The q of the most specific range matching ``offer`` (-1 when none matches)."""
    kind = offer.split("/")[0]
    best: tuple[int, float] = (-1, -1.0)
    for media, q, _ in ranges:
        if media == offer:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The entry of ``offered`` (lower-case media types, preferred first) to serve for
    ``accept``: the highest q, ties going to the earlier offer. No or an empty ``Accept``
    gets the first offer; None when every offer is unacceptable (answer 406)."""
    if not offered:
        return None
    ranges = _ranges(accept or "")
    if not ranges:
        return offered[0]
    scored = [(_quality(offer, ranges), -index, offer) for index, offer in enumerate(offered)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else None

"""Dependencies every service shares: one unit of work per request, and the clock.

A service's ``create_app`` puts ``sessions`` (a sessionmaker) and ``clock`` on
``app.state``; routes state their needs as ``uow: UowDep, now: NowDep``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request

from .db import UnitOfWork

__all__ = ["MAX_ROW_ID", "NowDep", "RowId", "UowDep", "get_now", "get_uow"]


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    with UnitOfWork(request.app.state.sessions) as uow:
        yield uow


# ``scope="function"``: the unit of work ends (rolled back unless the route committed, in the
# threadpool) as soon as the route has returned, before the response is sent; a client that
# has its answer never meets a transaction or row lock of that request still open.


async def get_now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


UowDep = Annotated[UnitOfWork, Depends(get_uow, scope="function")]
NowDep = Annotated[datetime, Depends(get_now)]

# Row ids are ``INTEGER`` columns (32-bit signed on PostgreSQL); a larger number in a path can
# name no row, and handing it to the database driver would be an overflow (HTTP 500).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]

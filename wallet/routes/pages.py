"""The wallet's pages (collected from the page modules)."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    pages_account,
    pages_auth,
    pages_passport,
    pages_receive,
    pages_respond,
    pages_shares,
)

__all__ = ["routers"]


def routers() -> list[APIRouter]:
    return [
        pages_auth.router,
        pages_passport.router,
        pages_receive.router,
        pages_shares.router,
        pages_respond.router,
        pages_account.router,
    ]

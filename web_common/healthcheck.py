"""The container healthcheck: ``python -m web_common.healthcheck URL`` or
``python -m web_common.healthcheck --database VARIABLE``.

docker-compose.yml runs it in the service's own image (no curl or wget there). Its arguments
carry no spaces or quotes on purpose: podman-compose before 1.1 joins a healthcheck's
arguments into a shell line without quoting them, so ``python -c "..."`` breaks there.

- ``URL``: healthy when a GET answers 2xx within 4 seconds (``/readyz`` of the service);
- ``--database VARIABLE``: healthy when the database named by the environment variable
  (e.g. ``ISSUER_DATABASE_URL``, for a worker that serves no http) answers ``SELECT 1``.

Exit status 0 when healthy, 1 otherwise, with the reason on standard error (never the
database URL: it may hold a password).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

__all__ = ["check", "main"]

TIMEOUT_SECONDS = 4.0


def check(args: Sequence[str]) -> str | None:
    """``None`` when healthy, else why not."""
    if len(args) == 2 and args[0] == "--database":
        url = os.environ.get(args[1], "")
        if not url:
            return f"{args[1]} is not set"
        from .db import check_database, make_engine

        engine = make_engine(url)
        try:
            check_database(engine)
        except Exception as exc:  # any failure is "unhealthy", told by its kind only
            return f"the database does not answer ({type(exc).__name__})"
        finally:
            engine.dispose()
        return None
    if len(args) == 1 and args[0].startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(args[0], timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - the operator's own URL
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            return f"{args[0]} answered {exc.code}"
        except (OSError, ValueError) as exc:
            return f"{args[0]} did not answer ({exc})"
        return None if 200 <= status < 300 else f"{args[0]} answered {status}"
    return "usage: python -m web_common.healthcheck URL | --database VARIABLE"


def main(argv: Sequence[str] | None = None) -> int:
    problem = check(list(sys.argv[1:] if argv is None else argv))
    if problem:
        sys.stderr.write(problem + "\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

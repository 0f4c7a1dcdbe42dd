"""Command line of the issuer service.

    python -m issuer worker [--database-url URL] [--until-idle]

Settings come from ``ISSUER_*`` environment variables (see ``issuer/settings.py``).
"""

from __future__ import annotations

import typer

from web_common.settings import run_command_line

from .admin_cli import register
from .worker import worker
from .x509_cli import register_x509

__all__ = ["app", "main"]

app = typer.Typer(help="mbo-wallet issuer.", no_args_is_help=True, add_completion=False)
app.command("worker")(worker)
register(app)  # migrate, serve, create-organisation, create-admin, create-token
register_x509(app)  # dev-ca, import-certificate


@app.callback()
def _root() -> None:
    """Commands of the issuer service (batch workers, administration)."""


def main() -> None:
    run_command_line(app, "ISSUER_")

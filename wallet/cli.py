"""Command line of the wallet service.

    python -m wallet migrate
    python -m wallet serve --port 8002

Settings come from ``WALLET_*`` environment variables (see ``wallet/settings.py``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from web_common.migrations import upgrade

from .settings import WalletSettings

__all__ = ["app", "main"]

app = typer.Typer(help="mbo-wallet wallet.", no_args_is_help=True, add_completion=False)


@app.command("migrate")
def migrate() -> None:
    """Bring the database to the newest schema."""
    upgrade("wallet", WalletSettings().database_url)
    typer.echo("wallet database is up to date")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8002,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate")] = True,
) -> None:
    """Run the wallet with uvicorn."""
    import uvicorn

    from .app import create_app

    settings = WalletSettings()
    if migrate_first:
        upgrade("wallet", settings.database_url)
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)


def main() -> None:
    app()

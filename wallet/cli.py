"""Command line of the wallet service.

    python -m wallet migrate
    python -m wallet serve --port 8002
    python -m wallet create-account --email sanne@example.nl --name "Sanne de Vries"

Settings come from ``WALLET_*`` environment variables (see ``wallet/settings.py``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from web_common.migrations import upgrade
from web_common.settings import run_command_line

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
    ssl_keyfile: Annotated[
        str | None, typer.Option(help="private key (PEM) to serve https with")
    ] = None,
    ssl_certfile: Annotated[
        str | None, typer.Option(help="certificate chain (PEM) to serve https with")
    ] = None,
) -> None:
    """Run the wallet with uvicorn (https with --ssl-keyfile and --ssl-certfile, or the
    WALLET_SSL_KEYFILE / WALLET_SSL_CERTFILE settings)."""
    from web_common.service import run_server, tls_files

    from .app import create_app

    settings = WalletSettings()
    try:
        tls = tls_files(settings, ssl_keyfile, ssl_certfile)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if migrate_first:
        upgrade("wallet", settings.database_url)
    run_server(
        create_app(settings),
        host=host,
        port=port,
        tls=tls,
        head_timeout=settings.header_read_timeout_seconds,
    )


@app.command("create-account")
def create_account(
    email: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create an account with its holder key (for demos and support; people register on the
    page)."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import IntegrityError

    from web_common.db import UnitOfWork, make_engine, make_session_factory

    from .services import accounts
    from .services.errors import WalletError

    settings = WalletSettings()
    box = settings.secret_box()
    engine = make_engine(settings.database_url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            account = accounts.register(
                uow, email=email, name=name, password=password, box=box, now=datetime.now(UTC)
            )
            did = accounts.holder_key(uow, account.id, box).did_key
            uow.commit()
    except (WalletError, IntegrityError) as exc:
        typer.echo(f"cannot create the account: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(f"account {account.email} created; holder {did}")


def main() -> None:
    run_command_line(app, "WALLET_")

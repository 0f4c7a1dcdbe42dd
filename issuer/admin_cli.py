"""Operator commands of the issuer (registered on ``python -m issuer``).

    python -m issuer migrate
    python -m issuer create-organisation --slug roc-midden --name "ROC Midden Nederland" \
        --kind school --identifier 25PZ            (--did-method key for a did:key issuer)
    python -m issuer create-admin --organisation roc-midden --email anna@rocmn.nl \
        --name "Anna de Beheerder"            (asks for the password)
    python -m issuer create-token --organisation roc-midden --name sis \
        --scope credentials:issue             (prints the token once)
    python -m issuer serve --port 8001

Settings come from ``ISSUER_*`` environment variables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.migrations import upgrade

from .services.errors import ConflictError, IssuanceError, NotFoundError
from .services.organisations import create_organisation, get_organisation
from .services.setup_code import setup_code
from .services.staff import ROLES, create_staff
from .services.tokens import create_api_token
from .settings import IssuerSettings

__all__ = ["register"]


def _uow(settings: IssuerSettings) -> UnitOfWork:
    return UnitOfWork(make_session_factory(make_engine(settings.database_url)))


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


def migrate() -> None:
    """Bring the database to the newest schema."""
    upgrade("issuer", IssuerSettings().database_url)
    typer.echo("issuer database is up to date")


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8001,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate")] = True,
    ssl_keyfile: Annotated[
        str | None, typer.Option(help="private key (PEM) to serve https with")
    ] = None,
    ssl_certfile: Annotated[
        str | None, typer.Option(help="certificate chain (PEM) to serve https with")
    ] = None,
) -> None:
    """Run the issuer with uvicorn (https with --ssl-keyfile and --ssl-certfile, or the
    ISSUER_SSL_KEYFILE / ISSUER_SSL_CERTFILE settings)."""
    from web_common.service import run_server, tls_files

    from .app import create_app

    settings = IssuerSettings()
    try:
        tls = tls_files(settings, ssl_keyfile, ssl_certfile)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if migrate_first:
        upgrade("issuer", settings.database_url)
    run_server(
        create_app(settings),
        host=host,
        port=port,
        tls=tls,
        head_timeout=settings.header_read_timeout_seconds,
    )


def create_organisation_command(
    slug: Annotated[str, typer.Option(help="short name in web addresses, e.g. roc-midden")],
    name: Annotated[str, typer.Option(help="name as shown on credentials")],
    kind: Annotated[str, typer.Option(help="school, leerbedrijf, evc_provider, …")] = "school",
    identifier: Annotated[str, typer.Option(help="BRIN or KvK number")] = "",
    did_method: Annotated[
        str,
        typer.Option(
            help="web (did:web, served here; default) or key (did:key: development, tests, "
            "conformance suites; its key cannot rotate)"
        ),
    ] = "web",
) -> None:
    """Create an issuing organisation with its first signing key."""
    settings = IssuerSettings()
    box = settings.secret_box()
    with _uow(settings) as uow:
        try:
            org = create_organisation(
                uow,
                slug=slug,
                name=name,
                kind=kind,
                identifier=identifier or None,
                public_base_url=settings.public_base_url,
                box=box,
                now=datetime.now(UTC),
                actor="cli",
                did_method=did_method,
            )
        except (IssuanceError, ConflictError) as exc:
            raise _fail(f"cannot create the organisation: {exc}") from None
        uow.commit()
        typer.echo(f"created {org.slug}: {org.did}")


def create_admin(
    organisation: Annotated[str, typer.Option(help="organisation slug")],
    email: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option(help=" | ".join(ROLES))] = "admin",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create a staff account (an admin unless --role says otherwise)."""
    settings = IssuerSettings()
    with _uow(settings) as uow:
        try:
            org = get_organisation(uow, organisation)
            create_staff(
                uow,
                org,
                email=email,
                name=name,
                role=role,
                password=password,
                now=datetime.now(UTC),
                actor="cli",
            )
        except NotFoundError as exc:
            raise _fail(str(exc)) from None
        except IssuanceError as exc:
            raise _fail(
                "; ".join(f"{field}: {message}" for field, message in exc.problems)
            ) from None
        uow.commit()
    typer.echo(f"{email} can log in as {role}")


def create_token(
    organisation: Annotated[str, typer.Option(help="organisation slug")],
    name: Annotated[str, typer.Option(help="what the token is for")],
    scope: Annotated[list[str], typer.Option(help="credentials:issue and/or credentials:status")],
) -> None:
    """Create an API token for a system; it is printed once."""
    settings = IssuerSettings()
    with _uow(settings) as uow:
        try:
            org = get_organisation(uow, organisation)
            token = create_api_token(
                uow, org, name=name, scopes=scope, now=datetime.now(UTC), actor="cli"
            )
        except (NotFoundError, IssuanceError) as exc:
            raise _fail(str(exc)) from None
        uow.commit()
    typer.echo(token)


def setup_code_command() -> None:
    """Print the code that opens first-run setup at /setup (only the operator can see it)."""
    settings = IssuerSettings()
    configured = settings.setup_code.get_secret_value() if settings.setup_code else None
    typer.echo(setup_code(settings.secret_key.get_secret_value(), configured))


def register(app: typer.Typer) -> None:
    """Add the operator commands to the issuer's command line."""
    app.command("migrate")(migrate)
    app.command("serve")(serve)
    app.command("create-organisation")(create_organisation_command)
    app.command("create-admin")(create_admin)
    app.command("create-token")(create_token)
    app.command("setup-code")(setup_code_command)

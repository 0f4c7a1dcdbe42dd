"""Operator commands: ``python -m verifier migrate | serve | trust …``.

python -m verifier migrate
python -m verifier trust import trusted-issuers.json [--replace]
python -m verifier trust list
python -m verifier trust accreditations register.csv
python -m verifier serve --port 8003
python -m verifier hash-password      # then set VERIFIER_ADMIN_PASSWORD_HASH to what it prints
python -m verifier dev-cert [--out-dir var/verifier-cert] [--host verifier.example]
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from web_common.db import UnitOfWork, make_engine, make_session_factory
from web_common.migrations import upgrade

from .services.trust import (
    TrustListError,
    export_trust_list,
    import_accreditations,
    import_trust_list,
    list_trusted,
    parse_accreditations_csv,
    remove_trusted_issuer,
)
from .settings import VerifierSettings

app = typer.Typer(help="The mbo-wallet verifier service.", no_args_is_help=True,
                  add_completion=False)  # fmt: skip
trust = typer.Typer(help="The list of recognised issuers.", no_args_is_help=True)
app.add_typer(trust, name="trust")
out = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False, soft_wrap=True)


def _uow(settings: VerifierSettings) -> UnitOfWork:
    return UnitOfWork(make_session_factory(make_engine(settings.database_url)))


@app.command()
def migrate() -> None:
    """Bring the database to the newest schema."""
    settings = VerifierSettings()
    upgrade("verifier", settings.database_url)
    out.print("verifier database is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8003,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate")] = True,
    ssl_keyfile: Annotated[
        str | None, typer.Option(help="private key (PEM) to serve https with")
    ] = None,
    ssl_certfile: Annotated[
        str | None, typer.Option(help="certificate chain (PEM) to serve https with")
    ] = None,
) -> None:
    """Run the verifier with uvicorn (https with --ssl-keyfile and --ssl-certfile, or the
    VERIFIER_SSL_KEYFILE / VERIFIER_SSL_CERTFILE settings)."""
    from web_common.service import run_server, tls_files

    from .app import create_app

    settings = VerifierSettings()
    try:
        tls = tls_files(settings, ssl_keyfile, ssl_certfile)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if migrate_first:
        upgrade("verifier", settings.database_url)
    run_server(
        create_app(settings),
        host=host,
        port=port,
        tls=tls,
        head_timeout=settings.header_read_timeout_seconds,
    )


@app.command("hash-password")
def hash_password_command(
    password: Annotated[
        str | None,
        typer.Option(help="read from stdin when not given (avoid shell history)", hidden=True),
    ] = None,
) -> None:
    """Make the Argon2id hash for VERIFIER_ADMIN_PASSWORD_HASH (the trust list login).

    Asks for the password twice; prints only the hash. Set it in the environment, e.g.
    ``VERIFIER_ADMIN_PASSWORD_HASH='$argon2id$v=19$...'`` (quote it: it contains ``$``).
    """
    from .services.admin import MIN_PASSWORD_LENGTH, hash_password

    if password is None:
        if sys.stdin.isatty():
            password = typer.prompt("Admin password", hide_input=True,
                                    confirmation_prompt=True)  # fmt: skip
        else:
            password = sys.stdin.readline().rstrip("\n")
    try:
        hashed = hash_password(password)
    except ValueError:
        err.print(f"[red]Use at least {MIN_PASSWORD_LENGTH} characters.[/]")
        raise typer.Exit(1) from None
    sys.stdout.write(hashed + "\n")


@app.command("dev-cert")
def dev_cert(
    out_dir: Annotated[Path, typer.Option(help="where to write key.pem, chain.pem, root.pem")] = (
        Path("var") / "verifier-cert"
    ),
    host: Annotated[
        str | None, typer.Option(help="the verifier's host (default: from PUBLIC_BASE_URL)")
    ] = None,
) -> None:
    """Make a DEVELOPMENT certificate for signing OpenID4VP requests (a dev root CA and a
    P-256 leaf with SAN dNSName = the host). Never for production: wallets do not trust it.
    Then set VERIFIER_REQUEST_SIGNING_KEY_FILE and VERIFIER_REQUEST_CERTIFICATE_FILE."""
    from .services.request_signing import verifier_host, write_dev_certificate

    name = host or verifier_host(VerifierSettings().public_base_url)
    files = write_dev_certificate(out_dir, name)
    out.print(f"request signing certificate for {name}: {files.chain} (key {files.key})")
    out.print(f"trust anchor for test wallets: {files.root}")
    out.print(f"client_id: {files.client_id}")
    out.print(f"VERIFIER_REQUEST_SIGNING_KEY_FILE={files.key}")
    out.print(f"VERIFIER_REQUEST_CERTIFICATE_FILE={files.chain}")


@trust.command("import")
def trust_import(
    file: Annotated[Path, typer.Argument(help="trust list JSON file")],
    replace: Annotated[bool, typer.Option(help="replace the whole list")] = False,
) -> None:
    """Add the issuers in a trust list file (``{"issuers": [...]}``)."""
    settings = VerifierSettings()
    try:
        data = file.read_bytes()
    except OSError as exc:
        err.print(f"[red]Cannot read {file}:[/] {exc}")
        raise typer.Exit(2) from None
    with _uow(settings) as uow:
        try:
            count = import_trust_list(
                uow, data, source=f"file:{file.name}", now=datetime.now(UTC), replace=replace
            )
        except TrustListError as exc:
            err.print(f"[red]{file} is not a valid trust list:[/] {exc}")
            raise typer.Exit(1) from None
        uow.commit()
    out.print(f"{count} issuer(s) imported")


@trust.command("accreditations")
def trust_accreditations(
    file: Annotated[Path, typer.Argument(help="register CSV: did, crebo|dossier|domein, ...")],
) -> None:
    """Set which crebos, dossiers or domains issuers on the list may award (docs/trust-list.md).

    Replaces the accreditations of every DID the file names; others are left alone.
    """
    try:
        data = file.read_bytes()
    except OSError as exc:
        err.print(f"[red]Cannot read {file}:[/] {exc}")
        raise typer.Exit(2) from None
    with _uow(VerifierSettings()) as uow:
        try:
            count = import_accreditations(uow, parse_accreditations_csv(data))
        except TrustListError as exc:
            err.print(f"[red]{file} is not a valid accreditation list:[/] {exc}")
            raise typer.Exit(1) from None
        uow.commit()
    out.print(f"{count} accreditation(s) imported")


@trust.command("export")
def trust_export() -> None:
    """Print the trust list as a file another verifier can import."""
    with _uow(VerifierSettings()) as uow:
        sys.stdout.write(json.dumps(export_trust_list(uow), indent=2, ensure_ascii=False) + "\n")


@trust.command("list")
def trust_list() -> None:
    """Show the recognised issuers."""
    with _uow(VerifierSettings()) as uow:
        entries = list_trusted(uow)
    table = Table("name", "kind", "may issue", "accredited for", "DID")
    for entry in entries.values():
        accredited = ", ".join(f"{a.scope} {a.code}" for a in entry.accreditations) or "-"
        table.add_row(
            entry.name, entry.kind, ", ".join(entry.credential_types), accredited, entry.did
        )
    out.print(table)


@trust.command("add")
def trust_add(
    did: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option()],
    kind: Annotated[str, typer.Option()] = "school",
    types: Annotated[str, typer.Option(help="comma-separated VC types, or *")] = "*",
) -> None:
    """Recognise one issuer."""
    with _uow(VerifierSettings()) as uow:
        raw = {"did": did, "name": name, "kind": kind,
               "credentialTypes": [t.strip() for t in types.split(",") if t.strip()]}  # fmt: skip
        try:
            import_trust_list(uow, json.dumps({"issuers": [raw]}), source="cli",
                              now=datetime.now(UTC))  # fmt: skip
        except TrustListError as exc:
            err.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from None
        uow.commit()
    out.print(f"recognised {name}")


@trust.command("remove")
def trust_remove(did: Annotated[str, typer.Argument()]) -> None:
    """Stop recognising an issuer."""
    with _uow(VerifierSettings()) as uow:
        removed = remove_trusted_issuer(uow, did)
        uow.commit()
    if not removed:
        err.print(f"{did} was not on the list")
        raise typer.Exit(1)
    out.print("removed")


__all__ = ["app"]

"""Operator commands for X.509 issuer keys (registered on ``python -m issuer``).

    python -m issuer dev-ca --organisation roc-midden [--anchor-out var/dev-ca/roc-midden.pem]
    python -m issuer import-certificate --organisation roc-midden \
        --chain chain.pem --key key.pem [--purpose status_list]

``dev-ca`` makes a development root with a credential signer and a status list signer under
it and writes the root (the trust anchor for verifiers and wallets) to ``--anchor-out``;
``import-certificate`` installs a chain (leaf first, no root) a school got from its CA.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from .admin_cli import _uow
from .services.errors import IssuanceError, NotFoundError
from .services.offers import credential_issuer_id
from .services.organisations import get_organisation
from .services.x509_keys import CREDENTIAL, PURPOSES, create_dev_chain, import_chain
from .settings import IssuerSettings

__all__ = ["register_x509"]


def _problems(exc: IssuanceError) -> str:
    return "; ".join(f"{field}: {message}" for field, message in exc.problems)


def dev_ca(
    organisation: Annotated[str, typer.Option(help="organisation slug")],
    anchor_out: Annotated[
        Path | None, typer.Option(help="where to write the root certificate (PEM)")
    ] = None,
) -> None:
    """Make a DEVELOPMENT certificate chain (root -> credential signer, status list signer)
    for an organisation. Never for production: wallets do not trust this root."""
    settings = IssuerSettings()
    target = anchor_out or Path("var") / "dev-ca" / f"{organisation}-root.pem"
    with _uow(settings) as uow:
        try:
            org = get_organisation(uow, organisation)
            root = create_dev_chain(
                uow, org, settings.secret_box(), now=datetime.now(UTC), actor="cli",
                issuer_id=credential_issuer_id(settings.public_base_url, org),
            )  # fmt: skip
        except NotFoundError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(root.pem)
        uow.commit()
    typer.echo(f"{organisation}: development certificates installed; trust anchor in {target}")


def import_certificate(
    organisation: Annotated[str, typer.Option(help="organisation slug")],
    chain: Annotated[Path, typer.Option(help="certificate chain (PEM, leaf first, no root)")],
    key: Annotated[Path, typer.Option(help="the leaf's P-256 private key (PEM)")],
    purpose: Annotated[str, typer.Option(help=" | ".join(PURPOSES))] = CREDENTIAL,
    key_password: Annotated[
        str | None, typer.Option(envvar="ISSUER_IMPORT_KEY_PASSWORD", hide_input=True)
    ] = None,
) -> None:
    """Install a certificate chain a school got from its CA, with its private key."""
    settings = IssuerSettings()
    try:
        chain_pem, key_pem = chain.read_bytes(), key.read_bytes()
    except OSError as exc:
        typer.echo(f"cannot read: {exc}", err=True)
        raise typer.Exit(1) from None
    with _uow(settings) as uow:
        try:
            org = get_organisation(uow, organisation)
            row = import_chain(
                uow, org, settings.secret_box(), purpose=purpose, chain_pem=chain_pem,
                key_pem=key_pem,
                key_password=key_password.encode("utf-8") if key_password else None,
                now=datetime.now(UTC), actor="cli",
            )  # fmt: skip
        except NotFoundError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        except IssuanceError as exc:
            typer.echo(_problems(exc), err=True)
            raise typer.Exit(1) from None
        uow.commit()
    typer.echo(f"{organisation}: {purpose} certificate installed (valid until {row.not_after})")


def register_x509(app: typer.Typer) -> None:
    app.command("dev-ca")(dev_ca)
    app.command("import-certificate")(import_certificate)

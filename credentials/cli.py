"""Command line for the credential engine: ``python -m credentials keygen | sign | verify | demo``.

python -m credentials keygen --out issuer-key.json
python -m credentials sign credential.json --key issuer-key.json > signed.json
python -m credentials verify signed.json
python -m credentials verify --contexts ../shared/vectors/contexts signedDataInt.json
python -m credentials demo
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .canonicalization import use_operator_contexts
from .contexts import load_context_dir
from .data_integrity import add_proof
from .did import StaticDidResolver
from .errors import CredentialsError, DocumentLoaderError, KeyFormatError
from .examples import mbo_certificaat
from .keys import Ed25519KeyPair
from .results import Outcome, VerificationResult
from .status_list import StatusList, build_status_entry, build_status_list_credential
from .timestamps import format_datetime
from .verification import verify_credential

app = typer.Typer(
    help="Sign and verify W3C Verifiable Credentials (eddsa-rdfc-2022, did:key).",
    no_args_is_help=True,
    add_completion=False,
)
out = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False, soft_wrap=True)

_MARK = {
    Outcome.PASSED: "[green]✔ passed[/]",
    Outcome.FAILED: "[red]✘ failed[/]",
    Outcome.WARNING: "[yellow]! warning[/]",
    Outcome.SKIPPED: "[dim]– skipped[/]",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        err.print(f"[red]No such file:[/] {path}")
        raise typer.Exit(2) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        err.print(f"[red]{path} is not valid JSON:[/] {exc}")
        raise typer.Exit(2) from None


def _load_key(path: Path) -> Ed25519KeyPair:
    data = _load_json(path)
    try:
        return Ed25519KeyPair.from_multibase(str(data["secretKeyMultibase"]))
    except (KeyError, TypeError, KeyFormatError) as exc:
        err.print(f"[red]{path} is not a key file made by 'keygen':[/] {exc}")
        raise typer.Exit(2) from None


def _key_file_content(key: Ed25519KeyPair) -> dict[str, str]:
    return {
        "id": key.did_key,
        "verificationMethod": key.did_key_verification_method,
        "publicKeyMultibase": key.public_multibase,
        "secretKeyMultibase": key.secret_multibase,
    }


@app.command()
def keygen(
    out_file: Annotated[
        Path, typer.Option("--out", help="where to write the key (created with mode 0600)")
    ],
) -> None:
    """Create an Ed25519 key and its did:key. The secret goes only to the file."""
    key = Ed25519KeyPair.generate()
    content = json.dumps(_key_file_content(key), indent=2) + "\n"
    try:
        fd = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        err.print(f"[red]{out_file} exists; refusing to overwrite a key[/]")
        raise typer.Exit(2) from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    out.print(f"did:key  {key.did_key}")
    out.print(f"key file {out_file} (keep it secret)")


@app.command()
def sign(
    credential_file: Annotated[Path, typer.Argument(help="unsigned credential (JSON-LD)")],
    key_file: Annotated[Path, typer.Option("--key", help="key file from 'keygen'")],
) -> None:
    """Add an eddsa-rdfc-2022 proof and print the signed credential."""
    credential = _load_json(credential_file)
    key = _load_key(key_file)
    try:
        signed = add_proof(
            credential, key, key.did_key_verification_method, created=format_datetime(_now())
        )
    except CredentialsError as exc:
        err.print(f"[red]Cannot sign:[/] {exc}")
        raise typer.Exit(1) from None
    sys.stdout.write(json.dumps(signed, indent=2, ensure_ascii=False) + "\n")


def _print_result(result: VerificationResult, title: str) -> None:
    table = Table(title=title, show_lines=False)
    table.add_column("check")
    table.add_column("result")
    table.add_column("why")
    for check in result.checks:
        table.add_row(check.name, _MARK[check.outcome], escape(check.detail))
    out.print(table)
    colour = {"valid": "green", "warning": "yellow", "invalid": "red"}[result.verdict.value]
    out.print(f"verdict: [bold {colour}]{result.verdict.value}[/]")


def _use_contexts(directory: Path) -> None:
    """Serve the JSON-LD contexts of ``directory`` beside the bundled ones (never fetched)."""
    try:
        documents, raw = load_context_dir(directory, require_pins=False)
    except DocumentLoaderError as exc:
        err.print(f"[red]Cannot use the contexts in {directory}:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    use_operator_contexts(documents, raw)
    for url, content in sorted(raw.items()):
        err.print(f"context {url} sha256 {hashlib.sha256(content).hexdigest()}")


@app.command()
def verify(
    credential_file: Annotated[
        Path, typer.Argument(help="signed credential (JSON-LD, or a file holding a vc+jwt)")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    contexts: Annotated[
        Path | None,
        typer.Option(
            "--contexts",
            help="a folder of extra JSON-LD contexts: manifest.json (pinned by SHA-256) or "
            "contexts.map.json (URL to file); nothing is fetched",
        ),
    ] = None,
) -> None:
    """Verify a credential (did:key issuers) and show every check. Exit 1 when invalid."""
    if contexts is not None:
        _use_contexts(contexts)
    credential = _load_json(credential_file)
    result = verify_credential(credential, resolver=StaticDidResolver(), now=_now())
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        _print_result(result, str(credential_file))
    raise typer.Exit(0 if result.verified else 1)


@app.command()
def demo() -> None:
    """Issue an mbo-certificaat, verify it, show what tampering does, then revoke it."""
    school = Ed25519KeyPair.generate()
    student = Ed25519KeyPair.generate()
    now = _now()
    stamp = format_datetime(now)
    list_url = "https://school.example/status/revocation/1"
    index = 1234
    resolver = StaticDidResolver()

    out.rule("1. A school signs an mbo-certificaat")
    out.print(f"school  {school.did_key}\nstudent {student.did_key}")
    credential = mbo_certificaat(
        issuer_id=school.did_key, subject_id=student.did_key, valid_from=stamp
    )
    credential["credentialStatus"] = build_status_entry(
        list_credential_url=list_url, index=index, purpose="revocation"
    )
    signed = add_proof(credential, school, school.did_key_verification_method, created=stamp)
    out.print_json(json.dumps(signed["proof"]))

    def published(bits: StatusList) -> dict[str, Any]:
        unsigned = build_status_list_credential(
            list_id=list_url,
            issuer=school.did_key,
            purpose="revocation",
            encoded_list=bits.encode(),
            valid_from=now,
        )
        return add_proof(unsigned, school, school.did_key_verification_method, created=stamp)

    served = {list_url: published(StatusList.new())}

    def check(document: dict[str, Any], title: str) -> None:
        result = verify_credential(
            document, resolver=resolver, now=now, fetch_status_list=served.__getitem__
        )
        _print_result(result, title)

    out.rule("2. An employer verifies it (signature, issuer, dates, revocation list)")
    check(signed, "genuine")
    out.rule("3. Someone changes one werkproces code")
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["werkprocessen"][0] = "P2-K1-W1"
    check(tampered, "tampered")
    out.rule("4. Someone adds a field no context defines")
    extra = json.loads(json.dumps(signed))
    extra["credentialSubject"]["shoeSize"] = "10"
    check(extra, "undefined term")
    out.rule("5. The school revokes the certificaat")
    served[list_url] = published(StatusList.new().set(index, True))
    check(signed, "revoked")


def main() -> None:
    app()

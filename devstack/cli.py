"""``python -m devstack start``: the three services with demo data; Ctrl-C stops them."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .stack import (
    EXAMENCOMMISSIE,
    LEERBEDRIJF,
    ROOT,
    SCHOOL,
    SERVICES,
    WALLET_ACCOUNT,
    Ports,
    Stack,
    available_services,
    seed,
)

app = typer.Typer(help="Run the whole system locally with demo data.", no_args_is_help=True,
                  add_completion=False)  # fmt: skip
out = Console(emoji=False, highlight=False, soft_wrap=True)


@app.callback()
def _main() -> None:
    """Run the whole system locally with demo data."""


@app.command()
def start(
    data_dir: Annotated[Path, typer.Option(help="where the SQLite databases live")] = ROOT
    / "var"
    / "demo",
    issuer_port: Annotated[int, typer.Option()] = 8001,
    wallet_port: Annotated[int, typer.Option()] = 8002,
    verifier_port: Annotated[int, typer.Option()] = 8003,
    fresh: Annotated[bool, typer.Option(help="delete earlier demo data first")] = False,
) -> None:
    """Start issuer, wallet and verifier on SQLite, seed the demo story, print the logins."""
    if fresh and data_dir.exists():
        for path in data_dir.glob("*"):
            if path.is_file():
                path.unlink()
    stack = Stack(data_dir, Ports(issuer_port, wallet_port, verifier_port))
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    services = available_services()
    missing = [s for s in SERVICES if s not in services]
    out.print(f"Starting {', '.join(services)} (data in {data_dir}) …")
    if missing:
        out.print(f"[yellow]not available in this checkout yet: {', '.join(missing)}[/]")
    try:
        stack.start()
        marker = data_dir / "seeded.json"
        if not marker.exists():
            seeded = seed(stack)
            marker.write_text(json.dumps({"offers": seeded.offers, "wallet": seeded.wallet_ready}))
        summary = json.loads(marker.read_text())
        _print_story(stack, summary["offers"], summary["wallet"], "wallet" in services)
        out.print("ready — press Ctrl-C to stop", style="bold")
        stop.wait()
    finally:
        out.print("stopping …")
        stack.stop()
        out.print("stopped")


def _print_story(
    stack: Stack, offers: list[dict[str, str]], wallet_ready: bool, wallet_running: bool
) -> None:
    out.rule("mbo-wallet demo")
    out.print(f"[bold]School (issuer)[/]   {stack.url('issuer')}/login")
    out.print(f"  {SCHOOL['name']}: {SCHOOL['email']} / {SCHOOL['password']}")
    out.print(f"  {LEERBEDRIJF['name']}: {LEERBEDRIJF['email']} / {LEERBEDRIJF['password']}")
    out.print(
        f"  examencommissie: {EXAMENCOMMISSIE['email']} / {EXAMENCOMMISSIE['password']}"
        " (confirms the demo diploma at /diplomas)"
    )
    if wallet_running:
        out.print(f"[bold]Learner (wallet)[/]  {stack.url('wallet')}/")
        if wallet_ready:
            out.print(f"  {WALLET_ACCOUNT['email']} / {WALLET_ACCOUNT['password']}")
        else:
            out.print("  register a new account on the page")
    out.print(f"[bold]Employer (verifier)[/] {stack.url('verifier')}/")
    out.print("  recognises both organisations; no account needed")
    if offers:
        out.print("[bold]Credential offers for the demo students[/] (paste a link in the wallet)")
        for offer in offers:
            out.print(f"  {offer.get('naam', '')}: code {offer.get('transactiecode', '')}")
            out.print(f"    {offer.get('offer_link', '')}")
    out.rule()

"""README command one, as a user runs it: every service as a real process on SQLite, the demo
story seeded through the services' own commands and APIs, Ctrl-C stops everything."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from devstack.stack import available_services

from ..processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def _port_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_demo_stack_starts_seeds_and_stops(tmp_path: Path) -> None:
    ports = {"issuer": free_port(), "wallet": free_port(), "verifier": free_port()}
    command = [
        sys.executable, "-m", "devstack", "start", "--data-dir", str(tmp_path / "demo"),
        "--issuer-port", str(ports["issuer"]), "--wallet-port", str(ports["wallet"]),
        "--verifier-port", str(ports["verifier"]),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 120
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "ready" in line and "Ctrl-C" in line:
                break
        text = "".join(output)
        assert "ready" in text, text
        running = available_services()
        for service in running:
            health = httpx.get(f"http://localhost:{ports[service]}/readyz", timeout=5)
            assert health.status_code == 200, (service, health.text)
        assert "beheer@roc-midden.example" in text
        # the demo results with offers; the diploma waits for the examencommissie's confirmation
        assert text.count("openid-credential-offer://") == 5
        assert "examencommissie@roc-midden.example" in text
        issuer = f"http://localhost:{ports['issuer']}"
        did = httpx.get(f"{issuer}/roc-midden/did.json").json()["id"]
        offer_line = next(line for line in output if "openid-credential-offer://" in line)
        assert f"localhost%3A{ports['issuer']}" in offer_line
        if "verifier" in running:
            # the school's status list (which the verifier fetches) is live and signed by it
            status = httpx.get(f"{issuer}/roc-midden/status/message/1")
            assert status.status_code == 200
            assert status.json()["issuer"] == did
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            rest, _ = process.communicate()
    assert process.returncode == 0, "".join(output) + (rest or "")
    assert "stopped" in (rest or "")
    assert all(_port_closed(port) for port in ports.values())

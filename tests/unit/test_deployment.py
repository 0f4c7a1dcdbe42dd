"""docker-compose.yml, the Dockerfile and .env.example, checked against the code.

No container engine runs here, so this is a static check: the compose file parses; every
service's command exists in that service's CLI with the options it uses and the port it
publishes; every environment variable is a setting of that service; every variable the
compose file needs is documented in .env.example without a value; the Dockerfile copies every
package and data folder the services need.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Any

import typer.main
import yaml

from issuer.settings import IssuerSettings
from verifier.settings import VerifierSettings
from wallet.settings import WalletSettings
from web_common.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SETTINGS: dict[str, type[ServiceSettings]] = {
    "issuer": IssuerSettings,
    "wallet": WalletSettings,
    "verifier": VerifierSettings,
}


def _app_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in COMPOSE["services"].items() if name != "postgres"}


def test_compose_has_postgres_and_the_three_services() -> None:
    services = COMPOSE["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert "healthcheck" in services["postgres"]
    commands = {s["command"][2] for s in _app_services().values()}
    assert commands == {"issuer", "wallet", "verifier"}
    init = (ROOT / "deploy" / "postgres-init.sql").read_text()
    for database in ("issuer", "wallet", "verifier"):
        assert f"CREATE DATABASE {database};" in init


def test_every_command_exists_with_its_options_and_port() -> None:
    for name, service in _app_services().items():
        command = service["command"]
        assert command[:2] == ["python", "-m"], name
        module, subcommand, args = command[2], command[3], command[4:]
        cli = importlib.import_module(f"{module}.cli")
        group: Any = typer.main.get_command(cli.app)
        assert subcommand in group.commands, f"{name}: {module} has no {subcommand!r} command"
        options = {o for p in group.commands[subcommand].params for o in getattr(p, "opts", [])}
        for arg in args:
            if arg.startswith("--"):
                assert arg in options, f"{name}: {module} {subcommand} has no {arg}"
        if "--port" in args:
            port = args[args.index("--port") + 1]
            assert service["ports"] == [f"{port}:{port}"], name
            assert f"127.0.0.1:{port}/readyz" in " ".join(service["healthcheck"]["test"])


def test_every_environment_variable_is_a_setting() -> None:
    for name, service in _app_services().items():
        module = service["command"][2]
        prefix = module.upper() + "_"
        fields = SETTINGS[module].model_fields
        for variable in service["environment"]:
            assert variable.startswith(prefix), f"{name}: {variable}"
            assert variable.removeprefix(prefix).lower() in fields, f"{name}: {variable}"


def test_env_example_documents_every_variable_without_secrets() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    needed = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", text))
    example = (ROOT / ".env.example").read_text()
    documented = dict(
        line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#")
    )
    assert needed <= set(documented), needed - set(documented)
    for variable, value in documented.items():
        if "SECRET" in variable or "KEYS" in variable or "PASSWORD" in variable:
            assert value == "", f"{variable} must not carry a value in .env.example"


def test_dockerfile_copies_every_package_and_data_folder() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    for folder in [*packages, "schemas", "migrations"]:
        assert f"COPY {folder} ./{folder}" in dockerfile, folder
    assert "USER app" in dockerfile
    assert not re.search(r"(?i)(secret|password|token)\s*=", dockerfile)

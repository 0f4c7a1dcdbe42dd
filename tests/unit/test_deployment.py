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


def _lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """``requirements/NAME.txt`` as {normalised name: (version, hashes)}; every entry pinned."""
    from packaging.utils import canonicalize_name

    entries: dict[str, tuple[str, list[str]]] = {}
    text = (ROOT / "requirements" / f"{name}.txt").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split(" --hash=")
        match = re.fullmatch(r"([A-Za-z0-9._-]+)(?:\[[^]]*\])?==([^ ;]+)\s*(?:;.*)?", requirement)
        assert match, f"{name}.txt: not pinned: {requirement}"
        hashes = [o.strip() for o in options]
        entries[canonicalize_name(match[1])] = (match[2], hashes)
    return entries


def test_the_lock_files_pin_every_dependency_with_hashes() -> None:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _lock("runtime"), _lock("dev")
    build = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())[
        "build-system"]["requires"]]  # fmt: skip
    wanted = {
        "runtime": [Requirement(r) for r in project["dependencies"]] + build,
        "dev": [
            Requirement(r)
            for r in project["dependencies"] + project["optional-dependencies"]["dev"]
        ]
        + build,
    }
    for lock_name, lock in (("runtime", runtime), ("dev", dev)):
        for entry, (_, hashes) in lock.items():
            assert hashes, f"{lock_name}.txt: {entry} has no hash"
            assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), entry
        for requirement in wanted[lock_name]:
            name = canonicalize_name(requirement.name)
            assert name in lock, f"{lock_name}.txt lacks {name} (pyproject.toml names it)"
            assert requirement.specifier.contains(Version(lock[name][0]), prereleases=True), (
                f"{lock_name}.txt pins {name}=={lock[name][0]}, pyproject.toml wants "
                f"{requirement.specifier}: run ./requirements/lock.sh"
            )
            for extra in requirement.extras:  # psycopg[binary] brings psycopg-binary
                assert f"{name}-{extra}" in lock, f"{lock_name}.txt lacks {name}[{extra}]"
    # the tests run on exactly the versions the image installs
    for entry, (version, _) in runtime.items():
        assert dev[entry][0] == version, f"{entry}: runtime.txt {version}, dev.txt {dev[entry][0]}"


def test_the_image_and_the_test_command_install_from_the_lock_only() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements/runtime.txt" in dockerfile
    dev_sh = (ROOT / "dev.sh").read_text()
    assert "pip install -q --require-hashes -r requirements/dev.txt" in dev_sh
    for text in (dockerfile, dev_sh):
        installs = re.findall(r"pip install[^\n]*", text)
        assert installs, "no install step"
        for install in installs:  # anything else adds nothing from the index
            assert "--require-hashes" in install or "--no-deps" in install, install
    assert "./dev.sh test" in (ROOT / ".ci" / "run").read_text()

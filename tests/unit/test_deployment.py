"""docker-compose.yml, the Dockerfile and .env.example, checked against the code.

No container engine runs here, so this is a static check: the compose file parses; every
service's command exists in that service's CLI with the options it uses and the port it
listens on; only the TLS proxy publishes ports, and its Caddyfile forwards each DNS name to
its service; every healthcheck is an exec-form command (no shell: docker compose and
podman-compose run it alike) that exists in its image; every environment variable is a
setting of that service; every variable the compose file needs is documented in .env.example
without a value; the Dockerfile copies every package and data folder the services need; the
lock files pin the whole tree with hashes. tests/integration/test_tls_proxy.py runs the
Caddyfile and the healthcheck commands for real.
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


CADDYFILE = (ROOT / "deploy" / "Caddyfile").read_text()
PORTS = {"issuer": "8001", "wallet": "8002", "verifier": "8003"}


def _app_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in COMPOSE["services"].items() if name not in ("postgres", "proxy")}


def test_compose_has_postgres_and_the_three_services() -> None:
    services = COMPOSE["services"]
    assert services["postgres"]["image"] == "${POSTGRES_IMAGE:-postgres:16}"
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
            assert port == PORTS[module], name
            assert service["expose"] == [port], name
            assert "ports" not in service, f"{name}: only the proxy publishes ports"
            assert f"127.0.0.1:{port}/readyz" in " ".join(service["healthcheck"]["test"])


def test_the_proxy_alone_publishes_and_forwards_each_name_over_tls() -> None:
    services = COMPOSE["services"]
    published = {name for name, s in services.items() if "ports" in s}
    assert published == {"proxy"}
    proxy = services["proxy"]
    assert proxy["image"] == "${CADDY_IMAGE:-caddy:2-alpine}"
    assert {p.split(":")[0] for p in proxy["ports"]} == {"80", "443"}
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    subnet = COMPOSE["networks"]["proxy"]["ipam"]["config"][0]["subnet"]
    for module, port in PORTS.items():
        domain = module.upper() + "_DOMAIN"
        assert f"${{{domain}:?" in proxy["environment"][domain]
        # the Caddyfile: the name's site forwards to the service's port
        site = re.search(r"\{\$" + domain + r"\} \{(.*?)\n\}", CADDYFILE, re.S)
        assert site, f"the Caddyfile has no site for {domain}"
        assert f"reverse_proxy {{${module.upper()}_UPSTREAM:{module}:{port}}}" in site[1]
        assert "import service" in site[1]
        env = services[module]["environment"]
        prefix = module.upper()
        assert env[f"{prefix}_PUBLIC_BASE_URL"] == f"https://${{{domain}}}"
        assert env[f"{prefix}_TRUSTED_PROXIES"] == f'["{subnet}"]'
        assert set(services[module]["networks"]) == {"backend", "proxy"}
    assert "tls {$TLS}" in CADDYFILE
    assert services["wallet"]["environment"]["WALLET_VERIFIER_URL"] == "https://${VERIFIER_DOMAIN}"
    assert (ROOT / "deploy" / "certs" / "README.md").exists()  # podman mounts only what exists


def healthcheck_command(name: str) -> list[str]:
    """The service's healthcheck as the argument list the engine runs (a string form is run
    by the image's /bin/sh; the python and postgres images are Debian, caddy's alpine)."""
    test: list[str] | str = COMPOSE["services"][name]["healthcheck"]["test"]
    if isinstance(test, str):
        return test.split()
    assert test[0] == "CMD", f"{name}: CMD-SHELL needs a shell line; say it as a list"
    return test[1:]


def test_every_healthcheck_runs_alike_under_docker_compose_and_podman_compose() -> None:
    """podman-compose before 1.1 joins a list's arguments into a shell line unquoted, and
    pops the list's "CMD" in place, so a list shared by replicas loses it: every argument is
    free of spaces and quotes, and a replicated service says its check as a string."""
    for name, service in COMPOSE["services"].items():
        assert "healthcheck" in service, name
        test = service["healthcheck"]["test"]
        replicated = service.get("deploy", {}).get("replicas", 1) > 1
        assert isinstance(test, str) == replicated, name
        for argument in healthcheck_command(name):
            argument = re.sub(r"\$\{[A-Z_]+(:-\w*)?\}", "v", argument)  # compose fills these in
            assert not re.search(r"[\s'\"$`;|&<>()\\]", argument), f"{name}: {argument!r}"


def test_every_healthcheck_command_exists_in_its_image() -> None:
    importlib.import_module("web_common.healthcheck")  # installed with the project
    for name, service in _app_services().items():
        command = healthcheck_command(name)
        assert command[:3] == ["python", "-m", "web_common.healthcheck"], name
        arguments = command[3:]
        if "--port" in service["command"]:
            port = service["command"][service["command"].index("--port") + 1]
            assert arguments == [f"http://127.0.0.1:{port}/readyz"], name
        else:  # a worker: its own database setting
            assert arguments == ["--database", "ISSUER_DATABASE_URL"], name
            assert arguments[1] in service["environment"], name
    assert healthcheck_command("postgres")[0] == "pg_isready"
    proxy = healthcheck_command("proxy")
    assert proxy[0] == "wget", "caddy's alpine image has busybox wget, not curl"
    assert "http://127.0.0.1:2019/" in proxy[-1]
    assert "admin {$CADDY_ADMIN:localhost:2019}" in CADDYFILE


def test_every_environment_variable_is_a_setting() -> None:
    for name, service in _app_services().items():
        module = service["command"][2]
        prefix = module.upper() + "_"
        if isinstance(service["environment"], list):
            raise AssertionError(f"{name}: environment as a mapping")
        fields = SETTINGS[module].model_fields
        for variable in service["environment"]:
            assert variable.startswith(prefix), f"{name}: {variable}"
            assert variable.removeprefix(prefix).lower() in fields, f"{name}: {variable}"


def test_env_example_documents_every_variable_without_secrets() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    # podman-compose before 1.1 leaves ${X:-} (an empty default) in place, literally
    assert not re.findall(r"\$\{[A-Z_]+:?-\}", text)
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


def test_every_base_image_is_a_setting_with_its_tag_as_the_default() -> None:
    """An operator pins each base image by digest in .env (docs/production.md): the
    Dockerfile's FROM lines name only a build argument whose default is a tag, compose passes
    that argument from .env with the same default, and postgres and caddy are named the
    same way."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    froms = re.findall(r"^FROM\s+(\S+)", dockerfile, re.M)
    assert froms, "no FROM line"
    before_first_from = dockerfile[: dockerfile.index("\nFROM")]
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)$", before_first_from, re.M))
    args = COMPOSE["x-app"]["build"]["args"]
    example = dict(re.findall(r"^([A-Z_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    tag = re.compile(r"[a-z0-9./-]+:[\w.-]+")  # a readable tag, no digest yet
    for image in froms:
        argument = re.fullmatch(r"\$\{(\w+)\}", image)
        assert argument, f"FROM {image}: name a build argument, not the image"
        name = argument[1]
        assert tag.fullmatch(defaults.get(name, "")), f"ARG {name} needs a tag as its default"
        assert args[name] == f"${{{name}:-{defaults[name]}}}", name
        assert example[name] == defaults[name], f".env.example: {name}"
    services = COMPOSE["services"]
    for service, variable in (("postgres", "POSTGRES_IMAGE"), ("proxy", "CADDY_IMAGE")):
        found = re.fullmatch(r"\$\{(\w+):-(\S+)\}", services[service]["image"])
        assert found, f"{service}: name its image by a variable with the tag as default"
        assert found[1] == variable, service
        assert tag.fullmatch(found[2]), service
        assert example[variable] == found[2], service
    for app in _app_services().values():
        assert app["build"] == COMPOSE["x-app"]["build"]  # the one image, one argument
    guide = (ROOT / "docs" / "production.md").read_text()
    assert "docker buildx imagetools inspect" in guide
    assert "podman image inspect" in guide
    for variable in ("PYTHON_IMAGE", "POSTGRES_IMAGE", "CADDY_IMAGE"):
        assert f"{variable}=" in guide, variable


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


def test_the_production_guide_is_linked_and_names_only_commands_that_exist() -> None:
    guide = (ROOT / "docs" / "production.md").read_text()
    assert "docs/production.md" in (ROOT / "README.md").read_text()
    named = re.findall(
        r"python -m (issuer|wallet|verifier) ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", guide
    )
    assert len(named) >= 10
    for module, command, sub in named:
        group: Any = typer.main.get_command(importlib.import_module(f"{module}.cli").app)
        assert command in group.commands, f"docs/production.md: {module} has no {command!r}"
        if hasattr(group.commands[command], "commands") and sub:
            assert sub in group.commands[command].commands, f"{module} {command} {sub}"
    for service in re.findall(r"docker compose (?:exec(?: -T)?|cp [^ ]+) ([a-z][a-z-]*)", guide):
        assert service in COMPOSE["services"], service
    compose_variables = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    for variable in re.findall(r"`((?:ISSUER|WALLET|VERIFIER)_[A-Z_]+)`", guide):
        module, _, field = variable.partition("_")
        known = field.lower() in SETTINGS[module.lower()].model_fields
        assert known or variable in compose_variables, variable


def _non_python_files(package: Path) -> set[Path]:
    return {
        path
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }


def test_a_wheel_would_carry_every_template_catalog_and_static_file() -> None:
    """The Dockerfile installs the tree in editable mode, which reads files where they are; a
    wheel carries only what ``package-data`` names, so every page template, translation
    catalog, font and static file of each package must be named there."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    package_data: dict[str, list[str]] = setuptools["package-data"]
    packages = [ROOT / name.rstrip("*") for name in setuptools["packages"]["find"]["include"]]
    assert all((package / "__init__.py").is_file() for package in packages), packages
    checked = 0
    for package in packages:
        found = _non_python_files(package)
        shipped: set[Path] = set()
        for key, patterns in package_data.items():
            for pattern in patterns:
                if key == "*":
                    shipped |= set(package.rglob(pattern))
                elif key == package.name:
                    shipped |= set(package.glob(pattern))
        assert found <= shipped, sorted(str(p.relative_to(ROOT)) for p in found - shipped)
        checked += len(found)
    assert checked > 50  # templates, catalogs, static files and fonts of the three services

"""The settings base every service extends (pydantic-settings, one class per service).

Built once in ``create_app`` and kept on ``app.state``; nothing reads ``os.environ``
elsewhere. Outside development, placeholder secrets and development-only network allowances
are refused at start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings

from credentials.contexts import load_context_dir
from credentials.errors import DocumentLoaderError

from .proxies import parse_trusted_proxies
from .secrets import SecretBox

__all__ = ["DEV_PLACEHOLDER", "ServiceSettings", "explain_invalid_settings", "run_command_line"]

DEV_PLACEHOLDER = "development-only-change-me"


class ServiceSettings(BaseSettings):
    """Settings shared by the issuer, wallet and verifier.

    ``secret_key`` signs session cookies and CSRF tokens; ``data_encryption_keys`` are Fernet
    keys (comma separated, newest first) that encrypt private keys and other secrets at rest.
    ``dev_allow_hosts`` lists ``host:port`` values that may be reached over plain http or on
    loopback/private addresses (development and tests only). ``trusted_proxies`` lists the
    reverse proxies (addresses or CIDR networks) whose ``X-Forwarded-For`` names the client
    (see :mod:`web_common.proxies`); by default nobody's. ``extra_contexts_dir`` is a
    folder of operator-pinned JSON-LD contexts (a ``manifest.json`` in the bundled format,
    each file with its SHA-256; ``ISSUER_``/``WALLET_``/``VERIFIER_EXTRA_CONTEXTS_DIR``),
    loaded at start, never fetched.
    """

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/service.db"
    public_base_url: str = "http://localhost:8000"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    secret_key: SecretStr = SecretStr(DEV_PLACEHOLDER)
    data_encryption_keys: SecretStr = SecretStr("")
    dev_allow_hosts: frozenset[str] = frozenset()
    dev_ca_file: str | None = None
    """A CA certificate (PEM) trusted for https to the ``dev_allow_hosts`` only, e.g. a
    self-signed development CA (development only)."""
    ssl_keyfile: str | None = None
    """``serve`` answers https with this private key (PEM) and ``ssl_certfile``."""
    ssl_certfile: str | None = None
    max_body_bytes: int = 2 * 1024 * 1024
    body_read_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long a request body may take to arrive (plus a second per 64 KiB received);
    slower: 408 and the connection closed (:mod:`web_common.limits`)."""
    header_read_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long a request line and headers may take to arrive (from the connection opening
    or the next request's first byte); slower: 408 and the connection closed
    (:mod:`web_common.head_timeout`)."""
    trusted_proxies: tuple[str, ...] = ()
    work_slots: int = Field(default=2, ge=1)
    """Requests that put outside documents through the engine and do their work at once
    (:mod:`web_common.work_gate`); more wait for a slot, fairly by client."""
    work_per_client: int = Field(default=1, ge=1)
    """Of those, how many one client (address after trusted proxies) may hold at once."""
    work_queue_per_client: int = Field(default=8, ge=1)
    """Requests one client may have waiting or in progress; the next is answered 429."""
    work_queue_seconds: float = Field(default=10.0, gt=0)
    """How long a request may wait for a slot; longer: 503 with ``Retry-After``."""
    work_strike_burst: int = Field(default=10, ge=1)
    """Requests one client may have refused as hostile (over a work budget, a wrong code) in
    a row before the gate holds back its next ones (:mod:`web_common.strikes`)."""
    work_strike_seconds: float = Field(default=2.0, gt=0)
    """After that burst, one such request per this many seconds; the others get their 429
    only when the client could have one again."""

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return parse_trusted_proxies(value)

    extra_contexts_dir: str | None = None

    @field_validator("extra_contexts_dir")
    @classmethod
    def _pinned_contexts_load(cls, value: str | None) -> str | None:
        """Refuse at start a folder whose files do not match their pins (or cannot be read)."""
        if value:
            try:
                load_context_dir(value)
            except DocumentLoaderError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("public_base_url must start with http:// or https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _tls_needs_key_and_certificate(self) -> ServiceSettings:
        if bool(self.ssl_keyfile) != bool(self.ssl_certfile):
            prefix = str(self.model_config.get("env_prefix", "")).upper()
            raise ValueError(
                f"{prefix}SSL_KEYFILE and {prefix}SSL_CERTFILE go together: set both or neither"
            )
        return self

    def secret_box(self) -> SecretBox:
        """The box that encrypts secrets at rest: ``data_encryption_keys``, or in
        development (none set) a key derived from ``secret_key``."""
        return SecretBox.from_setting(
            self.data_encryption_keys.get_secret_value(),
            fallback_secret=self.secret_key.get_secret_value(),
        )

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> ServiceSettings:
        if self.environment != "production":
            return self
        problems = []
        prefix = str(self.model_config.get("env_prefix", "")).upper()
        if self.secret_key.get_secret_value() in ("", DEV_PLACEHOLDER):
            problems.append(f"{prefix}SECRET_KEY must be set to a real secret")
        if not self.data_encryption_keys.get_secret_value():
            problems.append(f"{prefix}DATA_ENCRYPTION_KEYS must be set (Fernet keys)")
        if self.dev_allow_hosts:
            problems.append(f"{prefix}DEV_ALLOW_HOSTS is for development only")
        if self.dev_ca_file:
            problems.append(f"{prefix}DEV_CA_FILE is for development only")
        if not self.public_base_url.startswith("https://"):
            problems.append(f"{prefix}PUBLIC_BASE_URL must use https in production")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def explain_invalid_settings(error: ValidationError, env_prefix: str) -> str:
    """One line per refused setting, named as the operator sets it (``VERIFIER_…``)."""
    lines = ["The service cannot start: these settings are not valid."]
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        if field:
            lines.append(f"  {env_prefix}{field.upper()}: {message}")
        else:  # checks across settings name their own settings
            lines.extend(f"  {part}" for part in message.split("; "))
    return "\n".join(lines)


def run_command_line(app: Callable[[], object], env_prefix: str) -> None:
    """Run a service's command line; refused settings end it with a clear message and exit
    status 2 instead of a traceback."""
    try:
        app()
    except ValidationError as exc:
        if exc.title.endswith("Settings"):
            sys.stderr.write(explain_invalid_settings(exc, env_prefix) + "\n")
            raise SystemExit(2) from None
        raise

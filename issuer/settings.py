"""Issuer settings: environment variables prefixed ``ISSUER_`` (see README)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from web_common.settings import ServiceSettings

__all__ = ["IssuerSettings"]


class IssuerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ISSUER_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///var/issuer.db"
    public_base_url: str = "http://localhost:8001"
    status_list_entries: int = 131_072
    status_list_max_age: int = 300
    catalog_path: str = str(
        Path(__file__).resolve().parent.parent / "schemas" / "catalog" / "sample.json"
    )

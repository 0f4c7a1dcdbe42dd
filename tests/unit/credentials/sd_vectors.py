"""Readers for the SD-JWT, SD-JWT VC and Token Status List vectors in ``../shared/vectors``.

The ``specification.yml`` inputs mark selectively disclosable claims with the YAML tag
``!sd`` (on a mapping key or on an array element); :func:`load_spec` turns that into the
engine's :class:`~credentials.sd_jwt_issuer.Sd` markers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from credentials.sd_jwt_issuer import Sd

VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "vectors"
SD_JWT = VECTORS / "sd-jwt"
SD_JWT_VC = VECTORS / "sd-jwt-vc"
TSL = VECTORS / "token-status-list"
NL_WALLET = VECTORS / "nl-wallet"
OPENID4VC = VECTORS / "openid4vc"


@dataclass(frozen=True)
class _Tagged:
    value: Any

    def __hash__(self) -> int:
        return hash(json.dumps(self.value, sort_keys=True, default=str))


class _Loader(yaml.SafeLoader):
    pass


def _tagged(loader: yaml.SafeLoader, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        # a tagged node skips the implicit resolver: quoted stays a string, plain gets its type
        value: Any = node.value if node.style else yaml.safe_load(node.value)
        return _Tagged(value)
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(loader.construct_sequence(node, deep=True))
    assert isinstance(node, yaml.MappingNode)
    return _Tagged(loader.construct_mapping(node, deep=True))


_Loader.add_constructor("!sd", _tagged)


def _convert(value: Any) -> Any:
    if isinstance(value, _Tagged):
        raise AssertionError("a !sd value outside an object member or array element")
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, member in value.items():
            if isinstance(key, _Tagged):
                out[str(key.value)] = Sd(_convert(member))
            else:
                out[str(key)] = _convert(member)
        return out
    if isinstance(value, list):
        return [Sd(_convert(e.value)) if isinstance(e, _Tagged) else _convert(e) for e in value]
    return value


def load_spec(path: Path) -> dict[str, Any]:
    """A specification.yml with ``user_claims`` converted to ``Sd`` markers."""
    spec: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    spec["user_claims"] = _convert(spec["user_claims"])
    return spec


def plain(value: Any) -> Any:
    """The claims with the markers removed (what the issuer meant to say)."""
    if isinstance(value, Sd):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def load_settings(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((folder / "settings.yml").read_text(encoding="utf-8"))
    return data


def load_examples(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {example["id"]: example for example in data["examples"]}


def salts(disclosures: list[dict[str, Any]]) -> Iterator[str]:
    return iter([d["salt"] for d in disclosures])


def disclosed_paths(frame: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """``holder_disclosed_claims`` (``true`` leaves) → claims paths."""
    if frame is True:
        return [prefix]
    if isinstance(frame, dict):
        return [p for k, v in frame.items() for p in disclosed_paths(v, (*prefix, str(k)))]
    if isinstance(frame, list):
        return [p for i, v in enumerate(frame) for p in disclosed_paths(v, (*prefix, i))]
    return []


_STATUS_LINE = re.compile(r"status\[(\d+)\]\s*=\s*(\d+)")


def status_values(name: str) -> dict[int, int]:
    text = (TSL / name).read_text(encoding="utf-8")
    return {int(i): int(v) for i, v in _STATUS_LINE.findall(text)}


def status_list_json(name: str) -> dict[str, Any]:
    """The JSON of a ``status_list_encoding*.md`` file (short or wrapped long form)."""
    text = (TSL / name).read_text(encoding="utf-8")
    if "encoded:" in text:
        text = text.split("encoded:", 1)[1]
    text = re.sub(r"\n  ", "", text)
    data: dict[str, Any] = json.loads(text)
    return data

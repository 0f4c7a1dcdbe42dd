"""An operator's folder of pinned contexts, as the tests write it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def pinned_folder(shared_dir: Path, target: Path, **overrides: Any) -> Path:
    """A manifest folder with the vectors' examples/v2 context, as an operator writes it."""
    source = shared_dir / "vectors" / "contexts" / "credentials-examples-v2.json"
    target.mkdir(exist_ok=True)
    shutil.copy(source, target / "examples-v2.json")
    entry = {
        "url": EXAMPLES_V2,
        "file": "examples-v2.json",
        "source": "w3c/vc-data-model contexts/credentials/examples/v2",
        "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
    } | overrides
    (target / "manifest.json").write_text(json.dumps({"contexts": [entry]}))
    return target

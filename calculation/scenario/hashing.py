"""The inputs hash of a calculation: what makes a result reproducible."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..engine import MODEL_VERSION


def canonical_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def inputs_hash(document: dict, registered: list[dict] | None = None) -> str:
    """What makes a result reproducible: the scenario as calculated and the engine's version."""
    payload = {"scenario": document, "registered": registered, "model": MODEL_VERSION}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()

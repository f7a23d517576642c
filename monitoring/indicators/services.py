"""Writes for the indicators: loading their definitions and the context notes from data files
(``monitoring/data/indicators.json``, ``context_notes.json``), idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from .models import ContextNote, Indicator

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
INDICATORS_FILE = DATA_DIR / "indicators.json"
CONTEXT_NOTES_FILE = DATA_DIR / "context_notes.json"

INDICATOR_FIELDS = (
    "label_nl",
    "label_en",
    "unit",
    "decimals",
    "direction",
    "theme",
    "source",
    "definition",
    "aliases",
    "valid_from",
)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _read_json(path: Path, key: str) -> list[dict]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))[key]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error


def _save_if_changed(instance, values: dict, result: LoadResult, where: str) -> None:
    before = model_to_dict(instance) if instance.pk else None
    for name, value in values.items():
        setattr(instance, name, value)
    if before is not None and model_to_dict(instance) == before:
        result.unchanged += 1
        return
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ValidationError([f"{where}: {m}" for m in error.messages]) from error
    instance.save()
    if before is None:
        result.created += 1
    else:
        result.updated += 1


@transaction.atomic
def indicators_load(*, path: Path = INDICATORS_FILE) -> LoadResult:
    """Create or update every indicator version in the file, matched on code and version: loading
    the same file twice changes nothing."""
    result = LoadResult()
    for entry in _read_json(path, "indicators"):
        code, version = entry.get("code", ""), int(entry.get("version", 1))
        indicator = Indicator.objects.filter(code=code, version=version).first() or Indicator(
            code=code, version=version
        )
        values = {name: entry[name] for name in INDICATOR_FIELDS if name in entry}
        values.setdefault("aliases", [])
        _save_if_changed(indicator, values, result, f"{code} v{version}")
    return result


@transaction.atomic
def context_notes_load(*, path: Path = CONTEXT_NOTES_FILE) -> LoadResult:
    """Create or update the context notes in the file, matched on their key. A note for an area
    names its code (the most recent version of it)."""
    from monitoring.selectors import area_latest

    result = LoadResult()
    for entry in _read_json(path, "context_notes"):
        key = str(entry.get("key", ""))
        note = ContextNote.objects.filter(key=key).first() or ContextNote(key=key)
        area = None
        if entry.get("area"):
            area = area_latest(code=entry["area"])
            if area is None:
                raise ValidationError(
                    _("%(key)s: the area %(code)s is not known; load the areas first.")
                    % {"key": entry.get("key"), "code": entry["area"]}
                )
        values = {
            "period_from": entry.get("period_from"),
            "period_to": entry.get("period_to"),
            "area": area,
            "title": entry.get("title", ""),
            "text": entry.get("text", ""),
        }
        _save_if_changed(note, values, result, key)
    return result

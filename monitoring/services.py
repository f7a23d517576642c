"""Writes for monitoring: loading areas, their versions and the crosswalk from CBS files."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import CBS_DIVISION, Area, AreaCrosswalk, AreaLevel

CBS_ATTRIBUTION = (
    "Bron: CBS, Kerncijfers wijken en buurten / Wijk- en buurtkaart; PDOK/Kadaster (CC BY 4.0)"
)
DATA_DIR = Path(__file__).resolve().parent / "data" / "cbs"
GRONINGEN_WIJKEN_2024 = DATA_DIR / "groningen_wijken_2024.geojson"
GRONINGEN_KERNCIJFERS_2024 = DATA_DIR / "groningen_wijken_kerncijfers_2024.csv"


@dataclass
class AreaLoadResult:
    created: int
    updated: int
    unchanged: int = 0


def _stored_values(area: Area) -> dict:
    return {field.attname: getattr(area, field.attname) for field in Area._meta.concrete_fields}


def _int_or_none(value) -> int | None:
    if value in (None, "", ".", "-99999999"):
        return None
    return int(float(value))


@transaction.atomic
def areas_load_cbs(*, geojson_path: Path, kerncijfers_path: Path | None = None) -> AreaLoadResult:
    """Load a municipality and its CBS wijken from a wijk GeoJSON file (with KWB attributes
    ``statcode``, ``statnaam``, ``gemeentecode``, ``gemeentenaam``, ``jaar``, ``aantal_inwoners``)
    and, optionally, the kerncijfers CSV that holds the gemeente row.

    Matched on code and year: an area is saved only when a value differs, so loading the same
    files twice changes nothing (and says so). All rows or none.
    """
    try:
        collection = json.loads(Path(geojson_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationError(
            _("Cannot read %(path)s: %(error)s") % {"path": geojson_path, "error": error}
        ) from error
    features = collection.get("features") if isinstance(collection, dict) else None
    if not features:
        raise ValidationError(_("%(path)s holds no GeoJSON features.") % {"path": geojson_path})

    municipal_rows: dict[str, dict] = {}
    if kerncijfers_path is not None:
        with open(kerncijfers_path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("soort", "").lower() == "gemeente":
                    municipal_rows[row["code"]] = row

    created = updated = unchanged = 0
    errors: list[str] = []
    municipalities: dict[tuple[str, int], Area] = {}

    def save(area: Area, where: str, stored: dict | None) -> None:
        """Save ``area`` if it is new or differs from ``stored`` (its values as read)."""
        nonlocal created, updated, unchanged
        if stored is not None and _stored_values(area) == stored:
            unchanged += 1
            return
        try:
            area.full_clean()
        except ValidationError as error:
            errors.extend(f"{where}: {m}" for m in error.messages)
            return
        area.save()
        if stored is None:
            created += 1
        else:
            updated += 1

    for n, feature in enumerate(features):
        props = feature.get("properties") or {}
        where = _("feature %(n)s (%(code)s)") % {"n": n + 1, "code": props.get("statcode", "?")}
        try:
            year = int(props["jaar"])
            gm_code = props["gemeentecode"]
        except (KeyError, TypeError, ValueError):
            errors.append(f"{where}: " + _("missing jaar or gemeentecode"))
            continue
        key = (gm_code, year)
        if key not in municipalities:
            row = municipal_rows.get(gm_code, {})
            municipality = Area.objects.filter(code=gm_code, year=year).first() or Area(
                code=gm_code, year=year, level=AreaLevel.MUNICIPALITY
            )
            stored = _stored_values(municipality) if municipality.pk else None
            municipality.name = row.get("naam") or props.get("gemeentenaam") or gm_code
            municipality.inhabitants = _int_or_none(row.get("aantal_inwoners"))
            municipality.dwellings = _int_or_none(row.get("woningvoorraad"))
            municipality.surface_ha = _int_or_none(row.get("oppervlakte_totaal_ha"))
            municipality.source = CBS_ATTRIBUTION
            save(municipality, gm_code, stored)
            municipalities[key] = municipality
        code = props.get("statcode", "")
        area = Area.objects.filter(code=code, year=year).first() or Area(code=code, year=year)
        stored = _stored_values(area) if area.pk else None
        area.level = AreaLevel.DISTRICT
        area.name = props.get("statnaam") or code
        area.parent = municipalities[key] if municipalities[key].pk else None
        area.inhabitants = _int_or_none(props.get("aantal_inwoners"))
        area.dwellings = _int_or_none(props.get("woningvoorraad"))
        area.surface_ha = _int_or_none(props.get("oppervlakte_totaal_ha"))
        area.geometry = feature.get("geometry")
        area.source = CBS_ATTRIBUTION
        save(area, where, stored)

    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors)
    return AreaLoadResult(created=created, updated=updated, unchanged=unchanged)


AREAS_FILE = Path(__file__).resolve().parent / "data" / "areas.json"


@transaction.atomic
def areas_load_versions(*, path: Path = AREAS_FILE) -> AreaLoadResult:
    """Load the areas and area versions beside the CBS wijken (the country, the municipalities
    before a merger, the year from which an area exists in its current form) and the crosswalk
    between them, from a JSON file. Matched on code and year; idempotent."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    result = AreaLoadResult(created=0, updated=0)
    errors: list[str] = []
    for entry in data.get("areas", []):
        code, year = entry["code"], int(entry["year"])
        area = Area.objects.filter(code=code, year=year, division=CBS_DIVISION).first()
        stored = _stored_values(area) if area else None
        area = area or Area(code=code, year=year, level=entry.get("level", ""))
        for name in ("name", "level", "valid_from", "valid_to", "source"):
            if name in entry:
                setattr(area, name, entry[name])
        if entry.get("parent"):
            area.parent = Area.objects.filter(code=entry["parent"], year=year).first()
        if stored is not None and _stored_values(area) == stored:
            result.unchanged += 1
            continue
        try:
            area.full_clean()
        except ValidationError as error:
            errors.extend(f"{code} ({year}): {m}" for m in error.messages)
            continue
        area.save()
        if stored is None:
            result.created += 1
        else:
            result.updated += 1
    for entry in data.get("crosswalk", []):
        ends = [
            Area.objects.filter(code=code, year=year, division=CBS_DIVISION).first()
            for code, year in (entry["from"], entry["to"])
        ]
        if None in ends:
            errors.append(_("Crosswalk %(entry)s: an area is not known.") % {"entry": entry})
            continue
        share, note = Decimal(str(entry["share"])), entry.get("note", "")
        link, created = AreaCrosswalk.objects.get_or_create(
            from_area=ends[0], to_area=ends[1], defaults={"share": share, "note": note}
        )
        if created:
            result.created += 1
        elif link.share != share or link.note != note:
            link.share, link.note = share, note
            link.save()
            result.updated += 1
        else:
            result.unchanged += 1
    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors)
    return result


@transaction.atomic
def municipalities_load(
    *, path: Path, year: int, code_column: str = "gemeentecode", name_column: str = "gemeentenaam"
) -> AreaLoadResult:
    """Add every municipality of a CSV file (the CBS benchmark of all municipalities) as an area
    of the division ``year``, unless an area with its code exists already. Idempotent."""
    result = AreaLoadResult(created=0, updated=0)
    known = set(Area.objects.filter(level=AreaLevel.MUNICIPALITY).values_list("code", flat=True))
    new = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row[code_column].strip().upper()
            if code in known:
                result.unchanged += 1
                continue
            area = Area(
                code=code,
                name=row[name_column].strip(),
                level=AreaLevel.MUNICIPALITY,
                year=year,
                inhabitants=_int_or_none(row.get("aantal_inwoners")),
                source=CBS_ATTRIBUTION,
            )
            area.full_clean()
            new.append(area)
            known.add(code)
    Area.objects.bulk_create(new)
    result.created = len(new)
    return result

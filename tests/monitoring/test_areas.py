"""Areas: Groningen's real CBS wijken, and refusal of invalid codes at every level."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DataError, IntegrityError, transaction

from monitoring.models import Area, AreaLevel
from monitoring.services import GRONINGEN_WIJKEN_2024, areas_load_cbs

pytestmark = pytest.mark.django_db


def test_groningen_has_its_twenty_cbs_wijken_with_population_and_boundaries(groningen_areas):
    assert len(groningen_areas) == 20
    assert [a.code for a in groningen_areas] == [f"WK0014{n:02d}" for n in range(20)]
    # CBS rounds wijk counts to multiples of 5; the gemeente figure is exact.
    assert sum(a.inhabitants for a in groningen_areas) == 243_750
    municipality = Area.objects.get(code="GM0014", year=2024)
    assert municipality.inhabitants == 243_768
    assert municipality.level == AreaLevel.MUNICIPALITY
    centrum = Area.objects.get(code="WK001400", year=2024)
    assert centrum.name == "Centrum"
    assert centrum.inhabitants == 24_920
    assert centrum.parent == municipality
    assert centrum.geometry["type"] in ("Polygon", "MultiPolygon")
    assert "CBS" in centrum.source


def test_loading_the_areas_twice_changes_nothing(groningen_areas):
    before = list(Area.objects.order_by("code").values())
    out = io.StringIO()
    call_command("load_areas", stdout=out)
    assert list(Area.objects.order_by("code").values()) == before
    assert out.getvalue().strip() == "Areas: nothing changed (21 unchanged)."


def test_loading_the_areas_again_saves_and_reports_only_what_changed(groningen_areas):
    Area.objects.filter(code="WK001400").update(inhabitants=1)
    out = io.StringIO()
    call_command("load_areas", stdout=out)
    assert out.getvalue().strip() == "Areas: 0 new, 1 updated, 20 unchanged."
    assert Area.objects.get(code="WK001400").inhabitants == 24_920


def test_the_app_does_not_depend_on_the_shared_folder():
    assert "shared" not in GRONINGEN_WIJKEN_2024.parts
    assert GRONINGEN_WIJKEN_2024.exists()


@pytest.mark.parametrize(
    "level, code",
    [
        (AreaLevel.MUNICIPALITY, "GM14"),
        (AreaLevel.MUNICIPALITY, "0014"),
        (AreaLevel.DISTRICT, "WK0014"),
        (AreaLevel.DISTRICT, "BU00140000"),
        (AreaLevel.NEIGHBOURHOOD, "BU0014000"),
        (AreaLevel.NEIGHBOURHOOD, "bu00140000 x"),
    ],
)
def test_an_invalid_cbs_code_is_refused_by_validation_and_by_the_database(level, code):
    municipality = Area.objects.create(code="GM0014", name="Groningen", level="gemeente", year=2024)
    parent = None if level == AreaLevel.MUNICIPALITY else municipality
    if level == AreaLevel.NEIGHBOURHOOD:
        parent = Area.objects.create(
            code="WK001400", name="Centrum", level="wijk", year=2024, parent=municipality
        )
    area = Area(code=code, name="X", level=level, year=2024, parent=parent)
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "code" in error.value.message_dict
    assert "CBS" in " ".join(error.value.message_dict["code"])
    # Too long for the column (PostgreSQL: DataError) or not matching the pattern (IntegrityError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Area.objects.create(code=code, name="X", level=level, year=2024, parent=parent)


def test_codes_with_letters_are_valid_since_2023():
    municipality = Area.objects.create(code="GM0014", name="Groningen", level="gemeente", year=2024)
    area = Area(code="WK0014A1", name="Nieuw", level="wijk", year=2024, parent=municipality)
    area.full_clean()


def test_a_wijk_must_lie_within_its_gemeente_and_the_same_year():
    municipality = Area.objects.create(code="GM0014", name="Groningen", level="gemeente", year=2024)
    other_year = Area.objects.create(code="GM0014", name="Groningen", level="gemeente", year=2023)
    with pytest.raises(ValidationError, match="does not lie within"):
        Area(code="WK036300", name="X", level="wijk", year=2024, parent=municipality).full_clean()
    with pytest.raises(ValidationError, match="another division year"):
        Area(code="WK001400", name="X", level="wijk", year=2024, parent=other_year).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="WK001400", name="X", level="wijk", year=2024, parent=None)


def test_a_broken_file_loads_nothing(tmp_path):
    collection = json.loads(GRONINGEN_WIJKEN_2024.read_text())
    collection["features"][5]["properties"]["statcode"] = "WK14"
    broken = tmp_path / "broken.geojson"
    broken.write_text(json.dumps(collection))
    with pytest.raises(ValidationError) as error:
        areas_load_cbs(geojson_path=broken)
    assert "WK14" in " ".join(error.value.messages)
    assert Area.objects.count() == 0
    with pytest.raises(CommandError, match="WK14"):
        call_command("load_areas", geojson=broken, stdout=io.StringIO())

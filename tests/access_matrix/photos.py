"""Role × page matrix: the neighbourhood photo at a date and the kept photos. The live photo (with
its charts) and keeping one are the project lead's and the policy officers'; council members read
the kept photos (aggregates, suppressed) and the map of the wijken (published indicator values);
only the project lead deletes one."""

from tests.access_matrix import CM, PL, PO

READERS = {PO, PL, CM}
MATRIX: dict = {
    "photos:list": [("get", None, READERS)],
    "photos:area": [("get", "photo_area", {PO, PL})],
    "photos:take": [("post", "photo_take", {PO, PL})],
    "photos:area-download": [("get", "photo_area_csv", {PO, PL})],
    "photos:area-chart": [("get", "photo_area_chart", {PO, PL})],
    "photos:map": [("get", "photo_map", READERS)],
    "photos:map-download": [("get", "photo_map_csv", READERS), ("get", "photo_map_xlsx", READERS)],
    "photos:detail": [("get", "photo", READERS)],
    "photos:chart": [("get", "photo_chart", READERS)],
    "photos:download": [("get", "photo_csv", READERS), ("get", "photo_xlsx", READERS)],
    "photos:compare": [("get", "photo_compare", READERS)],
    "photos:delete": [("post", "photo_to_delete", {PL})],
    "area-photo-detail": [("get", "photo_area", {PO, PL})],
    "photo-list": [("get", None, READERS), ("post", "photo_take_api", {PO, PL})],
    "photo-detail": [("get", "photo", READERS)],
    "photo-compare": [("get", "photo_compare_api", READERS)],
}
HOUSEHOLD_LEVEL: set[str] = set()


def builders(context: dict) -> dict:
    from datetime import date
    from decimal import Decimal

    from monitoring.indicators.models import Indicator, IndicatorValue
    from monitoring.photos.models import PhotoSnapshot
    from monitoring.photos.selectors import area_photo

    area = context["areas"][0]
    share = Indicator.objects.create(
        code="matrix_share",
        label_nl="Aandeel",
        label_en="Share",
        unit="percentage",
        decimals=1,
        direction="higher_worse",
        theme="poverty",
    )
    IndicatorValue.objects.create(indicator=share, area=area, period=2023, value=Decimal("12.5"))
    chosen = {"indicator": share.code, "datum": "31-12-2024"}
    content = {
        "area": {"code": area.code, "name": area.name, "level": area.level, "year": area.year},
        "date": "2024-01-01",
        "year": 2024,
        "indicators": [],
        "peer_group": {"municipality": "GM0014", "period": None, "indicators": [], "members": []},
        "context_notes": [],
        "programme": {
            "participants": {"active": 3, "ended": 0},
            "interventions": [],
            "spend": "0",
            "expected_returns": None,
            "realised_returns": None,
        },
    }
    photo = PhotoSnapshot.objects.create(
        area=area, date=date(2024, 1, 1), title="M", content=content
    )
    later = PhotoSnapshot.objects.create(
        area=area, date=date(2025, 1, 1), title="N", content=content
    )
    charted = PhotoSnapshot.objects.create(
        area=area,
        date=date(2024, 6, 30),
        title="G",
        content=area_photo(area=area, on_date=date(2024, 6, 30)),
    )
    doomed = PhotoSnapshot.objects.create(
        area=area, date=date(2025, 1, 1), title="D", content=content
    )
    return {
        "photo_area": ({"code": area.code}, None),
        "photo_area_csv": ({"code": area.code, "file_format": "csv"}, {"datum": "2024-06-01"}),
        "photo_area_chart": (
            {"code": area.code, "key": "trend", "file_format": "csv"},
            chosen,
        ),
        "photo_map": ({}, chosen),
        "photo_map_csv": ({"file_format": "csv"}, chosen),
        "photo_map_xlsx": ({"file_format": "xlsx"}, chosen),
        "photo_take": ({"code": area.code}, {"datum": "2024-06-01", "title": "Matrix"}),
        "photo_take_api": ({}, {"area": area.code, "date": "2024-06-01", "title": "Matrix"}),
        "photo": ({"pk": photo.pk}, None),
        "photo_chart": (
            {"pk": charted.pk, "key": "trend", "file_format": "csv"},
            {"indicator": share.code},
        ),
        "photo_csv": ({"pk": photo.pk, "file_format": "csv"}, None),
        "photo_xlsx": ({"pk": photo.pk, "file_format": "xlsx"}, None),
        "photo_compare": ({}, {"eerste": photo.pk, "tweede": later.pk}),
        "photo_compare_api": ({}, {"first": photo.pk, "second": later.pk}),
        "photo_to_delete": ({"pk": doomed.pk}, None),
    }

"""Role × page matrix: the neighbourhood photo. Its indicators and values are published
aggregates: every role reads them through the API; the pages are the project lead's and the
policy officers'."""

from tests.access_matrix import ALL_ROLES, PL, PO

MATRIX: dict = {
    "indicator-list": [("get", None, ALL_ROLES)],
    "indicator-detail": [("get", "indicator", ALL_ROLES)],
    "indicator-value-list": [("get", None, ALL_ROLES)],
    "indicator-value-detail": [("get", "indicator_value", ALL_ROLES)],
    "context-note-list": [("get", None, ALL_ROLES)],
    "context-note-detail": [("get", "context_note", ALL_ROLES)],
    "indicators:index": [("get", None, {PO, PL})],
    "indicators:area": [("get", "indicator_area", {PO, PL})],
}
HOUSEHOLD_LEVEL: set[str] = set()


def builders(context: dict) -> dict:
    from monitoring.indicators.models import ContextNote, Indicator, IndicatorValue

    area = context["areas"][0]
    indicator = Indicator.objects.create(
        code="matrix_indicator",
        label_nl="Matrix",
        label_en="Matrix",
        unit="percentage",
        direction="neutral",
        theme="context",
    )
    value = IndicatorValue.objects.create(indicator=indicator, area=area, period=2023, value=5)
    note = ContextNote.objects.create(key="matrix", period_from=2020, title="Matrix", text="x")
    return {
        "indicator": ({"pk": indicator.pk}, None),
        "indicator_value": ({"pk": value.pk}, None),
        "context_note": ({"pk": note.pk}, None),
        "indicator_area": ({"code": area.code}, None),
    }

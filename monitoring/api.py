"""API for areas and the neighbourhood photo: indicators, their values and context notes (every
role: areas and published aggregates carry no personal data)."""

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from siex.core.api import KeysetPagination, PageNumberPagination

from .indicators.models import ContextNote, Indicator, IndicatorValue, Theme
from .models import Area, AreaLevel


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Area
        fields = [
            "id",
            "code",
            "name",
            "level",
            "year",
            "parent",
            "inhabitants",
            "dwellings",
            "surface_ha",
            "source",
        ]


class AreaDetailSerializer(AreaSerializer):
    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "geometry"]


class AreaFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        choices=AreaLevel.choices, help_text=_("gemeente, wijk or buurt.")
    )
    year = django_filters.NumberFilter(help_text=_("Year of the CBS division, e.g. 2024."))
    code = django_filters.CharFilter(
        method="filter_code", help_text=_("CBS code, e.g. WK001404 (upper or lower case).")
    )
    parent = django_filters.CharFilter(
        method="filter_parent",
        help_text=_(
            "CBS code of the area it is part of: the wijken of GM0014, the buurten of a wijk."
        ),
    )

    class Meta:
        model = Area
        fields = ["level", "year", "code", "parent"]

    def filter_code(self, queryset, name, value: str):
        return queryset.filter(code=value.strip().upper())

    def filter_parent(self, queryset, name, value: str):
        return queryset.filter(parent__code=value.strip().upper())


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """CBS areas (gebieden) with population; the detail includes the boundary as GeoJSON."""

    queryset = (
        Area.objects.select_related("parent")
        .defer("geometry", "parent__geometry")
        .order_by("year", "code")
    )
    filterset_class = AreaFilter
    pagination_class = PageNumberPagination
    permission_required = "monitoring.view_areas"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.defer(None).defer("parent__geometry")
        return queryset

    def get_serializer_class(self):
        return AreaDetailSerializer if self.action == "retrieve" else AreaSerializer


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "version",
            "valid_from",
            "label_nl",
            "label_en",
            "unit",
            "decimals",
            "direction",
            "theme",
            "source",
            "definition",
            "aliases",
        ]


class IndicatorFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(help_text=_("Indicator code; every version of it."))
    theme = django_filters.ChoiceFilter(choices=Theme.choices)

    class Meta:
        model = Indicator
        fields = ["code", "theme"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicators of the neighbourhood photo (wijkfoto), one row per version of a definition: a
    new version of a code breaks its series."""

    queryset = Indicator.objects.order_by("theme", "code", "version")
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    pagination_class = PageNumberPagination
    permission_required = "monitoring.view_indicators"


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator_version = serializers.IntegerField(source="indicator.version", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area_id = serializers.IntegerField(read_only=True)
    level = serializers.CharField(source="area.level", read_only=True)
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        allow_null=True,
        read_only=True,
        help_text=_("Empty when withheld (CBS secrecy): never 0."),
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "indicator_version",
            "area",
            "area_id",
            "level",
            "period",
            "value",
            "withheld",
            "status",
            "source",
        ]


class IndicatorValueFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(
        method="filter_indicator", help_text=_("Indicator code (or another code it is known by).")
    )
    area = django_filters.CharFilter(
        method="filter_area", help_text=_("CBS code of the area, e.g. GM0014 or WK001404.")
    )
    period = django_filters.NumberFilter(help_text=_("Year, e.g. 2023."))
    level = django_filters.ChoiceFilter(
        field_name="area__level", choices=AreaLevel.choices, help_text=_("Level of the area.")
    )

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "area", "period", "level"]

    def filter_indicator(self, queryset, name, value: str):
        code = value.strip().casefold()
        return queryset.filter(
            models.Q(indicator__code=code) | models.Q(indicator__aliases__contains=[code])
        )

    def filter_area(self, queryset, name, value: str):
        return queryset.filter(area__code=value.strip().upper())


class IndicatorValueViewSet(viewsets.ReadOnlyModelViewSet):
    """Values of the indicators per area and period (published aggregates). A withheld value has
    no number."""

    queryset = IndicatorValue.objects.select_related("indicator", "area").order_by("pk")
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilter
    pagination_class = KeysetPagination
    permission_required = "monitoring.view_indicators"


class ContextNoteSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ContextNote
        fields = ["id", "key", "period_from", "period_to", "area", "title", "text"]


class ContextNoteFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(
        method="filter_area", help_text=_("CBS code: the notes for this area and everywhere.")
    )
    period = django_filters.NumberFilter(
        method="filter_period", help_text=_("Year: the notes that hold in it.")
    )

    class Meta:
        model = ContextNote
        fields = ["area", "period"]

    def filter_area(self, queryset, name, value: str):
        return queryset.filter(models.Q(area__isnull=True) | models.Q(area__code=value.upper()))

    def filter_period(self, queryset, name, value):
        return queryset.filter(period_from__lte=value).filter(
            models.Q(period_to__isnull=True) | models.Q(period_to__gte=value)
        )


class ContextNoteViewSet(viewsets.ReadOnlyModelViewSet):
    """Context notes that explain a series (corona 2020–21, the energy crisis of 2022, the merger
    of 2019)."""

    queryset = ContextNote.objects.select_related("area").order_by("period_from", "key")
    serializer_class = ContextNoteSerializer
    filterset_class = ContextNoteFilter
    pagination_class = PageNumberPagination
    permission_required = "monitoring.view_indicators"

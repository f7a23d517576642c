"""API for areas (every role: areas carry no personal data)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from siex.core.api import PageNumberPagination

from .models import Area, AreaLevel


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

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

"""API for areas (every role: areas carry no personal data)."""

import django_filters
from rest_framework import serializers, viewsets

from .models import Area


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
    parent = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Area
        fields = ["level", "year", "code", "parent"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """CBS areas (gebieden) with population; the detail includes the boundary as GeoJSON."""

    queryset = Area.objects.select_related("parent").order_by("year", "code")
    filterset_class = AreaFilter
    permission_required = "monitoring.view_areas"

    def get_serializer_class(self):
        return AreaDetailSerializer if self.action == "retrieve" else AreaSerializer

"""API for the neighbourhood photo: an area's photo at a date (live, from the current values), the
kept photos (list, read, keep, delete) and the comparison of two. The roles are the pages': the
live photo for the project lead and the policy officers, the kept photos for council members too
(the programme's small counts hidden), deleting for the project lead."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from siex.core.api import ErrorSerializer, PageNumberPagination

from ..selectors import area_latest
from . import selectors, services
from .models import PhotoSnapshot
from .presentation import photo_for

PHOTO = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "The photo: area, date, indicators (latest value, benchmarks, trend, breaks), peer "
        "group, context notes and programme (counts hidden below the threshold as null for "
        "roles that do not see households)."
    ),
)


class PhotoSnapshotSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PhotoSnapshot
        fields = ["id", "area", "date", "taken_at", "title"]


class PhotoSnapshotDetailSerializer(PhotoSnapshotSerializer):
    content = serializers.SerializerMethodField()

    class Meta(PhotoSnapshotSerializer.Meta):
        fields = [*PhotoSnapshotSerializer.Meta.fields, "content"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, photo) -> dict:
        return photo_for(photo.content, self.context["request"].user)


class PhotoTakeSerializer(serializers.Serializer):
    area = serializers.CharField(help_text=_("CBS code of the area, e.g. WK001401 or GM0014."))
    date = serializers.DateField(help_text=_("The photo's date."))
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ComparisonRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_nl = serializers.CharField()
    label_en = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    first = serializers.JSONField(allow_null=True)
    second = serializers.JSONField(allow_null=True)
    difference = serializers.CharField(allow_null=True)
    change = serializers.CharField(allow_null=True)
    definition_break = serializers.BooleanField()


def _date_parameter(value: str | None):
    if not value:
        return timezone.localdate()
    field = serializers.DateField()
    try:
        return field.to_internal_value(value)
    except serializers.ValidationError as error:
        raise ValidationError({"date": error.detail}) from error


class AreaPhotoViewSet(viewsets.GenericViewSet):
    """The photo of an area at a date, live from the current values (not kept)."""

    lookup_field = "code"
    permission_required = "monitoring.view_neighbourhood_photo"
    queryset = PhotoSnapshot.objects.none()
    pagination_class = None

    @extend_schema(
        summary="The photo of an area at a date",
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_("CBS code of the area, e.g. WK001401 or GM0014."),
            ),
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                description=_("The photo's date (YYYY-MM-DD); today when left out."),
            ),
        ],
        responses={200: PHOTO},
    )
    def retrieve(self, request, code=None):
        area = area_latest(code=code or "")
        if area is None:
            raise Http404
        on_date = _date_parameter(request.query_params.get("date"))
        content = selectors.area_photo(area=area, on_date=on_date)
        return Response(photo_for(content, request.user))


class PhotoSnapshotViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Kept neighbourhood photos (vastgelegde wijkfoto's): frozen as they were when taken."""

    queryset = PhotoSnapshot.objects.select_related("area").order_by("-date", "-taken_at", "-id")
    pagination_class = PageNumberPagination
    permission_required = {
        "GET": "monitoring.view_photos",
        "POST": "monitoring.take_photos",
        "DELETE": "monitoring.delete_photos",
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.defer("content") if self.action == "list" else queryset

    def get_serializer_class(self):
        if self.action == "create":
            return PhotoTakeSerializer
        if self.action == "retrieve":
            return PhotoSnapshotDetailSerializer
        return PhotoSnapshotSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("area", OpenApiTypes.STR, description=_("CBS code of the area."))
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        code = self.request.query_params.get("area")
        return queryset.filter(area__code=code.strip().upper()) if code else queryset

    @extend_schema(
        summary="Keep the photo of an area at a date",
        request=PhotoTakeSerializer,
        responses={201: PhotoSnapshotDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        given = PhotoTakeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        area = area_latest(code=given.validated_data["area"])
        if area is None:
            raise ValidationError({"area": [_("No area has this code.")]})
        try:
            photo = services.photo_take(
                area=area,
                on_date=given.validated_data["date"],
                title=given.validated_data.get("title", ""),
                user=request.user,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        shown = PhotoSnapshotDetailSerializer(photo, context=self.get_serializer_context())
        return Response(shown.data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.photo_delete(photo=instance, user=self.request.user)

    @extend_schema(
        summary="Compare two kept photos of one area",
        parameters=[
            OpenApiParameter("first", OpenApiTypes.INT, required=True),
            OpenApiParameter("second", OpenApiTypes.INT, required=True),
        ],
        responses={
            200: ComparisonRowSerializer(many=True),
            404: OpenApiResponse(ErrorSerializer, "No kept photo with one of these ids."),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def compare(self, request):
        ids = [request.query_params.get("first", ""), request.query_params.get("second", "")]
        if not all(value.isascii() and value.isdigit() for value in ids):
            raise ValidationError({"first": [_("Give the ids of two kept photos.")]})
        first, second = sorted(
            (get_object_or_404(self.get_queryset(), pk=int(value)) for value in ids),
            key=lambda photo: (photo.date, photo.taken_at),
        )
        if first.area.code != second.area.code:
            raise ValidationError({"second": [_("The photos are of different areas.")]})
        rows = selectors.photos_compared(first.content, second.content)
        return Response(ComparisonRowSerializer(rows, many=True).data)

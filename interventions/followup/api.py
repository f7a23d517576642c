"""API of the follow-up: assessments, survey waves and outcome events per household.

Views stay thin: serializers parse input, the services validate and write. Changes and deletions
need the version read (optimistic locking): a version conflict answers 409, a validation error
400 with a message per field. Every read is written to the access log; the roles are those of
the household API (policy officers change, project leads read, council members are refused).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from interventions.catalogue.models import Outcome
from interventions.register.api import (
    REGISTER_READ,
    REGISTER_WRITE,
    VERSION_HELP,
    VERSION_MISSING,
    VisibleHouseholdField,
    VisibleInterventionField,
)
from interventions.register.models import Household, Intervention
from interventions.register.scopes import of_visible_households
from siex.audit.api import AccessLoggedMixin
from siex.core.api import KeysetPagination

from . import services
from .models import Assessment, Instrument, OutcomeEvent, SurveyResponse

PERMISSIONS = {
    "GET": REGISTER_READ,
    "POST": REGISTER_WRITE,
    "PUT": REGISTER_WRITE,
    "PATCH": REGISTER_WRITE,
    "DELETE": REGISTER_WRITE,
}

DELETE_VERSION = OpenApiParameter(
    "version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=True,
    description=str(_("The version you read (optimistic locking); 409 when it changed since.")),
)


class HouseholdRecordSerializer(serializers.ModelSerializer):
    """What the three have in common: a household that never changes, the version read."""

    household = VisibleHouseholdField(
        queryset=Household.objects.none(),
        help_text=_("Id of the household; a record cannot move to another household."),
        error_messages={"does_not_exist": _("There is no household with id {pk_value}.")},
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    updated_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    COMMON = ["id", "household", "source", "version", "created_by", "updated_by"]
    COMMON_READ_ONLY = ["source", "created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            if "household" in attrs and attrs["household"] != self.instance.household:
                raise serializers.ValidationError(
                    {"household": _("A record cannot move to another household.")}
                )
            attrs.pop("household", None)
            if "version" not in attrs:
                raise serializers.ValidationError({"version": VERSION_MISSING})
        return attrs

    def _user(self):
        return self.context["request"].user


class AssessmentSerializer(HouseholdRecordSerializer):
    instrument = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Instrument.objects.all(),
        help_text=_("Code of the instrument: zrm or participatieladder."),
        error_messages={"does_not_exist": _("There is no instrument “{value}”.")},
    )
    scores = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text=_(
            'Score per domain code, e.g. {"financien": 2, "huisvesting": 4}; a domain left '
            "out (or null) is not scored."
        ),
    )

    class Meta:
        model = Assessment
        fields = [
            *HouseholdRecordSerializer.COMMON,
            "instrument",
            "date",
            "scores",
            "created_at",
            "updated_at",
        ]
        read_only_fields = HouseholdRecordSerializer.COMMON_READ_ONLY

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and attrs.pop("instrument", self.instance.instrument) != (
            self.instance.instrument
        ):
            raise serializers.ValidationError(
                {"instrument": _("The instrument of an assessment cannot change.")}
            )
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.assessment_create(created_by=self._user(), **validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        return services.assessment_update(
            assessment=instance, expected_version=version, updated_by=self._user(), **validated_data
        )


class SurveySerializer(HouseholdRecordSerializer):
    most_valuable_help = VisibleInterventionField(
        queryset=Intervention.objects.none(),
        allow_null=True,
        required=False,
        help_text=_("Id of the household's intervention that mattered most, or null."),
        error_messages={"does_not_exist": _("There is no intervention with id {pk_value}.")},
    )

    class Meta:
        model = SurveyResponse
        fields = [
            *HouseholdRecordSerializer.COMMON,
            "wave",
            "date",
            *SurveyResponse.ITEMS,
            "most_valuable_help",
            "created_at",
            "updated_at",
        ]
        read_only_fields = HouseholdRecordSerializer.COMMON_READ_ONLY
        # One answer per wave is the service's to check, with a message on the wave.
        validators: list = []

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.survey_create(created_by=self._user(), **validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        return services.survey_update(
            survey=instance, expected_version=version, updated_by=self._user(), **validated_data
        )


class OutcomeEventSerializer(HouseholdRecordSerializer):
    outcome = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Outcome.objects.all(),
        help_text=_("Code of the outcome in the catalogue."),
        error_messages={"does_not_exist": _("There is no outcome “{value}” in the catalogue.")},
    )
    intervention = VisibleInterventionField(
        queryset=Intervention.objects.none(),
        allow_null=True,
        required=False,
        help_text=_("Id of the household's intervention the outcome is attributed to, or null."),
        error_messages={"does_not_exist": _("There is no intervention with id {pk_value}.")},
    )

    class Meta:
        model = OutcomeEvent
        fields = [
            *HouseholdRecordSerializer.COMMON,
            "outcome",
            "intervention",
            "date",
            "evidence",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = HouseholdRecordSerializer.COMMON_READ_ONLY

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.outcome_event_create(created_by=self._user(), **validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        return services.outcome_event_update(
            event=instance, expected_version=version, updated_by=self._user(), **validated_data
        )


class HouseholdFilter(django_filters.FilterSet):
    household = django_filters.NumberFilter(
        field_name="household_id", help_text=_("Id of the household.")
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text=_("On or after this date (YYYY-MM-DD).")
    )
    date_until = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text=_("On or before this date (YYYY-MM-DD).")
    )


class AssessmentFilter(HouseholdFilter):
    instrument = django_filters.CharFilter(
        field_name="instrument__code", help_text=_("Code of the instrument.")
    )

    class Meta:
        model = Assessment
        fields = ["household", "instrument", "source"]


class SurveyFilter(HouseholdFilter):
    class Meta:
        model = SurveyResponse
        fields = ["household", "wave", "source"]


class OutcomeEventFilter(HouseholdFilter):
    outcome = django_filters.CharFilter(
        field_name="outcome__code", help_text=_("Code of the outcome in the catalogue.")
    )

    class Meta:
        model = OutcomeEvent
        fields = ["household", "outcome", "evidence", "source"]


class FollowUpViewSet(
    AccessLoggedMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    pagination_class = KeysetPagination
    permission_required = PERMISSIONS

    def perform_create(self, serializer):
        self.check_object_permissions(self.request, serializer.validated_data["household"])
        serializer.save()

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        version = request.query_params.get("version", "")
        if not version.isdigit():
            raise ValidationError({"version": [VERSION_MISSING]})
        self.delete_record(instance, int(version))
        return Response(status=204)

    def delete_record(self, instance, version: int) -> None:
        raise NotImplementedError


_DELETE_SCHEMA = extend_schema(parameters=[DELETE_VERSION], responses={204: None})


@extend_schema_view(destroy=_DELETE_SCHEMA)
class AssessmentViewSet(FollowUpViewSet):
    """Assessments (metingen) of households on an instrument, a score per domain.

    Changes and deletions need the version read; every list and detail is written to the access
    log."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return (
            of_visible_households(Assessment.objects, self.request.user)
            .select_related("instrument", "created_by", "updated_by")
            .order_by("-id")
        )

    def delete_record(self, instance, version: int) -> None:
        services.assessment_delete(assessment=instance, expected_version=version)


@extend_schema_view(destroy=_DELETE_SCHEMA)
class SurveyViewSet(FollowUpViewSet):
    """Survey answers (vragenlijsten) per wave: T0, T+6, T+12 months, then yearly; each item on a
    scale of 1 to 10 or null (not answered)."""

    serializer_class = SurveySerializer
    filterset_class = SurveyFilter

    def get_queryset(self):
        return (
            of_visible_households(SurveyResponse.objects, self.request.user)
            .select_related("created_by", "updated_by")
            .order_by("-id")
        )

    def delete_record(self, instance, version: int) -> None:
        services.survey_delete(survey=instance, expected_version=version)


@extend_schema_view(destroy=_DELETE_SCHEMA)
class OutcomeEventViewSet(FollowUpViewSet):
    """Outcomes of the catalogue that households realised (gerealiseerde effecten), attributed
    to one of their interventions where that is known."""

    serializer_class = OutcomeEventSerializer
    filterset_class = OutcomeEventFilter

    def get_queryset(self):
        return (
            of_visible_households(OutcomeEvent.objects, self.request.user)
            .select_related("outcome", "created_by", "updated_by")
            .order_by("-id")
        )

    def delete_record(self, instance, version: int) -> None:
        services.outcome_event_delete(event=instance, expected_version=version)

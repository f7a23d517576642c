"""API for scenarios, their versions and calculation runs (the project lead's work; council
members read the fixed versions and their results, never a draft).

Views stay thin: serializers read the input, the services in ``services.py`` check it (the same
checks as the pages and the file import) and write. A version conflict answers 409, a check
that fails 400 with its messages under the field they are about; the results of a run that did
not finish answer 409; a recalculation while the calculation service is down answers 503.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from siex.core.api import ErrorSerializer

from . import presentation, selectors, services
from .models import (
    CalculationRun,
    PriceBasis,
    RunStatus,
    Scenario,
    ScenarioVersion,
    VersionStatus,
)
from .realised.api import ACTION_PERMISSIONS as REALISED_PERMISSIONS
from .realised.api import RealisedActions
from .results.disclosure import results_for
from .results.serializers import ResultTableSerializer
from .results.tables import run_tables
from .revision.api import ACTION_PERMISSIONS, RevisionActions
from .scenario import LIST_FIELDS, PARAMETER_FIELDS, PROGRAMME_CATEGORIES

VIEW = "calculation.view_scenarios"
CHANGE = "calculation.change_scenarios"
# Fixed versions and their runs, for the council too; drafts stay the project lead's (VIEW).
RESULTS = "calculation.view_results"
PERMISSIONS = {"GET": RESULTS, "POST": CHANGE, "PATCH": CHANGE}


def _reads_drafts(request) -> bool:
    return request.user.has_perm(VIEW)


def _refuse_draft(view, request, version: ScenarioVersion) -> None:
    """A council member reads what the council decides on: fixed versions, never a draft."""
    if not version.is_fixed and not _reads_drafts(request):
        view.permission_denied(request)


def _through_service(call):
    """Run a service; its ValidationError becomes a 400 naming the fields it is about."""
    try:
        return call()
    except DjangoValidationError as error:
        raise serializers.ValidationError(presentation.api_errors(error)) from error


# --- documentation of the scenario lists (the services check their content) -----------------------


class IntakeRowSerializer(serializers.Serializer):
    intervention_type = serializers.CharField()
    year = serializers.IntegerField()
    households = serializers.FloatField()
    unit_cost = serializers.FloatField(required=False)


class ProgrammeCostRowSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=list(PROGRAMME_CATEGORIES))
    actor = serializers.CharField()
    year = serializers.IntegerField()
    amount = serializers.FloatField()


class BudgetRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    amount = serializers.FloatField()


class UncertaintyRowSerializer(serializers.Serializer):
    parameter = serializers.CharField()
    intervention_type = serializers.CharField(required=False)
    outcome = serializers.CharField(required=False)
    low = serializers.FloatField()
    high = serializers.FloatField()


class OverrideRowSerializer(serializers.Serializer):
    parameter = serializers.CharField()
    intervention_type = serializers.CharField(required=False)
    outcome = serializers.CharField(required=False)
    value = serializers.FloatField()
    reason = serializers.CharField(required=False)


@extend_schema_field(IntakeRowSerializer(many=True))
class IntakeField(serializers.JSONField):
    pass


@extend_schema_field(ProgrammeCostRowSerializer(many=True))
class ProgrammeCostsField(serializers.JSONField):
    pass


@extend_schema_field(BudgetRowSerializer(many=True, allow_null=True))
class BudgetField(serializers.JSONField):
    pass


@extend_schema_field(UncertaintyRowSerializer(many=True))
class UncertaintyField(serializers.JSONField):
    pass


@extend_schema_field(OverrideRowSerializer(many=True))
class OverridesField(serializers.JSONField):
    pass


# --- scenarios ------------------------------------------------------------------------------------


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ScenarioVersion
        fields = ["id", "number", "status"]


def _username_field() -> serializers.SlugRelatedField[AbstractUser]:
    """Who did something (created, changed, fixed, started), by their username; read only.
    Null when no one did it yet, or the account is gone."""
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)


class ScenarioSerializer(serializers.ModelSerializer):
    # Declared, so that the service (not a validator of the serializer) checks the code.
    code = serializers.CharField(
        max_length=60,
        help_text=gettext_lazy("Lower-case letters, digits, hyphens and underscores."),
    )
    created_by = _username_field()
    closed_by = _username_field()
    versions = VersionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Scenario
        fields = [
            "id",
            "code",
            "name",
            "description",
            "is_reference",
            "created_by",
            "created_at",
            "closed_at",
            "closed_by",
            "versions",
        ]
        read_only_fields = ["is_reference", "created_at", "closed_at"]

    def create(self, validated_data):
        version = _through_service(
            lambda: services.scenario_create(user=self.context["request"].user, **validated_data)
        )
        return version.scenario


class ScenarioViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Scenarios with their versions. Creating one makes a draft version 1 with default
    parameters on a snapshot of the current catalogue."""

    serializer_class = ScenarioSerializer
    filterset_fields = ["code", "is_reference"]
    permission_required = PERMISSIONS

    def get_queryset(self):
        versions = ScenarioVersion.objects.only("pk", "scenario_id", "number", "status").order_by(
            "number"
        )
        scenarios = Scenario.objects.all()
        if not _reads_drafts(self.request):
            # The council's list: the scenarios with a fixed version, and those versions only.
            versions = versions.filter(status=VersionStatus.FIXED)
            if self.action == "list":
                scenarios = scenarios.filter(versions__status=VersionStatus.FIXED).distinct()
        return (
            scenarios.select_related("created_by", "closed_by")
            .prefetch_related(Prefetch("versions", queryset=versions))
            .order_by("name", "id")
        )

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if not _reads_drafts(request) and not obj.versions.all():
            self.permission_denied(request)


# --- scenario versions ----------------------------------------------------------------------------


class ScenarioVersionSerializer(serializers.ModelSerializer):
    scenario_code = serializers.CharField(source="scenario.code", read_only=True)
    scenario_name = serializers.CharField(source="scenario.name", read_only=True)
    version = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("Required when changing a version: the version you read."),
    )
    start_year = serializers.IntegerField(required=False)
    horizon_years = serializers.IntegerField(required=False)
    discount_rate = serializers.FloatField(required=False)
    price_basis = serializers.ChoiceField(choices=PriceBasis.choices, required=False)
    cost_indexation = serializers.FloatField(required=False)
    benefit_indexation = serializers.FloatField(required=False)
    financing_rate = serializers.FloatField(required=False)
    bbv_discount_rate = serializers.FloatField(required=False)
    optimism_bias_pct = serializers.ListField(child=serializers.FloatField(), required=False)
    count_registered = serializers.BooleanField(required=False)
    monte_carlo_draws = serializers.IntegerField(required=False)
    seed = serializers.IntegerField(required=False)
    assumptions = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    intake = IntakeField(required=False)
    programme_costs = ProgrammeCostsField(required=False)
    budget = BudgetField(required=False, allow_null=True)
    uncertainty = UncertaintyField(required=False)
    overrides = OverridesField(required=False)
    created_by = _username_field()
    updated_by = _username_field()
    fixed_by = _username_field()

    class Meta:
        model = ScenarioVersion
        fields = [
            "id",
            "scenario",
            "scenario_code",
            "scenario_name",
            "number",
            "status",
            "note",
            "assumptions",
            *PARAMETER_FIELDS,
            *LIST_FIELDS,
            "copied_from",
            "kind",
            "revises",
            "revision_date",
            "version",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
            "fixed_by",
            "fixed_at",
        ]
        read_only_fields = [
            "scenario",
            "number",
            "status",
            "copied_from",
            "kind",
            "revises",
            "revision_date",
            "created_at",
            "updated_at",
            "fixed_at",
        ]

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": _("Send the version you read, so that no one's changes are lost.")}
            )
        return attrs

    def update(self, instance, validated_data):
        expected = validated_data.pop("version")
        return _through_service(
            lambda: services.scenario_version_update(
                version=instance,
                expected_version=expected,
                user=self.context["request"].user,
                **validated_data,
            )
        )


class VersionLockSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=gettext_lazy("The version you read."))


class NewVersionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CalculationRunSerializer(serializers.ModelSerializer):
    scenario = serializers.IntegerField(source="scenario_version.scenario_id", read_only=True)
    started_by = _username_field()
    duration = serializers.FloatField(
        read_only=True, allow_null=True, help_text=gettext_lazy("Seconds the job took.")
    )

    class Meta:
        model = CalculationRun
        fields = [
            "id",
            "scenario",
            "scenario_version",
            "status",
            "progress",
            "step",
            "attempts",
            "error",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "duration",
            "timings",
            "inputs_hash",
            "seed",
            "model_version",
        ]
        read_only_fields = fields


class ScenarioVersionFilter(django_filters.FilterSet):
    scenario_code = django_filters.CharFilter(field_name="scenario__code")

    class Meta:
        model = ScenarioVersion
        fields = ["scenario", "scenario_code", "status"]


# The scenario file (inputs and catalogue snapshot, for editing and re-import): the project lead's.
DRAFT_READERS_ONLY = {"document": {"GET": VIEW}}


class ScenarioVersionViewSet(
    RevisionActions,
    RealisedActions,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of the scenarios. A draft changes with PATCH and the version you read
    (optimistic locking); a fixed (vastgesteld) version never changes."""

    serializer_class = ScenarioVersionSerializer
    filterset_class = ScenarioVersionFilter

    @property
    def permission_required(self) -> dict[str, str]:
        action_name = getattr(self, "action", None) or ""
        return {**ACTION_PERMISSIONS, **REALISED_PERMISSIONS, **DRAFT_READERS_ONLY}.get(
            action_name, PERMISSIONS
        )

    # PATCH only: a PUT would have to send the whole version, catalogue snapshot aside.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        versions = ScenarioVersion.objects.all()
        if self.action == "list" and not _reads_drafts(self.request):
            versions = versions.filter(status=VersionStatus.FIXED)
        return (
            versions.select_related("scenario", "created_by", "updated_by", "fixed_by")
            .defer("catalogue", "registered_intake")
            .order_by("scenario__name", "scenario_id", "number")
        )

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if self.action == "retrieve":
            _refuse_draft(self, request, obj)

    def _version(self) -> ScenarioVersion:
        """The object with every field loaded (the services read the catalogue snapshot)."""
        return ScenarioVersion.objects.select_related("scenario").get(pk=self.get_object().pk)

    @extend_schema(
        summary="The version as a scenario file",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="siex-scenario file")},
    )
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        version = self._version()
        filename = f"siex-scenario-{version.scenario.code}-v{version.number}.json"
        return Response(
            selectors.scenario_document(version),
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @extend_schema(
        summary="Import a scenario file",
        description=(
            "A new scenario, or a new draft version of the scenario with the file's code when "
            "that exists. All or nothing."
        ),
        request=OpenApiTypes.OBJECT,
        responses={201: ScenarioVersionSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_document(self, request):
        version = _through_service(
            lambda: services.scenario_import(document=request.data, user=request.user)
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Fix (vaststellen) the version",
        request=VersionLockSerializer,
        responses={200: ScenarioVersionSerializer},
    )
    @action(detail=True, methods=["post"])
    def fix(self, request, pk=None):
        lock = VersionLockSerializer(data=request.data)
        lock.is_valid(raise_exception=True)
        version = services.scenario_version_fix(
            version=self._version(),
            expected_version=lock.validated_data["version"],
            user=request.user,
        )
        return Response(self.get_serializer(version).data)

    @extend_schema(
        summary="A new draft version, as a copy of this one",
        request=NewVersionSerializer,
        responses={201: ScenarioVersionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="new-version", url_name="new-version")
    def new_version(self, request, pk=None):
        data = NewVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = _through_service(
            lambda: services.scenario_version_new(
                version=self._version(), user=request.user, note=data.validated_data["note"]
            )
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Start a recalculation",
        description=(
            "Queues a calculation job and answers at once with the run; follow it at "
            "calculation-runs. While one is queued or running, that run is returned."
        ),
        request=None,
        responses={
            202: CalculationRunSerializer,
            503: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "The calculation service (the broker) cannot be reached: nothing was "
                    "started. Try again after the seconds in Retry-After."
                ),
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def runs(self, request, pk=None):
        try:
            run = services.run_start(version=self._version(), user=request.user)
        except services.CalculationServiceUnavailable as error:
            return Response(
                {
                    "detail": _(
                        "The calculation service cannot be reached; nothing was started. "
                        "Try again in a few minutes."
                    ),
                    "code": "calculation_service_unavailable",
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(error.retry_after)},
            )
        # Without a broker the job has already run by now: answer with its current state.
        run = CalculationRun.objects.defer("results").select_related("started_by").get(pk=run.pk)
        return Response(CalculationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


# --- result tables -------------------------------------------------------------------------------


class RunTablesSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    tables = ResultTableSerializer(many=True)


# --- calculation runs -----------------------------------------------------------------------------


class CalculationRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Calculation runs: state, progress and metadata; the results of a finished one."""

    serializer_class = CalculationRunSerializer
    filterset_fields = ["scenario_version", "status"]
    permission_required = {"GET": RESULTS}

    def get_queryset(self):
        runs = CalculationRun.objects.all()
        if self.action == "list" and not _reads_drafts(self.request):
            runs = runs.filter(scenario_version__status=VersionStatus.FIXED)
        return (
            runs.select_related("scenario_version", "started_by")
            .defer("results")
            .order_by("-created_at", "-id")
        )

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        _refuse_draft(self, request, obj.scenario_version)

    @staticmethod
    def _without_results(run: CalculationRun) -> Response:
        return Response(
            {
                "detail": _("This calculation has no results: it has not finished.")
                if run.is_active
                else _("This calculation has no results: it failed."),
                "status": run.status,
            },
            status=status.HTTP_409_CONFLICT,
        )

    @staticmethod
    def _results(run: CalculationRun) -> dict[str, Any]:
        """The results document of a finished run (read apart: the list defers it)."""
        results = CalculationRun.objects.values_list("results", flat=True).get(pk=run.pk)
        return cast(dict[str, Any], results)

    @extend_schema(
        summary="The results document of a finished run",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="results document"),
            409: OpenApiResponse(description="The run has not finished (or failed)."),
        },
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        run = self.get_object()
        if run.status != RunStatus.SUCCEEDED:
            return self._without_results(run)
        return Response(results_for(self._results(run), request.user))

    @extend_schema(
        summary="The result tables of a finished run",
        description=(
            "Every table of the results page (key figures, year table, who pays and who "
            "benefits, ledger, budget position, sensitivity, Monte Carlo), as the page, the "
            "command line and the Excel workbook show them: columns with their label and kind, "
            "rows of typed cells with their value and their text in the language of the request."
        ),
        responses={
            200: RunTablesSerializer,
            409: OpenApiResponse(description="The run has not finished (or failed)."),
        },
    )
    @action(detail=True, methods=["get"])
    def tables(self, request, pk=None):
        run = self.get_object()
        if run.status != RunStatus.SUCCEEDED:
            return self._without_results(run)
        tables = run_tables(results_for(self._results(run), request.user))
        return Response(RunTablesSerializer({"run": run.pk, "tables": tables.values()}).data)

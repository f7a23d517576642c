"""API of the revision and the closing: actions on a scenario version (``scenario-versions``),
with the roles of the pages: the project lead revises and closes, the project lead and the
council read plan versus actual (the council of fixed versions only)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from .. import presentation
from ..models import ScenarioVersion
from ..results.serializers import ResultTableSerializer
from . import selectors, services
from .tables import ex_post_table, plan_actual_tables

VIEW = "calculation.view_scenarios"
CHANGE = "calculation.change_scenarios"
PLAN_ACTUAL = "calculation.view_plan_actual"
#: The permission of each action, where it differs from the viewset's.
ACTION_PERMISSIONS = {
    "revise": {"POST": CHANGE},
    "close": {"POST": CHANGE},
    "plan_actual": {"GET": PLAN_ACTUAL},
}


class RevisionRequestSerializer(serializers.Serializer):
    revision_date = serializers.DateField(
        required=False,
        help_text=gettext_lazy(
            "The years before this date carry actuals; default 1 January of this year."
        ),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CloseRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PlanActualSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    plan_version = serializers.IntegerField(
        help_text=gettext_lazy("The version the actuals are set against (the original plan).")
    )
    years = serializers.ListField(child=serializers.IntegerField())
    realised_outcomes = serializers.ListField(child=serializers.DictField())
    tables = serializers.ListField(
        child=serializers.DictField(),
        help_text=gettext_lazy(
            "Per intervention type and per type and year: volumes, costs and the difference "
            "split into volume, price and timing (as the result tables: columns and rows of "
            "typed cells); for a final version also the ex-post result."
        ),
    )


def _refused(error: DjangoValidationError):
    return serializers.ValidationError(presentation.api_errors(error))


class RevisionActions:
    """Actions of ``ScenarioVersionViewSet`` (mixed in): revise, close, plan versus actual."""

    def _version(self) -> ScenarioVersion:  # provided by the viewset
        raise NotImplementedError

    @extend_schema(
        summary="Make the yearly revision (herziening) of a fixed version",
        description=(
            "A new draft version of the same scenario: the years before the revision date carry "
            "the registered volumes and paid costs, the later years keep the plan. Refused (400) "
            "for a draft or a closed exploitation."
        ),
        request=RevisionRequestSerializer,
        responses={201: OpenApiResponse(description="The revision (a scenario version).")},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        data = RevisionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            revision = services.scenario_version_revise(
                version=self._version(), user=request.user, **data.validated_data
            )
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(self.get_serializer(revision).data, status=status.HTTP_201_CREATED)  # type: ignore[attr-defined]

    @extend_schema(
        summary="Close (afsluiten) the exploitation from a fixed version",
        description=(
            "Makes and fixes the final version (all years actuals), starts its calculation and "
            "locks the scenario. Refused (400) when it is closed already."
        ),
        request=CloseRequestSerializer,
        responses={201: OpenApiResponse(description="The final version (a scenario version).")},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = CloseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            final = services.scenario_close(
                version=self._version(), user=request.user, **data.validated_data
            )
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(self.get_serializer(final).data, status=status.HTTP_201_CREATED)  # type: ignore[attr-defined]

    @extend_schema(
        summary="Plan versus actual, split into volume, price and timing",
        responses={200: PlanActualSerializer},
    )
    @action(detail=True, methods=["get"], url_path="plan-actual", url_name="plan-actual")
    def plan_actual(self, request, pk=None):
        version = self._version()
        lead = request.user.has_perm(VIEW)
        if not version.is_fixed and not lead:
            raise PermissionDenied
        document = selectors.plan_actual(version, suppress=not lead)
        tables = list(plan_actual_tables(document).values())
        result = selectors.ex_post(version)
        if result is not None:
            tables.insert(0, ex_post_table(result))
        return Response(
            {
                "version": version.pk,
                "plan_version": document["plan_version"],
                "years": document["years"],
                "realised_outcomes": document["realised_outcomes"],
                "tables": ResultTableSerializer(tables, many=True).data,
            }
        )

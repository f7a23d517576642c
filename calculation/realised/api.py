"""API of realised returns: actions on a scenario version (``scenario-versions``) and the
transitions between assessment levels. The project lead reads everything; a policy officer the
realised returns per household; a council member aggregates only, small cells suppressed
(DESIGN §6), never a household."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from interventions.followup.models import Instrument
from monitoring.suppression import DisclosureRules, hide_with, protect_line, protect_table

from ..models import ScenarioVersion
from . import selectors

VIEW_REALISED = "calculation.view_realised"
AGGREGATES = "calculation.view_plan_actual"
LEAD = "calculation.view_scenarios"
SEE_HOUSEHOLDS = "interventions.view_household_data"
#: The permission of each action of the scenario versions' API.
ACTION_PERMISSIONS = {
    "realised": {"GET": VIEW_REALISED},
    "realisation": {"GET": AGGREGATES},
    "comparison_group": {"GET": LEAD},
}

REFERENCE_DATE = OpenApiParameter(
    "reference_date",
    date,
    description=gettext_lazy("Realised so far up to this date; default today."),
)


class ReferenceSerializer(serializers.Serializer):
    reference_date = serializers.DateField(required=False)


def reference_date(request) -> date:
    data = ReferenceSerializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data.get("reference_date") or timezone.localdate()


def suppressed_rows(rows: list[dict], amounts=("gross", "attributable")) -> list[dict]:
    """Rows of a breakdown through disclosure control (``monitoring.suppression``): the cells of
    few households hidden with their amounts, with secondary suppression so that no hidden row
    follows from the total, and the households of the others rounded."""
    if not rows:
        return rows
    shown = protect_line([row["households"] for row in rows], DisclosureRules.from_settings())
    return [
        {**row, **dict.fromkeys((*amounts, "households"), None)}
        if hide
        else {**row, "households": count}
        for row, count, hide in zip(rows, shown.cells, shown.hidden, strict=True)
    ]


def realised_document(
    result: selectors.RealisedReturns, *, households: bool, suppress: bool
) -> dict[str, Any]:
    """Realised returns for a reader: the household breakdown only for those who see households,
    small cells hidden for the council."""
    breakdowns = [by for by in selectors.BREAKDOWNS if households or by != "household"]
    document = result.as_dict(breakdowns)
    document["households"] = int(result.frame["household"].nunique()) if len(result.frame) else 0
    if suppress:
        for by in breakdowns:
            document[f"by_{by}"] = suppressed_rows(document[f"by_{by}"])
        document["households"] = DisclosureRules.from_settings().publish(document["households"])
        if document["households"] is None:
            document.update(society=None, society_attributable=None)
    return document


def council_realisation(document: dict[str, Any]) -> dict[str, Any]:
    """The realisation degree as a council member may see it: its household counts rounded, an
    outcome reached by few households without its realised value and degree, and with fewer
    households in all than the threshold no figure at all."""
    rules = DisclosureRules.from_settings()
    households = rules.publish(document["households"])
    if households is None:
        return {
            **document,
            "households": None,
            "outcomes": [],
            "realised": None,
            "forecast": None,
            "degree": None,
        }
    outcomes = document["outcomes"]
    if outcomes:
        # An outcome's realised value of few households is theirs: hidden with the count, and
        # with a partner, or it would follow from the total realised.
        shown = protect_line([row["households"] for row in outcomes], rules)
        outcomes = hide_with(outcomes, shown.hidden, ("realised", "degree", "households"))
        outcomes = [
            row if hide else {**row, "households": count}
            for row, count, hide in zip(outcomes, shown.cells, shown.hidden, strict=True)
        ]
    return {**document, "households": households, "outcomes": outcomes}


class RealisedActions:
    """Actions of ``ScenarioVersionViewSet`` (mixed in): realised returns, the realisation degree
    and the comparison group."""

    def _version(self) -> ScenarioVersion:  # provided by the viewset
        raise NotImplementedError

    @extend_schema(
        summary="Realised returns so far, valued with the version's frozen catalogue",
        description=(
            "Outcome events up to the reference date, valued per docs/realised-returns.md: "
            "society totals (transfers left out) and totals per intervention type, area, actor "
            "(its own view), life domain and outcome; per household for those who see "
            "households. A council member gets aggregates of fixed versions only, small cells "
            "hidden (null)."
        ),
        parameters=[REFERENCE_DATE],
        responses={200: OpenApiResponse(description="Realised returns.")},
    )
    @action(detail=True, methods=["get"])
    def realised(self, request, pk=None):
        version = self._version()
        households = request.user.has_perm(SEE_HOUSEHOLDS)
        if not households and not version.is_fixed:
            raise PermissionDenied
        result = selectors.realised_returns(version, reference=reference_date(request))
        document = realised_document(result, households=households, suppress=not households)
        return Response(document)

    @extend_schema(
        summary="Realisation degree: realised against forecast for the same households",
        description=(
            "Per outcome and in total, attributable society values (after attribution and "
            "displacement, before deadweight and the optimism-bias cut) up to the reference "
            "date. A council member reads fixed versions only; with fewer households than the "
            "small-cell threshold the figures are hidden."
        ),
        parameters=[REFERENCE_DATE],
        responses={200: OpenApiResponse(description="Realisation degree.")},
    )
    @action(detail=True, methods=["get"])
    def realisation(self, request, pk=None):
        version = self._version()
        lead = request.user.has_perm(LEAD)
        if not lead and not version.is_fixed:
            raise PermissionDenied
        document = selectors.realisation_degree(version, reference=reference_date(request))
        if not lead:
            document = council_realisation(document)
        return Response(document)

    @extend_schema(
        summary="Comparison group: observed against assumed deadweight per outcome and year",
        responses={200: OpenApiResponse(description="Rows per mapped outcome and year.")},
    )
    @action(detail=True, methods=["get"], url_path="comparison-group", url_name="comparison-group")
    def comparison_group(self, request, pk=None):
        return Response(selectors.comparison_group(self._version()))


class TransitionViewSet(viewsets.ViewSet):
    """Transitions between the levels of an instrument (ZRM, Participatieladder) per domain and
    cohort, first against latest assessment; small cells hidden for the council."""

    permission_required = AGGREGATES
    lookup_field = "code"

    @extend_schema(
        summary="Transition matrices of an instrument per domain and cohort",
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description=gettext_lazy("The instrument's code, e.g. zrm."),
            )
        ],
        responses={200: OpenApiResponse(description="One matrix per domain and cohort.")},
    )
    def retrieve(self, request, code=None):
        instrument = get_object_or_404(Instrument, code=code)
        matrices = selectors.transition_matrices(instrument=instrument)
        if not request.user.has_perm(LEAD):
            rules = DisclosureRules.from_settings()
            for matrix in matrices:
                if matrix["matrix"]:
                    matrix["matrix"] = protect_table(matrix["matrix"], rules).cells
                matrix["households"] = rules.publish(matrix["households"])
        return Response({"instrument": instrument.code, "matrices": matrices})

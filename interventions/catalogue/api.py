"""API of the catalogue (read-only here; it is maintained from the catalogue file and the project
lead's pages): life domains, actors with their budget lines, outcomes with their values and the
intervention types with their outcome probabilities. Every role may read it: it holds no household
data."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from siex.core.api import BooleanFilter, PageNumberPagination

from .models import (
    Actor,
    ActorGroup,
    BudgetLine,
    ConfidenceGrade,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    Outcome,
    OutcomeValue,
)
from .services import OUTCOME_EDITABLE_FIELDS

CATALOGUE_READ = "interventions.view_catalogue"


class LifeDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = LifeDomain
        fields = ["code", "name_nl", "name_en", "description"]


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["code", "name_nl", "name_en"]


class ActorGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActorGroup
        fields = ["code", "name_nl", "name_en"]


class ActorSerializer(serializers.ModelSerializer):
    # ``sector`` is the group's code, as the catalogue file names it.
    sector = serializers.SlugRelatedField(source="group", slug_field="code", read_only=True)
    group = ActorGroupSerializer(read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = [
            "code",
            "name_nl",
            "name_en",
            "sector",
            "group",
            "is_municipality",
            "budget_lines",
        ]


class OutcomeValueSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    budget_line = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = OutcomeValue
        fields = ["actor", "budget_line", "value_type", "is_transfer", "annual_amount", "note"]


class OutcomeSerializer(serializers.ModelSerializer):
    life_domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    values = OutcomeValueSerializer(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = ["code", *OUTCOME_EDITABLE_FIELDS, "values", "version"]


class OutcomeLinkSerializer(serializers.ModelSerializer):
    outcome = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = InterventionOutcome
        fields = ["outcome", "success_probability", "note"]


class InterventionTypeSerializer(serializers.ModelSerializer):
    life_domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    paying_actor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    paying_budget_line = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    cost_phasing = serializers.ListField(
        child=serializers.DecimalField(max_digits=5, decimal_places=4), read_only=True
    )
    outcomes = OutcomeLinkSerializer(source="outcome_links", many=True, read_only=True)

    class Meta:
        model = InterventionType
        fields = [
            "code",
            "name_nl",
            "name_en",
            "provider",
            "life_domain",
            "description",
            "unit_cost",
            "cost_phasing",
            "paying_actor",
            "paying_budget_line",
            "typical_duration_months",
            "cost_source",
            "cost_confidence_grade",
            "is_active",
            "outcomes",
            "version",
        ]


class ActorFilter(django_filters.FilterSet):
    sector = django_filters.ModelChoiceFilter(
        field_name="group",
        to_field_name="code",
        queryset=ActorGroup.objects.all(),
        help_text=_("Code of the actor group, e.g. government."),
    )
    is_municipality = BooleanFilter(help_text=_("true: only the municipality."))

    class Meta:
        model = Actor
        fields = ["sector", "is_municipality"]


class OutcomeFilter(django_filters.FilterSet):
    life_domain = django_filters.CharFilter(
        field_name="life_domain__code", help_text=_("Code of the life domain, e.g. rondkomen.")
    )
    grade = django_filters.TypedChoiceFilter(
        field_name="confidence_grade",
        choices=ConfidenceGrade.choices,
        coerce=int,
        help_text=_("Confidence grade, 1 (audited evidence) to 6 (expert guess)."),
    )

    class Meta:
        model = Outcome
        fields = ["life_domain", "grade"]


class InterventionTypeFilter(django_filters.FilterSet):
    life_domain = django_filters.CharFilter(
        field_name="life_domain__code", help_text=_("Code of the life domain, e.g. rondkomen.")
    )
    grade = django_filters.TypedChoiceFilter(
        field_name="cost_confidence_grade",
        choices=ConfidenceGrade.choices,
        coerce=int,
        help_text=_("Confidence grade of the unit cost, 1 (audited evidence) to 6 (expert guess)."),
    )
    is_active = BooleanFilter(
        help_text=_("true: in use for new registrations; false: taken out of use.")
    )

    class Meta:
        model = InterventionType
        fields = ["life_domain", "grade", "is_active"]


class LifeDomainViewSet(viewsets.ReadOnlyModelViewSet):
    """The life domains (leefdomeinen) of the Kompas van Groningen."""

    queryset = LifeDomain.objects.all()
    serializer_class = LifeDomainSerializer
    pagination_class = PageNumberPagination
    lookup_field = "code"
    permission_required = CATALOGUE_READ


class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    """Who pays and who benefits, with the municipality's budget lines."""

    queryset = Actor.objects.select_related("group").prefetch_related("budget_lines")
    serializer_class = ActorSerializer
    pagination_class = PageNumberPagination
    filterset_class = ActorFilter
    lookup_field = "code"
    permission_required = CATALOGUE_READ


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Outcomes (effecten) with all their assumptions and values per actor."""

    queryset = Outcome.objects.select_related("life_domain").prefetch_related(
        "values__actor", "values__budget_line"
    )
    serializer_class = OutcomeSerializer
    pagination_class = PageNumberPagination
    lookup_field = "code"
    filterset_class = OutcomeFilter
    permission_required = CATALOGUE_READ


class InterventionTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of interventions with costs, phasing, payer and outcome probabilities.

    Types taken out of use (``is_active`` false) stay listed: registered interventions refer to
    them, but no new intervention of such a type can be registered."""

    queryset = InterventionType.objects.select_related(
        "life_domain", "paying_actor", "paying_budget_line"
    ).prefetch_related("outcome_links__outcome")
    serializer_class = InterventionTypeSerializer
    pagination_class = PageNumberPagination
    lookup_field = "code"
    filterset_class = InterventionTypeFilter
    permission_required = CATALOGUE_READ

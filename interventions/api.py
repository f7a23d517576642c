"""API for the catalogue (read) and the register (households and interventions).

Views stay thin: serializers parse input, the services in ``services.py`` validate and write.
A version conflict answers 409, a validation error 400 with a message per field.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from monitoring.models import Area, AreaLevel

from . import services
from .models import (
    Actor,
    BudgetLine,
    Household,
    Intervention,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    Outcome,
    OutcomeValue,
)
from .pseudonyms import pseudonymise, validate_reference
from .selectors import participating

CATALOGUE_READ = "interventions.view_catalogue"
REGISTER_READ = "interventions.view_household_data"
REGISTER_WRITE = "interventions.change_household_data"


# --- Catalogue (read-only here; maintained from the catalogue file and the project lead's pages) --


class LifeDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = LifeDomain
        fields = ["code", "name_nl", "name_en", "description"]


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["code", "name_nl", "name_en"]


class ActorSerializer(serializers.ModelSerializer):
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["code", "name_nl", "name_en", "sector", "is_municipality", "budget_lines"]


class OutcomeValueSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    budget_line = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OutcomeValue
        fields = ["actor", "budget_line", "value_type", "is_transfer", "annual_amount", "note"]


class OutcomeSerializer(serializers.ModelSerializer):
    life_domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    values = OutcomeValueSerializer(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = [
            "code",
            "name_nl",
            "name_en",
            "life_domain",
            "description",
            "lag_years",
            "duration_years",
            "drop_off_pct",
            "deadweight_pct",
            "attribution_pct",
            "displacement_pct",
            "ramp_up",
            "confidence_grade",
            "source",
            "values",
            "version",
        ]


class OutcomeLinkSerializer(serializers.ModelSerializer):
    outcome = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = InterventionOutcome
        fields = ["outcome", "success_probability", "note"]


class InterventionTypeSerializer(serializers.ModelSerializer):
    life_domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    paying_actor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    paying_budget_line = serializers.SlugRelatedField(slug_field="code", read_only=True)
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


class LifeDomainViewSet(viewsets.ReadOnlyModelViewSet):
    """The life domains (leefdomeinen) of the Kompas van Groningen."""

    queryset = LifeDomain.objects.all()
    serializer_class = LifeDomainSerializer
    lookup_field = "code"
    permission_required = CATALOGUE_READ


class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    """Who pays and who benefits, with the municipality's budget lines."""

    queryset = Actor.objects.prefetch_related("budget_lines")
    serializer_class = ActorSerializer
    lookup_field = "code"
    permission_required = CATALOGUE_READ


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Outcomes (effecten) with all their assumptions and values per actor."""

    queryset = Outcome.objects.select_related("life_domain").prefetch_related(
        "values__actor", "values__budget_line"
    )
    serializer_class = OutcomeSerializer
    lookup_field = "code"
    filterset_fields = ["life_domain__code", "confidence_grade"]
    permission_required = CATALOGUE_READ


class InterventionTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of interventions with costs, phasing, payer and outcome probabilities."""

    queryset = InterventionType.objects.select_related(
        "life_domain", "paying_actor", "paying_budget_line"
    ).prefetch_related("outcome_links__outcome")
    serializer_class = InterventionTypeSerializer
    lookup_field = "code"
    filterset_fields = ["life_domain__code", "is_active"]
    permission_required = CATALOGUE_READ


# --- Register -------------------------------------------------------------------------------------


class HouseholdSerializer(serializers.ModelSerializer):
    external_reference = serializers.CharField(
        write_only=True,
        required=False,
        max_length=100,
        help_text=_(
            "The municipality's own reference; turned into the pseudonym and never stored."
        ),
    )
    area = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Area.objects.filter(level=AreaLevel.DISTRICT),
        error_messages={"does_not_exist": _("There is no district with code “{value}”.")},
    )
    version = serializers.IntegerField(
        required=False,
        help_text=_("Required when changing a household: the version you read."),
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "pseudonym",
            "external_reference",
            "area",
            "adults",
            "children",
            "income_pct_social_minimum",
            "income_source",
            "debt_situation",
            "participation_start",
            "participation_end",
            "legal_basis",
            "source",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["pseudonym", "source", "created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is None and not attrs.get("external_reference"):
            raise serializers.ValidationError(
                {
                    "external_reference": _(
                        "Enter the municipality's own reference for this household."
                    )
                }
            )
        if self.instance is not None:
            if "external_reference" in attrs:
                raise serializers.ValidationError(
                    {
                        "external_reference": _(
                            "The reference of a registered household cannot change."
                        )
                    }
                )
            if "version" not in attrs:
                raise serializers.ValidationError(
                    {"version": _("Send the version you read, so that no one's changes are lost.")}
                )
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.household_create(created_by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        return services.household_update(
            household=instance, expected_version=version, **validated_data
        )


class HouseholdFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__code")
    reference = django_filters.CharFilter(method="filter_reference", label=_("own reference"))
    participating = django_filters.BooleanFilter(method="filter_participating")

    class Meta:
        model = Household
        fields = ["area", "income_source", "debt_situation", "legal_basis", "source"]

    def filter_reference(self, queryset, name, value):
        try:
            return queryset.filter(pseudonym=pseudonymise(validate_reference(value)))
        except Exception:  # noqa: BLE001 - an invalid reference simply matches nothing
            return queryset.none()

    def filter_participating(self, queryset, name, value):
        return queryset.filter(participating()) if value else queryset.exclude(participating())


class HouseholdViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Households (pseudonymised). Policy officers register and change; project leads read."""

    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    permission_required = {
        "GET": REGISTER_READ,
        "POST": REGISTER_WRITE,
        "PUT": REGISTER_WRITE,
        "PATCH": REGISTER_WRITE,
    }

    def get_queryset(self):
        return Household.objects.select_related("area").order_by("id")


class InterventionSerializer(serializers.ModelSerializer):
    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.all())
    intervention_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=InterventionType.objects.filter(is_active=True),
        error_messages={
            "does_not_exist": _("There is no intervention “{value}” in the catalogue.")
        },
    )
    version = serializers.IntegerField(required=False)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "household",
            "intervention_type",
            "start_date",
            "end_date",
            "actual_cost",
            "cost_deviation_reason",
            "status",
            "notes",
            "source",
            "version",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            if "household" in attrs and attrs["household"] != self.instance.household:
                raise serializers.ValidationError(
                    {"household": _("An intervention cannot move to another household.")}
                )
            attrs.pop("household", None)
            if "version" not in attrs:
                raise serializers.ValidationError(
                    {"version": _("Send the version you read, so that no one's changes are lost.")}
                )
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.intervention_create(
            created_by=self.context["request"].user, **validated_data
        )

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        return services.intervention_update(
            intervention=instance,
            expected_version=version,
            updated_by=self.context["request"].user,
            **validated_data,
        )


class InterventionFilter(django_filters.FilterSet):
    intervention_type = django_filters.CharFilter(field_name="intervention_type__code")
    started_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    started_until = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Intervention
        fields = ["household", "intervention_type", "status", "source"]


class InterventionViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Registered interventions. Changes need the version read (optimistic locking)."""

    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter
    permission_required = {
        "GET": REGISTER_READ,
        "POST": REGISTER_WRITE,
        "PUT": REGISTER_WRITE,
        "PATCH": REGISTER_WRITE,
    }

    def get_queryset(self):
        return Intervention.objects.select_related(
            "intervention_type", "created_by", "updated_by"
        ).order_by("id")

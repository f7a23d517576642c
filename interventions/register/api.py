"""API of the register (households and interventions).

Views stay thin: serializers parse input, the services in ``services.py`` validate and write.
A version conflict answers 409, a validation error 400 with a message per field. Every read of
household data is written to the access log (``siex.audit.api.AccessLoggedMixin``); the two
large lists page with a cursor and never count the register.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from interventions.catalogue.models import (
    InterventionType,
)
from monitoring.models import Area
from monitoring.selectors import current_districts
from siex.audit.api import AccessLoggedMixin
from siex.audit.masks import MASK, SEARCH_REFUSED
from siex.core.api import (
    KeysetPagination,
)

from . import services
from .models import Household, Intervention
from .pseudonyms import (
    BSN_REFUSED,
    looks_like_bsn,
    pseudonymise,
    validate_reference,
)
from .scopes import areas_in_scope, households_visible_to, interventions_visible_to
from .selectors import ParticipationStatus, participation_filter

REGISTER_READ = "interventions.view_household_data"
REGISTER_WRITE = "interventions.change_household_data"


VERSION_HELP = _("Required when changing: the version you read (optimistic locking).")
VERSION_MISSING = _("Send the version you read, so that no one's changes are lost.")


@extend_schema_field({"type": "string", "pattern": "^WK[0-9]{6}$"})
class DistrictField(serializers.SlugRelatedField):
    """A wijk of the current division, by its CBS code (as the register's forms offer), in the
    user's scope: an officer registers a household in, or moves one to, a wijk of their teams.
    The schema says what a wijk code looks like: the code of the municipality (GM0014) or of a
    buurt is no household's area."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return current_districts()
        return areas_in_scope(request.user, current_districts())


class VisibleHouseholdField(serializers.PrimaryKeyRelatedField):
    """A household the user may see (``scopes.households_visible_to``); any other does not
    exist for them."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Household.objects.none()
        return households_visible_to(request.user)


class VisibleInterventionField(serializers.PrimaryKeyRelatedField):
    """An intervention of a household the user may see."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Intervention.objects.none()
        return interventions_visible_to(request.user)


class HouseholdSerializer(serializers.ModelSerializer):
    external_reference = serializers.CharField(
        write_only=True,
        required=False,
        max_length=100,
        help_text=_(
            "The municipality's own reference; turned into the pseudonym and never stored."
        ),
    )
    area = DistrictField(
        slug_field="code",
        queryset=Area.objects.none(),
        help_text=_("CBS code of the district (wijk), e.g. WK001404."),
        error_messages={"does_not_exist": _("There is no district with code “{value}”.")},
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Household
        fields = [
            "id",
            "pseudonym",
            "external_reference",
            *services.HOUSEHOLD_EDITABLE_FIELDS,
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
                raise serializers.ValidationError({"version": VERSION_MISSING})
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.household_create(created_by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        return services.household_update(
            household=instance, expected_version=version, **validated_data
        )


class PseudonymPrefixField(forms.CharField):
    """The hex digits of a pseudonym are stored in lower case."""

    def to_python(self, value):
        return super().to_python(value).lower()


class PseudonymPrefixFilter(django_filters.CharFilter):
    field_class = PseudonymPrefixField


PSEUDONYM_PREFIX = RegexValidator(
    r"^[0-9a-fA-F]{4,64}$",
    _("Enter the start of a pseudonym: at least 4 characters, digits and the letters a to f."),
)


class HouseholdFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(
        field_name="area__code", help_text=_("CBS code of the district (wijk), e.g. WK001404.")
    )
    participation = django_filters.ChoiceFilter(
        method="filter_participation",
        choices=[
            (ParticipationStatus.PARTICIPATING, _("participating now")),
            (ParticipationStatus.ENDED, _("ended")),
            (ParticipationStatus.NOT_STARTED, _("not yet started")),
        ],
        help_text=_("Where the household stands in the programme today."),
    )
    intervention_type = django_filters.CharFilter(
        method="filter_intervention_type",
        help_text=_("Households that received this intervention (code from the catalogue)."),
    )
    pseudonym = PseudonymPrefixFilter(
        field_name="pseudonym",
        lookup_expr="startswith",
        validators=[PSEUDONYM_PREFIX],
        help_text=_("The start of the pseudonym, at least 4 characters."),
    )
    participation_start_from = django_filters.DateFilter(
        field_name="participation_start",
        lookup_expr="gte",
        help_text=_("Participation started on or after this date (YYYY-MM-DD)."),
    )
    participation_start_until = django_filters.DateFilter(
        field_name="participation_start",
        lookup_expr="lte",
        help_text=_("Participation started on or before this date (YYYY-MM-DD)."),
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("participation_start", "participation_start"),
            ("area__code", "area"),
            ("updated_at", "updated_at"),
            ("id", "id"),
        ),
        help_text=_(
            "Sort order, e.g. -participation_start (newest first, the default), area or "
            "updated_at; several separated by commas."
        ),
    )

    class Meta:
        model = Household
        fields = ["area", "income_source", "debt_situation", "legal_basis", "source"]

    def filter_participation(self, queryset, name, value: str):
        return queryset.filter(participation_filter(value))

    def filter_intervention_type(self, queryset, name, value: str):
        # A semi-join on the set of households that received it (each listed once), built once
        # from the type's index: a correlated EXISTS per household lets SQLite pick that same
        # index for every row and scan all registrations of the type 30,000 times.
        received = Intervention.objects.filter(intervention_type__code=value).values("household_id")
        return queryset.filter(pk__in=received)


class RefusesBsnMixin:
    """A list whose filters hold a value that looks like a BSN is refused (400, naming the
    parameter) before anything is searched; the access log records that a search was refused,
    never the value. SIEX neither stores nor searches for a BSN."""

    def list(self, request, *args, **kwargs):
        self.refuse_bsn_filters(request)
        return super().list(request, *args, **kwargs)

    def refuse_bsn_filters(self, request) -> None:
        refused = sorted(
            name
            for name, values in request.query_params.lists()
            if any(looks_like_bsn(value) for value in values)
        )
        if refused:
            self._log(
                request,
                action="search",
                object_ids=[],
                query=dict.fromkeys(refused, SEARCH_REFUSED),
                result_count=0,
            )
            raise ValidationError({name: [BSN_REFUSED] for name in refused})


REFERENCE_IN_ADDRESS = _(
    "A reference is not accepted in an address, because addresses end up in the logs of web "
    "servers and proxies. Search with POST /api/v1/households/search/ and "
    '{"reference": "..."} in the body.'
)


class HouseholdSearchSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=100,
        help_text=_(
            "The municipality's own reference; turned into the pseudonym and never stored or "
            "logged."
        ),
    )


class HouseholdSearchResultSerializer(serializers.Serializer):
    results = HouseholdSerializer(many=True, help_text=_("The household found, or none."))


class HouseholdViewSet(
    RefusesBsnMixin,
    AccessLoggedMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Households (pseudonymised). Policy officers register and change; project leads read.

    The list pages with a cursor (`next`/`previous`), newest participation first by default;
    every list, search and detail is written to the access log."""

    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    pagination_class = KeysetPagination
    permission_required = {
        "GET": REGISTER_READ,
        "POST": REGISTER_WRITE,
        "PUT": REGISTER_WRITE,
        "PATCH": REGISTER_WRITE,
    }

    def get_queryset(self):
        # A household outside the user's scope answers 404, as one that does not exist.
        return (
            households_visible_to(self.request.user)
            .select_related("area")
            .order_by("-participation_start", "-id")
        )

    def list(self, request, *args, **kwargs):
        self.refuse_bsn_filters(request)
        if "reference" in request.query_params:
            raise ValidationError({"reference": [REFERENCE_IN_ADDRESS]})
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=HouseholdSearchSerializer,
        responses=HouseholdSearchResultSerializer,
        summary="Find a household by the municipality's own reference",
    )
    @action(detail=False, methods=["post"], permission_required=REGISTER_READ)
    def search(self, request):
        """The household registered under the municipality's own reference, found through its
        pseudonym. The reference travels in the body, so it reaches no address or log; the
        access log records the search as `reference: ***`. A reference that looks like a BSN is
        refused (400), and the access log records that a search was refused."""
        reference = request.data.get("reference") if hasattr(request.data, "get") else None
        if isinstance(reference, str) and looks_like_bsn(reference):
            self._log(
                request,
                action="search",
                object_ids=[],
                query={"reference": SEARCH_REFUSED},
                result_count=0,
            )
            raise ValidationError({"reference": [BSN_REFUSED]})
        serializer = HouseholdSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pseudonym = pseudonymise(validate_reference(serializer.validated_data["reference"]))
        except DjangoValidationError as error:
            raise ValidationError({"reference": error.messages}) from None
        found = list(self.get_queryset().filter(pseudonym=pseudonym))
        self._log(
            request,
            action="search",
            object_ids=[household.pk for household in found],
            query={"reference": MASK},
            result_count=len(found),
        )
        return Response({"results": HouseholdSerializer(found, many=True).data})


class InterventionSerializer(serializers.ModelSerializer):
    household = VisibleHouseholdField(
        queryset=Household.objects.none(),
        help_text=_("Id of the household; an intervention cannot move to another household."),
        error_messages={"does_not_exist": _("There is no household with id {pk_value}.")},
    )
    intervention_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=InterventionType.objects.all(),
        help_text=_("Code of the intervention in the catalogue; it must be in use."),
        error_messages={
            "does_not_exist": _("There is no intervention “{value}” in the catalogue.")
        },
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    confirm_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_(
            "When registering: true adds the intervention even though the household already has a "
            "running intervention of the same type. Without it that is refused (400, under "
            "confirm_duplicate)."
        ),
    )
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    updated_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

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
            "confirm_duplicate",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "created_at", "updated_at"]

    def validate(self, attrs):
        intervention_type = attrs.get("intervention_type")
        newly_chosen = intervention_type is not None and (
            self.instance is None or intervention_type.pk != self.instance.intervention_type_id
        )
        if newly_chosen and not intervention_type.is_active:
            # The catalogue keeps a type taken out of use for the records that already have it.
            raise serializers.ValidationError(
                {
                    "intervention_type": _(
                        "“%(name)s” is no longer in use: it cannot be registered for a new "
                        "intervention."
                    )
                    % {"name": intervention_type.name_nl}
                }
            )
        if self.instance is not None:
            if "household" in attrs and attrs["household"] != self.instance.household:
                raise serializers.ValidationError(
                    {"household": _("An intervention cannot move to another household.")}
                )
            attrs.pop("household", None)
            if "version" not in attrs:
                raise serializers.ValidationError({"version": VERSION_MISSING})
        return attrs

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.intervention_create(
            created_by=self.context["request"].user, **validated_data
        )

    def update(self, instance, validated_data):
        version = validated_data.pop("version")
        validated_data.pop("confirm_duplicate", None)  # a rule of registering, not of changing
        return services.intervention_update(
            intervention=instance,
            expected_version=version,
            updated_by=self.context["request"].user,
            **validated_data,
        )


class InterventionFilter(django_filters.FilterSet):
    household = django_filters.NumberFilter(
        field_name="household_id", help_text=_("Id of the household.")
    )
    intervention_type = django_filters.CharFilter(
        field_name="intervention_type__code",
        help_text=_("Code of the intervention in the catalogue."),
    )
    start_date_from = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", help_text=_("Started on or after this date.")
    )
    start_date_until = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", help_text=_("Started on or before this date.")
    )
    end_date_from = django_filters.DateFilter(
        field_name="end_date", lookup_expr="gte", help_text=_("Ended on or after this date.")
    )
    end_date_until = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", help_text=_("Ended on or before this date.")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("start_date", "start_date"),
            ("updated_at", "updated_at"),
            ("household_id", "household"),
            ("id", "id"),
        ),
        help_text=_(
            "Sort order: -id (last registered first, the default), start_date, -start_date, "
            "household or updated_at."
        ),
    )

    class Meta:
        model = Intervention
        fields = ["household", "intervention_type", "status", "source"]


class InterventionViewSet(
    RefusesBsnMixin,
    AccessLoggedMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Registered interventions. Changes need the version read (optimistic locking).

    The list pages with a cursor, last registered first by default; every list, search and detail
    is written to the access log."""

    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter
    pagination_class = KeysetPagination
    permission_required = {
        "GET": REGISTER_READ,
        "POST": REGISTER_WRITE,
        "PUT": REGISTER_WRITE,
        "PATCH": REGISTER_WRITE,
    }

    def get_queryset(self):
        return (
            interventions_visible_to(self.request.user)
            .select_related("intervention_type", "created_by", "updated_by")
            .order_by("-id")
        )  # the primary key's index: no sort of 150,000 rows per page

    def perform_create(self, serializer):
        # Registering an intervention changes its household: the rules see that household.
        self.check_object_permissions(self.request, serializer.validated_data["household"])
        serializer.save()

"""Writes for the register: households and the interventions they receive.

Every write validates the whole record (``full_clean``) before it reaches the database, so bad
input becomes a ValidationError with a message per field, never a database error. Updates use
optimistic locking: the caller passes the version it read; if someone else saved in between, the
update is refused with a ConflictError and nothing is overwritten.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from interventions.catalogue.models import InterventionType
from siex.accounts.roles import Role
from siex.core.templatetags.siex import short_date
from siex.core.versioning import save_versioned

from .extensions import household_frozen
from .models import Household, Intervention, InterventionStatus, Source, Team
from .pseudonyms import pseudonymise, validate_reference

# --- Households -----------------------------------------------------------------------------------


def household_pseudonym_for(*, external_reference: str) -> str:
    """Validate a municipality reference and return its pseudonym (the reference is not kept)."""
    try:
        normalised = validate_reference(external_reference)
    except ValidationError as error:
        raise ValidationError({"external_reference": error.messages}) from error
    return pseudonymise(normalised)


@transaction.atomic
def household_create(
    *,
    external_reference: str,
    area,
    income_source: str,
    debt_situation: str,
    participation_start: date,
    legal_basis: str,
    adults: int = 1,
    children: int = 0,
    income_pct_social_minimum: Decimal | None = None,
    participation_end: date | None = None,
    consent_withdrawn_on: date | None = None,
    source: str = Source.MANUAL,
    created_by=None,
) -> Household:
    pseudonym = household_pseudonym_for(external_reference=external_reference)
    if Household.objects.filter(pseudonym=pseudonym).exists():
        raise ValidationError(
            {"external_reference": _("A household with this reference is already registered.")}
        )
    household = Household(
        pseudonym=pseudonym,
        area=area,
        adults=adults,
        children=children,
        income_pct_social_minimum=income_pct_social_minimum,
        income_source=income_source,
        debt_situation=debt_situation,
        participation_start=participation_start,
        participation_end=participation_end,
        legal_basis=legal_basis,
        consent_withdrawn_on=consent_withdrawn_on,
        source=source,
        created_by=created_by,
    )
    household.full_clean()
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as error:
        # Two officers registering the same reference at the same moment: the unique pseudonym
        # lets only one through.
        raise ValidationError(
            {"external_reference": _("A household with this reference is already registered.")}
        ) from error
    return household


#: What can change of a registered household (its pseudonym cannot), in the order of its form: the
#: forms, the API, the import and the demo population all use this one list.
HOUSEHOLD_EDITABLE_FIELDS = (
    "area",
    "adults",
    "children",
    "income_pct_social_minimum",
    "income_source",
    "debt_situation",
    "participation_start",
    "participation_end",
    "legal_basis",
    "consent_withdrawn_on",
)


def _no_intervention_before_participation(household: Household) -> None:
    first_start = (
        household.interventions.order_by("start_date").values_list("start_date", flat=True).first()
    )
    if first_start and first_start < household.participation_start:
        raise ValidationError(
            {
                "participation_start": _(
                    "The household has an intervention that starts on %(date)s, before this start "
                    "of participation."
                )
                % {"date": short_date(first_start)}
            }
        )


def household_refuse_if_frozen(household: Household) -> None:
    """A household that can no longer be changed (anonymised, see ``extensions``) refuses every
    change to itself and to what is registered about it."""
    if (reason := household_frozen(household)) is not None:
        raise ValidationError(reason)


def household_update(*, household: Household, expected_version: int, **changes) -> Household:
    unknown = set(changes).difference(HOUSEHOLD_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    household_refuse_if_frozen(household)
    return save_versioned(
        household,
        expected_version=expected_version,
        changes=changes,
        check=_no_intervention_before_participation,
    )


# --- Interventions --------------------------------------------------------------------------------


# A second intervention of a type the household already receives is most often the same one
# registered twice: it is added only when the one who adds it confirms that it is meant. The rule
# looks at interventions that run (active); the new one counts when it is planned or running.
DUPLICATE_CONFIRMATION = "confirm_duplicate"
DUPLICATE_CHECKED_STATUSES = frozenset({InterventionStatus.PLANNED, InterventionStatus.ACTIVE})


def duplicate_intervention_message(intervention_type: InterventionType, since: date) -> str:
    return _(
        "This household already has a running intervention %(name)s since %(date)s. Confirm that "
        "a second one is intended."
    ) % {"name": intervention_type.name_nl, "date": short_date(since)}


def _no_unconfirmed_duplicate(intervention: Intervention, *, confirmed: bool) -> None:
    if confirmed or intervention.status not in DUPLICATE_CHECKED_STATUSES:
        return
    running = (
        Intervention.objects.filter(
            household_id=intervention.household_id,
            intervention_type_id=intervention.intervention_type_id,
            status=InterventionStatus.ACTIVE,
        )
        .exclude(pk=intervention.pk)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    if running is not None:
        raise ValidationError(
            {
                DUPLICATE_CONFIRMATION: ValidationError(
                    duplicate_intervention_message(intervention.intervention_type, running),
                    code="duplicate",
                )
            }
        )


@transaction.atomic
def intervention_create(
    *,
    household: Household,
    intervention_type: InterventionType,
    start_date: date,
    end_date: date | None = None,
    actual_cost: Decimal | None = None,
    cost_deviation_reason: str = "",
    status: str = "active",
    notes: str = "",
    source: str = Source.MANUAL,
    created_by=None,
    confirm_duplicate: bool = False,
) -> Intervention:
    """Register an intervention. When the household already has a running intervention of the
    same type, a ValidationError under ``confirm_duplicate`` asks to confirm the second one;
    ``confirm_duplicate=True`` adds it."""
    household_refuse_if_frozen(household)
    intervention = Intervention(
        household=household,
        intervention_type=intervention_type,
        start_date=start_date,
        end_date=end_date,
        actual_cost=actual_cost,
        cost_deviation_reason=cost_deviation_reason,
        status=status,
        notes=notes,
        source=source,
        created_by=created_by,
        updated_by=created_by,
    )
    intervention.full_clean()
    # The household's row stays locked until the transaction ends: two officers adding the same
    # intervention at the same moment cannot both pass the check.
    Household.objects.select_for_update().filter(pk=household.pk).values_list("pk").first()
    _no_unconfirmed_duplicate(intervention, confirmed=confirm_duplicate)
    intervention.save()
    return intervention


#: What can change of a registered intervention (not its household), in the order of its form: the
#: forms and the import use this one list.
INTERVENTION_EDITABLE_FIELDS = (
    "intervention_type",
    "start_date",
    "end_date",
    "status",
    "actual_cost",
    "cost_deviation_reason",
    "notes",
)


def intervention_update(
    *, intervention: Intervention, expected_version: int, updated_by=None, **changes
) -> Intervention:
    unknown = set(changes).difference(INTERVENTION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    household_refuse_if_frozen(intervention.household)
    changes["updated_by"] = updated_by
    return save_versioned(intervention, expected_version=expected_version, changes=changes)


# --- Teams (need to know) -------------------------------------------------------------------------


@transaction.atomic
def team_save(*, team: Team | None, name: str, municipality_wide: bool, areas, members) -> Team:
    """Create or change a team of policy officers: its name, its wijken (or municipality-wide)
    and its members. Only policy officers are members: they see the households of its wijken."""
    outsiders = [
        user for user in members if not user.groups.filter(name=Role.POLICY_OFFICER).exists()
    ]
    if outsiders:
        raise ValidationError(
            {
                "members": _("Only policy officers are members of a team: %(names)s is not one.")
                % {"names": ", ".join(sorted(user.get_username() for user in outsiders))}
            }
        )
    team = team or Team()
    team.name = name
    team.municipality_wide = municipality_wide
    team.full_clean()
    team.save()
    team.areas.set(areas)
    team.members.set(members)
    return team


def user_teams_set(user, teams) -> None:
    """Put a policy officer in ``teams`` (and in no other); an account without the policy
    officer role is in no team."""
    teams = list(teams or [])
    if teams and not user.groups.filter(name=Role.POLICY_OFFICER).exists():
        raise ValidationError(
            {"teams": _("Only a policy officer is a member of a team: give the role as well.")}
        )
    user.teams.set(teams)
